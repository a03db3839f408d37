"""Each role's home page (dasbor): what that person has to do next.

The pages layer composes it from the accounts' own reads and the competition's reads, so that
neither lower layer has to know the other.
"""

from assessments.queries.assessors import assessor_workload
from sp2k.accounts import selectors
from sp2k.accounts.models import Role


def assessor_dashboard(user):
    return {**selectors.assessor_dashboard(user), "workload": assessor_workload(user)}


DASHBOARDS = {
    Role.PROVINCE_ADMIN: ("province_admin", selectors.province_dashboard),
    Role.REGENCY_ADMIN: ("regency_admin", selectors.regency_dashboard),
    Role.CAMAT: ("district", selectors.district_dashboard),
    Role.DISTRICT_OPERATOR: ("district", selectors.district_dashboard),
    Role.ASSESSOR: ("assessor", assessor_dashboard),
}


def dashboard(user):
    """(template name, context) of the dashboard made for the user's role."""
    if user.role in DASHBOARDS:
        name, build = DASHBOARDS[user.role]
        return f"accounts/dashboard/{name}.html", build(user)
    if user.is_superuser:
        return "accounts/dashboard/superuser.html", selectors.superuser_dashboard(user)
    return "accounts/dashboard/no_role.html", {}
