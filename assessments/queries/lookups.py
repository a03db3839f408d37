"""The one tenant-scoped lookup of an edition, or of anything of an edition, named in a URL.

Provinces are separate tenants: an edition the user may not see (``editions_visible_to``), and every
stage, participant, sheet, document... of it, does not exist for that user (404), whatever its id and
before any permission is asked. A permission refusal (403) is only ever about an object the user may see.
"""

from django.db.models import Q
from django.shortcuts import get_object_or_404

from assessments.models import (
    AwardCategory,
    Document,
    DocumentJob,
    Edition,
    EvidenceFile,
    Participant,
    ResultsVerification,
    ScoreSheet,
    Stage,
    StageAdvance,
)
from assessments.queries.editions import editions_visible_to

# How each model reached by a URL leads to its edition (the tenant); "" for the edition itself.
EDITION_PATHS = {
    Edition: "",
    Stage: "edition",
    Participant: "edition",
    ScoreSheet: "stage__edition",
    StageAdvance: "from_stage__edition",
    AwardCategory: "edition",
    Document: "edition",
    DocumentJob: "edition",
    EvidenceFile: "participant__edition",
    ResultsVerification: "edition",
}


def visible_to(user, queryset, *, public_when_published=False):
    """The objects of ``queryset`` whose edition the user may see.

    ``public_when_published`` adds every published edition: for the pages the public sees once the
    results are published (rankings, public evidence), whoever asks.
    """

    if isinstance(queryset, type):
        queryset = queryset._default_manager.all()
    path = EDITION_PATHS[queryset.model]
    prefix = f"{path}__" if path else ""
    visible = Q(**{f"{prefix}pk__in": editions_visible_to(user).values("pk")})
    if public_when_published:
        visible |= Q(**{f"{prefix}state__in": Edition.PUBLISHED_STATES})
    return queryset.filter(visible)


def visible_object_or_404(user, queryset, *, public_when_published=False, **lookup):
    """The one object of ``queryset`` matching ``lookup`` if the user may see its edition; else Http404."""

    return get_object_or_404(visible_to(user, queryset, public_when_published=public_when_published), **lookup)
