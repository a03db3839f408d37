"""Reads of the comment rounds on the draft criteria: for the province (the comments beside its criteria
editor, the round on the edition page) and for the regencies and kecamatan (the rounds open to them and
their own comments). Each read is a fixed number of queries whatever the number of indicators,
comments or accounts."""

from dataclasses import dataclass, field

from django.db.models import Count, F, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from assessments.models import Aspect, CommentRound, CriterionComment, Edition, Indicator, Stage
from assessments.queries.editions import editions_visible_to
from sp2k.accounts.models import DISTRICT_ROLES, Role

COMMENTER_ROLES = (Role.REGENCY_ADMIN, *DISTRICT_ROLES)


def open_rounds():
    """Rounds in which comments may be written now (the database's side of ``CommentRound.is_open``)."""
    return CommentRound.objects.filter(
        closed_at__isnull=True, closes_on__gte=timezone.localdate(), edition__state=Edition.State.DRAFT
    )


def open_rounds_for(user):
    """The open rounds of the commenter's province, each with how many comments the user wrote in it."""
    if not (user.is_authenticated and user.role in COMMENTER_ROLES and user.scope_province_id):
        return []
    return list(
        open_rounds()
        .filter(edition__province_id=user.scope_province_id)
        .select_related("edition")
        .annotate(
            own_comments=Count("comments", filter=Q(comments__author=user), distinct=True),
            indicator_count=Count("edition__stages__aspects__indicators", distinct=True),
        )
        .order_by("closes_on", "pk")
    )


def comment_edition_or_404(user, edition_pk):
    """The edition of a comment page: one the user sees anyway, or (for a regency or kecamatan account) a
    draft of its province that has been opened for comment. Anything else does not exist for the user."""
    visible = Q(pk__in=editions_visible_to(user).values("pk"))
    if user.is_authenticated and user.role in COMMENTER_ROLES and user.scope_province_id:
        visible |= Q(province_id=user.scope_province_id, comment_rounds__isnull=False)
    return get_object_or_404(Edition.objects.filter(visible).select_related("province").distinct(), pk=edition_pk)


def current_round(edition):
    """The edition's round not closed by the province, else its latest one (None when there is none)."""
    return (
        CommentRound.objects.filter(edition=edition)
        .select_related("edition", "opened_by", "closed_by")
        .order_by(F("closed_at").asc(nulls_first=True), "-opened_at", "-pk")
        .annotate(comment_count=Count("comments"), author_count=Count("comments__author", distinct=True))
        .first()
    )


@dataclass
class CommentStage:
    stage: Stage
    aspects: list = field(default_factory=list)


def criteria_with_own_comments(round_, author):
    """The edition's stages → aspects → indicators, each indicator with ``own_comment`` (or None)."""
    own = Prefetch(
        "draft_comments",
        queryset=CriterionComment.objects.filter(round=round_, author=author),
        to_attr="own_comments",
    )
    indicators = Prefetch("indicators", queryset=Indicator.objects.order_by("order").prefetch_related("levels", own))
    stages = (
        Stage.objects.filter(edition_id=round_.edition_id)
        .order_by("order")
        .prefetch_related(Prefetch("aspects", queryset=Aspect.objects.order_by("order").prefetch_related(indicators)))
    )
    result = []
    for stage in stages:
        for aspect in stage.aspects.all():
            for indicator in aspect.indicators.all():
                indicator.own_comment = indicator.own_comments[0] if indicator.own_comments else None
        result.append(CommentStage(stage=stage, aspects=list(stage.aspects.all())))
    return result


def stage_comments(stage, aspects=()):
    """The comments of every round of the edition on the stage's indicators, for the criteria editor:
    each indicator of ``aspects`` (the page's, with their indicators prefetched) gets ``draft_comment_list``
    (oldest first, each with its author, regency, kecamatan and round), and the page gets the current
    round and the count. Two queries, whatever the number of comments."""
    comments = list(
        CriterionComment.objects.filter(indicator__aspect__stage=stage)
        .select_related("author", "regency", "district", "round")
        .order_by("indicator_id", "round__opened_at", "created_at", "pk")
    )
    grouped = {}
    for comment in comments:
        grouped.setdefault(comment.indicator_id, []).append(comment)
    for aspect in aspects:
        for indicator in aspect.indicators.all():
            indicator.draft_comment_list = grouped.get(indicator.pk, [])
    return {
        "round": current_round(stage.edition),
        "count": len(comments),
    }


def edition_panel(edition):
    """The edition page's comment box for the province: the current round (with its counts), and
    whether a round can be opened (a draft with none open)."""
    round_ = current_round(edition)
    return {
        "round": round_,
        "can_open": edition.is_draft and (round_ is None or round_.closed_at is not None),
        "today": timezone.localdate(),
    }
