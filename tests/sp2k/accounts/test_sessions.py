"""The signed-in request's session and account, read by compiled statements (sp2k/accounts/sessions.py and
backends.py): the same answers as Django's own database sessions and ModelBackend."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from sp2k.accounts.backends import AccountBackend
from tests.sp2k.accounts.test_accounts import login

pytestmark = pytest.mark.django_db


def dashboard_status(client):
    return client.get(reverse("dashboard")).status_code


def test_a_signed_in_session_is_read_back(client, camat):
    assert login(client, camat.username).status_code == 302
    assert dashboard_status(client) == 200
    assert client.session["_auth_user_id"] == str(camat.pk)


def test_an_expired_session_signs_the_user_out(client, camat):
    login(client, camat.username)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_an_unknown_session_key_is_a_signed_out_visitor(client, camat):
    login(client, camat.username)
    Session.objects.all().delete()
    assert dashboard_status(client) == 302


def test_a_deactivated_account_is_signed_out_at_its_next_request(client, camat):
    login(client, camat.username)
    camat.is_active = False
    camat.save(update_fields=["is_active"])
    assert dashboard_status(client) == 302


def test_the_backend_finds_only_active_accounts_by_their_number(camat):
    backend = AccountBackend()
    assert backend.get_user(camat.pk) == camat and backend.get_user(str(camat.pk)) == camat
    assert backend.get_user(camat.pk + 1000) is None
    assert backend.get_user("bukan-angka") is None and backend.get_user(None) is None
