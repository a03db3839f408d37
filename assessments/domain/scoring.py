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
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessments.domain.awards import withdraw_on_change
from assessments.domain.conflicts import has_conflict, with_conflict_flags, without_conflicts
from assessments.models import Assignment, Indicator, Score, ScoreChange, ScoreSheet, SheetEvent, StageEntry

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
    # Uses prefetched levels when the caller loaded them, one query otherwise.
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
    if not sheet.stage.scoring_open:
        raise ScoringError(stage_closed_message(sheet.stage), "advanced")
    if has_conflict(sheet.assessor, sheet.participant):
        raise ScoringError(conflict_message(), "conflict_of_interest")


def _check_sheet_open(sheet):
    if sheet.status == ScoreSheet.Status.SUBMITTED:
        raise ScoringError(_("This sheet has been submitted and can no longer be changed."), "submitted")
    _check_scoring_open(sheet)


def _locked_sheet(sheet):
    """The sheet row, locked for the rest of the transaction, with its stage, edition and people."""
    return (
        ScoreSheet.objects.select_for_update(of=("self",))
        .select_related("stage__edition", "assessor", "participant__district")
        .get(pk=sheet.pk)
    )


def save_score(sheet, indicator, value, comment, by, source, ip=None, expected_version=None):
    """Save one indicator's value and comment on a sheet; returns a SaveResult.

    ``value`` may be text as typed ("85,5") or a number; empty clears it. ``expected_version`` is
    the version the client last saw: when the stored score has moved on to another value or comment,
    ScoreConflict is raised and nothing is saved. A ScoreChange is recorded and the version raised
    only when something actually changed.
    """
    comment = (comment or "").strip()
    with transaction.atomic():
        # The sheet lock orders every save of this sheet against submitting it.
        sheet = _locked_sheet(sheet)
        _check_sheet_open(sheet)
        if indicator.aspect.stage_id != sheet.stage_id:
            raise ScoringError(_("This indicator does not belong to this stage."), "wrong_stage")
        new_value = parse_value(value, indicator)
        # get_or_create is race-safe with the unique (sheet, indicator) constraint; version 0 = never saved.
        score, _created = Score.objects.get_or_create(sheet=sheet, indicator=indicator, defaults={"version": 0})
        score = Score.objects.select_for_update().get(pk=score.pk)
        unchanged = score.value == new_value and score.comment == comment
        # A stored score equal to what is sent is no conflict, whatever version the client had: a save
        # sent again because its answer was lost (the offline sheet) lands once, with no second change.
        if expected_version is not None and int(expected_version) != score.version and not unchanged:
            raise ScoreConflict(score)
        if unchanged:
            return SaveResult(score, changed=False)
        ScoreChange.objects.create(
            sheet=sheet,
            indicator=indicator,
            old_value=score.value,
            new_value=new_value,
            old_comment=score.comment,
            new_comment=comment,
            by=by,
            source=source,
            ip_address=ip or None,
        )
        score.value = new_value
        score.comment = comment
        score.version += 1
        score.save(update_fields=["value", "comment", "version", "updated_at"])
        return SaveResult(score, changed=True)


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
