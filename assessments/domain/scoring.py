"""Score sheets and scores: opening, saving, submitting and reopening (the writes).

Every write runs in one transaction and takes row locks, so that two saves of the same score never
lose one another (the second waits for the first, then sees its result), and a save never lands on
a sheet that was submitted in the meantime. Every change of a value or comment is kept in the
append-only ScoreChange history.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import (
    Aggregate,
    CharField,
    Count,
    Exists,
    F,
    FilteredRelation,
    JSONField,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import JSONObject
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessments.domain.awards import withdraw_on_change
from assessments.domain.conflicts import has_conflict, is_flagged_conflict, with_conflict_flags, without_conflicts
from assessments.domain.evidence import current_files
from assessments.domain.ranking import TOTAL_FIELD, weighted
from assessments.models import (
    Aspect,
    Assignment,
    Indicator,
    RubricLevel,
    Score,
    ScoreChange,
    ScoreSheet,
    SheetEvent,
    StageAdvance,
    StageEntry,
)
from assessments.queries.lookups import visible_to
from sp2k.accounts.models import Role, User
from sp2k.compiled_queries import CompiledQuery, PreparedSQL

TWO_PLACES = Decimal("0.01")


class ScoringError(Exception):
    """A refused write, with a message for the person who tried it."""

    def __init__(self, message, code="invalid"):
        super().__init__(message)
        self.message = message
        self.code = code


class ScoreConflict(ScoringError):
    """Someone else saved the score since the version the client had; ``current`` is the stored Score."""

    def __init__(self, current):
        super().__init__(_("Someone else saved this score in the meantime; your value was not saved."), "conflict")
        self.current = current


@dataclass
class SaveResult:
    score: Score
    changed: bool
    sheet: ScoreSheet | None = None  # the sheet as read under the lock (its maintained total before the save)


# A score as typed: ASCII digits (at most SCORE_INTEGER_DIGITS before the decimal sign, as many as
# Score.value holds: max_digits=6, decimal_places=2), one decimal comma or point, at most two decimals;
# an optional leading minus for scales below zero. Nothing else: no exponent ("1e2"), no spaces or
# underscores inside ("7 0", "1_0"), no digits of other scripts ("٨٥"), no "inf"/"NaN".
SCORE_INTEGER_DIGITS = 4
_SCORE_TEXT = re.compile(r"(-?)([0-9]+)(?:[.,]([0-9]+))?", re.ASCII)


def _number_text(raw):
    """A number given as a number (an Excel cell, a Decimal from code) written out as plain digits."""
    if isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            raise ScoringError(_("Enter a number, e.g. 85 or 85,5."), "not_a_number")
        # repr() is the shortest text that reads back as the same float: 87.5, not 87.500000001.
        raw = Decimal(repr(raw))
    if isinstance(raw, Decimal):
        if not raw.is_finite():
            raise ScoringError(_("Enter a number, e.g. 85 or 85,5."), "not_a_number")
        return format(raw.normalize(), "f")
    return str(raw)


def parse_value(raw, indicator):
    """The score typed for ``indicator`` as a Decimal (None when left empty), or ScoringError.

    Strict: digits with one decimal comma ("85,5", the Indonesian way) or point, at most
    SCORE_INTEGER_DIGITS digits before it and two after (see _SCORE_TEXT); numbers given as numbers
    (Excel cells) are written out and read by the same rule.
    """
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise ScoringError(_("Enter a number, e.g. 85 or 85,5."), "not_a_number")
    text = _number_text(raw) if isinstance(raw, int | float | Decimal) else str(raw)
    # Spaces around the number (also the no-break space a spreadsheet adds) are not part of it.
    text = text.strip(" \t\r\n\u00a0")
    if not text:
        return None
    match = _SCORE_TEXT.fullmatch(text)
    if match is None:
        raise ScoringError(_("Enter a number, e.g. 85 or 85,5."), "not_a_number")
    sign, whole, decimals = match.groups()
    if decimals is not None and len(decimals) > 2:
        # Checked on the text, as typed: "1.000" is one thousand to an Indonesian reader, not 1.
        raise ScoringError(_("Use at most two decimals."), "too_precise")
    if len(whole.lstrip("0")) > SCORE_INTEGER_DIGITS:
        raise ScoringError(
            _("The score must be between %(min)s and %(max)s.")
            % {"min": _plain(indicator.scale_min), "max": _plain(indicator.scale_max)},
            "out_of_range",
        )
    value = Decimal(f"{sign}{whole}.{decimals or '0'}").quantize(TWO_PLACES)
    if value.is_zero():
        value = abs(value)  # "-0" is 0, shown without its sign
    if value < indicator.scale_min or value > indicator.scale_max:
        raise ScoringError(
            _("The score must be between %(min)s and %(max)s.")
            % {"min": _plain(indicator.scale_min), "max": _plain(indicator.scale_max)},
            "out_of_range",
        )
    if indicator.scale == Indicator.Scale.RUBRIC:
        levels = {Decimal(level) for level in _level_values(indicator)}
        if value not in levels:
            raise ScoringError(
                _("Choose one of the rubric levels: %(levels)s.")
                % {"levels": ", ".join(_plain(level) for level in sorted(levels))},
                "not_a_level",
            )
    return value


def _level_values(indicator):
    # The levels read with the sheet (``saving_indicator``) or prefetched by the caller; one query otherwise.
    if hasattr(indicator, "level_values"):
        return indicator.level_values
    return [level.value for level in indicator.levels.all()]


def _plain(number):
    """A Decimal without trailing zeros, with the Indonesian decimal comma: 85.50 -> "85,5"."""
    text = format(Decimal(number).normalize(), "f")
    return text.replace(".", ",")


def stage_closed_message(stage):
    """Why no sheet of ``stage`` may be started, saved, submitted or reopened now; None when they may.

    Scoring is open while the edition is under assessment and the stage's shortlist has not gone on
    (``Stage.scoring_open``): once the top N advanced, the scores they were chosen by are frozen until
    the province admin reverts the advance.
    """
    if stage.scoring_open:
        return None
    if not stage.edition.scoring_open:
        return _("Scores can only be entered while the edition is in assessment.")
    return _(
        "The participants of stage “%(stage)s” have already gone on to the next stage: its scores are frozen "
        "until the province admin reverts the advance."
    ) % {"stage": stage}


def conflict_message():
    return _(
        "This sheet is void: its assessor has a conflict of interest with this participant, so it can no "
        "longer be changed, submitted or counted."
    )


def open_sheet(stage, participant, assessor):
    """The assessor's sheet for the participant at this stage, created on first opening.

    Refused (PermissionDenied) unless the assessor is assigned to the participant at this stage,
    has no conflict of interest with it, and the participant takes part in the stage; a new sheet
    also needs the stage open for scoring (an existing one is returned, to be read).
    """
    if participant.edition_id != stage.edition_id:
        raise PermissionDenied(_("This participant is not in this edition."))
    if not Assignment.objects.filter(stage=stage, participant=participant, assessor=assessor).exists():
        raise PermissionDenied(_("You are not assigned to score this participant at this stage."))
    if has_conflict(assessor, participant):
        raise PermissionDenied(_("You have a conflict of interest with this participant and cannot score it."))
    if not StageEntry.objects.filter(stage=stage, participant=participant).exists():
        raise PermissionDenied(_("This participant does not take part in this stage."))
    sheet = ScoreSheet.objects.filter(stage=stage, participant=participant, assessor=assessor).first()
    if sheet is not None:
        return sheet
    if not stage.edition.scoring_open:
        raise PermissionDenied(_("Score sheets can only be started while the edition is in assessment."))
    if not stage.scoring_open:
        raise PermissionDenied(stage_closed_message(stage))
    sheet, _created = ScoreSheet.objects.get_or_create(stage=stage, participant=participant, assessor=assessor)
    return sheet


def _check_scoring_open(sheet):
    """The stage still takes scores and the sheet is not void (its assessor has a conflict)."""
    if not sheet.stage.edition.scoring_open:
        raise ScoringError(_("Scores can only be entered while the edition is in assessment."), "not_assessment")
    # A sheet loaded by ``sheets_for_saving`` knows whether its stage's shortlist went on: no second query.
    advanced = sheet.stage_advanced if hasattr(sheet, "stage_advanced") else sheet.stage.has_advanced
    if advanced:
        raise ScoringError(stage_closed_message(sheet.stage), "advanced")
    # A sheet loaded by ``sheets_for_saving`` carries its conflict flags: no second look at the conflicts.
    if (
        is_flagged_conflict(sheet)
        if hasattr(sheet, "declared_conflict")
        else has_conflict(sheet.assessor, sheet.participant)
    ):
        raise ScoringError(conflict_message(), "conflict_of_interest")


def _check_sheet_open(sheet):
    if sheet.status == ScoreSheet.Status.SUBMITTED:
        raise ScoringError(_("This sheet has been submitted and can no longer be changed."), "submitted")
    _check_scoring_open(sheet)


class _LevelList(Aggregate):
    """The rubric levels' values as one text ("1.00,2.00,…"): STRING_AGG, GROUP_CONCAT on SQLite."""

    function = "STRING_AGG"
    template = "%(function)s(CAST(%(expressions)s AS TEXT), ',')"
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="GROUP_CONCAT", template="%(function)s(%(expressions)s, ',')")


