"""An edition's assessors, their assignments and declared conflicts of interest."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from assessments.models.editions import Edition, Stage
from assessments.models.participation import Participant


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
    """A conflict of interest declared by an assessor (home-regency conflicts are derived, not stored).

    Either with one participant (a kecamatan), or with a whole regency or city (e.g. its government is the
    assessor's institution or employer), which covers every kecamatan of it in the edition.
    """

    edition = models.ForeignKey(Edition, models.CASCADE, related_name="conflicts")
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="conflicts")
    participant = models.ForeignKey(Participant, models.CASCADE, related_name="conflicts", null=True, blank=True)
    regency = models.ForeignKey(
        "districts.Regency",
        models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("regency or city"),
    )
    reason = models.TextField(_("reason"))
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [
            models.UniqueConstraint(fields=["assessor", "participant"], name="conflict_unique"),
            models.UniqueConstraint(
                fields=["edition", "assessor", "regency"],
                condition=Q(regency__isnull=False),
                name="conflict_regency_unique",
            ),
            models.CheckConstraint(
                condition=Q(participant__isnull=False, regency__isnull=True)
                | Q(participant__isnull=True, regency__isnull=False),
                name="conflict_participant_or_regency",
                violation_error_message=_("A conflict is declared with one kecamatan or with one regency."),
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="conflict_has_reason"),
        ]

    def __str__(self):
        return f"{self.assessor} × {self.subject}"

    @property
    def is_with_regency(self):
        return self.regency_id is not None

    @property
    def subject(self):
        """The kecamatan (participant) or the regency the conflict is declared with."""
        return self.regency if self.regency_id is not None else self.participant
