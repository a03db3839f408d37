"""Editions (one competition in one province and year), their state history and their stages."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

WEIGHT_VALIDATORS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class EditionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(state__in=Edition.PUBLISHED_STATES)

    def with_final_results(self):
        return self.filter(state__in=Edition.RESULTS_FINAL_STATES)

    def under_assessment(self):
        return self.filter(state__in=Edition.SCORING_STATES)

    def announced(self):
        """Editions past their draft: opened to the regencies and kecamatan (nominations on)."""
        return self.exclude(state=Edition.State.DRAFT)


class Edition(models.Model):
    """One year's competition of one province (the tenant).

    What each state allows is said once, here, by the state groups and the predicates below; the
    domain enforces them in its write functions, and rules, views and templates only ask them.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        NOMINATION = "nomination", _("Nomination open")
        ASSESSMENT = "assessment", _("Assessment")
        FINAL = "final", _("Results final")
        PUBLISHED = "published", _("Published")

    # --- state groups: the one place that says which state allows what ---
    # The stages and their order may change (a stage added or removed).
    SETUP_STATES = frozenset({State.DRAFT, State.NOMINATION})
    # Regencies nominate, the province decides on nominations.
    NOMINATION_STATES = frozenset({State.NOMINATION})
    # Assessors score; sheets are opened, saved, submitted and reopened.
    SCORING_STATES = frozenset({State.ASSESSMENT})
    # Kecamatan upload and change their evidence (until the deadline).
    EVIDENCE_STATES = frozenset({State.NOMINATION, State.ASSESSMENT})
    # The results are closed: no score, criterion, participant or stage entry changes any more.
    RESULTS_FINAL_STATES = frozenset({State.FINAL, State.PUBLISHED})
    # Everything is public and frozen: settings, decree, awards and the frozen results.
    PUBLISHED_STATES = frozenset({State.PUBLISHED})

    class Aggregation(models.TextChoices):
        MEAN = "mean", _("Mean of the assessors' totals")
        MEDIAN = "median", _("Median of the assessors' totals")
        TRIMMED_MEAN = "trimmed_mean", _("Trimmed mean (highest and lowest dropped)")
        ZSCORE = "zscore", _("Mean of per-assessor z-scores, rescaled to 0–100")

    class FinalScore(models.TextChoices):
        WEIGHTED_STAGES = "weighted", _("Weighted sum of the stage scores")
        LAST_STAGE = "last_stage", _("Score of the last stage only")

    province = models.ForeignKey(
        "districts.Province", models.PROTECT, related_name="editions", verbose_name=_("province")
    )
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
    tie_break_previous_stage = models.BooleanField(
        _("tie-break by the previous stage's score"),
        default=False,
        help_text=_(
            "After the last stage's score, ties are broken by the higher score in the stage before it "
            "(before the tie-break aspect, if any)."
        ),
    )
    nomination_quota = models.PositiveSmallIntegerField(
        _("nominations per regency"), default=1, validators=[MinValueValidator(1)]
    )
    evidence_max_mb = models.PositiveSmallIntegerField(
        _("largest evidence file (MB)"), default=20, validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    evidence_deadline = models.DateTimeField(
        _("evidence deadline"),
        null=True,
        blank=True,
        help_text=_("After this moment kecamatan can no longer upload or change evidence (unless extended)."),
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("reminder days before a stage closes"), default=3, validators=[MaxValueValidator(60)]
    )
    copied_from = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="copies", verbose_name=_("copied from")
    )
    is_demo = models.BooleanField(_("example data"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = EditionQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "name"]
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        constraints = [
            models.UniqueConstraint(fields=["province", "name"], name="edition_name_unique_in_province"),
        ]

    def __str__(self):
        return self.name

    # --- state predicates (asked by rules, views, templates; enforced by the domain) ---
    @property
    def is_draft(self):
        return self.state == self.State.DRAFT

    @property
    def in_setup(self):
        """Stages may still be added or removed."""
        return self.state in self.SETUP_STATES

    @property
    def nominations_open(self):
        return self.state in self.NOMINATION_STATES

    @property
    def scoring_open(self):
        return self.state in self.SCORING_STATES

    @property
    def evidence_open(self):
        return self.state in self.EVIDENCE_STATES

    @property
    def results_final(self):
        """The results are closed (final or published): nothing that changes them is allowed."""
        return self.state in self.RESULTS_FINAL_STATES

    @property
    def awards_open(self):
        """Awards are chosen and confirmed while the results are final but not yet published."""
        return self.state == self.State.FINAL

    @property
    def is_published(self):
        return self.state in self.PUBLISHED_STATES

    @property
    def settings_frozen(self):
        """The edition's settings and its decree set-up no longer change: they are what was published."""
        return self.is_published

    def has_scores(self):
        return self.stages.filter(sheets__scores__isnull=False).exists()

    @property
    def criteria_editable(self):
        """No criterion changes once the results are final or any stage has a score."""
        return not self.results_final and not self.has_scores()


class EditionTransition(models.Model):
    """Append-only record of every state move of an edition (who, when)."""

    edition = models.ForeignKey(Edition, models.CASCADE, related_name="transitions")
    from_state = models.CharField(max_length=20, choices=Edition.State.choices)
    to_state = models.CharField(max_length=20, choices=Edition.State.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    # Why the move was made: given when a publication is withdrawn (shown on the public results page).
    reason = models.TextField(_("reason"), blank=True, max_length=1000)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("edition state change")
        verbose_name_plural = _("edition state changes")

    @property
    def is_publication_withdrawal(self):
        return self.from_state in Edition.PUBLISHED_STATES and self.to_state not in Edition.PUBLISHED_STATES


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

    def has_scores(self):
        return self.sheets.filter(scores__isnull=False).exists()

    def active_advance(self):
        """The advance of this stage's top N that is still in force (not reverted), if any."""
        return self.advances.filter(reverted_at__isnull=True).order_by("-at", "-pk").first()

    @property
    def has_advanced(self):
        return self.advances.filter(reverted_at__isnull=True).exists()

    @property
    def scoring_open(self):
        """Sheets of this stage may be opened, saved and submitted: the edition is under assessment and
        the stage's shortlist has not gone on (once it has, its scores are frozen until the advance is
        reverted)."""
        return self.edition.scoring_open and not self.has_advanced

    @property
    def criteria_editable(self):
        """A stage's criteria are locked from its first score, and once the results are final."""
        return not self.edition.results_final and not self.has_scores()

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("A stage cannot end before it starts.")})