# What a save reads of the indicator, taken in the sheet's query (``sheets_for_saving``).
_INDICATOR_FIELDS = ("id", "aspect_id", "name", "scale", "scale_min", "scale_max", "weight", "requires_evidence")
_DECIMAL_FIELDS = {"scale_min", "scale_max", "weight"}


def sheets_for_saving(indicator_pk=None):
    """Score sheets as a save needs them, in one query: locked for the rest of the transaction (the lock
    orders every save of a sheet against the others and against submitting it), with stage, edition and
    people, the conflict flags (``conflicts.with_conflict_flags``), whether the stage's shortlist went on
    (``stage_advanced``) and, for ``indicator_pk``, the stored score's id, value, comment and version
    (``current_*``, None when never saved) and the indicator itself when it is of the sheet's stage
    (``indicator_*``: see ``saving_indicator``)."""
    advanced = StageAdvance.objects.filter(from_stage=OuterRef("stage"), reverted_at__isnull=True)
    sheets = with_conflict_flags(
        ScoreSheet.objects.select_for_update(of=("self",)).select_related(
            "stage__edition__province", "assessor", "participant__district__regency"
        )
    ).annotate(stage_advanced=Exists(advanced))
    if indicator_pk is None:
        return sheets
    # Subqueries of one row each: without ``order_by()`` each would join and sort by the models' default
    # ordering (edition, stage, aspect), which made planning this statement take longer than running it.
    indicator = Indicator.objects.filter(pk=indicator_pk, aspect__stage_id=OuterRef("stage_id")).order_by()
    levels = (
        RubricLevel.objects.filter(indicator_id=indicator_pk)
        .values("indicator_id")
        .annotate(values=_LevelList("value"))
        .values("values")
        .order_by()
    )
    files = current_files().filter(participant_id=OuterRef("participant_id"), indicator_id=indicator_pk).order_by()
    point_value = (
        Indicator.objects.filter(pk=indicator_pk).annotate(one=weighted(Value(Decimal(1)))).values("one").order_by()
    )
    return sheets.annotate(
        current=FilteredRelation("scores", condition=Q(scores__indicator_id=indicator_pk)),
        current_pk=F("current__pk"),
        current_value=F("current__value"),
        current_comment=F("current__comment"),
        current_version=F("current__version"),
        current_updated_at=F("current__updated_at"),
        # The indicator's fields in one subquery (one per field made planning the statement the slowest part).
        indicator_fields=Subquery(
            indicator.values(fields=JSONObject(**{name: name for name in _INDICATOR_FIELDS}))[:1],
            output_field=JSONField(),
        ),
        indicator_levels=Subquery(levels[:1]),
        indicator_has_evidence=Exists(files),
        indicator_point_value=Subquery(point_value[:1], output_field=TOTAL_FIELD),
    )


