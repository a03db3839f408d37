"""Reads for the verification pages: an edition's frozen rules, its latest replay and the hashes kept at publication."""

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch
from django.utils.translation import gettext as _

from assessments.domain import ranking, replay
from assessments.models import Aspect, Edition, PublishedHistory, ResultsVerification, Stage


@dataclass
class Rules:
    """What the replay applies: the edition's rules as they were frozen (published) or stand (before)."""

    aggregation: str
    aggregation_note: str
    final_score: str
    final_note: str
    stages: list  # Stage objects with ``aspect_list`` (each with ``indicator_count``)
    tie_breaks: list = field(default_factory=list)  # in the order they apply


def edition_rules(edition):
    """The edition's rules for the pages (2 queries)."""
    aspects = Aspect.objects.annotate(indicator_count=Count("indicators")).order_by("order")
    stages = list(
        Stage.objects.filter(edition=edition)
        .order_by("order")
        .prefetch_related(Prefetch("aspects", queryset=aspects, to_attr="aspect_list"))
    )
    tie_breaks = [_("the last stage's score")]
    if edition.tie_break_previous_stage:
        tie_breaks.append(_("the previous stage's score"))
    if edition.tie_break_aspect:
        tie_breaks.append(_("the score on the aspect “%(aspect)s”") % {"aspect": edition.tie_break_aspect})
    return Rules(
        aggregation=edition.get_aggregation_display(),
        aggregation_note=str(ranking.METHOD_NOTES[edition.aggregation]),
        final_score=edition.get_final_score_display(),
        final_note=str(ranking.final_score_note(edition)),
        stages=stages,
        tie_breaks=tie_breaks,
    )


@dataclass
class VerificationPage:
    edition: Edition
    rules: Rules
    run: ResultsVerification | None
    differences: list
    published: PublishedHistory | None
    weighted: bool


def verification_page(edition, published=False):
    """Everything a verification page shows; ``published``: the public page (the replays of the publication)."""
    run = replay.latest_verification(edition, published=published)
    history = PublishedHistory.objects.filter(edition=edition).first() if edition.is_published else None
    return VerificationPage(
        edition=edition,
        rules=edition_rules(edition),
        run=run,
        differences=replay.differences_of(run) if run and run.is_done else [],
        published=history,
        weighted=edition.final_score == Edition.FinalScore.WEIGHTED_STAGES,
    )
