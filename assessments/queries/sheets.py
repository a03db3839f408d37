"""Reads for score sheets: an assessor's list, one sheet's layout, a stage's progress, score history.

Each function uses a fixed number of queries, whatever the number of participants or assessors.
"""

from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from django.db.models import Count, Exists, OuterRef, Prefetch, Subquery

from assessments.domain.conflicts import with_conflict_flags, without_conflicts
from assessments.domain.evidence import current_files, evidence_by_indicator
from assessments.domain.ranking import counted_sheets, with_totals
from assessments.models import (
    Aspect,
    Assignment,
    Indicator,
    RubricLevel,
    Score,
    ScoreChange,
    ScoreSheet,
    StageEntry,
)


class SheetState(StrEnum):
    """Where an assignment's sheet stands; templates ask the predicates, never the string."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    EXCLUDED = "excluded"

    @property
    def is_not_started(self):
        return self is SheetState.NOT_STARTED

    @property
    def is_in_progress(self):
        return self is SheetState.IN_PROGRESS

    @property
    def is_submitted(self):
        return self is SheetState.SUBMITTED

    @property
    def is_excluded(self):
        return self is SheetState.EXCLUDED


def _with_conflict_and_sheet(assignments):
    """Annotate assignments with ``home_conflict``/``declared_conflict`` and their sheet's ``sheet_pk`` /
    ``sheet_status``."""
    sheets = ScoreSheet.objects.filter(
        stage=OuterRef("stage"), assessor=OuterRef("assessor"), participant=OuterRef("participant")
    )
    return with_conflict_flags(assignments).annotate(
        sheet_pk=Subquery(sheets.values("pk")[:1]),
        sheet_status=Subquery(sheets.values("status")[:1]),
    )


def _state(row):
    if row.declared_conflict or row.home_conflict:
        return SheetState.EXCLUDED
    if row.sheet_status == ScoreSheet.Status.SUBMITTED:
        return SheetState.SUBMITTED
    if row.sheet_pk:
        return SheetState.IN_PROGRESS
    return SheetState.NOT_STARTED


def assessor_assignments(assessor):
    """The assessor's assignments, by edition and stage, each with ``state`` and ``sheet_pk``.

    Only assignments of participants that take part in the stage are listed.
    """
    entries = StageEntry.objects.filter(stage=OuterRef("stage"), participant=OuterRef("participant"))
    rows = list(
        _with_conflict_and_sheet(Assignment.objects.filter(assessor=assessor))
        .filter(Exists(entries))
        .select_related("stage__edition", "participant__district__regency")
        .order_by("-stage__edition__year", "stage__edition__name", "stage__order", "participant__district__name")
    )
    for row in rows:
        row.state = _state(row)
    return rows


@dataclass
class SheetLayout:
    aspects: list
    total: Decimal
    scored: int
    count: int
    unsupported: int = 0  # scores on indicators that require evidence, where the kecamatan uploaded none


def sheet_layout(sheet):
    """The sheet's aspects with their indicators (levels prefetched), each indicator with ``score``,
    ``current_evidence`` (the kecamatan's current files for it) and ``evidence_missing`` (scored, though
    it requires evidence and none was uploaded: whether the score came from the page or from Excel)."""

    scores = {score.indicator_id: score for score in Score.objects.filter(sheet=sheet)}
    evidence = evidence_by_indicator(sheet.participant, sheet.stage)
    aspects = list(
        Aspect.objects.filter(stage_id=sheet.stage_id)
        .order_by("order")
        .prefetch_related(
            Prefetch(
                "indicators",
                queryset=Indicator.objects.order_by("order").prefetch_related(
                    Prefetch("levels", queryset=RubricLevel.objects.order_by("value"))
                ),
            )
        )
    )
    count = unsupported = 0
    for aspect in aspects:
        for indicator in aspect.indicators.all():
            indicator.score = scores.get(indicator.pk)
            indicator.current_evidence = evidence.get(indicator.pk, [])
            indicator.evidence_missing = lacks_evidence(indicator, indicator.score, indicator.current_evidence)
            unsupported += indicator.evidence_missing
            count += 1
    scored = sum(1 for score in scores.values() if score.value is not None)
    return SheetLayout(aspects=aspects, total=sheet_total(sheet), scored=scored, count=count, unsupported=unsupported)


def sheet_entry(sheet):
    """The sheet's participant at its stage, as the object of ``download_stage_evidence`` (no query)."""
    return StageEntry(stage=sheet.stage, participant=sheet.participant)


def lacks_evidence(indicator, score, files):
    """Whether ``score`` is a value on an indicator that requires evidence, with no current ``files``."""
    return bool(indicator.requires_evidence and score is not None and score.value is not None and not files)


