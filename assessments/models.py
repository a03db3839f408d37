"""The competition: editions, their stages and criteria, participants, assessors and scores.

Models hold data and their invariants only. Rules live in plain modules beside them:
``workflow.py`` (state moves, advancing), ``scoring.py`` (sheets and scores), ``ranking.py``
(aggregation and ranking in the database), ``services.py`` / ``selectors.py`` for the rest.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

WEIGHT_VALIDATORS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class Edition(models.Model):
    """One year's competition of one province (the tenant)."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        NOMINATION = "nomination", _("Nomination open")
        ASSESSMENT = "assessment", _("Assessment")
        FINAL = "final", _("Results final")
        PUBLISHED = "published", _("Published")

    class Aggregation(models.TextChoices):
        MEAN = "mean", _("Mean of the assessors' totals")
        MEDIAN = "median", _("Median of the assessors' totals")
        TRIMMED_MEAN = "trimmed_mean", _("Trimmed mean (highest and lowest dropped)")
        ZSCORE = "zscore", _("Mean of per-assessor z-scores, rescaled to 0–100")

    class FinalScore(models.TextChoices):
        WEIGHTED_STAGES = "weighted", _("Weighted sum of the stage scores")
        LAST_STAGE = "last_stage", _("Score of the last stage only")

    province = models.ForeignKey("districts.Province", models.PROTECT, related_name="editions", verbose_name=_("province"))
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    name = models.CharField(_("name"), max_length=200, help_text=_("E.g. SP2K Jawa Timur 2022."))
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    aggregation = models.CharField(
        _("combining the assessors' totals"), max_length=20, choices=Aggregation.choices, default=Aggregation.MEAN
    )
    final_score = models.CharField(
        _("final score"), max_length=20, choices=FinalScore.choices, default=FinalScore.WEIGHTED_STAGES
    )
    tie_break_aspect = models.CharField(
        _("tie-break aspect"),
        max_length=200,
        blank=True,
        help_text=_("After the last stage's score, ties are broken by the higher score on the aspect of this name."),
    )
    nomination_quota = models.PositiveSmallIntegerField(
        _("nominations per regency"), default=1, validators=[MinValueValidator(1)]
    )
    evidence_max_mb = models.PositiveSmallIntegerField(
        _("largest evidence file (MB)"), default=20, validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("reminder days before a stage closes"), default=3, validators=[MaxValueValidator(60)]
    )
    copied_from = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="copies", verbose_name=_("copied from")
    )
    is_demo = models.BooleanField(_("example data"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-year", "name"]
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        constraints = [
            models.UniqueConstraint(fields=["province", "name"], name="edition_name_unique_in_province"),
        ]

    def __str__(self):
        return self.name


class EditionTransition(models.Model):
    """Append-only record of every state move of an edition (who, when)."""

    edition = models.ForeignKey(Edition, models.CASCADE, related_name="transitions")
    from_state = models.CharField(max_length=20, choices=Edition.State.choices)
    to_state = models.CharField(max_length=20, choices=Edition.State.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("edition state change")
        verbose_name_plural = _("edition state changes")


class Stage(models.Model):
    class Kind(models.TextChoices):
        DESK = "desk", _("Administrative/desk evaluation")
        PRESENTATION = "presentation", _("Presentation and interview")
        FIELD_VISIT = "field_visit", _("Field visit")

    edition = models.ForeignKey(Edition, models.CASCADE, related_name="stages", verbose_name=_("edition"))
    order = models.PositiveSmallIntegerField(_("order"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    weight = models.DecimalField(
        _("weight in the final score (%)"), max_digits=5, decimal_places=2, default=0, validators=WEIGHT_VALIDATORS
    )
    advance_count = models.PositiveSmallIntegerField(
        _("participants passed on"), null=True, blank=True, help_text=_("How many go on to the next stage.")
    )

    class Meta:
        ordering = ["edition", "order"]
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        constraints = [
            models.UniqueConstraint(fields=["edition", "order"], name="stage_order_unique"),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True) | Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="stage_dates_ordered",
            ),
            models.CheckConstraint(condition=Q(weight__gte=0, weight__lte=100), name="stage_weight_range"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("A stage cannot end before it starts.")})


class Aspect(models.Model):
    stage = models.ForeignKey(Stage, models.CASCADE, related_name="aspects", verbose_name=_("stage"))
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=200)
    weight = models.DecimalField(_("weight (%)"), max_digits=5, decimal_places=2, validators=WEIGHT_VALIDATORS)

    class Meta:
        ordering = ["stage", "order"]
        verbose_name = _("aspect")
        verbose_name_plural = _("aspects")
        constraints = [
            models.UniqueConstraint(fields=["stage", "order"], name="aspect_order_unique"),
            models.CheckConstraint(condition=Q(weight__gte=0, weight__lte=100), name="aspect_weight_range"),
        ]

    def __str__(self):
        return self.name


class Indicator(models.Model):
    class Scale(models.TextChoices):
        NUMERIC = "numeric", _("Number in a range")
        RUBRIC = "rubric", _("Rubric levels")

    aspect = models.ForeignKey(Aspect, models.CASCADE, related_name="indicators", verbose_name=_("aspect"))
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    weight = models.DecimalField(_("weight (%)"), max_digits=5, decimal_places=2, validators=WEIGHT_VALIDATORS)
    scale = models.CharField(_("scale"), max_length=10, choices=Scale.choices, default=Scale.NUMERIC)
    scale_min = models.DecimalField(_("lowest score"), max_digits=6, decimal_places=2, default=0)
    scale_max = models.DecimalField(_("highest score"), max_digits=6, decimal_places=2, default=100)
    requires_evidence = models.BooleanField(_("evidence required"), default=False)

    class Meta:
        ordering = ["aspect", "order"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(fields=["aspect", "order"], name="indicator_order_unique"),
            models.CheckConstraint(condition=Q(scale_max__gt=F("scale_min")), name="indicator_scale_ordered"),
            models.CheckConstraint(condition=Q(weight__gte=0, weight__lte=100), name="indicator_weight_range"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.scale_min is not None and self.scale_max is not None and self.scale_max <= self.scale_min:
            raise ValidationError({"scale_max": _("The highest score must be above the lowest.")})


class RubricLevel(models.Model):
    """One level of a rubric indicator, e.g. 5 — "sangat baik" — with what it means."""

    indicator = models.ForeignKey(Indicator, models.CASCADE, related_name="levels", verbose_name=_("indicator"))
    value = models.PositiveSmallIntegerField(_("score"))
    label = models.CharField(_("label"), max_length=100)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["indicator", "value"]
        verbose_name = _("rubric level")
        verbose_name_plural = _("rubric levels")
        constraints = [models.UniqueConstraint(fields=["indicator", "value"], name="rubric_level_unique")]

    def __str__(self):
        return f"{self.value} — {self.label}"


class Participant(models.Model):
    """A kecamatan nominated to an edition by its regency; accepted nominees are the participants."""

    class Status(models.TextChoices):
        NOMINATED = "nominated", _("Nominated, awaiting verification")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    edition = models.ForeignKey(Edition, models.CASCADE, related_name="participants", verbose_name=_("edition"))
    district = models.ForeignKey(
        "districts.District", models.PROTECT, related_name="participations", verbose_name=_("kecamatan")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NOMINATED)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", null=True, verbose_name=_("nominated by")
    )
    nominated_at = models.DateTimeField(_("nominated"), auto_now_add=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", null=True, blank=True, verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        ordering = ["edition", "district"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(fields=["edition", "district"], name="participant_unique_in_edition"),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(decision_reason=""), name="participant_rejection_has_reason"
            ),
        ]

    def __str__(self):
        return str(self.district)


class StageEntry(models.Model):
    """A participant taking part in a stage (all accepted ones in the first, the top N later)."""

    stage = models.ForeignKey(Stage, models.CASCADE, related_name="entries")
    participant = models.ForeignKey(Participant, models.CASCADE, related_name="stage_entries")
    advanced_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", null=True)
    advanced_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("stage participant")
        verbose_name_plural = _("stage participants")
        constraints = [models.UniqueConstraint(fields=["stage", "participant"], name="stage_entry_unique")]


class StageAdvance(models.Model):
    """Append-only record of an "advance the top N" action and of its reversal."""

    from_stage = models.ForeignKey(Stage, models.CASCADE, related_name="advances")
    count = models.PositiveSmallIntegerField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    reverted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", null=True, blank=True)
    reverted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["at", "pk"]


class EditionAssessor(models.Model):
    """An assessor (tim penilai) taking part in an edition."""

    edition = models.ForeignKey(Edition, models.CASCADE, related_name="assessors", verbose_name=_("edition"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="assessor_memberships", verbose_name=_("assessor")
    )

    class Meta:
        verbose_name = _("edition assessor")
        verbose_name_plural = _("edition assessors")
        constraints = [models.UniqueConstraint(fields=["edition", "user"], name="edition_assessor_unique")]

    def __str__(self):
        return str(self.user)


class Assignment(models.Model):
    """Which assessor scores which participant at which stage."""

    stage = models.ForeignKey(Stage, models.CASCADE, related_name="assignments")
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="assignments")
    participant = models.ForeignKey(Participant, models.CASCADE, related_name="assignments")

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(fields=["stage", "assessor", "participant"], name="assignment_unique"),
        ]


class Conflict(models.Model):
    """A conflict of interest declared by an assessor (home-regency conflicts are derived, not stored)."""

    edition = models.ForeignKey(Edition, models.CASCADE, related_name="conflicts")
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="conflicts")
    participant = models.ForeignKey(Participant, models.CASCADE, related_name="conflicts")
    reason = models.TextField(_("reason"))
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [
            models.UniqueConstraint(fields=["assessor", "participant"], name="conflict_unique"),
            models.CheckConstraint(condition=~Q(reason=""), name="conflict_has_reason"),
        ]


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

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("score change")
        verbose_name_plural = _("score changes")