# The sheet of an assessor's save, compiled once (and prepared once per database connection): the statement
# of ``sheets_for_saving`` with the tenant filter took longer to build and plan than to run.
_ASSESSORS_SHEET_FOR_SAVING = CompiledQuery(
    "assessors_sheet_for_saving",
    lambda assessor_pk, sheet_pk, indicator_pk: visible_to(
        User(pk=assessor_pk, role=Role.ASSESSOR), sheets_for_saving(indicator_pk)
    ).filter(pk=sheet_pk),
    kinds=(int, int, int),
)


def sheet_for_saving(user, sheet_pk, indicator_pk):
    """The sheet ``sheet_pk`` of ``sheets_for_saving(indicator_pk)`` if ``user`` may see its edition (the tenant
    lookup, ``visible_to``), else None. Assessors, the ones who save, get it through the compiled statement."""
    if user.is_authenticated and user.role == Role.ASSESSOR and not user.is_superuser:
        rows = _ASSESSORS_SHEET_FOR_SAVING.all(user.pk, sheet_pk, indicator_pk)
    else:
        rows = list(visible_to(user, sheets_for_saving(indicator_pk)).filter(pk=sheet_pk))
    return rows[0] if rows else None


def saving_indicator(sheet):
    """The indicator of a sheet of ``sheets_for_saving(indicator_pk)``, None when it is not of the sheet's
    stage: its fields, rubric levels (``level_values``), whether the kecamatan has a current file for it
    (``has_evidence``) and what one point above its minimum adds to the total (``point_value``, the one
    formula ``ranking.weighted`` of 1). No query."""
    fields = sheet.indicator_fields
    if fields is None:
        return None
    # JSON carries the decimals as numbers: back to Decimals through their shortest text (85.5 → "85.5").
    indicator = Indicator(
        **{name: Decimal(str(value)) if name in _DECIMAL_FIELDS else value for name, value in fields.items()}
    )
    indicator.aspect = Aspect(pk=indicator.aspect_id, stage_id=sheet.stage_id)
    indicator.level_values = [Decimal(v) for v in (sheet.indicator_levels or "").split(",") if v]
    indicator.has_evidence = sheet.indicator_has_evidence
    indicator.point_value = sheet.indicator_point_value
    return indicator


