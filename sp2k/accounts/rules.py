"""Who may do what with accounts, and the role predicates every app builds on.

This is the one place roles are interpreted: views, templates (``{% has_perm %}``) and the admin
all ask these predicates through Django's permission API.
"""

import rules

from sp2k.accounts.models import DISTRICT_ROLES, Role


def _has_role(*roles):
    @rules.predicate(name=f"has_role_{'_or_'.join(roles)}")
    def predicate(user):
        return user.is_authenticated and user.is_active and user.role in roles

    return predicate


is_superuser = rules.is_superuser
is_province_admin = _has_role(Role.PROVINCE_ADMIN)
is_regency_admin = _has_role(Role.REGENCY_ADMIN)
is_camat = _has_role(Role.CAMAT)
is_district_operator = _has_role(Role.DISTRICT_OPERATOR)
is_district_account = _has_role(*DISTRICT_ROLES)
is_assessor = _has_role(Role.ASSESSOR)


@rules.predicate
def is_admin_of_province(user, province):
    """A province admin acting on its own province (given as a Province or its code)."""
    code = getattr(province, "code", province)
    return bool(is_province_admin(user) and code and user.province_id == code)


@rules.predicate
def is_admin_of_users_province(user, target):
    """A province admin acting on an account whose scope lies in its province."""
    return bool(is_province_admin(user) and target is not None and target.scope_province_id == user.province_id)


@rules.predicate
def is_self(user, target):
    return target is not None and user.pk == target.pk


# Public pages declare this explicitly, so that every view names the rule it is under.
rules.add_perm("portal.view_public", rules.always_allow)
rules.add_perm("portal.view_dashboard", rules.is_authenticated & rules.is_active)

rules.add_perm("accounts.manage_users", is_superuser | is_province_admin)
rules.add_perm("accounts.create_users_in_province", is_superuser | is_admin_of_province)
rules.add_perm("accounts.change_account", is_superuser | is_admin_of_users_province)
rules.add_perm("accounts.view_account", is_superuser | is_admin_of_users_province | is_self)

# The Django admin is for the technical operators (superusers) only.
for action in ("view", "add", "change", "delete"):
    rules.add_perm(f"accounts.{action}_user", is_superuser)
