"""A notice: one message to one person, kept so the person can read what was sent to them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NoticeQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)

    def of(self, user):
        return self.filter(recipient=user)


class Notice(models.Model):
    class Kind(models.TextChoices):
        NOMINATIONS_OPEN = "nominations_open", _("Nominations open")
        NOMINATION_DECIDED = "nomination_decided", _("Nomination decided")
        EVIDENCE_DUE = "evidence_due", _("Evidence due")
        SHEETS_ASSIGNED = "sheets_assigned", _("Score sheets assigned")
        SHEETS_REMINDER = "sheets_reminder", _("Unfinished score sheets")
        RESULTS_PUBLISHED = "results_published", _("Results published")
        RESULTS_WITHDRAWN = "results_withdrawn", _("Results withdrawn")
        FIELD_VISIT = "field_visit", _("Field visit")
        CRITERIA_COMMENTS = "criteria_comments", _("Criteria open for comment")
        OTHER = "other", _("Other")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="notices", verbose_name=_("recipient")
    )
    kind = models.CharField(_("event"), max_length=40, choices=Kind.choices, default=Kind.OTHER)
    subject = models.CharField(_("subject"), max_length=200)
    text = models.TextField(_("text"), blank=True)
    link = models.CharField(
        _("link"), max_length=500, blank=True, help_text=_("The path of the page to act on, e.g. /kompetisi/1/.")
    )
    created = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["recipient", "-created"], name="notice_recipient_created")]
        constraints = [
            # A link is a path inside the portal (the e-mail makes it absolute with SITE_URL).
            models.CheckConstraint(name="notice_link_is_a_path", condition=Q(link="") | Q(link__startswith="/")),
        ]

    def __str__(self):
        return self.subject

    @property
    def is_read(self):
        return self.read_at is not None

    def absolute_link(self):
        return f"{settings.SITE_URL}{self.link}" if self.link else settings.SITE_URL + "/"


class ScheduledRun(models.Model):
    """A scheduled job done for one scope on one day (``manage.py run_schedule``): recorded in the same
    transaction as what it sent, so a job runs at most once a day per scope, across restarts."""

    job = models.CharField(_("job"), max_length=40)
    scope = models.CharField(_("scope"), max_length=60, help_text=_("What the job ran for, e.g. edition:3."))
    day = models.DateField(_("day"))
    sent = models.PositiveIntegerField(_("notices sent"), default=0)
    created = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")
        ordering = ["-day", "job", "scope"]
        constraints = [models.UniqueConstraint(fields=["job", "scope", "day"], name="scheduled_run_once_a_day")]

    def __str__(self):
        return f"{self.job} {self.scope} {self.day}"