def total_after(sheet, indicator, old_value, new_value):
    """The total of a sheet of ``scoring.sheets_for_saving`` once ``indicator`` (``scoring.saving_indicator``)
    went from ``old_value`` to ``new_value``: its maintained total moved by the points' difference times
    ``point_value``, rounded to 4 places as ``sheet_total`` is (no query)."""

    def points(value):
        return Decimal(0) if value is None else Decimal(value) - indicator.scale_min

    moved = Decimal(sheet.weighted_total) + (points(new_value) - points(old_value)) * Decimal(indicator.point_value)
    return moved.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def score_lacks_evidence(sheet, indicator, score):
    """``lacks_evidence`` for one saved score (the answer to an autosave): at most one query (none for an
    indicator of ``scoring.saving_indicator``)."""
    if not indicator.requires_evidence or score is None or score.value is None:
        return False
    if hasattr(indicator, "has_evidence"):
        return not indicator.has_evidence
    return not current_files().filter(participant_id=sheet.participant_id, indicator=indicator).exists()


def unsupported_scores(stage):
    """``{participant_id: N}``: per participant of the stage, how many scores of the sheets its ranking counts
    (submitted, by assessors without a conflict of interest) are values on indicators that require evidence
    where the kecamatan has no current file. Participants without any are left out. One query, in the
    database (``Exists`` per score), whatever the number of participants."""
    files = current_files().filter(participant=OuterRef("sheet__participant"), indicator=OuterRef("indicator"))
    rows = (
        Score.objects.filter(
            sheet__in=counted_sheets(stage=stage),
            indicator__requires_evidence=True,
            value__isnull=False,
        )
        .exclude(Exists(files))
        .values("sheet__participant")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["sheet__participant"]: row["n"] for row in rows}


def with_evidence_flags(rows, stage):
    """The ranking's rows, each with ``unsupported``: its count of ``unsupported_scores`` (0 when none)."""
    counts = unsupported_scores(stage)
    for row in rows:
        row.unsupported = counts.get(row.participant.pk, 0)
    return rows


def sheet_total(sheet):
    """The sheet's weighted total on 0–100 as the rankings compute it (unscored indicators count 0).

    The one formula (``ranking.weighted`` through ``with_totals``), rounded to 4 places; the score
    sheet shows it on the page and again after every autosave, so its live total is this figure.
    """
    return with_totals(ScoreSheet.objects.filter(pk=sheet.pk)).values_list("total", flat=True).get()


@dataclass
class Progress:
    participants: list
    rows: list  # (assessor, [(participant, its cell state or None) per participant])
    counts: Counter = field(default_factory=Counter)


def stage_progress(stage):
    """The stage's assessors × participants matrix of sheet states, and how many of each."""
    participants = [
        entry.participant
        for entry in StageEntry.objects.filter(stage=stage)
        .select_related("participant__district__regency")
        .order_by("participant__district__regency__name", "participant__district__name")
    ]
    assignments = list(_with_conflict_and_sheet(Assignment.objects.filter(stage=stage)).select_related("assessor"))
    column = {participant.pk: i for i, participant in enumerate(participants)}
    by_assessor = {}
    counts = Counter()
    for row in assignments:
        if row.participant_id not in column:
            continue
        assessor, cells = by_assessor.setdefault(row.assessor_id, (row.assessor, [None] * len(participants)))
        state = _state(row)
        cells[column[row.participant_id]] = state
        counts[state] += 1
    counts["missing"] = counts[SheetState.NOT_STARTED] + counts[SheetState.IN_PROGRESS]
    rows = [
        (assessor, list(zip(participants, cells, strict=True)))
        for assessor, cells in sorted(by_assessor.values(), key=lambda pair: (pair[0].full_name.lower(), pair[0].pk))
    ]
    return Progress(participants=participants, rows=rows, counts=counts)


def participant_history(participant):
    """Every recorded score change of the participant, oldest first, with who, where and what."""
    return (
        ScoreChange.objects.filter(sheet__participant=participant)
        .select_related("by", "indicator__aspect", "sheet__stage", "sheet__assessor")
        .order_by("at", "pk")
    )


def assessor_stage_sheets(stage, assessor):
    """(participant, sheet or None) for every participant the assessor scores at the stage, no conflicts."""
    return list(
        _with_conflict_and_sheet(without_conflicts(Assignment.objects.filter(stage=stage, assessor=assessor)))
        .filter(Exists(StageEntry.objects.filter(stage=OuterRef("stage"), participant=OuterRef("participant"))))
        .select_related("participant__district__regency")
        .order_by("participant__district__regency__name", "participant__district__name")
    )
