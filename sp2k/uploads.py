"""Early size limits for views that take a file: refused before the body is read, not after.

CSRF middleware reads the whole request body (with Django's default upload handlers) before any view
runs, so a view cannot refuse an oversized upload by looking at ``request.FILES``: by then 300 MB have
been received and written to a temporary file. ``UploadLimitMixin`` exempts its view from the middleware
and, once the permission is granted, refuses a request whose ``Content-Length`` is larger than the view's
files at their limit plus the form fields (413, a page naming the limit) without reading it, then checks
the CSRF token as the middleware would. Django never reads more of a body than its ``Content-Length``,
so nothing larger gets in; a file a little over its limit still reaches the form, whose field error
says so next to what was typed.
"""

from django.conf import settings
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect


def content_length(request):
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


class UploadLimitMixin:
    """For a view whose POST takes files: ``upload_max_bytes`` per file, ``upload_max_files`` of them.

    Listed before the view's permission mixin. Override ``get_upload_max_bytes`` for a limit that
    depends on the object (e.g. an edition's own limit).
    """

    upload_max_bytes = None
    upload_max_files = 1
    upload_methods = ("POST", "PUT", "PATCH")
    upload_too_large_template = "413.html"

    @classmethod
    def as_view(cls, **initkwargs):
        # The CSRF check moves into dispatch, after the size is checked (see the module's docstring).
        return csrf_exempt(super().as_view(**initkwargs))

    def get_upload_max_bytes(self):
        return self.upload_max_bytes

    def dispatch(self, request, *args, **kwargs):
        if request.method not in self.upload_methods:
            return csrf_protect(super().dispatch)(request, *args, **kwargs)
        # Strangers are refused (login, 403 or 404) before anything else, their body unread.
        if hasattr(self, "has_permission") and not self.has_permission():
            return self.handle_no_permission()
        limit = self.get_upload_max_bytes()
        # What the form's other fields may add to the files: settings.DATA_UPLOAD_MAX_MEMORY_SIZE.
        if content_length(request) > self.upload_max_files * limit + settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            return self.upload_too_large(limit)
        return csrf_protect(super().dispatch)(request, *args, **kwargs)

    def upload_too_large(self, limit):
        message = _("The upload is too large: a file may be at most %(max)s.") % {"max": filesizeformat(limit)}
        back = self.request.headers.get("referer", "")
        if not url_has_allowed_host_and_scheme(back, {self.request.get_host()}, self.request.is_secure()):
            back = ""
        context = {"message": message, "back": back}
        return render(self.request, self.upload_too_large_template, context, status=413)
