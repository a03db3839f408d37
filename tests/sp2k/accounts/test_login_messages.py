"""The failed-login messages in Indonesian: one sentence that names each field once."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN_REFUSED = (
    "Masukkan nama pengguna dan kata sandi yang benar. "
    "Perhatikan bahwa huruf besar dan huruf kecil pada kedua isian dibedakan."
)
ADMIN_LOGIN_REFUSED = (
    "Masukkan nama pengguna dan kata sandi yang benar untuk akun staf. "
    "Perhatikan bahwa huruf besar dan huruf kecil pada kedua isian dibedakan."
)


def test_a_wrong_password_is_refused_in_one_correct_indonesian_sentence(camat, indonesian):
    response = Client().post(reverse("accounts:login"), {"username": camat.username, "password": "salah-sekali"})
    page = response.content.decode()
    assert response.status_code == 200
    assert LOGIN_REFUSED in page
    assert "nama pengguna nama pengguna" not in page.lower()


def test_an_unknown_user_name_gets_the_same_sentence(indonesian):
    response = Client().post(reverse("accounts:login"), {"username": "tidak-ada", "password": PASSWORD})
    assert LOGIN_REFUSED in response.content.decode()


def test_the_technical_administration_login_names_the_fields_once_too(camat, indonesian):
    response = Client().post(reverse("admin:login"), {"username": camat.username, "password": PASSWORD})
    page = response.content.decode()
    assert ADMIN_LOGIN_REFUSED in page
    assert "nama pengguna nama pengguna" not in page.lower()
