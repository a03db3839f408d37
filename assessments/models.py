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
    # The kecamatan's innovations (which live on across editions) that this entry presents.
    presented_innovations = models.ManyToManyField(
        "districts.Innovation", blank=True, related_name="presentations", verbose_name=_("innovations presented")
    )

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


# --- evidence (data dukung) ---


def evidence_upload_to(instance, filename):
    """A random stored name: nothing the uploader chose (name, extension) reaches the file system."""
    import uuid

    return f"evidence/{instance.participant.edition_id}/{uuid.uuid4().hex}"


def new_evidence_token():
    """The file's id in URLs: random, so that a guessed address finds nothing."""
    import uuid

    return uuid.uuid4()


class EvidenceFile(models.Model):
    """One uploaded evidence file (one version) of a participant for an indicator that asks for evidence.

    Replacing a file adds a new row pointing at the one it replaces; the current version of a chain is
    the one nobody replaced (``replaced_by`` is empty) and that was not withdrawn. Nothing is deleted.
    """

    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        JPEG = "jpeg", "JPEG"
        PNG = "png", "PNG"
        XLSX = "xlsx", "Excel (XLSX)"
        DOCX = "docx", "Word (DOCX)"

    token = models.UUIDField(unique=True, editable=False, default=new_evidence_token)
    participant = models.ForeignKey(
        Participant, models.CASCADE, related_name="evidence_files", verbose_name=_("participant")
    )
    indicator = models.ForeignKey(Indicator, models.PROTECT, related_name="evidence_files", verbose_name=_("indicator"))
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    file = models.FileField(_("file"), upload_to=evidence_upload_to, max_length=200)
    original_name = models.CharField(_("original file name"), max_length=255)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    is_public = models.BooleanField(
        _("public"), default=False, help_text=_("Shown to everyone once the results are published.")
    )
    replaces = models.OneToOneField(
        "self", models.PROTECT, null=True, blank=True, related_name="replaced_by", verbose_name=_("replaces")
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )

    class Meta:
        ordering = ["indicator", "uploaded_at", "pk"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        constraints = [
            models.CheckConstraint(condition=Q(size__gt=0), name="evidence_not_empty"),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | Q(withdrawn_by__isnull=False),
                name="evidence_withdrawn_by_whom",
            ),
            models.CheckConstraint(condition=~Q(replaces=F("pk")), name="evidence_not_replacing_itself"),
        ]

    def __str__(self):
        return self.caption or self.original_name

    def clean(self):
        if self.indicator_id and self.participant_id:
            if not self.indicator.requires_evidence:
                raise ValidationError({"indicator": _("This indicator does not ask for evidence.")})
            if self.indicator.aspect.stage.edition_id != self.participant.edition_id:
                raise ValidationError({"indicator": _("This indicator belongs to another edition.")})
        if self.replaces_id and (
            self.replaces.participant_id != self.participant_id or self.replaces.indicator_id != self.indicator_id
        ):
            raise ValidationError({"replaces": _("A file can only be replaced by a file of the same indicator.")})


class EntrySubmission(models.Model):
    """The state of a participant's evidence: sent ("Kirim") and any deadline extension for it."""

    participant = models.OneToOneField(
        Participant, models.CASCADE, related_name="submission", verbose_name=_("participant")
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    deadline_extended_to = models.DateTimeField(_("deadline extended to"), null=True, blank=True)
    deadline_extended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("extended by")
    )
    deadline_extended_at = models.DateTimeField(_("extended"), null=True, blank=True)

    class Meta:
        verbose_name = _("entry submission")
        verbose_name_plural = _("entry submissions")
        constraints = [
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=True) | Q(submitted_by__isnull=False), name="entry_submitted_by_whom"
            ),
            models.CheckConstraint(
                condition=Q(deadline_extended_to__isnull=True)
                | Q(deadline_extended_by__isnull=False, deadline_extended_at__isnull=False),
                name="entry_extension_by_whom",
            ),
        ]


