"""The field-visit schedule: when the assessors visit each kecamatan of a field-visit stage, and every move."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from assessments.models.editions import Stage
from assessments.models.participation import Participant


class FieldVisit(models.Model):
    """The visit of one participant in one field-visit stage: date, time, team, meeting place.

    One per participant per stage (the database says so). Written only by ``assessments.domain.visits``,
    which checks that the participant is in the stage, that the team are the stage's assessors and that
    the results are not final; every later change of date, time or team is kept as a ``FieldVisitChange``.
    """

    stage = models.ForeignKey(Stage, models.CASCADE, related_name="visits", verbose_name=_("stage"))
    participant = models.ForeignKey(Participant, models.CASCADE, related_name="visits", verbose_name=_("participant"))
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("time"))
    ends_at = models.TimeField(_("until"), null=True, blank=True)
    assessors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="field_visits", blank=True, verbose_name=_("assessors")
    )
    meeting_place = models.CharField(_("meeting place"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), max_length=1000, blank=True)
    planned_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    planned_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["stage", "date", "starts_at", "pk"]
        verbose_name = _("field visit")
        verbose_name_plural = _("field visits")
        constraints = [
            models.UniqueConstraint(fields=["stage", "participant"], name="field_visit_unique"),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")), name="field_visit_times_ordered"
            ),
        ]

    def __str__(self):
        return f"{self.participant} · {self.date} {self.starts_at:%H:%M}"


class FieldVisitChange(models.Model):
    """Append-only record of a visit moved or its team changed: what it was, what it became, who, when."""

    visit = models.ForeignKey(FieldVisit, models.CASCADE, related_name="changes")
    old_date = models.DateField()
    old_starts_at = models.TimeField()
    new_date = models.DateField()
    new_starts_at = models.TimeField()
    old_assessors = models.JSONField(default=list)  # names, as they were
    new_assessors = models.JSONField(default=list)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("field visit change")
        verbose_name_plural = _("field visit changes")

    @property
    def team_changed(self):
        return self.old_assessors != self.new_assessors
