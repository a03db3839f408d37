"""Reminding assessors of their unfinished score sheets.

A sheet is unfinished when its assessor is assigned, has no conflict of interest with the participant
(conflicted pairs are never "missing"), and the sheet is missing or still a draft. Only stages of
editions in assessment count. The province admin sends reminders with a button; the daily command
(``manage.py send_reminders``) sends them by itself for stages closing within the edition's
``reminder_days``, at most once per assessor, stage and day.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.utils import timezone, translation

from assessments.domain.conflicts import without_conflicts
from assessments.models import Assignment, Edition, ReminderLog, ScoreSheet, Stage, StageAdvance


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
    """Stages of editions under assessment that close within their edition's reminder days (not past)."""
    # Each edition has its own number of days (at most 60): narrow in the database, decide per edition here.
    return [
        stage
        for stage in Stage.objects.filter(
            edition__state__in=Edition.SCORING_STATES, ends_on__gte=today, ends_on__lte=today + timedelta(days=60)
        ).select_related("edition")
        if stage.ends_on <= today + timedelta(days=stage.edition.reminder_days)
    ]


def _message(reminder, connection):
    context = {"assessor": reminder.assessor, "items": reminder.items, "stages": reminder.stages()}
    subject = " ".join(render_to_string("assessments/email/reminder_subject.txt", context).split())
    body = render_to_string("assessments/email/reminder.txt", context)
    return EmailMessage(subject, body, None, [reminder.assessor.email], connection=connection)


def send_reminders(edition=None, stage=None, today=None, *, automatic=False, stages=None, by=None):
    """E-mail every assessor (with an address) the list of its unfinished sheets; returns how many
    e-mails were sent.

    ``automatic`` (the daily command) skips an assessor and stage already reminded today, and the
    log of what was sent is written in the same transaction as the sending, so a failed run
    leaves no record of reminders that never went out.
    """
    today = today or timezone.localdate()
    reminders = [r for r in reminders_due(edition, stage, stages) if r.assessor.email and r.assessor.is_active]
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
        connection = get_connection()
        return connection.send_messages([_message(r, connection) for r in reminders]) or 0


def send_due_reminders(today=None):
    """What the daily command does: remind about every stage closing soon, once a day."""
    today = today or timezone.localdate()
    stages = stages_closing(today)
    if not stages:
        return 0
    return send_reminders(today=today, automatic=True, stages=stages)


def last_reminders(edition):
    """When reminders were last sent for each stage of an edition: {stage_id: ReminderLog}."""
    latest = {}
    for log in ReminderLog.objects.filter(stage__edition=edition).order_by("stage_id", "-sent_at"):
        latest.setdefault(log.stage_id, log)
    return latest
