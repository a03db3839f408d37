import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.views import defaults
from django.views.generic import TemplateView, View

from sp2k import dashboards
from sp2k.permissions import PermissionRequiredMixin

# How long a client (or a proxy) should wait before trying again while the database is back.
RETRY_AFTER_SECONDS = 5


class HomeView(PermissionRequiredMixin, TemplateView):
    permission_required = "portal.view_public"
    template_name = "home.html"


class AboutView(PermissionRequiredMixin, TemplateView):
    permission_required = "portal.view_public"
    template_name = "about.html"


class HealthView(PermissionRequiredMixin, View):
    """The smallest page the portal serves: for uptime checks, and the baseline of the load benchmark."""

    permission_required = "portal.view_public"

    def get(self, request, *args, **kwargs):
        return HttpResponse("ok", content_type="text/plain")


def server_error(request):
    """handler500: an unreachable database answers 503 with a short page; anything else the usual 500.

    While PostgreSQL restarts, every request fails with OperationalError/InterfaceError; the request's
    transaction (ATOMIC_REQUESTS) was not committed, so "try again" is the right advice. The page is
    rendered without a request context: the context processors and the layout read the database.
    """
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return defaults.server_error(request)


class DashboardView(PermissionRequiredMixin, TemplateView):
    permission_required = "portal.view_dashboard"
    template_name = "accounts/dashboard.html"

    def get_context_data(self, **kwargs):
        role_template, role_context = dashboards.dashboard(self.request.user)
        return super().get_context_data(role_template=role_template, **role_context, **kwargs)
