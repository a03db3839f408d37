"""Score sheets, their scores, the append-only history of every change and reminders."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from assessments.models.criteria import Indicator
from assessments.models.editions import Stage
from assessments.models.participation import Participant


class ScoreSheet(models.Model):
    """One assessor's scores for one participant at one stage."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("In progress")
        SUBMITTED = "submitted", _("Submitted")

    stage = models.ForeignKey(Stage, models.CASCADE, related_name="sheets")
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="score_sheets")
    participant = models.ForeignKey(Participant, models.CASCADE, related_name="score_sheets")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    # The weighted total on 0–100 (``ranking.weighted``; unscored indicators count 0), kept up to date by
    # the database on every write of a Score (triggers of migration 0017): the rankings read it.
    weighted_total = models.DecimalField(max_digits=24, decimal_places=12, default=0, editable=False)

    class Meta:
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")
        constraints = [
            models.UniqueConstraint(fields=["stage", "assessor", "participant"], name="score_sheet_unique"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False), name="score_sheet_submitted_has_time"
            ),
        ]

    def __str__(self):
        return f"{self.stage} · {self.participant} · {self.assessor}"

    @property
    def is_submitted(self):
        return self.status == self.Status.SUBMITTED


class SheetAspectTotal(models.Model):
    """One aspect's score on 0–100 on one sheet (``ranking.weighted`` within the aspect), kept by the database
    on every write of a Score like ``ScoreSheet.weighted_total``: the tie-break subtotals the rankings read."""

    sheet = models.ForeignKey(ScoreSheet, models.CASCADE, related_name="aspect_totals")
    aspect = models.ForeignKey("assessments.Aspect", models.CASCADE, related_name="+")
    total = models.DecimalField(max_digits=24, decimal_places=12, default=0)
    scored = models.IntegerField(default=0, help_text="How many of the aspect's indicators have a value.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["sheet", "aspect"], name="sheet_aspect_total_unique")]


class StageStats(models.Model):
    """One participant's figures in one stage, over its counted sheets (submitted, no conflict of interest): what
    its stage score and rank are made of. Kept by the database on every change that can alter them (a sheet
    submitted, reopened or re-scored, a conflict declared or lifted, an assessor's home regency, the tie-break
    aspect, the aggregation; ``domain.totals``), so that a ranking reads one row per participant instead of every
    sheet. A pair without a counted sheet has no row. Figures in double precision, as the ranking computes them;
    what it compares (the score, the tie-break aspect's) rounded to 4 places once here, not at every ranking."""

    stage = models.ForeignKey(Stage, models.CASCADE, related_name="+")
    participant = models.ForeignKey(Participant, models.CASCADE, related_name="+")
    n_sheets = models.IntegerField()
    mean = models.FloatField()
    median = models.FloatField()
    trimmed = models.FloatField(help_text="Mean without one highest and one lowest total (3 sheets or more).")
    variance = models.FloatField(help_text="Population variance of the sheets' totals.")
    low = models.FloatField()
    high = models.FloatField()
    outliers = models.IntegerField()
    aspect_score = models.DecimalField(
        max_digits=9,
        decimal_places=4,
        null=True,
        help_text="Mean score on the edition's tie-break aspect, at the 4 places ties are compared at.",
    )
    score = models.DecimalField(
        max_digits=9,
        decimal_places=4,
        null=True,
        help_text="The stage score by the edition's aggregation, at 4 places; empty where it uses z-scores, which need"
        " every assessor's totals in the stage and are computed by the ranking.",
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["stage", "participant"], name="stage_stats_unique")]


class SheetEvent(models.Model):
    """Append-only record of submitting and reopening a sheet."""

    class Action(models.TextChoices):
        SUBMIT = "submit", _("Submitted")
        REOPEN = "reopen", _("Reopened")

    sheet = models.ForeignKey(ScoreSheet, models.CASCADE, related_name="events")
    action = models.CharField(max_length=10, choices=Action.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(action="submit") | ~Q(reason=""), name="sheet_reopen_has_reason"),
        ]


class Score(models.Model):
    """The current value of one indicator on one sheet; every change is also kept in ScoreChange."""

    sheet = models.ForeignKey(ScoreSheet, models.CASCADE, related_name="scores")
    indicator = models.ForeignKey(Indicator, models.PROTECT, related_name="scores")
    value = models.DecimalField(_("score"), max_digits=6, decimal_places=2, null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    version = models.PositiveIntegerField(default=1, help_text="Raised on each change; guards against lost updates.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [models.UniqueConstraint(fields=["sheet", "indicator"], name="score_unique")]


class ScoreChange(models.Model):
    """Append-only history of every score change: who, when, old and new value, from where."""

    class Source(models.TextChoices):
        WEB = "web", _("Score sheet in the browser")
        EXCEL = "excel", _("Excel upload")
        ADMIN = "admin", _("Administrator")
        IMPORT = "import", _("Data import")

    sheet = models.ForeignKey(ScoreSheet, models.PROTECT, related_name="changes")
    indicator = models.ForeignKey(Indicator, models.PROTECT, related_name="+")
    old_value = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    new_value = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    old_comment = models.TextField(blank=True)
    new_comment = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    # The score's version after this change (filled by the database when a writer leaves it out) and the
    # row's SHA-256 chained to the previous row of its sheet, computed by the database on insert
    # (``domain.chain``): the replay (``domain.replay``) recomputes both.
    version = models.PositiveIntegerField(null=True, blank=True)
    row_hash = models.CharField(max_length=64, blank=True, editable=False, db_default="")

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("score change")
        verbose_name_plural = _("score changes")
        # The chain trigger finds a sheet's previous row by this index.
        indexes = [models.Index(fields=["sheet", "id"], name="score_change_chain")]


class ReminderLog(models.Model):
    """A reminder e-mail sent to an assessor about a stage's unfinished sheets.

    Automatic reminders (the daily command) go out at most once per assessor, stage and day; the
    partial unique constraint keeps two overlapping runs from both recording (and so both sending).
    """

    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    stage = models.ForeignKey(Stage, models.CASCADE, related_name="reminders")
    sent_on = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)
    automatic = models.BooleanField(default=False)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    missing = models.PositiveIntegerField(help_text="How many unfinished sheets the e-mail listed for this stage.")

    class Meta:
        ordering = ["-sent_at", "pk"]
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(
                fields=["assessor", "stage", "sent_on"],
                condition=Q(automatic=True),
                name="reminder_automatic_once_a_day",
            ),
        ]
