"""Indonesia's regions with their official codes: provinces, regencies, kecamatan, villages."""

from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _


class Province(models.Model):
    code = models.CharField(_("code"), max_length=2, primary_key=True, validators=[RegexValidator(r"^\d{2}$")])
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self):
        return self.name


class Regency(models.Model):
    class Kind(models.TextChoices):
        KABUPATEN = "kabupaten", _("Regency (kabupaten)")
        KOTA = "kota", _("City (kota)")

    code = models.CharField(_("code"), max_length=5, primary_key=True, validators=[RegexValidator(r"^\d{2}\.\d{2}$")])
    province = models.ForeignKey(Province, models.PROTECT, related_name="regencies", verbose_name=_("province"))
    name = models.CharField(_("name"), max_length=100, help_text=_("Official name, e.g. Kabupaten Sidoarjo."))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)

    class Meta:
        ordering = ["code"]
        verbose_name = _("regency or city")
        verbose_name_plural = _("regencies and cities")
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=["kabupaten", "kota"]), name="regency_kind_valid"),
        ]

    def __str__(self):
        return self.name

    @staticmethod
    def kind_from_name(name):
        return Regency.Kind.KOTA if name.startswith("Kota ") else Regency.Kind.KABUPATEN


class District(models.Model):
    """A kecamatan."""

    code = models.CharField(
        _("code"), max_length=8, primary_key=True, validators=[RegexValidator(r"^\d{2}\.\d{2}\.\d{2}$")]
    )
    regency = models.ForeignKey(Regency, models.PROTECT, related_name="districts", verbose_name=_("regency"))
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("kecamatan")
        verbose_name_plural = _("kecamatan")
        indexes = [models.Index(Upper("name"), name="district_name_upper_idx")]

    def __str__(self):
        return self.name

    @property
    def province_id(self):
        return self.code[:2]


class Village(models.Model):
    """A desa or kelurahan."""

    code = models.CharField(_("code"), max_length=13, primary_key=True)
    district = models.ForeignKey(District, models.PROTECT, related_name="villages", verbose_name=_("kecamatan"))
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("village (desa/kelurahan)")
        verbose_name_plural = _("villages (desa/kelurahan)")

    def __str__(self):
        return self.name


# --- The kecamatan's own side: its profile and its innovations -------------------------------------
