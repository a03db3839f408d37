"""When things happened in the example 2022 edition: every date in the competition's own year.

The domain functions stamp "now"; this is historical example data, so the demo builders write these
moments directly. The fixed points follow Jawa Timur's real 2022 competition (domain brief):
presentations 2–4 November 2022, field visits 16–25 November 2022 (Tongas first, on 16 November),
the governor's decree of 21 December 2022, the awards handed over on 28 December 2022. The other
moments (nominations, evidence, the desk stage) are examples that fit around them.

``date_example_edition`` sets the moments of the rows the domain functions stamped (state changes,
awards, evidence, visits, notices); it writes fixed values only, so running it twice changes nothing.
The score history is append-only (PostgreSQL refuses any UPDATE of it): the builder writes its
moments when it creates the rows, inside ``given_moments``.
"""

import datetime
from contextlib import contextmanager
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Q

from assessments.models import (
    Award,
    Decree,
    Edition,
    EditionTransition,
    EntryEvent,
    EntrySubmission,
    EvidenceFile,
    FieldVisit,
    Participant,
    StageAdvance,
    StageEntry,
)
from sp2k.notices.models import Notice

WIB = ZoneInfo("Asia/Jakarta")


def at(month, day, hour=9, minute=0, year=2022):
    """A moment of the 2022 competition, in Surabaya's time (WIB)."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=WIB)


CREATED = at(8, 1, 10)
# The edition's state changes: (from, to, when).
MOVES = [
    (Edition.State.DRAFT, Edition.State.NOMINATION, at(8, 15, 9)),
    (Edition.State.NOMINATION, Edition.State.ASSESSMENT, at(10, 3, 8)),
    (Edition.State.ASSESSMENT, Edition.State.FINAL, at(11, 30, 15)),
    (Edition.State.FINAL, Edition.State.PUBLISHED, at(12, 28, 13)),
]
NOMINATIONS_FROM = at(8, 22, 9)  # the regencies nominate over the following days
DECIDED = at(9, 12, 10)
EVIDENCE_FROM = at(9, 1, 9)
EVIDENCE_DEADLINE = at(9, 30, 23, 59)
ENTRIES_SUBMITTED = at(9, 29, 15)
DESK_SHEETS_FROM = at(10, 10, 10)
PRESENTATION_DAYS = [datetime.date(2022, 11, day) for day in (2, 3, 4)]
# Shortlists: the desk stage's (into the presentations) and the presentations' (into the field visits).
ADVANCED = {1: at(10, 24, 10), 2: at(11, 7, 10)}
VISITS_PLANNED = at(11, 8, 14)
# The field visits, in the order they happened (Tongas first on 16 November 2022, domain brief).
VISIT_DAYS = {
    "35.13.23": datetime.date(2022, 11, 16),
    "35.28.04": datetime.date(2022, 11, 18),
    "35.79.02": datetime.date(2022, 11, 21),
    "35.15.13": datetime.date(2022, 11, 23),
    "35.10.13": datetime.date(2022, 11, 25),
}
VISIT_START = datetime.time(9, 0)
VISIT_END = datetime.time(13, 0)
AWARDS_CONFIRMED = at(12, 19, 11)
DECREE_SIGNED = at(12, 21, 10)
PUBLISHED = MOVES[-1][2]


@contextmanager
def given_moments(*fields):
    """Inside, the given ``auto_now``/``auto_now_add`` fields keep the moment the builder sets instead of
    stamping "now" (for the historical rows of the example; the management command runs alone)."""
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f, _now, _add in saved:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, now, add in saved:
            f.auto_now, f.auto_now_add = now, add


def sheet_moment(stage_order, participant_index, assessor_index, visit_day=None):
    """When an assessor submitted a sheet: desk sheets over two weeks of October, presentation sheets on
    the day the kecamatan presented (ten a day, 2–4 November), field-visit sheets on the visit's day."""
    if stage_order == 1:
        day = DESK_SHEETS_FROM + datetime.timedelta(days=participant_index % 12)
        return day + datetime.timedelta(minutes=20 * assessor_index)
    if stage_order == 2:
        day = PRESENTATION_DAYS[min(participant_index // 10, 2)]
        slot = participant_index % 10
        return datetime.datetime.combine(day, datetime.time(8 + slot // 2, 30 * (slot % 2)), WIB) + datetime.timedelta(
            minutes=45 + 2 * assessor_index
        )
    day = visit_day or VISIT_DAYS["35.10.13"]
    return datetime.datetime.combine(day, VISIT_END, WIB) + datetime.timedelta(minutes=30 + 5 * assessor_index)


def nomination_moment(index):
    """The regencies' nominations, a few a day over the week from 22 August 2022."""
    return NOMINATIONS_FROM + datetime.timedelta(days=index % 7, minutes=37 * index)


@transaction.atomic
def date_example_edition(edition):
    """Every moment of the example 2022 edition that a domain function stamped "now", set in 2022."""
    Edition.objects.filter(pk=edition.pk).update(created_at=CREATED, evidence_deadline=EVIDENCE_DEADLINE)
    for from_state, to_state, moment in MOVES:
        EditionTransition.objects.filter(edition=edition, from_state=from_state, to_state=to_state).update(at=moment)
    participants = list(
        Participant.objects.filter(edition=edition).order_by("district_id").values_list("pk", flat=True)
    )
    for index, pk in enumerate(participants):
        Participant.objects.filter(pk=pk).update(nominated_at=nomination_moment(index), decided_at=DECIDED)
    stages = list(edition.stages.order_by("order"))
    for stage in stages:
        moment = ADVANCED.get(stage.order - 1, MOVES[1][2])
        StageEntry.objects.filter(stage=stage).update(advanced_at=moment)
        StageAdvance.objects.filter(from_stage=stage).update(at=ADVANCED.get(stage.order, moment))
    FieldVisit.objects.filter(stage__edition=edition).update(planned_at=VISITS_PLANNED, updated_at=VISITS_PLANNED)
    Award.objects.filter(category__edition=edition, confirmed_at__isnull=False).update(confirmed_at=AWARDS_CONFIRMED)
    Decree.objects.filter(edition=edition).update(updated_at=DECREE_SIGNED)
    _date_evidence(edition)
    _date_notices(edition)


def _date_evidence(edition):
    """Evidence uploaded in September 2022, each kecamatan's entry submitted on 29 September."""
    files = EvidenceFile.objects.filter(participant__edition=edition).order_by("participant_id", "pk")
    for index, pk in enumerate(files.values_list("pk", flat=True)):
        EvidenceFile.objects.filter(pk=pk).update(uploaded_at=EVIDENCE_FROM + datetime.timedelta(hours=7 * index))
    EntrySubmission.objects.filter(participant__edition=edition, submitted_at__isnull=False).update(
        submitted_at=ENTRIES_SUBMITTED
    )
    EntryEvent.objects.filter(participant__edition=edition).update(at=ENTRIES_SUBMITTED)


def _date_notices(edition):
    """The notices the 2022 edition sent (visits planned, results published): dated then, long read and
    e-mailed (so the worker does not send them today)."""
    mine = Notice.objects.filter(Q(subject__contains=edition.name) | Q(text__startswith=edition.name))
    mine.filter(kind=Notice.Kind.FIELD_VISIT).update(
        created=VISITS_PLANNED, read_at=VISITS_PLANNED, emailed_at=VISITS_PLANNED
    )
    mine.exclude(kind=Notice.Kind.FIELD_VISIT).update(created=PUBLISHED, read_at=PUBLISHED, emailed_at=PUBLISHED)


@transaction.atomic
def date_open_edition(edition, today):
    """The edition in progress, just built: opened for nominations five weeks ago, nominations over the
    next week, decided three weeks ago, the assessment opened with the desk stage a week ago. Run once,
    when the edition is created (its moments follow the day it was built)."""

    def day(offset, hour, minute=0):
        return datetime.datetime.combine(today + datetime.timedelta(days=offset), datetime.time(hour, minute), WIB)

    opened, assessed = day(-35, 9), day(-7, 8)
    Edition.objects.filter(pk=edition.pk).update(created_at=day(-40, 10))
    EditionTransition.objects.filter(edition=edition, to_state=Edition.State.NOMINATION).update(at=opened)
    EditionTransition.objects.filter(edition=edition, to_state=Edition.State.ASSESSMENT).update(at=assessed)
    participants = Participant.objects.filter(edition=edition).order_by("district_id").values_list("pk", flat=True)
    for index, pk in enumerate(participants):
        nominated = day(-33 + index % 7, 9) + datetime.timedelta(minutes=37 * index)
        Participant.objects.filter(pk=pk).update(nominated_at=nominated, decided_at=day(-21, 10))
    StageEntry.objects.filter(stage__edition=edition).update(advanced_at=assessed)
    mine = Notice.objects.filter(Q(subject__contains=edition.name) | Q(text__contains=edition.name))
    mine.filter(kind=Notice.Kind.NOMINATIONS_OPEN).update(created=opened)
    mine.exclude(kind=Notice.Kind.NOMINATIONS_OPEN).update(created=assessed)


@transaction.atomic
def date_new_evidence(files, today):
    """Files just uploaded in the edition in progress: spread over the last six days, in office hours."""
    for index, evidence in enumerate(files):
        moment = datetime.datetime.combine(
            today - datetime.timedelta(days=6 - index % 6), datetime.time(8 + index % 8, 5 * index % 60), WIB
        )
        EvidenceFile.objects.filter(pk=evidence.pk).update(uploaded_at=moment)
