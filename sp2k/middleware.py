"""The portal's language (sp2k.language), and its own pages for errors answered with an empty body."""

from django.conf import settings
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_vary_headers

from sp2k.language import device_language, set_language_cookie, supported_language
from sp2k.views import error_context

# Statuses Django (or a view) may answer with an empty body; the portal's page replaces it.
DRESSED_STATUSES = {405: "405.html", 429: "429.html"}
# Headers of the bare answer the page keeps: the methods allowed, when to try again.
KEPT_HEADERS = ("Allow", "Retry-After")


class PortalLocaleMiddleware:
    """Activates the language: the account's choice, else the device's (cookie), else Indonesian.

    Listed after AuthenticationMiddleware (the account's choice needs request.user), in place of Django's
    LocaleMiddleware, which would follow the browser's Accept-Language.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        cookie = supported_language(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
        # Activated before the account is read: if the database is down, the error page still speaks it.
        translation.activate(device_language(request))
        user = getattr(request, "user", None)
        account_language = supported_language(user.language) if user is not None and user.is_authenticated else None
        if account_language:
            translation.activate(account_language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        if (
            account_language
            and account_language != cookie
            and settings.LANGUAGE_COOKIE_NAME not in response.cookies  # the language switch has just set it
        ):
            # The device remembers the account's choice, also once its user has logged out.
            set_language_cookie(response, account_language)
        return response


class ErrorPageMiddleware:
    """Gives an empty 405 (e.g. Django's HttpResponseNotAllowed) or 429 answer the portal's page.

    Listed after CSPMiddleware, so that the page gets the same security headers as any other. Answers
    with a body of their own (an API's JSON, a page) and clients that do not read HTML are left alone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        template = DRESSED_STATUSES.get(response.status_code)
        if template is None or response.streaming or response.content or not request.accepts("text/html"):
            return response
        page = render(request, template, error_context(request, response), status=response.status_code)
        for header in KEPT_HEADERS:
            if header in response:
                page[header] = response[header]
        page.cookies.update(response.cookies)
        return page
