"""The kecamatan's own side, written by the kecamatan: its profile and its innovations."""

import datetime
import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator, URLValidator
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from districts.models.regions import District

NIP_LENGTH = 18
INNOVATION_FIRST_YEAR = 1945


def _random_name(folder, filename):
    """A random name under ``folder`` keeping only a short, safe extension: never the uploader's name."""
    suffix = PurePath(filename or "").suffix.lower().lstrip(".")
    suffix = suffix if suffix.isalnum() and len(suffix) <= 5 else "bin"
    return f"{folder}/{uuid.uuid4().hex}.{suffix}"


def profile_photo_path(instance, filename):
    return _random_name("profiles", filename)


def innovation_photo_path(instance, filename):
    return _random_name("innovations", filename)


def validate_nip(value):
    """An 18-digit NIP: birth date (YYYYMMDD), appointment (YYYYMM), sex (1 or 2), serial number."""
    if len(value) != NIP_LENGTH or not value.isdigit():
        raise ValidationError(_("A NIP has exactly 18 digits."), code="nip_length")
    try:
        datetime.date(int(value[0:4]), int(value[4:6]), int(value[6:8]))
    except ValueError:
        raise ValidationError(
            _("The first 8 digits of a NIP are a date of birth (YYYYMMDD); %(part)s is not a date."),
            code="nip_birth_date",
            params={"part": value[0:8]},
        ) from None
    if not 1 <= int(value[12:14]) <= 12:
        raise ValidationError(
            _("Digits 9–14 of a NIP are the year and month of appointment (YYYYMM); %(part)s is not one."),
            code="nip_appointment",
            params={"part": value[8:14]},
        )
    if value[14] not in "12":
        raise ValidationError(_("Digit 15 of a NIP is 1 or 2."), code="nip_sex")


def validate_start_year(value):
    last = datetime.date.today().year
    if not INNOVATION_FIRST_YEAR <= value <= last:
        raise ValidationError(
            _("Enter a year between %(first)s and %(last)s."),
            code="start_year_range",
            params={"first": INNOVATION_FIRST_YEAR, "last": last},
        )


phone_validator = RegexValidator(
    r"^\+?[0-9][0-9 ()\-]{5,19}$", _("Enter a phone number: digits, spaces, hyphens, an optional leading +.")
)


class DistrictProfile(models.Model):
    """What a kecamatan says about itself. The number of desa/kelurahan comes from the region data."""

    district = models.OneToOneField(
        District, models.CASCADE, primary_key=True, related_name="profile", verbose_name=_("kecamatan")
    )
    camat_name = models.CharField(_("camat's name"), max_length=150, blank=True)
    camat_nip = models.CharField(
        _("camat's NIP"),
        max_length=NIP_LENGTH,
        blank=True,
        validators=[validate_nip],
        help_text=_("18 digits; spaces are ignored."),
    )
    address = models.TextField(_("office address"), max_length=500, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[phone_validator])
    email = models.EmailField(_("e-mail"), blank=True)
    area_km2 = models.DecimalField(
        _("area (km²)"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0.01)],
    )
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    office_photo = models.ImageField(_("photo of the office"), upload_to=profile_photo_path, max_length=200, blank=True)
    description = models.TextField(_("short description"), max_length=2000, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        verbose_name = _("kecamatan profile")
        verbose_name_plural = _("kecamatan profiles")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(camat_nip="") | models.Q(camat_nip__regex=r"^[0-9]{18}$"),
                name="profile_camat_nip_18_digits",
            ),
            models.CheckConstraint(
                condition=models.Q(area_km2__isnull=True) | models.Q(area_km2__gt=0), name="profile_area_positive"
            ),
        ]

    def __str__(self):
        return str(self.district)


class InnovationCategory(models.TextChoices):
    PUBLIC_SERVICE = "public_service", _("Public service")
    GOVERNANCE = "governance", _("Governance")
    ECONOMY = "economy", _("Economy")
    HEALTH = "health", _("Health")
    EDUCATION = "education", _("Education")
    ENVIRONMENT = "environment", _("Environment")
    SOCIAL = "social", _("Social")
    DIGITAL = "digital", _("Digital")
    OTHER = "other", _("Other")


