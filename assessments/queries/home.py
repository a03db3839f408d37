"""Reads for the home pages (dasbor) of the competition's roles: what each has to do next.

Every figure is counted in the database, in a fixed number of queries whatever the number of
participants, assessors, sheets or evidence files (``sp2k.dashboards`` composes the pages).
"""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef

from assessments.domain.conflicts import without_conflicts
from assessments.domain.evidence import entry_status
from assessments.domain.workflow import FORWARD, move_label, precondition_problems
from assessments.models import (
    Assignment,
    Edition,
    EvidenceFile,
    Indicator,
    Participant,
    ScoreSheet,
    Stage,
    StageEntry,
)

# --- sheets: assigned, started and submitted per stage and assessor ---


@dataclass
class SheetCounts:
    assigned: int = 0  # sheets to score (conflicts of interest left out, only the stage's participants)
    started: int = 0
    submitted: int = 0

    @property
    def in_progress(self):
        return self.started - self.submitted

    @property
    def not_started(self):
        return self.assigned - self.started

    @property
    def remaining(self):
        return self.assigned - self.submitted

    def add(self, other):
        self.assigned += other.assigned
        self.started += other.started
        self.submitted += other.submitted


@dataclass
class AssessorProgress:
    name: str
    counts: SheetCounts


@dataclass
class StageProgress:
    stage: Stage
    counts: SheetCounts = field(default_factory=SheetCounts)
    assessors: list = field(default_factory=list)  # AssessorProgress, by name


def sheet_counts_by_stage_and_assessor(stages):
    """``{(stage_id, assessor_id): (assessor name, SheetCounts)}`` for the given stages, in one query."""
    entries = StageEntry.objects.filter(stage=OuterRef("stage"), participant=OuterRef("participant"))
    sheets = ScoreSheet.objects.filter(
        stage=OuterRef("stage"), assessor=OuterRef("assessor"), participant=OuterRef("participant")
    )
    rows = (
        without_conflicts(Assignment.objects.filter(stage__in=stages))
        .filter(Exists(entries))
        .values("stage", "assessor", "assessor__full_name", "assessor__username")
        .annotate(
            assigned=Count("pk"),
            started=Count("pk", filter=Exists(sheets)),
            submitted=Count("pk", filter=Exists(sheets.filter(status=ScoreSheet.Status.SUBMITTED))),
        )
        .order_by()
    )
    return {
        (row["stage"], row["assessor"]): (
            row["assessor__full_name"] or row["assessor__username"],
            SheetCounts(row["assigned"], row["started"], row["submitted"]),
        )
        for row in rows
    }


# --- evidence: required indicators with at least one current file ---


def required_evidence_counts(editions):
    """``{edition_id: number of indicators that ask for evidence}`` in one query."""
    rows = (
        Indicator.objects.filter(requires_evidence=True, aspect__stage__edition__in=editions)
        .values("aspect__stage__edition")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["aspect__stage__edition"]: row["n"] for row in rows}


def evidence_done_counts(participants):
    """``{participant_id: required indicators with a current file}`` in one query."""
    rows = (
        EvidenceFile.objects.filter(
            participant__in=participants,
            indicator__requires_evidence=True,
            replaced_by__isnull=True,
            withdrawn_at__isnull=True,
        )
        .values("participant")
        .annotate(n=Count("indicator", distinct=True))
        .order_by()
    )
    return {row["participant"]: row["n"] for row in rows}


@dataclass
class EntryProgress:
    """A kecamatan's entry in an edition: its evidence checklist so far and its deadline."""

    participant: Participant
    required: int
    done: int
    status: object  # evidence.EntryStatus: editable, reason, deadline, submission

    @property
    def edition(self):
        return self.participant.edition

    @property
    def missing(self):
        return max(self.required - self.done, 0)

    @property
    def complete(self):
        return self.done >= self.required

    @property
    def submitted(self):
        return bool(self.status.submission and self.status.submission.submitted_at)


def _entries(participants):
    participants = list(participants)
    required = required_evidence_counts({p.edition_id for p in participants})
    done = evidence_done_counts([p.pk for p in participants])
    return [EntryProgress(p, required.get(p.edition_id, 0), done.get(p.pk, 0), entry_status(p)) for p in participants]


