"""The governor's decree, issued documents and background document jobs."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from assessments.models.editions import Edition, Stage
from assessments.models.participation import Participant
from assessments.models.runs import BackgroundRun


def _document_file_path(instance, filename):
    """A random name: a stored PDF is never reachable by guessing, only through the download view."""

    return f"documents/{instance.edition_id}/{secrets.token_hex(16)}.pdf"


def _letterhead_image_path(instance, filename):
    """A random name under the province's folder (the extension is the checked format's)."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "png"
    return f"letterheads/{instance.province_id}/{secrets.token_hex(16)}.{extension}"


class ProvinceLetterhead(models.Model):
    """The province's own emblem and letterhead (kop surat), printed on its documents.

    Without an emblem the documents show a drawn placeholder; without a letterhead image they show the
    province's name in text under the emblem. The digests go into each document's facts, so that a new
    emblem or letterhead makes a new version of a document printed again.
    """

    province = models.OneToOneField(
        "districts.Province", models.CASCADE, related_name="letterhead", verbose_name=_("province")
    )
    emblem = models.ImageField(_("emblem"), upload_to=_letterhead_image_path, max_length=200, blank=True)
    emblem_digest = models.CharField(max_length=64, blank=True, editable=False)
    letterhead = models.ImageField(
        _("letterhead (kop surat)"), upload_to=_letterhead_image_path, max_length=200, blank=True
    )
    letterhead_digest = models.CharField(max_length=64, blank=True, editable=False)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("province letterhead")
        verbose_name_plural = _("province letterheads")

    def __str__(self):
        return str(self.province_id)


class Decree(models.Model):
    """The governor's decree (Keputusan Gubernur) fixing an edition's winners, as entered by the province admin."""

    class PageSize(models.TextChoices):
        A4 = "A4", _("A4 (210 × 297 mm)")
        F4 = "F4", _("F4 (215 × 330 mm)")

    edition = models.OneToOneField(Edition, models.CASCADE, related_name="decree", verbose_name=_("edition"))
    # Number and date are empty in a decree set-up copied from last year until the new ones are entered:
    # a decree cannot be printed without them (``domain.documents``).
    number = models.CharField(_("number"), max_length=100, blank=True, help_text=_("E.g. 188/966/KPTS/013/2022."))
    title = models.TextField(
        _("title (TENTANG)"),
        max_length=500,
        help_text=_("E.g. Penetapan Juara Sinergitas Penyelenggaraan Pemerintahan di Kecamatan ... Tahun 2022."),
    )
    place = models.CharField(_("place of signing"), max_length=100, default="Surabaya")
    date = models.DateField(_("date of signing"), null=True, blank=True)
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
        VISIT_NOTICE = "visit_notice", _("Field visit notice letter")

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

    # --- status predicates (asked by views and templates instead of the raw string) ---
    @property
    def is_current(self):
        return self.status == self.Status.CURRENT

    @property
    def is_superseded(self):
        return self.status == self.Status.SUPERSEDED

    @property
    def is_withdrawn(self):
        return self.status == self.Status.WITHDRAWN


class DocumentJob(BackgroundRun):
    """A background job rendering many documents at once (all certificates, all recaps), with its progress."""

    class Kind(models.TextChoices):
        CERTIFICATES = "certificates", _("All award certificates")
        RECAPS = "recaps", _("All score recaps")

    edition = models.ForeignKey(Edition, models.CASCADE, related_name="document_jobs", verbose_name=_("edition"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
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
