"""The interface language: Indonesian, unless English was chosen with the language switch.

The browser's Accept-Language is not consulted (an Indonesian civil servant's browser is often set to
English). The choice is kept in the language cookie for a year (settings.LANGUAGE_COOKIE_AGE) and, for a
signed-in user, on the account, so that their other devices open in it too (sp2k.middleware).
"""

from django.conf import settings


def supported_language(code):
    """``code`` if it is one of settings.LANGUAGES, else None."""
    return code if code and code in dict(settings.LANGUAGES) else None


def device_language(request):
    """The language this browser chose with the switch (its cookie), else the portal's default."""
    return supported_language(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)) or settings.LANGUAGE_CODE


def set_language_cookie(response, language):
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