def _locked_sheet(sheet, indicator_pk=None):
    """The sheet row, locked for the rest of the transaction, with its stage, edition and people."""
    return sheets_for_saving(indicator_pk).get(pk=sheet.pk)


def _current_score(sheet, indicator):
    """The stored Score of ``indicator`` on a sheet of ``sheets_for_saving`` (version 0: never saved)."""
    if sheet.current_pk is None:
        return Score(sheet=sheet, indicator=indicator, version=0)
    return Score(
        pk=sheet.current_pk,
        sheet=sheet,
        indicator=indicator,
        value=sheet.current_value,
        comment=sheet.current_comment,
        version=sheet.current_version,
        updated_at=sheet.current_updated_at,
    )


def save_score(sheet, indicator, value, comment, by, source, ip=None, expected_version=None, locked=False):
    """Save one indicator's value and comment on a sheet; returns a SaveResult.

    ``value`` may be text as typed ("85,5") or a number; empty clears it. ``expected_version`` is
    the version the client last saw: when the stored score has moved on to another value or comment,
    ScoreConflict is raised and nothing is saved. A ScoreChange is recorded and the version raised
    only when something actually changed. ``locked``: the caller loaded ``sheet`` through
    ``sheets_for_saving(indicator.pk)`` in the current transaction (the score sheet's autosave), so it is
    neither locked nor read again. The sheet's maintained totals follow in the database (``domain.totals``).
    """
    comment = (comment or "").strip()
    # PostgreSQL reads the stored score as it was when the locking query began: when another save of the
    # same sheet held the lock meanwhile, that reading is stale. Every decision taken on it (a conflict,
    # "unchanged", the version the write expects) is then taken again on a fresh reading, under the lock.
    fresh = connection.vendor != "postgresql"
    if locked:
        result = _save_on_locked(sheet, indicator, value, comment, by, source, ip, expected_version, fresh)
        if result is None:
            sheet = _locked_sheet(sheet, indicator.pk)
            result = _save_on_locked(sheet, indicator, value, comment, by, source, ip, expected_version, True)
        return result
    with transaction.atomic():
        sheet = _locked_sheet(sheet, indicator.pk)
        result = _save_on_locked(sheet, indicator, value, comment, by, source, ip, expected_version, fresh)
        if result is None:
            sheet = _locked_sheet(sheet, indicator.pk)
            result = _save_on_locked(sheet, indicator, value, comment, by, source, ip, expected_version, True)
        return result