class InnovationStatus(models.TextChoices):
    IDEA = "idea", _("Idea")
    PILOT = "pilot", _("Pilot")
    RUNNING = "running", _("Running")
    REPLICATED = "replicated", _("Replicated elsewhere")
    STOPPED = "stopped", _("Stopped")


class Innovation(models.Model):
    """An innovation of a kecamatan. It belongs to the kecamatan and outlives any one edition."""

    Category = InnovationCategory
    Status = InnovationStatus

    district = models.ForeignKey(District, models.PROTECT, related_name="innovations", verbose_name=_("kecamatan"))
    name = models.CharField(_("name"), max_length=200, help_text=_("E.g. MAPS — Margahayu Ayo Pilah Sampah."))
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    problem = models.TextField(_("the problem"), max_length=4000, help_text=_("What was wrong before?"))
    idea = models.TextField(_("the idea"), max_length=4000)
    how_it_works = models.TextField(_("how it works"), max_length=6000, blank=True)
    partners = models.TextField(
        _("partners"),
        max_length=2000,
        blank=True,
        help_text=_("Who works with the kecamatan on it (the collaborative part of IKI)."),
    )
    results = models.TextField(_("results and impact"), max_length=6000, blank=True)
    start_year = models.PositiveSmallIntegerField(_("start year"), validators=[validate_start_year])
    beneficiaries = models.CharField(
        _("beneficiaries"), max_length=300, blank=True, help_text=_("Who benefits, and how many.")
    )
    video_url = models.URLField(
        _("video link"),
        max_length=500,
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("Optional: a link to a video, e.g. on YouTube."),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RUNNING)
    is_published = models.BooleanField(
        _("shown in the public catalogue"),
        default=False,
        help_text=_("Anyone can then read it and see its photos."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        ordering = ["district", "-start_year", "name"]
        verbose_name = _("innovation")
        verbose_name_plural = _("innovations")
        constraints = [
            models.UniqueConstraint(
                Upper("name"),
                "district",
                name="innovation_name_unique_in_district",
                violation_error_message=_("This kecamatan already has an innovation with this name."),
            ),
            models.CheckConstraint(
                condition=models.Q(start_year__gte=INNOVATION_FIRST_YEAR), name="innovation_start_year_min"
            ),
            models.CheckConstraint(
                condition=models.Q(category__in=InnovationCategory.values), name="innovation_category_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=InnovationStatus.values), name="innovation_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(video_url="")
                | models.Q(video_url__startswith="http://")
                | models.Q(video_url__startswith="https://"),
                name="innovation_video_url_http",
            ),
        ]
        indexes = [models.Index(fields=["is_published", "start_year"], name="innovation_published_idx")]

    def __str__(self):
        return self.name


class InnovationFigure(models.Model):
    """One measured result, e.g. "Waste sorted per month" = 12.5 "ton". Value or text, not neither."""

    innovation = models.ForeignKey(Innovation, models.CASCADE, related_name="figures", verbose_name=_("innovation"))
    label = models.CharField(_("what was measured"), max_length=150)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2, null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=40, blank=True, help_text=_("E.g. households, %, ton/month."))
    text = models.CharField(
        _("or as text"), max_length=150, blank=True, help_text=_("When the result is not one number.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["innovation", "order", "id"]
        verbose_name = _("figure")
        verbose_name_plural = _("figures")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(value__isnull=False) | ~models.Q(text=""), name="figure_value_or_text"
            ),
        ]

    def __str__(self):
        return self.label

    def clean(self):
        if self.value is None and not self.text:
            raise ValidationError(_("Give the figure a value or a text."), code="figure_empty")

    @property
    def value_format(self):
        """The ``floatformat`` argument showing the value's significant decimals: 1250, 12.5, 0.75."""
        if self.value is None:
            return "0g"
        decimals = max(0, -self.value.normalize().as_tuple().exponent)
        return f"{min(decimals, 2)}g"


class InnovationPhoto(models.Model):
    innovation = models.ForeignKey(Innovation, models.CASCADE, related_name="photos", verbose_name=_("innovation"))
    image = models.ImageField(_("photo"), upload_to=innovation_photo_path, max_length=200)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )

    class Meta:
        ordering = ["innovation", "order", "id"]
        verbose_name = _("photo of an innovation")
        verbose_name_plural = _("photos of innovations")

    def __str__(self):
        return self.caption or str(self.innovation)
