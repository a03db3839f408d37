"""Accounts of the portal: one account, one role, one scope."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PROVINCE_ADMIN = "province_admin", _("Province admin (panitia)")
    REGENCY_ADMIN = "regency_admin", _("Regency admin (Bagian Pemerintahan)")
    CAMAT = "camat", _("Camat")
    DISTRICT_OPERATOR = "district_operator", _("Kecamatan operator")
    ASSESSOR = "assessor", _("Assessor (tim penilai)")


# Which scope each role carries; the database enforces the same table (see Meta.constraints).
ROLE_SCOPE = {
    Role.PROVINCE_ADMIN: "province",
    Role.ASSESSOR: "province",
    Role.REGENCY_ADMIN: "regency",
    Role.CAMAT: "district",
    Role.DISTRICT_OPERATOR: "district",
}
DISTRICT_ROLES = (Role.CAMAT, Role.DISTRICT_OPERATOR)


class UserQuerySet(models.QuerySet):
    def in_province(self, province_code):
        """Accounts whose scope lies in the province (the province admin's tenant)."""
        return self.filter(
            Q(province_id=province_code)
            | Q(regency__province_id=province_code)
            | Q(district__regency__province_id=province_code)
        )


class AccountManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    first_name = None
    last_name = None
    full_name = models.CharField(_("full name"), max_length=150)
    nip = models.CharField(
        _("NIP"), max_length=18, blank=True, help_text=_("Civil servant number (18 digits), if any.")
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    institution = models.CharField(_("institution"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    province = models.ForeignKey(
        "districts.Province", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("province")
    )
    regency = models.ForeignKey(
        "districts.Regency",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("regency or city"),
        help_text=_("For an assessor: the home regency, which excludes its kecamatan (conflict of interest)."),
    )
    district = models.ForeignKey(
        "districts.District", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("kecamatan")
    )
    is_demo = models.BooleanField(_("demo account"), default=False, editable=False)
    language = models.CharField(
        _("interface language"),
        max_length=8,
        blank=True,
        editable=False,
        help_text=_("Chosen with the language switch; empty: the portal's default (Indonesian)."),
    )

    objects = AccountManager()
    REQUIRED_FIELDS = ["email"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                name="user_scope_matches_role",
                condition=(
                    Q(role="", province__isnull=True, regency__isnull=True, district__isnull=True)
                    | Q(role="province_admin", province__isnull=False, regency__isnull=True, district__isnull=True)
                    | Q(role="assessor", province__isnull=False, district__isnull=True)
                    | Q(role="regency_admin", province__isnull=True, regency__isnull=False, district__isnull=True)
                    | Q(
                        role__in=["camat", "district_operator"],
                        province__isnull=True,
                        regency__isnull=True,
                        district__isnull=False,
                    )
                ),
                violation_error_message=_("The role and its province, regency or kecamatan do not match."),
            ),
        ]

    def __str__(self):
        return self.full_name or self.username

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name or self.username

    @property
    def scope_province_id(self):
        """The province this account works in, whatever its role."""
        if self.province_id:
            return self.province_id
        if self.regency_id:
            return self.regency_id[:2]
        if self.district_id:
            return self.district_id[:2]
        return None

    @property
    def scope(self):
        """The region the role is scoped to (province, regency or kecamatan), or None."""
        field = ROLE_SCOPE.get(self.role)
        return getattr(self, field) if field else None

    @property
    def scope_label(self):
        """The region as a person reads it, e.g. "Rogojampi, Kabupaten Banyuwangi" (joins needed: see selectors)."""
        if self.district_id:
            return f"{self.district.name}, {self.district.regency.name}"
        if self.role == Role.REGENCY_ADMIN and self.regency_id:
            return self.regency.name
        if self.province_id:
            if self.regency_id:
                return _("%(province)s (home regency: %(regency)s)") % {
                    "province": self.province.name,
                    "regency": self.regency.name,
                }
            return self.province.name
        return ""

    def clean(self):
        super().clean()
        errors = {}
        needed = ROLE_SCOPE.get(self.role)
        for field in ("province", "regency", "district"):
            has = getattr(self, f"{field}_id") is not None
            allowed = field == needed or (self.role == Role.ASSESSOR and field == "regency")
            if field == needed and not has:
                errors[field] = _("This role needs a %(scope)s.") % {"scope": self._meta.get_field(field).verbose_name}
            elif has and not allowed:
                errors[field] = _("This role does not take a %(scope)s.") % {
                    "scope": self._meta.get_field(field).verbose_name
                }
        if (
            self.role == Role.ASSESSOR
            and self.province_id
            and self.regency_id
            and self.regency_id[:2] != self.province_id
        ):
            errors["regency"] = _("The home regency must lie in the assessor's province.")
        if errors:
            raise ValidationError(errors)


class HomeRegencyChange(models.Model):
    """A change of an assessor's home regency (what its conflicts of interest are keyed to): who, from what to what,
    when. Kept for good; written by ``assessments.domain.assignments.change_home_regency``."""

    assessor = models.ForeignKey(User, models.PROTECT, related_name="home_regency_changes")
    old_regency = models.ForeignKey(
        "districts.Regency", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("from")
    )
    new_regency = models.ForeignKey(
        "districts.Regency", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("to")
    )
    changed_by = models.ForeignKey(User, models.PROTECT, related_name="+", verbose_name=_("changed by"))
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("home regency change")
        verbose_name_plural = _("home regency changes")
        ordering = ["-changed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(old_regency=models.F("new_regency"))
                | Q(old_regency__isnull=True)
                | Q(new_regency__isnull=True),
                name="home_regency_change_changes",
            ),
        ]
