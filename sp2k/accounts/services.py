"""Writes to accounts: creation by a province admin (one by one or in bulk), changes, deactivation.

New accounts never get a password from the admin: they get an unusable one and an activation link
(Django's password-reset token), with which the owner chooses a password.
"""

import csv
import io
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from districts.models.regions import District, Regency
from sp2k.accounts.models import Role, User


def activation_path(user):
    """Path of the page where the account's owner sets a first password (valid PASSWORD_RESET_TIMEOUT)."""
    return reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )


def send_activation_email(user, activation_url):
    context = {"user": user, "activation_url": activation_url, "timeout_days": settings.PASSWORD_RESET_TIMEOUT // 86400}
    subject = render_to_string("accounts/email/activation_subject.txt", context).strip()
    body = render_to_string("accounts/email/activation_email.txt", context)
    send_mail(subject, body, None, [user.email])


@transaction.atomic
def create_account(user, *, build_absolute_uri):
    """Save a validated, unsaved account without a password; return its activation link.

    The link is e-mailed to the account's address when it has one.
    """
    user.set_unusable_password()
    user.full_clean()
    user.save()
    url = build_absolute_uri(activation_path(user))
    if user.email:
        transaction.on_commit(lambda: send_activation_email(user, url))
    return url


def update_account(user, *, changed_by):
    """Save an edited account; an admin cannot deactivate itself (it would lock itself out)."""
    if user.pk == changed_by.pk and not user.is_active:
        raise ValidationError(_("You cannot deactivate your own account."))
    user.full_clean()
    user.save()
    return user


def deactivate_account(user, *, changed_by):
    """Accounts are never deleted (their history stays attributable); they are switched off."""
    if user.pk == changed_by.pk:
        raise ValidationError(_("You cannot deactivate your own account."))
    user.is_active = False
    user.save(update_fields=["is_active"])
    return user


def regency_admin_username(regency):
    prefix = "pemkot" if regency.kind == Regency.Kind.KOTA else "pemkab"
    return f"{prefix}-{regency.code.replace('.', '')}"


def district_operator_username(district):
    return f"operator-{district.code.replace('.', '')}"


def camat_username(district):
    return f"camat-{district.code.replace('.', '')}"


# The roles a bulk creation can make, and those it makes when the admin does not choose.
BULK_ROLES = (Role.REGENCY_ADMIN, Role.CAMAT, Role.DISTRICT_OPERATOR)
BULK_DEFAULT_ROLES = (Role.REGENCY_ADMIN, Role.DISTRICT_OPERATOR)


@dataclass
class BulkRow:
    username: str
    full_name: str
    role: str
    region: str
    activation_url: str = ""
    created: bool = True


@dataclass
class BulkPlan:
    """What a bulk creation for a province will do; computed without writing anything."""

    province: object
    new_accounts: list = field(default_factory=list)
    existing: list = field(default_factory=list)
    roles: tuple = BULK_DEFAULT_ROLES
    regencies: list | None = None  # the chosen regencies; None: all of the province

    @property
    def new_regency_admins(self):
        return sum(1 for account in self.new_accounts if account.role == Role.REGENCY_ADMIN)

    @property
    def existing_usernames(self):
        return [account.username for account in self.existing]

    @property
    def new_operators(self):
        return sum(1 for account in self.new_accounts if account.role == Role.DISTRICT_OPERATOR)

    @property
    def new_camats(self):
        return sum(1 for account in self.new_accounts if account.role == Role.CAMAT)

    @property
    def makes_regency_admins(self):
        return Role.REGENCY_ADMIN in self.roles

    @property
    def makes_camats(self):
        return Role.CAMAT in self.roles

    @property
    def makes_operators(self):
        return Role.DISTRICT_OPERATOR in self.roles


def plan_bulk_accounts(province, roles=BULK_DEFAULT_ROLES, regencies=None):
    """For the chosen ``roles`` (of ``BULK_ROLES``): one regency admin per kabupaten/kota, one camat and
    one operator per kecamatan, of the chosen ``regencies`` of the province (None: all of them), minus
    existing user names.

    Three queries whatever the province's size.
    """
    roles = tuple(role for role in BULK_ROLES if role in roles)
    all_regencies = Regency.objects.filter(province=province)
    chosen = all_regencies.filter(pk__in=[getattr(r, "pk", r) for r in regencies]) if regencies is not None else None
    regency_rows = list((chosen if chosen is not None else all_regencies).order_by("code"))
    district_rows = []
    if Role.CAMAT in roles or Role.DISTRICT_OPERATOR in roles:
        district_rows = list(
            District.objects.filter(regency__in=[r.pk for r in regency_rows]).select_related("regency").order_by("code")
        )
    candidates = []
    if Role.REGENCY_ADMIN in roles:
        candidates += [
            User(
                username=regency_admin_username(regency),
                full_name=f"Bagian Pemerintahan {regency.name}",
                role=Role.REGENCY_ADMIN,
                regency=regency,
            )
            for regency in regency_rows
        ]
    for district in district_rows:
        if Role.CAMAT in roles:
            candidates.append(
                User(
                    username=camat_username(district),
                    full_name=f"Camat {district.name}",
                    role=Role.CAMAT,
                    district=district,
                )
            )
        if Role.DISTRICT_OPERATOR in roles:
            candidates.append(
                User(
                    username=district_operator_username(district),
                    full_name=f"Operator Kecamatan {district.name}",
                    role=Role.DISTRICT_OPERATOR,
                    district=district,
                )
            )
    taken = set(User.objects.filter(username__in=[c.username for c in candidates]).values_list("username", flat=True))
    plan = BulkPlan(province=province, roles=roles, regencies=regency_rows if regencies is not None else None)
    for candidate in candidates:
        (plan.existing if candidate.username in taken else plan.new_accounts).append(candidate)
    return plan


@transaction.atomic
def bulk_create_accounts(province, *, build_absolute_uri, roles=BULK_DEFAULT_ROLES, regencies=None):
    """Create the province's missing accounts of the chosen roles and regencies (``plan_bulk_accounts``);
    return a BulkRow per account.

    Idempotent: user names that exist already are skipped and reported (created=False, no link).
    No password hashing: every new account gets the same kind of unusable password as
    ``set_unusable_password`` gives, and an activation link.
    """
    plan = plan_bulk_accounts(province, roles=roles, regencies=regencies)
    for account in plan.new_accounts:
        account.password = make_password(None)
    created = User.objects.bulk_create(plan.new_accounts, batch_size=500)
    if created and created[0].pk is None:
        # Databases that cannot return the new keys from a bulk insert: read them back in one query.
        pks = dict(User.objects.filter(username__in=[a.username for a in created]).values_list("username", "pk"))
        for account in created:
            account.pk = account.id = pks[account.username]
    rows = [
        BulkRow(
            username=account.username,
            full_name=account.full_name,
            role=account.get_role_display(),
            region=account.scope_label,
            activation_url=build_absolute_uri(activation_path(account)),
        )
        for account in created
    ]
    rows += [
        BulkRow(account.username, account.full_name, account.get_role_display(), account.scope_label, created=False)
        for account in plan.existing
    ]
    return rows


def bulk_rows_csv(rows):
    """The CSV handed to the admin: the only place the activation links of a bulk creation appear."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_("username"), _("full name"), _("role"), _("region"), _("activation link"), _("status")])
    for row in rows:
        writer.writerow(
            [
                row.username,
                row.full_name,
                row.role,
                row.region,
                row.activation_url,
                _("created") if row.created else _("skipped: user name exists already"),
            ]
        )
    return buffer.getvalue()


def remember_language(user, language):
    """Keep the interface language a signed-in user chose, so their other devices open in it too."""
    if language not in dict(settings.LANGUAGES) or user.language == language:
        return
    user.language = language
    user.save(update_fields=["language"])