def _save_on_locked(sheet, indicator, value, comment, by, source, ip, expected_version, fresh):
    """The save on a locked sheet of ``sheets_for_saving``; None when its reading of the score may be stale
    (not ``fresh``) and must be taken again before answering "conflict" or "unchanged", or when the write
    found the score moved on since that reading."""
    _check_sheet_open(sheet)
    if indicator.aspect.stage_id != sheet.stage_id:
        raise ScoringError(_("This indicator does not belong to this stage."), "wrong_stage")
    new_value = parse_value(value, indicator)
    score = _current_score(sheet, indicator)
    unchanged = score.value == new_value and score.comment == comment
    # A stored score equal to what is sent is no conflict, whatever version the client had: a save
    # sent again because its answer was lost (the offline sheet) lands once, with no second change.
    conflict = expected_version is not None and int(expected_version) != score.version and not unchanged
    if (conflict or unchanged) and not fresh:
        return None
    if conflict:
        raise ScoreConflict(score)
    if unchanged:
        return SaveResult(score, changed=False, sheet=sheet)
    old_value, old_comment = score.value, score.comment
    score.value, score.comment, score.updated_at = new_value, comment, timezone.now()
    change = ScoreChange(
        sheet=sheet,
        indicator=indicator,
        old_value=old_value,
        new_value=new_value,
        old_comment=old_comment,
        new_comment=comment,
        by=by,
        source=source,
        ip_address=ip or None,
        at=score.updated_at,
    )
    with transaction.atomic(savepoint=False):
        if not _write(score, change):
            return None
    return SaveResult(score, changed=True, sheet=sheet)


_SCORES, _CHANGES = Score._meta.db_table, ScoreChange._meta.db_table
# The PostgreSQL save: the score's upsert and its history row in one statement, prepared once per connection.
_WRITE_SCORE = PreparedSQL(
    "write_score",
    f"""
WITH up AS (
    INSERT INTO {_SCORES} (sheet_id, indicator_id, value, comment, version, updated_at)
    VALUES (%s, %s, %s, %s, 1, %s)
    ON CONFLICT (sheet_id, indicator_id) DO UPDATE
    SET value = EXCLUDED.value, comment = EXCLUDED.comment, version = {_SCORES}.version + 1,
        updated_at = EXCLUDED.updated_at
    WHERE {_SCORES}.version = %s
    RETURNING id, version
), history AS (
    INSERT INTO {_CHANGES} (sheet_id, indicator_id, old_value, new_value, old_comment, new_comment, by_id, at,
                           source, ip_address, version, row_hash)
    SELECT %s, %s, CAST(%s AS numeric), CAST(%s AS numeric), CAST(%s AS text), CAST(%s AS text), %s,
           CAST(%s AS timestamptz), CAST(%s AS text), CAST(%s AS inet), up.version, ''
    FROM up
)
SELECT id, version FROM up""",  # noqa: S608 - table names from the models; every value is a parameter
)