def district_entries(district_code):
    """The kecamatan's entries (announced editions, nomination not rejected, results not yet published),
    each with its evidence progress and deadline. Three queries."""
    participants = (
        Participant.objects.filter(district_id=district_code)
        .filter(edition__in=Edition.objects.announced().exclude(state__in=Edition.PUBLISHED_STATES))
        .exclude(status__in=Participant.INACTIVE_STATUSES)
        .select_related("edition", "district", "submission")
        .order_by("-edition__year", "edition__name")
    )
    return _entries(participants)


# --- the regency admin: nominations and its kecamatan's evidence ---


@dataclass
class RegencyEdition:
    edition: Edition
    first_stage: object  # Stage or None: its start is when nominations close at the latest
    entries: list  # EntryProgress of the regency's nominated kecamatan
    used: int  # nominations that count against the quota (not rejected)

    @property
    def quota_left(self):
        return max(self.edition.nomination_quota - self.used, 0)


def regency_editions(regency):
    """The editions of the regency's province that it follows (announced, not yet published), each with
    its nominated kecamatan and their evidence progress. Five queries."""
    editions = list(
        Edition.objects.filter(province_id=regency.province_id)
        .announced()
        .exclude(state__in=Edition.PUBLISHED_STATES)
        .order_by("-year", "name")
    )
    first_stages = {}
    for stage in Stage.objects.filter(edition__in=editions).order_by("edition", "-order"):
        first_stages[stage.edition_id] = stage  # the lowest order wins (last written)
    participants = (
        Participant.objects.filter(edition__in=editions, district__regency=regency)
        .select_related("edition", "district", "submission")
        .order_by("district__name")
    )
    by_edition = {}
    for entry in _entries(participants):
        by_edition.setdefault(entry.participant.edition_id, []).append(entry)
    result = []
    for edition in editions:
        entries = by_edition.get(edition.pk, [])
        used = sum(1 for e in entries if e.participant.is_active_nomination)
        result.append(RegencyEdition(edition, first_stages.get(edition.pk), entries, used))
    return result


# --- the province admin: each edition's state, progress and what blocks its next step ---


@dataclass
class EditionOverview:
    edition: Edition
    nominations: dict  # status value -> count
    stages: list  # StageProgress, in order
    next_label: str = ""  # the next forward move ("Start the assessment"), if any
    problems: list = field(default_factory=list)  # what stops that move now

    @property
    def nominated(self):
        return self.nominations.get(Participant.Status.NOMINATED, 0)

    @property
    def accepted(self):
        return self.nominations.get(Participant.Status.ACCEPTED, 0)

    @property
    def rejected(self):
        return self.nominations.get(Participant.Status.REJECTED, 0)


def province_editions(province_code):
    """The province's editions not yet published, newest first, each with its nominations, its progress
    per stage and per assessor, and what blocks its next step.

    Four queries for the figures, whatever the number of participants, assessors and sheets, plus the
    next move's checks (``workflow.precondition_problems``: a few per edition, by its stages).
    """
    editions = list(
        Edition.objects.filter(province_id=province_code)
        .exclude(state__in=Edition.PUBLISHED_STATES)
        .order_by("-year", "name")
    )
    stages = list(Stage.objects.filter(edition__in=editions).order_by("edition", "order"))
    counts = sheet_counts_by_stage_and_assessor(stages)
    nominations = {}
    for row in (
        Participant.objects.filter(edition__in=editions).values("edition", "status").annotate(n=Count("pk")).order_by()
    ):
        nominations.setdefault(row["edition"], {})[row["status"]] = row["n"]
    progress = {stage.pk: StageProgress(stage) for stage in stages}
    for (stage_id, _assessor_id), (name, sheet_counts) in counts.items():
        progress[stage_id].counts.add(sheet_counts)
        progress[stage_id].assessors.append(AssessorProgress(name, sheet_counts))
    for item in progress.values():
        item.assessors.sort(key=lambda a: a.name.lower())
    overviews = []
    for edition in editions:
        overview = EditionOverview(
            edition,
            nominations.get(edition.pk, {}),
            [progress[s.pk] for s in stages if s.edition_id == edition.pk],
        )
        to_state = FORWARD.get(edition.state)
        if to_state:
            overview.next_label = move_label(edition.state, to_state)
            overview.problems = precondition_problems(edition, to_state)
        overviews.append(overview)
    return overviews


def published_editions(province_code):
    return Edition.objects.filter(province_id=province_code).published().order_by("-year", "name")
