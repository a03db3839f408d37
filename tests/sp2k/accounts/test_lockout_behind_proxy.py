"""Issue 11: the lock-out counts per user name AND client address, read correctly behind the declared
proxies, so that nobody can lock somebody else out; mail-sending forms are throttled per address and
per e-mail address."""

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client, RequestFactory
from django.urls import reverse

from sp2k.client_address import client_ip
from tests.conftest import PASSWORD

PROXY = "10.0.0.2"  # the reverse proxy: every request reaches the portal from it
ATTACKER = "203.0.113.66"
OWNER = "198.51.100.7"


@pytest.fixture
def behind_one_proxy(settings):
    settings.PROXY_COUNT = 1
    settings.TRUSTED_PROXIES = []


def browser(real_address=None, forged=None):
    """A client whose requests come through the proxy: it appends the address it saw to X-Forwarded-For."""
    chain = ", ".join(part for part in (forged, real_address) if part)
    headers = {"REMOTE_ADDR": PROXY}
    if chain:
        headers["HTTP_X_FORWARDED_FOR"] = chain
    client = Client(**headers)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def login(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_an_attacker_behind_the_proxy_locks_only_itself_out(behind_one_proxy, camat):
    attacker = browser(ATTACKER)
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        login(attacker, camat.username, "tebakan-salah")
    assert login(attacker, camat.username, PASSWORD).status_code == 429

    owner = browser(OWNER)
    response = login(owner, camat.username, PASSWORD)
    assert response.status_code == 302
    assert owner.session["_auth_user_id"] == str(camat.pk)


def test_changing_the_forged_part_of_the_header_does_not_escape_the_lock_out(behind_one_proxy, camat):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        login(browser(ATTACKER, forged=f"192.0.2.{attempt}"), camat.username, "tebakan-salah")
    assert login(browser(ATTACKER, forged="192.0.2.99"), camat.username, PASSWORD).status_code == 429
    assert login(browser(OWNER), camat.username, PASSWORD).status_code == 302


def test_without_a_declared_proxy_a_forged_header_is_ignored(settings, camat):
    settings.PROXY_COUNT = 0
    # The attacker claims to be the owner's address: the portal counts its real one (REMOTE_ADDR).
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        Client(REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=OWNER).post(
            reverse("accounts:login"), {"username": camat.username, "password": "tebakan-salah"}
        )
    owner = Client(REMOTE_ADDR=OWNER)
    assert login(owner, camat.username, PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("proxies", "trusted", "remote", "header", "expected"),
    [
        (0, [], "198.51.100.7", "203.0.113.1", "198.51.100.7"),  # no proxy: the header is ignored
        (1, [], PROXY, "203.0.113.1", "203.0.113.1"),
        (1, [], PROXY, "1.1.1.1, 203.0.113.1", "203.0.113.1"),  # forged entry on the left
        (1, [], PROXY, '"garbage, 203.0.113.1', "203.0.113.1"),  # a forged quote cannot swallow it
        (1, [], PROXY, "", PROXY),  # no header: not through the proxy
        (2, [], PROXY, "1.1.1.1, 203.0.113.1, 10.0.0.9", "203.0.113.1"),  # CDN then nginx
        (2, [], PROXY, "203.0.113.1", PROXY),  # too few entries for two proxies
        (1, ["10.0.0.0/8"], PROXY, "203.0.113.1", "203.0.113.1"),
        (1, ["10.0.0.0/8"], "198.51.100.7", "203.0.113.1", "198.51.100.7"),  # past the proxy: ignored
        (1, [], PROXY, "[2001:db8::1]:4711", "2001:db8::1"),
    ],
)
def test_client_address(settings, proxies, trusted, remote, header, expected):
    settings.PROXY_COUNT = proxies
    settings.TRUSTED_PROXIES = trusted
    meta = {"REMOTE_ADDR": remote}
    if header:
        meta["HTTP_X_FORWARDED_FOR"] = header
    assert client_ip(RequestFactory().get("/", **meta)) == expected


# Mail-sending forms


def ask_reset(client, email):
    return client.post(reverse("accounts:password_reset"), {"email": email})


@pytest.fixture
def with_email(operator):
    operator.email = "operator@rogojampi.example"
    operator.save()
    return operator


def test_password_reset_is_throttled_per_address(behind_one_proxy, with_email, camat):
    camat.email = "camat@rogojampi.example"
    camat.save()
    attacker = browser(ATTACKER)
    limit = settings.MAIL_THROTTLE_PER_HOUR
    answers = [ask_reset(attacker, address) for address in [with_email.email, camat.email] * 3]
    assert [answer.status_code for answer in answers] == [302] * limit + [429] * (6 - limit)
    assert len(mail.outbox) == limit
    refused = answers[-1]
    assert "Too many requests" in refused.content.decode()
    assert int(refused["Retry-After"]) > 0
    # Somebody else, from another address, still gets a link.
    assert ask_reset(browser(OWNER), camat.email).status_code == 302
    assert len(mail.outbox) == limit + 1


def test_password_reset_is_throttled_per_e_mail_address(behind_one_proxy, with_email):
    limit = settings.MAIL_THROTTLE_PER_HOUR
    answers = [ask_reset(browser(f"203.0.113.{n}"), with_email.email.upper()) for n in range(6)]
    assert [answer.status_code for answer in answers] == [302] * limit + [429] * (6 - limit)
    assert len(mail.outbox) == limit


def test_unknown_addresses_count_too_and_the_answer_reveals_nothing(behind_one_proxy, db):
    attacker = browser(ATTACKER)
    answers = [ask_reset(attacker, f"nobody{n}@example.org") for n in range(4)]
    assert [answer.status_code for answer in answers] == [302, 302, 302, 429]
    assert mail.outbox == []