class EntryEvent(models.Model):
    """Append-only record of submitting an entry and of deadline extensions (who, when, until when)."""

    class Action(models.TextChoices):
        SUBMIT = "submit", _("Submitted")
        EXTEND = "extend", _("Deadline extended")

    participant = models.ForeignKey(Participant, models.CASCADE, related_name="entry_events")
    action = models.CharField(max_length=10, choices=Action.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    until = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("entry event")
        verbose_name_plural = _("entry events")
        constraints = [
            models.CheckConstraint(
                condition=Q(action="submit") | Q(until__isnull=False), name="entry_extend_has_until"
            ),
        ]


class AwardCategory(models.Model):
    """An award of an edition: by default Juara I, II, III, Harapan I, II (ranks 1–5 of the final ranking).

    A category with a ``rank`` goes to the participant at that place of the final ranking; one without
    (a special award such as "Inovasi terbaik") is given by the panel's choice.
    """

    edition = models.ForeignKey(Edition, models.CASCADE, related_name="award_categories", verbose_name=_("edition"))
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=100, help_text=_("E.g. Juara I or Juara Harapan I."))
    rank = models.PositiveSmallIntegerField(
        _("place in the final ranking"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Empty for a special award chosen by the panel."),
    )

    class Meta:
        ordering = ["edition", "order"]
        verbose_name = _("award category")
        verbose_name_plural = _("award categories")
        constraints = [
            models.UniqueConstraint(fields=["edition", "order"], name="award_category_order_unique"),
            models.UniqueConstraint(
                fields=["edition", "rank"], condition=Q(rank__isnull=False), name="award_category_rank_unique"
            ),
        ]

    def __str__(self):
        return self.name


class Award(models.Model):
    """An award given to a participant, confirmed by the province admin.

    The final score is kept as it was at confirmation: the decree and certificates print this figure,
    and a later change to the scores must show as a difference, not silently rewrite a signed document.
    """

    category = models.OneToOneField(AwardCategory, models.CASCADE, related_name="award", verbose_name=_("award"))
    participant = models.ForeignKey(Participant, models.PROTECT, related_name="awards", verbose_name=_("participant"))
    final_score = models.DecimalField(_("final score"), max_digits=7, decimal_places=2, null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    # Set when the admin chose the participant (a tie at the category's place, or a special award):
    # such a choice is not the ranking's and must say who made it and why.
    chosen_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", null=True, blank=True)
    chosen_at = models.DateTimeField(_("chosen"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["category__edition", "category__order"]
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        constraints = [
            models.CheckConstraint(
                condition=Q(confirmed_at__isnull=True) | Q(confirmed_by__isnull=False), name="award_confirmed_by_whom"
            ),
            models.CheckConstraint(
                condition=Q(chosen_at__isnull=True) | (Q(chosen_by__isnull=False) & ~Q(reason="")),
                name="award_choice_by_whom_why",
            ),
        ]

    def __str__(self):
        return f"{self.category} — {self.participant}"


class PublishedResult(models.Model):
    """A participant's line of the final ranking, frozen when the edition is published.

    Once PUBLISHED nothing of the edition moves any more; the public pages, the kecamatan pages, the
    CSV/Excel downloads and the API all read these rows, so they show the same figures and cost a
    fixed number of queries (the live ranking is one heavy SQL statement per edition).
    """

    edition = models.ForeignKey(Edition, models.CASCADE, related_name="published_results")
    participant = models.OneToOneField(Participant, models.CASCADE, related_name="published_result")
    position = models.PositiveSmallIntegerField(help_text="Place in the ranking's order (unranked ones last).")
    rank = models.PositiveSmallIntegerField(null=True, blank=True)
    shared = models.BooleanField(default=False, help_text="The rank is shared with another participant (a tie).")
    final_score = models.DecimalField(max_digits=9, decimal_places=4, null=True, blank=True)

    class Meta:
        ordering = ["edition", "position"]
        verbose_name = _("published result")
        verbose_name_plural = _("published results")
        constraints = [
            models.UniqueConstraint(fields=["edition", "position"], name="published_result_position_unique"),
        ]


class PublishedStageScore(models.Model):
    result = models.ForeignKey(PublishedResult, models.CASCADE, related_name="stage_scores")
    stage = models.ForeignKey(Stage, models.CASCADE, related_name="+")
    score = models.DecimalField(max_digits=9, decimal_places=4, null=True, blank=True)

    class Meta:
        ordering = ["result", "stage__order"]
        constraints = [models.UniqueConstraint(fields=["result", "stage"], name="published_stage_score_unique")]


# --- documents: the governor's decree, certificates, recaps, champion reports ------------------


def _document_file_path(instance, filename):
    """A random name: a stored PDF is never reachable by guessing, only through the download view."""
    import secrets

    return f"documents/{instance.edition_id}/{secrets.token_hex(16)}.pdf"


class Decree(models.Model):
    """The governor's decree (Keputusan Gubernur) fixing an edition's winners, as entered by the province admin."""

    class PageSize(models.TextChoices):
        A4 = "A4", _("A4 (210 × 297 mm)")
        F4 = "F4", _("F4 (215 × 330 mm)")

    edition = models.OneToOneField(Edition, models.CASCADE, related_name="decree", verbose_name=_("edition"))
    number = models.CharField(_("number"), max_length=100, help_text=_("E.g. 188/966/KPTS/013/2022."))
    title = models.TextField(
        _("title (TENTANG)"),
        max_length=500,
        help_text=_("E.g. Penetapan Juara Sinergitas Penyelenggaraan Pemerintahan di Kecamatan ... Tahun 2022."),
    )
    place = models.CharField(_("place of signing"), max_length=100, default="Surabaya")
    date = models.DateField(_("date of signing"))
    signatory_office = models.CharField(_("signatory's office"), max_length=200, default="GUBERNUR JAWA TIMUR")
    signatory_name = models.CharField(_("signatory's name"), max_length=200)
    considerations = models.JSONField(_("considerations (Menimbang)"), default=list, blank=True)
    legal_bases = models.JSONField(_("legal bases (Mengingat)"), default=list, blank=True)
    # Award name -> amount in rupiah (whole rupiah); an award without an amount gets the certificate only.
    amounts = models.JSONField(_("amounts per award"), default=dict, blank=True)
    page_size = models.CharField(_("paper size"), max_length=2, choices=PageSize.choices, default=PageSize.F4)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("decree")
        verbose_name_plural = _("decrees")

    def __str__(self):
        return self.number

    def clean(self):
        for field_name in ("considerations", "legal_bases"):
            value = getattr(self, field_name)
            if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
                raise ValidationError({field_name: _("Enter a list of non-empty lines.")})
        if not isinstance(self.amounts, dict) or not all(
            isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in self.amounts.values()
        ):
            raise ValidationError({"amounts": _("Each amount must be a positive whole number of rupiah.")})


class Document(models.Model):
    """One issued version of a printed document, verifiable through its public code.

    ``facts`` is everything the PDF states and ``content_hash`` its SHA-256 (canonical JSON): issuing
    again with the same facts gives the same document; changed facts supersede the earlier version,
    which is kept so that a printed copy still verifies (as superseded).
    """

    class Kind(models.TextChoices):
        DECREE = "decree", _("Governor's decree")
        CERTIFICATE = "certificate", _("Award certificate")
        RECAP = "recap", _("Score recap")
        CHAMPION_REPORT = "champion_report", _("Champion report")

    class Status(models.TextChoices):
        CURRENT = "current", _("Current")
        SUPERSEDED = "superseded", _("Superseded by a later version")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    edition = models.ForeignKey(Edition, models.CASCADE, related_name="documents", verbose_name=_("edition"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    participant = models.ForeignKey(
        Participant, models.PROTECT, null=True, blank=True, related_name="documents", verbose_name=_("participant")
    )
    stage = models.ForeignKey(
        Stage, models.PROTECT, null=True, blank=True, related_name="documents", verbose_name=_("stage")
    )
    # What the document is about, e.g. "decree", "certificate:12": one current version per subject.
    subject = models.CharField(max_length=60)
    version = models.PositiveIntegerField(_("version"), default=1)
    code = models.CharField(_("verification code"), max_length=64, unique=True)
    content_hash = models.CharField(_("content hash"), max_length=64)
    facts = models.JSONField(_("facts"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.CURRENT)
    file = models.FileField(_("file"), upload_to=_document_file_path, max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    superseded_at = models.DateTimeField(_("superseded"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawal_reason = models.CharField(_("reason for withdrawal"), max_length=500, blank=True)

    class Meta:
        ordering = ["edition", "kind", "subject", "-version"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            models.UniqueConstraint(fields=["edition", "subject", "version"], name="document_version_unique"),
            models.UniqueConstraint(
                fields=["edition", "subject"], condition=Q(status="current"), name="document_one_current"
            ),
            models.CheckConstraint(
                condition=~Q(status="withdrawn") | Q(withdrawn_at__isnull=False), name="document_withdrawn_when"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} v{self.version} ({self.subject})"


class DocumentJob(models.Model):
    """A background job rendering many documents at once (all certificates, all recaps), with its progress."""

    class Kind(models.TextChoices):
        CERTIFICATES = "certificates", _("All award certificates")
        RECAPS = "recaps", _("All score recaps")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    edition = models.ForeignKey(Edition, models.CASCADE, related_name="document_jobs", verbose_name=_("edition"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(_("total"), default=0)
    done = models.PositiveIntegerField(_("done"), default=0)
    error = models.TextField(_("error"), blank=True)
    result = models.FileField(_("result"), upload_to=_document_file_path, max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("document job")
        verbose_name_plural = _("document jobs")

    def __str__(self):
        return f"{self.get_kind_display()} ({self.get_status_display()})"

    @property
    def percent(self):
        if self.status == self.Status.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0
