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
