"""``createprovinceadmin``: the first province admin of a real deployment, by province code or name."""

import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from sp2k.accounts.models import Role, User

PASSWORD = "Sangat-rahasia-2026"  # noqa: S105 - test only


def run(*args, **options):
    out = io.StringIO()
    call_command("createprovinceadmin", *args, stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def test_makes_the_province_admin_of_a_code_with_the_password_from_the_environment(regions, monkeypatch, client):
    monkeypatch.setenv("PANITIA_PASSWORD", PASSWORD)
    out = run("35", username="panitia-jatim", email="biro.pem@example.org", password_from_env="PANITIA_PASSWORD")
    user = User.objects.get(username="panitia-jatim")
    assert (user.role, user.province_id, user.email) == (Role.PROVINCE_ADMIN, "35", "biro.pem@example.org")
    assert user.full_name == "Panitia Jawa Timur"
    assert "Created panitia-jatim, province admin of Jawa Timur (35)." in out
    # It signs in and lands on the province's home page.
    response = client.post(reverse("accounts:login"), {"username": "panitia-jatim", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("dashboard")
    assert "Jawa Timur" in response.content.decode()


def test_finds_the_province_by_its_name_and_sends_an_activation_link(
    regions, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://sp2k.example.go.id"
    with django_capture_on_commit_callbacks(execute=True):
        out = run(province_name="provinsi jawa barat", email="panitia@jabarprov.example", send_activation=True)
    user = User.objects.get(username="panitia-jawa-barat")
    assert user.province_id == "32"
    assert not user.has_usable_password()
    assert "activation link was e-mailed to panitia@jabarprov.example" in out
    assert len(mail.outbox) == 1
    assert "https://sp2k.example.go.id/" in mail.outbox[0].body


def test_the_password_is_asked_twice_on_the_terminal(regions, monkeypatch):
    answers = iter(["one-Password-2026", "another-Password-2026", PASSWORD, PASSWORD])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    run("35")
    assert User.objects.get(username="panitia-jawa-timur").check_password(PASSWORD)


def test_an_unknown_province_is_refused_with_a_clear_message(regions):
    with pytest.raises(CommandError, match="No province has the code or name “Jawa Tengahh”"):
        run(province_name="Jawa Tengahh", send_activation=True, email="a@example.org")
    with pytest.raises(CommandError, match="No province has the code or name “99”"):
        run("99", send_activation=True, email="a@example.org")
    assert not User.objects.exists()


def test_without_regions_it_says_to_load_them_first(no_regions):
    with pytest.raises(CommandError, match="load_regions"):
        run("35", send_activation=True, email="a@example.org")


def test_running_it_again_changes_nothing_and_a_taken_user_name_is_refused(regions, monkeypatch, regency_admin):
    monkeypatch.setenv("PANITIA_PASSWORD", PASSWORD)
    run("35", username="panitia-jatim", password_from_env="PANITIA_PASSWORD")
    monkeypatch.setenv("PANITIA_PASSWORD", "Another-password-2027")
    out = run("35", username="panitia-jatim", password_from_env="PANITIA_PASSWORD")
    assert "already a province admin of Jawa Timur: nothing changed" in out
    assert User.objects.get(username="panitia-jatim").check_password(PASSWORD)
    with pytest.raises(CommandError, match="taken by another account"):
        run("35", username=regency_admin.username, password_from_env="PANITIA_PASSWORD")
    with pytest.raises(CommandError, match="taken by another account"):
        run("32", username="panitia-jatim", password_from_env="PANITIA_PASSWORD")
    assert User.objects.filter(role=Role.PROVINCE_ADMIN).count() == 1


def test_a_weak_password_or_no_password_source_is_refused(regions, monkeypatch):
    monkeypatch.setenv("PANITIA_PASSWORD", "123")
    with pytest.raises(CommandError, match="The password is refused"):
        run("35", password_from_env="PANITIA_PASSWORD")
    with pytest.raises(CommandError, match="--password-from-env VAR or --send-activation"):
        run("35", interactive=False)
    with pytest.raises(CommandError, match="needs the admin's address"):
        run("35", send_activation=True)
    assert not User.objects.exists()
