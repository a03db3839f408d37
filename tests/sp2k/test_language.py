"""Indonesian leads, whatever the browser's language; English only on request, and then remembered."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

ENGLISH_BROWSER = "en-US,en;q=0.9"


def interface_language(response):
    page = response.content.decode()
    return "id" if '<html lang="id">' in page else "en" if '<html lang="en">' in page else None


def switch_to(client, language, next_url="/"):
    return client.post(reverse("set_language"), {"language": language, "next": next_url})


def test_a_browser_set_to_english_gets_indonesian(indonesian):
    response = Client(HTTP_ACCEPT_LANGUAGE=ENGLISH_BROWSER).get(reverse("accounts:login"))
    assert interface_language(response) == "id" and response["Content-Language"] == "id"
    assert "Masuk" in response.content.decode() and "Nama pengguna" in response.content.decode()


def test_english_after_the_switch_stays_english_on_the_next_visit(indonesian):
    client = Client(HTTP_ACCEPT_LANGUAGE="id")
    response = switch_to(client, "en", next_url=reverse("about"))
    assert response.status_code == 302 and response["Location"] == reverse("about")
    assert interface_language(client.get("/")) == "en"
    # The next visit: a browser restarted, with only the cookie it kept (for a year).
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie["max-age"] == 365 * 24 * 3600
    next_visit = Client(HTTP_ACCEPT_LANGUAGE="id")
    next_visit.cookies[settings.LANGUAGE_COOKIE_NAME] = cookie.value
    page = next_visit.get(reverse("accounts:login"))
    assert interface_language(page) == "en" and "Password" in page.content.decode()


def test_switching_back_to_indonesian(indonesian):
    client = Client(HTTP_ACCEPT_LANGUAGE=ENGLISH_BROWSER)
    switch_to(client, "en")
    switch_to(client, "id")
    assert interface_language(client.get("/")) == "id"


def test_an_unknown_language_in_the_cookie_is_indonesian(indonesian):
    client = Client(HTTP_ACCEPT_LANGUAGE=ENGLISH_BROWSER)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert interface_language(client.get("/")) == "id"


def test_a_signed_in_users_choice_follows_them_to_another_device(camat, indonesian):
    laptop = Client()
    laptop.force_login(camat)
    switch_to(laptop, "en")
    camat.refresh_from_db()
    assert camat.language == "en"

    phone = Client(HTTP_ACCEPT_LANGUAGE="id")
    assert interface_language(phone.get(reverse("accounts:login"))) == "id"  # not known yet
    response = phone.post(reverse("accounts:login"), {"username": camat.username, "password": PASSWORD}, follow=True)
    assert interface_language(response) == "en"
    # The phone keeps the choice, also after logging out.
    phone.post(reverse("accounts:logout"))
    assert interface_language(phone.get("/")) == "en"


def test_a_visitors_switch_is_not_stored_anywhere_else(camat, indonesian):
    client = Client()
    switch_to(client, "en")
    camat.refresh_from_db()
    assert camat.language == ""
