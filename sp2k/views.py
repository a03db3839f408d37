import sys

from django.core.exceptions import DisallowedHost
from django.db import InterfaceError, OperationalError, transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import i18n
from django.views.generic import TemplateView, View

from sp2k import dashboards, health
from sp2k.accounts.services import remember_language
from sp2k.language import device_language
from sp2k.permissions import PermissionRequiredMixin

# How long a client (or a proxy) should wait before trying again while the database is back.
RETRY_AFTER_SECONDS = 5


class HomeView(PermissionRequiredMixin, TemplateView):
    permission_required = "portal.view_public"
    template_name = "home.html"


class AboutView(PermissionRequiredMixin, TemplateView):
    permission_required = "portal.view_public"
    template_name = "about.html"


@method_decorator(transaction.non_atomic_requests, name="dispatch")
class HealthView(PermissionRequiredMixin, View):
    """The smallest page the portal serves: for uptime checks, and the baseline of the load benchmark.

    Outside the request's transaction: opening one takes a database connection (and checks a kept one), so
    with the database away the supervisor would be told the process hangs and restart it for nothing."""

    permission_required = "portal.view_public"

    def get(self, request, *args, **kwargs):
        return HttpResponse("ok", content_type="text/plain")


@method_decorator(transaction.non_atomic_requests, name="dispatch")
class ReadinessView(PermissionRequiredMixin, View):
    """For the load balancer: 200 while this server reaches the database and the file storage, else 503
    (it then sends requests to the other servers). Outside the request's transaction, so a database that
    is down is answered here, in plain text, like the rest."""

    permission_required = "portal.view_public"

    def get(self, request, *args, **kwargs):
        checks = health.readiness()
        ready = all(checks.values())
        text = "".join(f"{name}: {'ok' if ok else 'unavailable'}\n" for name, ok in checks.items())
        response = HttpResponse(text, content_type="text/plain", status=200 if ready else 503)
        response["Cache-Control"] = "no-store"
        return response


# The error pages (settings DEBUG=0). Each says what happened in plain words and offers a way back:
# the previous page (when the browser came from a page of the portal), the home page, the dashboard.
# 400, 500 and 503 render without the request's context: no query, no session, nothing that could fail
# again (templates/errors/layout.html); 403, 404, 405 and 429 get the portal's full layout.


def previous_page(request):
    """The page of the portal the browser came from (its Referer), if any and not this very page."""
    referer = request.headers.get("referer", "")
    try:
        host = request.get_host()
    except DisallowedHost:
        return ""
    if not url_has_allowed_host_and_scheme(referer, {host}, request.is_secure()):
        return ""
    return "" if referer == request.build_absolute_uri() else referer


def error_context(request, response=None):
    """What every error page shows: the previous page, and how long to wait when the answer says so."""
    retry_after = response.get("Retry-After", "") if response is not None else ""
    minutes = max(1, (int(retry_after) + 59) // 60) if retry_after.isdigit() else None
    return {"back": previous_page(request), "retry_minutes": minutes}


def bad_request(request, exception):
    """handler400: a malformed request (a forged host, a mangled form, too many fields).

    It may be refused before the portal's language is activated (CommonMiddleware checks the host).
    """
    translation.activate(device_language(request))
    return HttpResponse(render_to_string("400.html", error_context(request)), status=400)


def permission_denied(request, exception):
    """handler403, with the reason the portal gave when it refused (e.g. "not assigned to this participant")."""
    context = {**error_context(request), "reason": str(exception)}
    return render(request, "403.html", context, status=403)


def csrf_failure(request, reason=""):
    """settings.CSRF_FAILURE_VIEW: a form sent from a page open too long, or without the portal's cookie."""
    return render(request, "403_csrf.html", error_context(request), status=403)


def page_not_found(request, exception):
    """handler404; the reason is not shown (Django's says which URL patterns were tried)."""
    context = {**error_context(request), "path": request.path}
    return render(request, "404.html", context, status=404)


def server_error(request):
    """handler500: an unreachable database answers 503 with a short page; anything else the 500 page.

    While PostgreSQL restarts, every request fails with OperationalError/InterfaceError; the request's
    transaction (ATOMIC_REQUESTS) was not committed, so "try again" is the right advice. The pages are
    rendered without a request context: the context processors and the full layout read the database.
    """
    error = sys.exc_info()[1]
    context = error_context(request)
    if isinstance(error, (OperationalError, InterfaceError)):
        response = HttpResponse(render_to_string("503.html", context), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponse(render_to_string("500.html", context), status=500)


def set_language(request):
    """Django's language switch (the cookie), and for a signed-in user the account remembers the choice."""
    response = i18n.set_language(request)
    if request.method == "POST" and request.user.is_authenticated:
        remember_language(request.user, request.POST.get(i18n.LANGUAGE_QUERY_PARAMETER))
    return response


class DashboardView(PermissionRequiredMixin, TemplateView):
    permission_required = "portal.view_dashboard"
    template_name = "accounts/dashboard.html"

    def get_context_data(self, **kwargs):
        role_template, role_context = dashboards.dashboard(self.request.user)
        return super().get_context_data(role_template=role_template, **role_context, **kwargs)
