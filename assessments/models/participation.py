"""Participants (nominated kecamatan) and who goes on to which stage."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from assessments.models.editions import Edition, Stage


class Participant(models.Model):
    """A kecamatan nominated to an edition by its regency; accepted nominees are the participants."""

    class Status(models.TextChoices):
        NOMINATED = "nominated", _("Nominated, awaiting verification")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn by the regency")

    # Nominations that no longer count against the regency's quota nor take part.
    INACTIVE_STATUSES = (Status.REJECTED, Status.WITHDRAWN)

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
    # Entered by the province admin on behalf of the kecamatan's regency (nominated_by is that admin).
    entered_by_province = models.BooleanField(_("entered by the province"), default=False)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("withdrawn by"),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
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
            models.CheckConstraint(
                condition=~Q(status="withdrawn") | Q(withdrawn_at__isnull=False, withdrawn_by__isnull=False),
                name="participant_withdrawal_recorded",
            ),
        ]

    def __str__(self):
        return str(self.district)

    # --- status predicates (asked by views and templates instead of the raw string) ---
    @property
    def is_nominated(self):
        """Nominated by its regency and still awaiting the province's decision."""
        return self.status == self.Status.NOMINATED

    @property
    def is_accepted(self):
        return self.status == self.Status.ACCEPTED

    @property
    def is_rejected(self):
        return self.status == self.Status.REJECTED

    @property
    def is_withdrawn(self):
        return self.status == self.Status.WITHDRAWN

    @property
    def is_active_nomination(self):
        """Still counts: awaiting a decision or accepted (not rejected, not withdrawn)."""
        return self.status not in self.INACTIVE_STATUSES


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