def _write(score, change):
    """Store ``score`` (its version raised) and its history row: on PostgreSQL one statement (the upsert and
    the history insert as one common table expression, written only while the stored version is still the
    one read: False otherwise), elsewhere an insert or update and an insert."""
    if connection.vendor != "postgresql":
        if score.pk is None:
            score.version = 1
            score.save(force_insert=True)
        else:
            score.version += 1
            Score.objects.filter(pk=score.pk).update(
                value=score.value, comment=score.comment, version=score.version, updated_at=score.updated_at
            )
        change.version = score.version
        change.save(force_insert=True)
        return True
    params = [
        score.sheet_id,
        score.indicator_id,
        score.value,
        score.comment,
        score.updated_at,
        score.version,
        change.sheet_id,
        change.indicator_id,
        change.old_value,
        change.new_value,
        change.old_comment,
        change.new_comment,
        change.by_id,
        change.at,
        change.source,
        change.ip_address,
    ]
    with connection.cursor() as cursor:
        _WRITE_SCORE.execute(cursor, params)
        row = cursor.fetchone()
    if row is None:
        return False
    score.pk, score.version = row
    return True


def missing_indicators(sheet):
    """The stage's indicators that have no value on this sheet yet, in sheet order."""
    return list(
        Indicator.objects.filter(aspect__stage_id=sheet.stage_id)
        .exclude(scores__sheet=sheet, scores__value__isnull=False)
        .select_related("aspect")
        .order_by("aspect__order", "order")
    )


def submit_sheet(sheet, by):
    """Submit (kirim) a complete sheet, which locks it; every indicator must have a value."""
    with transaction.atomic():
        sheet = _locked_sheet(sheet)
        _check_sheet_open(sheet)
        missing = missing_indicators(sheet)
        if missing:
            raise ScoringError(
                _("Every indicator needs a score before the sheet is submitted. Missing: %(names)s.")
                % {"names": "; ".join(indicator.name for indicator in missing)},
                "incomplete",
            )
        sheet.status = ScoreSheet.Status.SUBMITTED
        sheet.submitted_at = timezone.now()
        sheet.save(update_fields=["status", "submitted_at"])
        SheetEvent.objects.create(sheet=sheet, action=SheetEvent.Action.SUBMIT, by=by)
        # A sheet that counts from now on changes the ranking any confirmed awards were made from.
        withdraw_on_change(
            sheet.stage.edition,
            by,
            _("A score sheet was submitted: %(sheet)s.") % {"sheet": sheet},
        )
        return sheet


def reopen_sheet(sheet, by, reason):
    """Reopen a submitted sheet so its assessor can change it: the province admin only, with a reason."""
    reason = (reason or "").strip()
    if not by.has_perm("assessments.reopen_sheet", sheet):
        raise PermissionDenied(_("Only the province admin of this edition can reopen a sheet."))
    if not reason:
        raise ScoringError(_("Give the reason for reopening the sheet."), "reason_required")
    with transaction.atomic():
        sheet = _locked_sheet(sheet)
        if sheet.status != ScoreSheet.Status.SUBMITTED:
            raise ScoringError(_("Only a submitted sheet can be reopened."), "not_submitted")
        if not sheet.stage.edition.scoring_open:
            raise ScoringError(_("Sheets can only be reopened while the edition is in assessment."), "not_assessment")
        _check_scoring_open(sheet)
        sheet.status = ScoreSheet.Status.DRAFT
        sheet.submitted_at = None
        sheet.save(update_fields=["status", "submitted_at"])
        SheetEvent.objects.create(sheet=sheet, action=SheetEvent.Action.REOPEN, by=by, reason=reason)
        # The sheet no longer counts: the ranking any confirmed awards were made from has changed.
        withdraw_on_change(
            sheet.stage.edition,
            by,
            _("A score sheet was reopened (%(sheet)s): %(reason)s") % {"sheet": sheet, "reason": reason},
        )
        return sheet


