"""With DEBUG off, every error is the portal's own page: its navigation, plain words, a way back."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.http import HttpResponse, HttpResponseNotAllowed
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from sp2k.middleware import ErrorPageMiddleware
from sp2k.views import server_error

pytestmark = pytest.mark.django_db

NAVBAR = 'aria-label="Main navigation"'


def ways_back(page):
    return page.split('aria-label="Ways back"', 1)[1].split("</nav>", 1)[0]


def assert_portal_page(response, status, heading):
    page = response.content.decode()
    assert response.status_code == status
    assert NAVBAR in page and 'href="/"' in ways_back(page)
    assert f"Error code {status}" in page and heading in page
    assert "Traceback" not in page and "Django" not in page
    return page


@pytest.fixture(autouse=True)
def production():
    with override_settings(DEBUG=False):
        yield


@pytest.fixture
def failing_client():
    """A client that gets the error page instead of the exception (as a browser does)."""
    return Client(raise_request_exception=False)


def test_400_a_request_for_another_host(client):
    response = client.get("/", HTTP_HOST="portal.example.com")
    page = assert_portal_page(response, 400, "The portal could not understand this request")
    assert "Nothing was saved" in page


def test_403_names_the_reason_and_leads_to_the_dashboard(client, camat):
    client.force_login(camat)
    response = client.get(reverse("accounts:user_list"))
    page = assert_portal_page(response, 403, "You may not open this page")
    assert reverse("dashboard") in ways_back(page)
    assert "Log out" in page  # the signed-in user's own navigation


def test_403_of_an_expired_form(camat):
    client = Client(enforce_csrf_checks=True)
    client.force_login(camat)
    response = client.post(reverse("accounts:password_change"), {"old_password": "x"})
    page = assert_portal_page(response, 403, "The form could not be sent")
    assert "Nothing was saved" in page and "CSRF" not in page


def test_404_says_the_address_and_offers_the_previous_page(client):
    response = client.get("/no-such-page/", HTTP_REFERER="http://testserver/wilayah/")
    page = assert_portal_page(response, 404, "Page not found")
    assert "/no-such-page/" in page
    assert 'href="http://testserver/wilayah/"' in ways_back(page)
    assert reverse("accounts:login") in ways_back(page)  # a visitor is offered to log in


def test_the_previous_page_is_never_another_site(client):
    page = client.get("/no-such-page/", HTTP_REFERER="https://evil.example/").content.decode()
    assert "evil.example" not in page and "Back to the previous page" not in page


def test_405_a_form_sent_to_a_page_that_only_shows(client):
    response = client.post(reverse("about"))
    assert_portal_page(response, 405, "This action is not available here")
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_405_of_an_api_client_stays_bare(client):
    response = client.post(reverse("about"), HTTP_ACCEPT="application/json")
    assert response.status_code == 405 and response.content == b""


def test_429_says_when_to_try_again(rf):
    request = rf.get("/kompetisi/")
    middleware = ErrorPageMiddleware(lambda request: HttpResponse(status=429, headers={"Retry-After": "150"}))
    response = middleware(request)
    page = assert_portal_page(response, 429, "Too many requests")
    assert "Try again in 3 minutes." in page and response["Retry-After"] == "150"


def test_an_answer_with_its_own_body_is_kept(rf):
    own = HttpResponse(b'{"detail": "slow down"}', status=429, content_type="application/json")
    assert ErrorPageMiddleware(lambda request: own)(rf.get("/api/")) is own
    bare = HttpResponseNotAllowed(["GET"])
    assert ErrorPageMiddleware(lambda request: bare)(rf.get("/")).status_code == 405


def test_500_is_the_portals_page(failing_client):
    with mock.patch("sp2k.views.HealthView.get", side_effect=RuntimeError("secret detail")):
        response = failing_client.get("/healthz/", HTTP_REFERER="http://testserver/hasil/")
    page = assert_portal_page(response, 500, "Something went wrong on the portal's side")
    assert "secret detail" not in page and "RuntimeError" not in page
    assert 'href="http://testserver/hasil/"' in ways_back(page)


def test_503_while_the_database_is_away(failing_client):
    with mock.patch("sp2k.views.HealthView.get", side_effect=OperationalError("connection refused")):
        response = failing_client.get("/healthz/")
    assert_portal_page(response, 503, "Service is being restored, please try again")
    assert response["Retry-After"]


def test_the_500_page_needs_neither_the_database_nor_the_request_context(django_db_blocker):
    """No database access is allowed here: any query would fail it. The request has no session, no user."""
    request = RequestFactory().get("/kompetisi/")
    with django_db_blocker.block():
        try:
            raise RuntimeError("broken")
        except RuntimeError:
            response = server_error(request)
    assert_portal_page(response, 500, "Something went wrong on the portal's side")


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param(lambda client: client.get("/", HTTP_HOST="portal.example.com"), id="400"),
        pytest.param(lambda client: client.get(reverse("accounts:user_list")), id="403"),
        pytest.param(lambda client: client.get("/no-such-page/"), id="404"),
        pytest.param(lambda client: client.delete(reverse("about")), id="405"),
        pytest.param(lambda client: client.get("/healthz/"), id="500"),
    ],
)
def test_error_pages_are_indonesian_whatever_the_browser_says(answer, camat, indonesian):
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    client.force_login(camat)
    with mock.patch("sp2k.views.HealthView.get", side_effect=RuntimeError):
        page = answer(client).content.decode()
    assert '<html lang="id">' in page
    assert ">Wilayah<" in page and ">Inovasi<" in page and ">Hasil<" in page  # the navigation, in Indonesian
