"""A stage's criteria: aspects, indicators and the rubric levels of an indicator."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from assessments.models.editions import WEIGHT_VALIDATORS, Stage


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