# --- submitting a stage's complete sheets at once (after an Excel upload) ---


@dataclass
class NotSubmitted:
    participant: object
    sheet: object  # the draft ScoreSheet, or None when the sheet was never started
    reason: str


@dataclass
class StageSubmission:
    """What "submit all complete sheets" of a stage would do for one assessor; nothing is written."""

    stage: object
    closed: str | None  # why no sheet of the stage can be submitted now (None: it is open)
    ready: list = field(default_factory=list)  # complete draft sheets, to be submitted
    not_ready: list = field(default_factory=list)  # NotSubmitted, with why
    already_submitted: int = 0


def stage_submission(stage, assessor):
    """The assessor's sheets of ``stage``: the complete drafts that can be submitted and, with why, the
    rest (incomplete, void by a conflict of interest, never started). Five queries, whatever the count."""
    closed = stage_closed_message(stage)
    indicator_count = Indicator.objects.filter(aspect__stage_id=stage.pk).count()
    mine = ScoreSheet.objects.filter(stage=stage, assessor=assessor)
    drafts = list(
        with_conflict_flags(mine.filter(status=ScoreSheet.Status.DRAFT))
        .annotate(scored=Count("scores", filter=Q(scores__value__isnull=False)))
        .select_related("participant__district__regency", "stage__edition")
        .order_by("participant__district__name")
    )
    entries = StageEntry.objects.filter(stage=OuterRef("stage"), participant=OuterRef("participant"))
    started = ScoreSheet.objects.filter(
        stage=OuterRef("stage"), assessor=OuterRef("assessor"), participant=OuterRef("participant")
    )
    unstarted = (
        without_conflicts(Assignment.objects.filter(stage=stage, assessor=assessor))
        .filter(Exists(entries))
        .exclude(Exists(started))
        .select_related("participant__district__regency")
        .order_by("participant__district__name")
    )
    plan = StageSubmission(stage, closed, already_submitted=mine.filter(status=ScoreSheet.Status.SUBMITTED).count())
    for sheet in drafts:
        missing = indicator_count - sheet.scored
        if sheet.home_conflict or sheet.declared_conflict:
            reason = conflict_message()
        elif missing > 0:
            reason = ngettext(
                "%(count)d indicator has no score yet.", "%(count)d indicators have no score yet.", missing
            ) % {"count": missing}
        elif closed:
            reason = closed
        else:
            plan.ready.append(sheet)
            continue
        plan.not_ready.append(NotSubmitted(sheet.participant, sheet, reason))
    for assignment in unstarted:
        plan.not_ready.append(
            NotSubmitted(assignment.participant, None, _("Not started: no indicator has a score yet."))
        )
    return plan


def submit_sheets(stage, sheet_pks, by):
    """Submit the given draft sheets of ``by`` at ``stage``, each through ``submit_sheet`` (one SheetEvent
    each; the same checks as a single submission: stage frozen, conflict, incomplete).

    Returns (submitted sheets, [NotSubmitted]) — one refusal leaves the others submitted."""
    sheets = list(
        ScoreSheet.objects.filter(stage=stage, assessor=by, pk__in=list(sheet_pks))
        .select_related("participant__district")
        .order_by("participant__district__name")
    )
    submitted, refused = [], []
    for sheet in sheets:
        try:
            submitted.append(submit_sheet(sheet, by))
        except ScoringError as error:
            refused.append(NotSubmitted(sheet.participant, sheet, error.message))
    return submitted, refused
