"""Each role's home page (dasbor): what that person has to do next.

The pages layer composes it from the accounts' own reads and the competition's reads, so that
neither lower layer has to know the other. Every figure is counted in the database, in a fixed number
of queries (see ``tests/sp2k/test_home_pages.py``).
"""

from django.utils import timezone

from assessments.queries import criteria_comments, home
from assessments.queries import visits as visit_queries
from assessments.queries.assessors import assessor_workload
from sp2k.accounts import selectors
from sp2k.accounts.models import Role


def assessor_dashboard(user):
    workload = assessor_workload(user)
    visits_today, visits_later = visit_queries.assessor_visits(user)
    return {
        **selectors.assessor_dashboard(user),
        # What is still to score first; the stages of editions whose results are final only as links.
        "workload": [item for item in workload if not item.edition.results_final],
        "past_workload": [item for item in workload if item.edition.results_final],
        "today": timezone.localdate(),
        "visits_today": visits_today,
        "visits_later": visits_later,
    }


def province_dashboard(user):
    return {
        **selectors.province_dashboard(user),
        "editions": home.province_editions(user.province_id),
        "published_editions": home.published_editions(user.province_id),
        "visit_stages": visit_queries.province_visit_stages(user.province_id),
    }


def regency_dashboard(user):
    context = selectors.regency_dashboard(user)
    return {
        **context,
        "editions": home.regency_editions(context["regency"]),
        "comment_rounds": criteria_comments.open_rounds_for(user),
        "visits": visit_queries.regency_visits(user.regency_id),
    }


def district_dashboard(user):
    return {
        **selectors.district_dashboard(user),
        "entries": home.district_entries(user.district_id),
        "comment_rounds": criteria_comments.open_rounds_for(user),
        "visits": visit_queries.district_visits(user.district_id),
    }


DASHBOARDS = {
    Role.PROVINCE_ADMIN: ("province_admin", province_dashboard),
    Role.REGENCY_ADMIN: ("regency_admin", regency_dashboard),
    Role.CAMAT: ("district", district_dashboard),
    Role.DISTRICT_OPERATOR: ("district", district_dashboard),
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
