"""What the portal tells people when an edition moves: each function queues its notices once the
current transaction commits (``notify_on_commit``), so nothing is announced for a change rolled back.

Each notice links to the page its reader acts on: the regency to its nominations, the kecamatan to its
home page (its checklist), the assessors to their sheets, everyone to the public results.
"""

from django.db.models import Q
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from assessments.models import Participant
from sp2k.accounts.models import DISTRICT_ROLES, Role, User
from sp2k.notices.models import Notice
from sp2k.notices.services import notify_on_commit


def _regency_admins(edition):
    return User.objects.filter(role=Role.REGENCY_ADMIN, regency__province_id=edition.province_id, is_active=True)


def _participants_people(edition):
    """The camats and operators of the edition's accepted participants and their regency admins."""
    accepted = Participant.objects.filter(edition=edition, status=Participant.Status.ACCEPTED)
    return User.objects.filter(is_active=True).filter(
        Q(role__in=DISTRICT_ROLES, district__in=accepted.values("district"))
        | Q(role=Role.REGENCY_ADMIN, regency__in=accepted.values("district__regency"))
    )


def _assessors(edition):
    return User.objects.filter(is_active=True, assessor_memberships__edition=edition)


def notify_nominations_open(edition):
    notify_on_commit(
        _regency_admins(edition),
        Notice.Kind.NOMINATIONS_OPEN,
        format_lazy(gettext_lazy("Nominations for {edition} are open"), edition=edition.name),
        format_lazy(
            gettext_lazy("Nominate your regency's kecamatan for {edition} on the portal."), edition=edition.name
        ),
        reverse("assessments:participant_list", args=[edition.pk]),
    )


def notify_nomination_decided(participant):
    """Tell the regency admins and the kecamatan's accounts that the province accepted or refused it."""
    edition = participant.edition
    people = User.objects.filter(is_active=True).filter(
        Q(role=Role.REGENCY_ADMIN, regency_id=participant.district.regency_id)
        | Q(role__in=DISTRICT_ROLES, district_id=participant.district_id)
    )
    if participant.is_accepted:
        subject = gettext_lazy("{kecamatan} was accepted in {edition}")
        text = gettext_lazy("The province accepted the nomination. Upload the evidence before the deadline.")
    else:
        subject = gettext_lazy("The nomination of {kecamatan} in {edition} was refused")
        text = format_lazy(gettext_lazy("Reason: {reason}"), reason=participant.decision_reason)
    notify_on_commit(
        people,
        Notice.Kind.NOMINATION_DECIDED,
        format_lazy(subject, kecamatan=participant.district.name, edition=edition.name),
        text,
        reverse("assessments:participant_list", args=[edition.pk]),
    )


def notify_sheets_assigned(stage, assessors):
    """Tell the assessors that sheets of ``stage`` wait for them."""
    notify_on_commit(
        assessors,
        Notice.Kind.SHEETS_ASSIGNED,
        format_lazy(
            gettext_lazy("Score sheets of {stage} ({edition}) are assigned to you"),
            stage=stage.name,
            edition=stage.edition.name,
        ),
        gettext_lazy("Open your score sheets to start scoring."),
        reverse("assessments:my_sheets"),
    )


def notify_results_published(edition):
    notify_on_commit(
        (_participants_people(edition) | _assessors(edition)).distinct(),
        Notice.Kind.RESULTS_PUBLISHED,
        format_lazy(gettext_lazy("The results of {edition} are published"), edition=edition.name),
        gettext_lazy("The final ranking and the awards are on the public results page."),
        reverse("results:edition_results", args=[edition.pk]),
    )


def notify_publication_withdrawn(edition, transition):
    notify_on_commit(
        (_participants_people(edition) | _assessors(edition)).distinct(),
        Notice.Kind.RESULTS_WITHDRAWN,
        format_lazy(gettext_lazy("The results of {edition} were withdrawn"), edition=edition.name),
        format_lazy(gettext_lazy("Reason: {reason}"), reason=transition.reason),
        reverse("results:edition_results", args=[edition.pk]),
    )
