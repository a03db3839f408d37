"""What the scheduler (``manage.py run_schedule``) does on each round, every job at most once a day:

- the assessors' reminders of unfinished score sheets (``reminders.send_due_reminders``: once a day per
  assessor and stage, recorded in ReminderLog);
- "evidence due" notices to the camat and operators of each accepted kecamatan still missing required
  evidence, daily from the edition's ``reminder_days`` before the evidence deadline until the deadline
  (recorded per edition and day in ScheduledRun, in the same transaction as the notices).

Running a round twice the same day (a restart, two schedulers) sends nothing more.
"""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, F, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy, ngettext_lazy

from assessments.domain.evidence import required_indicators
from assessments.domain.reminders import send_due_reminders
from assessments.models import Edition, EvidenceFile, Participant
from sp2k.accounts.models import DISTRICT_ROLES, User
from sp2k.notices.models import Notice, ScheduledRun
from sp2k.notices.services import notify_each

EVIDENCE_DUE = "evidence_due"


def participants_missing_evidence(edition):
    """The edition's accepted participants lacking a current file for some indicator that requires one,
    each with ``missing`` (how many such indicators): one query."""
    required = required_indicators(edition).order_by().values("pk")
    covered = (
        EvidenceFile.objects.filter(
            participant=OuterRef("pk"), indicator__in=required, replaced_by__isnull=True, withdrawn_at__isnull=True
        )
        .order_by()
        .values("participant")
        .annotate(n=Count("indicator", distinct=True))
        .values("n")
    )
    total = Subquery(
        required_indicators(edition).order_by().annotate(g=Value(1)).values("g").annotate(n=Count("pk")).values("n"),
        output_field=IntegerField(),
    )
    return (
        Participant.objects.filter(edition=edition, status=Participant.Status.ACCEPTED)
        .annotate(
            required=Coalesce(total, 0),
            covered=Coalesce(Subquery(covered, output_field=IntegerField()), 0),
        )
        .filter(covered__lt=F("required"))
        .select_related("district")
        .order_by("district__name")
    )


def editions_with_evidence_due(today):
    """Editions still taking evidence whose deadline falls within their reminder days (today included)."""
    candidates = Edition.objects.filter(
        state__in=Edition.EVIDENCE_STATES,
        evidence_deadline__isnull=False,
        evidence_deadline__gte=timezone.now(),
        evidence_deadline__date__lte=today + timedelta(days=60),
    )
    return [
        edition
        for edition in candidates
        if timezone.localtime(edition.evidence_deadline).date() <= today + timedelta(days=edition.reminder_days)
    ]


def notify_evidence_due(today=None):
    """Tell each missing-evidence kecamatan's accounts, once a day per edition; returns how many notices."""
    today = today or timezone.localdate()
    sent = 0
    for edition in editions_with_evidence_due(today):
        try:
            with transaction.atomic():
                run = ScheduledRun.objects.create(job=EVIDENCE_DUE, scope=f"edition:{edition.pk}", day=today)
                run.sent = _evidence_due(edition)
                run.save(update_fields=["sent"])
        except IntegrityError:
            continue  # already done today (another round, or another scheduler)
        sent += run.sent
    return sent


def _evidence_due(edition):
    lacking = {p.district_id: p for p in participants_missing_evidence(edition)}
    if not lacking:
        return 0
    deadline = timezone.localtime(edition.evidence_deadline)
    people = User.objects.filter(is_active=True, role__in=DISTRICT_ROLES, district_id__in=lacking)
    messages = []
    for user in people:
        participant = lacking[user.district_id]
        subject = format_lazy(
            gettext_lazy("Evidence for {edition} is due on {date}"),
            edition=edition.name,
            date=deadline.strftime("%d-%m-%Y %H:%M"),
        )
        text = format_lazy(
            ngettext_lazy(
                "Kecamatan {kecamatan} still lacks evidence for {count} indicator. Upload it before the deadline.",
                "Kecamatan {kecamatan} still lacks evidence for {count} indicators. Upload it before the deadline.",
                "count",
            ),
            kecamatan=participant.district.name,
            count=participant.required - participant.covered,
        )
        messages.append((user, subject, text))
    return len(notify_each(messages, Notice.Kind.EVIDENCE_DUE, reverse("assessments:evidence_home")))


def run_due_jobs(today=None):
    """One round of the scheduler: {job: how many reminders or notices it sent}."""
    today = today or timezone.localdate()
    return {"sheets_reminder": send_due_reminders(today), EVIDENCE_DUE: notify_evidence_due(today)}
