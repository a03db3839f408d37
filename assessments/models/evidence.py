"""A participant's evidence files (data dukung) and its submission."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from assessments.models.criteria import Indicator
from assessments.models.participation import Participant

# --- evidence (data dukung) ---


def evidence_upload_to(instance, filename):
    """A random stored name: nothing the uploader chose (name, extension) reaches the file system."""

    return f"evidence/{instance.participant.edition_id}/{uuid.uuid4().hex}"


def new_evidence_token():
    """The file's id in URLs: random, so that a guessed address finds nothing."""

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

    @property
    def is_image(self):
        """A JPEG or PNG (its type decided from its content at upload): shown in the page as it is."""
        return self.kind in (self.Kind.JPEG, self.Kind.PNG)

    @property
    def is_pdf(self):
        """A PDF: previewed as pictures of its pages rendered on the server, never opened in the portal."""
        return self.kind == self.Kind.PDF

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
