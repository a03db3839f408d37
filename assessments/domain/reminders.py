"""Reminding assessors of their unfinished score sheets.

A sheet is unfinished when its assessor is assigned, has no conflict of interest with the participant
(conflicted pairs are never "missing"), and the sheet is missing or still a draft. Only stages of
editions in assessment count. A reminder is a notice (listed on the assessor's Notices page, e-mailed by
the background worker) linking to the assessor's score sheets.

The scheduler (``manage.py run_schedule``) reminds by itself from the edition's ``reminder_days`` before a
stage closes and, while sheets are still missing, after it closed too: at most once per assessor, stage
and day. The province admin's button asks first (who gets what) and is refused when the edition (or the
stage) was reminded by hand less than ``settings.MANUAL_REMINDER_HOURS`` ago.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from assessments.domain.conflicts import without_conflicts
from assessments.models import Assignment, Edition, ReminderLog, ScoreSheet, Stage, StageAdvance
from sp2k.notices.models import Notice
from sp2k.notices.services import notify_each


@dataclass
class Reminder:
    assessor: object
    items: list = field(default_factory=list)  # unfinished assignments, with stage and participant loaded

    def stages(self):
        seen = {}
        for item in self.items:
            seen.setdefault(item.stage_id, item.stage)
        return list(seen.values())


def unfinished_assignments(edition=None, stage=None, stages=None):
    """Assignments without conflict whose sheet is missing or a draft, in stages still open for scoring
    (editions under assessment; not a stage whose shortlist went on: its scores are frozen)."""
    submitted = ScoreSheet.objects.filter(
        stage=OuterRef("stage"),
        assessor=OuterRef("assessor"),
        participant=OuterRef("participant"),
        status=ScoreSheet.Status.SUBMITTED,
    )
    advanced = StageAdvance.objects.filter(from_stage=OuterRef("stage"), reverted_at__isnull=True)
    qs = (
        without_conflicts(Assignment.objects.filter(stage__edition__state__in=Edition.SCORING_STATES))
        .exclude(Exists(submitted))
        .exclude(Exists(advanced))
    )
    if edition is not None:
        qs = qs.filter(stage__edition=edition)
    if stage is not None:
        qs = qs.filter(stage=stage)
    if stages is not None:
        qs = qs.filter(stage__in=stages)
    return qs.select_related("assessor", "participant__district__regency", "stage__edition").order_by(
        "assessor_id", "stage__edition_id", "stage__order", "participant__district__name"
    )


def reminders_due(edition=None, stage=None, stages=None):
    """One Reminder per assessor with unfinished sheets (one query)."""
    by_assessor = {}
    for assignment in unfinished_assignments(edition, stage, stages):
        reminder = by_assessor.get(assignment.assessor_id)
        if reminder is None:
            reminder = by_assessor[assignment.assessor_id] = Reminder(assignment.assessor)
        reminder.items.append(assignment)
    return list(by_assessor.values())


def stages_closing(today):
    """Stages of editions under assessment within their edition's reminder days of closing, or already
    closed (their missing sheets are still reminded, daily, until the edition moves on)."""
    # Each edition has its own number of days (at most 60): narrow in the database, decide per edition here.
    return [
        stage
        for stage in Stage.objects.filter(
            edition__state__in=Edition.SCORING_STATES, ends_on__lte=today + timedelta(days=60)
        ).select_related("edition")
        if stage.ends_on <= today + timedelta(days=stage.edition.reminder_days)
    ]


def _notice(reminder, today):
    context = {"assessor": reminder.assessor, "items": reminder.items, "stages": reminder.stages(), "today": today}
    subject = " ".join(render_to_string("assessments/email/reminder_subject.txt", context).split())
    return reminder.assessor, subject, render_to_string("assessments/email/reminder.txt", context).strip()


def send_reminders(edition=None, stage=None, today=None, *, automatic=False, stages=None, by=None):
    """Remind every active assessor of its unfinished sheets (a notice linking to its score sheets, e-mailed
    by the worker when it has an address); returns how many assessors were reminded.

    ``automatic`` (the scheduler) skips an assessor and stage already reminded today. The log of what was
    sent is written in the same transaction as the notices, so a failed run leaves no record of reminders
    that never went out.
    """
    today = today or timezone.localdate()
    reminders = [r for r in reminders_due(edition, stage, stages) if r.assessor.is_active]
    if automatic and reminders:
        done = set(
            ReminderLog.objects.filter(
                automatic=True, sent_on=today, assessor__in=[r.assessor for r in reminders]
            ).values_list("assessor_id", "stage_id")
        )
        for reminder in reminders:
            reminder.items = [i for i in reminder.items if (reminder.assessor.pk, i.stage_id) not in done]
        reminders = [r for r in reminders if r.items]
    if not reminders:
        return 0
    logs = []
    for reminder in reminders:
        counts = defaultdict(int)
        for item in reminder.items:
            counts[item.stage_id] += 1
        logs += [
            ReminderLog(
                assessor=reminder.assessor, stage_id=stage_id, sent_on=today, automatic=automatic, sent_by=by, missing=n
            )
            for stage_id, n in counts.items()
        ]
    # The assessors read Indonesian, whatever language the admin's browser asked for.
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        ReminderLog.objects.bulk_create(logs)
        notify_each(
            [_notice(r, today) for r in reminders], Notice.Kind.SHEETS_REMINDER, reverse("assessments:my_sheets")
        )
    return len(reminders)


def send_due_reminders(today=None):
    """What the scheduler does: remind about every stage closing soon or closed with sheets missing, once a
    day per assessor and stage."""
    today = today or timezone.localdate()
    stages = stages_closing(today)
    if not stages:
        return 0
    return send_reminders(today=today, automatic=True, stages=stages)


def manual_refusal(edition, stage=None, now=None):
    """Why the button may not remind now (None when it may): the edition, or this stage, was reminded by
    hand less than ``settings.MANUAL_REMINDER_HOURS`` ago."""
    now = now or timezone.now()
    hours = settings.MANUAL_REMINDER_HOURS
    recent = ReminderLog.objects.filter(
        stage__edition=edition, automatic=False, sent_at__gt=now - timedelta(hours=hours)
    ).order_by("-sent_at")
    if stage is not None:
        recent = recent.filter(stage=stage)
    last = recent.select_related("sent_by").first()
    if last is None:
        return None
    again = timezone.localtime(last.sent_at + timedelta(hours=hours))
    return _(
        "Reminders were already sent by hand at %(time)s by %(by)s. To avoid flooding the assessors, the "
        "button sends again from %(again)s (the portal also reminds them daily by itself)."
    ) % {
        "time": timezone.localtime(last.sent_at).strftime("%d-%m-%Y %H:%M"),
        "by": last.sent_by.get_full_name() or last.sent_by.username if last.sent_by else "—",
        "again": again.strftime("%d-%m-%Y %H:%M"),
    }


def send_manual_reminders(edition, by, stage=None):
    """The button: refused (ValidationError) when reminded by hand recently; returns how many were reminded."""
    with transaction.atomic():
        # One admin at a time: the edition row lock makes a double click send once.
        Edition.objects.select_for_update().filter(pk=edition.pk).first()
        refusal = manual_refusal(edition, stage)
        if refusal:
            raise ValidationError(refusal)
        return send_reminders(edition=edition, stage=stage, by=by)


def last_reminders(edition):
    """When reminders were last sent for each stage of an edition: {stage_id: ReminderLog}."""
    latest = {}
    for log in ReminderLog.objects.filter(stage__edition=edition).order_by("stage_id", "-sent_at"):
        latest.setdefault(log.stage_id, log)
    return latest
