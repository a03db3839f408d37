"""Accounts: login and lock-out, passwords, role dashboards, account management by the province admin."""

import csv
import io
import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from districts.models import District, Regency
from sp2k.accounts.models import Role, User
from tests.conftest import PASSWORD

NEW_PASSWORD = "bunga-melati-di-taman-7"
LINK_RE = re.compile(r"https?://[^/\s]+(/akun/atur-kata-sandi/[^\s]+/)")


@pytest.fixture(autouse=True)
def english(client):
    # Text assertions use the English msgids, which stay valid once the Indonesian catalogue exists.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def login(client, username, password=PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def logged_in_user_id(client):
    return client.session.get("_auth_user_id")


def text(response):
    return response.content.decode()


def set_password_with_link(client, path, password=NEW_PASSWORD):
    """Follow an activation or reset link as its owner would and choose a password."""
    response = client.get(path, follow=True)
    assert response.context["validlink"], "the link should be accepted"
    set_url = response.redirect_chain[-1][0]
    return client.post(set_url, {"new_password1": password, "new_password2": password})


# Login, logout, lock-out


def test_login_page_is_indonesian_by_default(db):
    response = Client().get(reverse("accounts:login"))
    assert response.status_code == 200
    assert 'lang="id"' in text(response)
    assert reverse("accounts:password_reset") in text(response)


def test_login_with_right_password_goes_to_dashboard(client, camat):
    response = login(client, camat.username)
    assert response.status_code == 302
    assert response.url == reverse("dashboard")
    assert logged_in_user_id(client) == str(camat.pk)


def test_login_with_wrong_password_stays_on_the_form(client, camat):
    response = login(client, camat.username, "salah-sekali")
    assert response.status_code == 200
    assert logged_in_user_id(client) is None
    assert "Please enter a correct" in text(response)


def test_inactive_account_cannot_log_in(client, camat):
    camat.is_active = False
    camat.save()
    login(client, camat.username)
    assert logged_in_user_id(client) is None


def test_logout_is_post_only(client, camat):
    client.force_login(camat)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert logged_in_user_id(client) == str(camat.pk)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert logged_in_user_id(client) is None


def test_five_failed_logins_lock_the_account_out_even_for_the_right_password(client, camat):
    for _attempt in range(4):
        assert login(client, camat.username, "tebakan-salah").status_code == 200
    fifth = login(client, camat.username, "tebakan-salah")
    assert fifth.status_code == 429
    sixth = login(client, camat.username, PASSWORD)
    assert sixth.status_code == 429
    assert logged_in_user_id(client) is None
    page = text(sixth)
    assert "Login temporarily locked" in page
    assert "5 times in a row" in page
    assert "You can try again in 30 minutes" in page
    assert camat.username in page


def test_lock_out_is_per_user_name(client, camat, operator):
    for _attempt in range(5):
        login(client, camat.username, "tebakan-salah")
    login(client, operator.username)
    assert logged_in_user_id(client) == str(operator.pk)


def test_successful_login_resets_the_failure_count(client, camat):
    for _attempt in range(4):
        login(client, camat.username, "tebakan-salah")
    login(client, camat.username)
    client.post(reverse("accounts:logout"))
    for _attempt in range(4):
        login(client, camat.username, "tebakan-salah")
    login(client, camat.username)
    assert logged_in_user_id(client) == str(camat.pk)


# Passwords


def test_password_change_needs_login(client, db):
    response = client.get(reverse("accounts:password_change"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_password_change(client, operator):
    client.force_login(operator)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_change_done")
    assert client.get(response.url).status_code == 200
    operator.refresh_from_db()
    assert operator.check_password(NEW_PASSWORD)


def test_password_change_applies_the_validators(client, operator):
    client.force_login(operator)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    operator.refresh_from_db()
    assert operator.check_password(PASSWORD)


def test_password_reset_by_email(client, operator):
    operator.email = "operator@rogojampi.example"
    operator.save()
    response = client.post(reverse("accounts:password_reset"), {"email": "Operator@Rogojampi.example"})
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["operator@rogojampi.example"]
    assert operator.username in message.body
    path = LINK_RE.search(message.body).group(1)
    response = set_password_with_link(client, path)
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_complete")
    login(client, operator.username, NEW_PASSWORD)
    assert logged_in_user_id(client) == str(operator.pk)
    # A used link does not work twice.
    assert client.get(path, follow=True).context["validlink"] is False


def test_password_reset_for_unknown_address_sends_nothing_and_reveals_nothing(client, operator):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})
    assert response.url == reverse("accounts:password_reset_done")
    assert mail.outbox == []


def test_password_reset_reaches_an_account_not_activated_yet(client, operator):
    operator.email = "baru@example.org"
    operator.set_unusable_password()
    operator.save()
    client.post(reverse("accounts:password_reset"), {"email": "baru@example.org"})
    assert len(mail.outbox) == 1


# Dashboards


def dashboard(client, user):
    client.force_login(user)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return response


def templates_used(response):
    return {template.name for template in response.templates}


def test_dashboard_needs_login(client, db):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_province_admin_dashboard(client, province_admin, regency_admin, camat, operator, assessor):
    response = dashboard(client, province_admin)
    assert "accounts/dashboard/province_admin.html" in templates_used(response)
    page = text(response)
    assert "Jawa Timur" in page
    counts = dict(response.context["accounts_by_role"])
    assert counts[Role.PROVINCE_ADMIN] == 1
    assert counts[Role.REGENCY_ADMIN] == 1
    assert counts[Role.CAMAT] == 1
    assert counts[Role.DISTRICT_OPERATOR] == 1
    assert counts[Role.ASSESSOR] == 1
    assert response.context["regency_count"] == 38
    assert response.context["district_count"] == 666
    assert reverse("accounts:user_list") in page
    assert reverse("accounts:bulk_create") in page


def test_regency_admin_dashboard_lists_its_kecamatan_and_their_accounts(client, regency_admin, camat, other_camat):
    response = dashboard(client, regency_admin)
    assert "accounts/dashboard/regency_admin.html" in templates_used(response)
    page = text(response)
    assert "Kabupaten Banyuwangi" in page
    assert reverse("districts:district_detail", args=["35.10.13"]) in page
    assert camat.full_name in page
    assert other_camat.full_name not in page  # Taman is in Sidoarjo
    assert "Taman" not in page
    assert len(response.context["districts"]) == District.objects.filter(regency__code="35.10").count()


@pytest.mark.parametrize("role_fixture", ["camat", "operator"])
def test_kecamatan_dashboard_links_to_its_kecamatan(client, request, role_fixture, other_camat):
    user = request.getfixturevalue(role_fixture)
    response = dashboard(client, user)
    assert "accounts/dashboard/district.html" in templates_used(response)
    page = text(response)
    assert "Rogojampi" in page
    assert reverse("districts:district_detail", args=["35.10.13"]) in page
    assert other_camat.full_name not in page


def test_assessor_dashboard(client, assessor):
    response = dashboard(client, assessor)
    assert "accounts/dashboard/assessor.html" in templates_used(response)
    page = text(response)
    assert "Jawa Timur" in page
    assert "Kabupaten Sidoarjo" in page  # home regency: conflict of interest
    assert "Your competitions" in page
    assert "None yet" in page


def test_superuser_dashboard_links_to_the_admin(client, superuser):
    response = dashboard(client, superuser)
    assert "accounts/dashboard/superuser.html" in templates_used(response)
    assert reverse("admin:index") in text(response)


def test_dashboard_query_count_does_not_grow_with_accounts(
    client, regency_admin, make_user, django_assert_max_num_queries
):
    client.force_login(regency_admin)
    with django_assert_max_num_queries(14) as few:  # 12 + the open comment rounds + the coming field visits
        client.get(reverse("dashboard"))
    for district in District.objects.filter(regency__code="35.10")[:10]:
        make_user(f"camat-{district.code}", Role.CAMAT, district=district)
        make_user(f"operator-{district.code}", Role.DISTRICT_OPERATOR, district=district)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = text(client.get(reverse("dashboard")))
    assert page.count("Kecamatan operator") == 10


# Access to the account pages


def account_pages(target):
    return [
        reverse("accounts:user_list"),
        reverse("accounts:user_create"),
        reverse("accounts:bulk_create"),
        reverse("accounts:user_detail", args=[target.pk]),
        reverse("accounts:user_update", args=[target.pk]),
    ]


def test_anonymous_is_sent_to_login_from_every_account_page(client, camat):
    for url in account_pages(camat):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("accounts:login")), url
    response = client.post(reverse("accounts:user_deactivate", args=[camat.pk]))
    assert response.status_code == 302
    camat.refresh_from_db()
    assert camat.is_active


@pytest.mark.parametrize("role_fixture", ["regency_admin", "camat", "operator", "assessor"])
def test_other_roles_are_refused_every_account_page(client, request, role_fixture, other_camat):
    client.force_login(request.getfixturevalue(role_fixture))
    for url in account_pages(other_camat):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("accounts:user_deactivate", args=[other_camat.pk])).status_code == 403
    other_camat.refresh_from_db()
    assert other_camat.is_active


def test_province_admin_opens_every_account_page(client, province_admin, camat):
    client.force_login(province_admin)
    for url in account_pages(camat):
        assert client.get(url).status_code == 200, url


def test_superuser_manages_all_accounts_and_creates_in_a_named_province(client, superuser, camat, other_camat):
    client.force_login(superuser)
    page = text(client.get(reverse("accounts:user_list")))
    assert camat.username in page and other_camat.username in page
    assert client.get(reverse("accounts:user_detail", args=[camat.pk])).status_code == 200
    assert client.get(reverse("accounts:user_create")).status_code == 404  # which province?
    assert client.get(reverse("accounts:user_create"), {"provinsi": "35"}).status_code == 200
    response = client.post(
        reverse("accounts:user_create"),
        {"provinsi": "32", "username": "panitia-jabar-baru", "full_name": "Panitia", "role": Role.PROVINCE_ADMIN},
    )
    assert response.status_code == 302
    assert User.objects.get(username="panitia-jabar-baru").province_id == "32"
    assert client.get(reverse("accounts:bulk_create"), {"provinsi": "35"}).context["plan"].province.code == "35"


def test_other_province_admin_cannot_see_or_touch_jatim_accounts(client, other_province_admin, camat, regency_admin):
    client.force_login(other_province_admin)
    for url in account_pages(camat)[3:]:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("accounts:user_update", args=[camat.pk]), {"full_name": "X"}).status_code == 404
    assert client.post(reverse("accounts:user_deactivate", args=[camat.pk])).status_code == 404
    camat.refresh_from_db()
    assert camat.is_active and camat.full_name != "X"
    page = text(client.get(reverse("accounts:user_list")))
    assert camat.username not in page
    assert regency_admin.username not in page
    assert other_province_admin.username in page


# The account list


def test_user_list_shows_own_province_only_and_filters(
    client, province_admin, other_province_admin, regency_admin, camat, operator, assessor, make_user, jabar
):
    make_user("camat-jabar", Role.CAMAT, district=District.objects.filter(regency__province=jabar).first())
    client.force_login(province_admin)
    response = client.get(reverse("accounts:user_list"))
    usernames = {account.username for account in response.context["accounts"]}
    assert usernames == {
        province_admin.username,
        regency_admin.username,
        camat.username,
        operator.username,
        assessor.username,
    }

    response = client.get(reverse("accounts:user_list"), {"role": Role.CAMAT})
    assert [a.username for a in response.context["accounts"]] == [camat.username]

    response = client.get(reverse("accounts:user_list"), {"q": "ROGOJAMPI"})
    assert {a.username for a in response.context["accounts"]} == {camat.username, operator.username}


def test_user_list_is_paginated_with_a_fixed_query_count(
    client, province_admin, make_user, rogojampi, django_assert_max_num_queries
):
    client.force_login(province_admin)
    with django_assert_max_num_queries(10) as few:
        client.get(reverse("accounts:user_list"))
    for number in range(40):
        make_user(f"operator-{number:02}", Role.DISTRICT_OPERATOR, district=rogojampi)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("accounts:user_list"))
    assert len(response.context["accounts"]) == 25
    assert response.context["paginator"].count == 41
    second = client.get(reverse("accounts:user_list"), {"page": 2})
    assert len(second.context["accounts"]) == 16


# Creating accounts


def create(client, **data):
    return client.post(reverse("accounts:user_create"), {"full_name": "Nama Lengkap", **data})


def test_create_form_offers_only_the_admins_province(client, province_admin):
    client.force_login(province_admin)
    form = client.get(reverse("accounts:user_create")).context["form"]
    assert {r.province_id for r in form.fields["regency"].queryset} == {"35"}
    assert {d.regency.province_id for d in form.fields["district"].queryset} == {"35"}
    assert form.fields["district"].queryset.count() == 666


def test_create_camat_shows_the_activation_link_once(client, province_admin, rogojampi):
    client.force_login(province_admin)
    response = create(client, username="camat-baru", role=Role.CAMAT, district=rogojampi.code)
    user = User.objects.get(username="camat-baru")
    assert response.status_code == 302
    assert response.url == reverse("accounts:user_detail", args=[user.pk])
    assert user.district == rogojampi and user.role == Role.CAMAT
    assert not user.has_usable_password()
    assert mail.outbox == []  # no e-mail address, no mail

    detail = client.get(response.url)
    link = detail.context["activation_url"]
    assert link and link in text(detail)
    assert client.get(response.url).context["activation_url"] is None  # shown once

    client.post(reverse("accounts:logout"))
    path = LINK_RE.search(link).group(1)
    assert set_password_with_link(client, path).url == reverse("accounts:password_reset_complete")
    login(client, "camat-baru", NEW_PASSWORD)
    assert logged_in_user_id(client) == str(user.pk)


def test_create_with_email_sends_the_activation_link(
    client, province_admin, banyuwangi, django_capture_on_commit_callbacks
):
    client.force_login(province_admin)
    with django_capture_on_commit_callbacks(execute=True):
        create(
            client, username="pemkab-bwi-2", role=Role.REGENCY_ADMIN, regency=banyuwangi.code, email="tapem@bwi.example"
        )
    assert len(mail.outbox) == 1
    user = User.objects.get(username="pemkab-bwi-2")
    link = client.get(reverse("accounts:user_detail", args=[user.pk])).context["activation_url"]
    assert link in mail.outbox[0].body
    assert mail.outbox[0].to == ["tapem@bwi.example"]


def test_create_assessor_with_home_regency_and_another_province_admin(client, province_admin, sidoarjo):
    client.force_login(province_admin)
    create(client, username="penilai-baru", role=Role.ASSESSOR, regency=sidoarjo.code)
    assessor = User.objects.get(username="penilai-baru")
    assert assessor.province_id == "35" and assessor.regency == sidoarjo
    create(client, username="panitia-dua", role=Role.PROVINCE_ADMIN)
    admin = User.objects.get(username="panitia-dua")
    assert admin.province_id == "35" and admin.regency is None


def test_create_drops_a_region_the_role_does_not_take(client, province_admin, banyuwangi, rogojampi):
    client.force_login(province_admin)
    create(client, username="pemkab-x", role=Role.REGENCY_ADMIN, regency=banyuwangi.code, district=rogojampi.code)
    user = User.objects.get(username="pemkab-x")
    assert user.regency == banyuwangi and user.district is None


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"role": Role.CAMAT}, "district"),
        ({"role": Role.REGENCY_ADMIN}, "regency"),
        ({"role": Role.DISTRICT_OPERATOR, "district": "32.04.01"}, "district"),  # Jawa Barat
        ({"role": Role.ASSESSOR, "regency": "32.04"}, "regency"),  # Jawa Barat
        ({"role": ""}, "role"),
        ({"role": "superuser"}, "role"),
    ],
)
def test_create_refuses_a_scope_outside_the_role_or_province(client, province_admin, data, field):
    client.force_login(province_admin)
    response = create(client, username="akun-salah", **data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not User.objects.filter(username="akun-salah").exists()


def test_create_refuses_a_taken_user_name(client, province_admin, camat, rogojampi):
    client.force_login(province_admin)
    response = create(client, username=camat.username, role=Role.CAMAT, district=rogojampi.code)
    assert "username" in response.context["form"].errors


def test_jabar_admin_creates_in_jabar_only(client, other_province_admin, rogojampi):
    client.force_login(other_province_admin)
    response = create(client, username="camat-x", role=Role.CAMAT, district=rogojampi.code)
    assert "district" in response.context["form"].errors
    create(client, username="panitia-jabar-2", role=Role.PROVINCE_ADMIN)
    assert User.objects.get(username="panitia-jabar-2").province_id == "32"


# Editing and deactivating


def test_edit_account_changes_name_contact_and_status_but_not_region(client, province_admin, camat, jabar):
    client.force_login(province_admin)
    response = client.post(
        reverse("accounts:user_update", args=[camat.pk]),
        {"full_name": "Drs. Camat Baru", "email": "camat@example.org", "phone": "0812", "province": jabar.code},
    )
    assert response.status_code == 302
    camat.refresh_from_db()
    assert camat.full_name == "Drs. Camat Baru" and camat.phone == "0812"
    assert not camat.is_active  # the unchecked box
    assert camat.district_id == "35.10.13" and camat.province_id is None


def test_deactivate_never_deletes(client, province_admin, camat):
    client.force_login(province_admin)
    assert client.get(reverse("accounts:user_deactivate", args=[camat.pk])).status_code == 405
    response = client.post(reverse("accounts:user_deactivate", args=[camat.pk]))
    assert response.status_code == 302
    camat.refresh_from_db()
    assert not camat.is_active
    client.post(reverse("accounts:logout"))
    login(client, camat.username)
    assert logged_in_user_id(client) is None


def test_admin_cannot_deactivate_itself(client, province_admin):
    client.force_login(province_admin)
    client.post(reverse("accounts:user_deactivate", args=[province_admin.pk]))
    response = client.post(
        reverse("accounts:user_update", args=[province_admin.pk]), {"full_name": "Panitia", "is_active": ""}
    )
    assert response.status_code == 200
    assert "You cannot deactivate your own account." in text(response)
    province_admin.refresh_from_db()
    assert province_admin.is_active


# Bulk creation


def bulk_csv(response):
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    return rows[0], rows[1:]


def test_bulk_confirmation_page_shows_what_will_be_created(client, province_admin):
    client.force_login(province_admin)
    response = client.get(reverse("accounts:bulk_create"))
    plan = response.context["plan"]
    assert (plan.new_regency_admins, plan.new_operators, len(plan.existing)) == (38, 666, 0)
    assert User.objects.count() == 1  # nothing created by looking


def test_bulk_create_for_jatim(client, province_admin, django_assert_max_num_queries):
    client.force_login(province_admin)
    # Two INSERTs on PostgreSQL; on SQLite Django splits them at 999 parameters (about a dozen).
    with django_assert_max_num_queries(25):
        response = client.post(reverse("accounts:bulk_create"))
    assert response.status_code == 200
    assert User.objects.filter(role=Role.REGENCY_ADMIN, regency__province_id="35").count() == 38
    assert User.objects.filter(role=Role.DISTRICT_OPERATOR, district__regency__province_id="35").count() == 666
    assert not User.objects.filter(role=Role.DISTRICT_OPERATOR).exclude(district__regency__province_id="35").exists()

    header, rows = bulk_csv(response)
    assert header[:5] == ["username", "full name", "role", "region", "activation link"]
    assert len(rows) == 704
    by_username = {row[0]: row for row in rows}
    rogojampi = by_username["operator-351013"]
    assert rogojampi[1] == "Operator Kecamatan Rogojampi"
    assert rogojampi[3] == "Rogojampi, Kabupaten Banyuwangi"
    assert by_username["pemkab-3510"][1] == "Bagian Pemerintahan Kabupaten Banyuwangi"
    assert by_username["pemkot-3578"][1] == "Bagian Pemerintahan Kota Surabaya"

    user = User.objects.get(username="operator-351013")
    assert user.full_name == "Operator Kecamatan Rogojampi" and not user.has_usable_password()
    client.post(reverse("accounts:logout"))
    path = LINK_RE.search(rogojampi[4]).group(1)
    set_password_with_link(client, path)
    login(client, "operator-351013", NEW_PASSWORD)
    assert logged_in_user_id(client) == str(user.pk)


def test_bulk_create_is_idempotent(client, province_admin, make_user, banyuwangi):
    make_user("pemkab-3510", Role.REGENCY_ADMIN, regency=banyuwangi)
    client.force_login(province_admin)
    plan = client.get(reverse("accounts:bulk_create")).context["plan"]
    assert (plan.new_regency_admins, len(plan.existing)) == (37, 1)

    _header, rows = bulk_csv(client.post(reverse("accounts:bulk_create")))
    skipped = [row for row in rows if row[4] == ""]
    assert [row[0] for row in skipped] == ["pemkab-3510"]
    assert User.objects.filter(username="pemkab-3510").count() == 1
    before = User.objects.count()

    _header, rows = bulk_csv(client.post(reverse("accounts:bulk_create")))
    assert User.objects.count() == before
    assert len(rows) == 704 and all(row[4] == "" for row in rows)
    assert client.get(reverse("accounts:bulk_create")).context["plan"].new_accounts == []


def test_bulk_create_by_jabar_admin_touches_jabar_only(client, other_province_admin):
    client.force_login(other_province_admin)
    client.post(reverse("accounts:bulk_create"))
    assert User.objects.filter(role=Role.REGENCY_ADMIN).count() == Regency.objects.filter(province_id="32").count()
    assert not User.objects.in_province("35").exists()


@pytest.mark.parametrize("role_fixture", ["regency_admin", "camat", "assessor"])
def test_bulk_create_refused_to_other_roles(client, request, role_fixture):
    client.force_login(request.getfixturevalue(role_fixture))
    before = User.objects.count()
    assert client.post(reverse("accounts:bulk_create")).status_code == 403
    assert User.objects.count() == before


# The Django admin


def test_admin_user_pages(client, superuser, camat):
    client.force_login(superuser)
    changelist = client.get(reverse("admin:accounts_user_changelist"), {"q": "rogojampi", "role": Role.CAMAT})
    assert changelist.status_code == 200
    assert camat.username in text(changelist)
    assert client.get(reverse("admin:accounts_user_change", args=[camat.pk])).status_code == 200
    assert client.get(reverse("admin:accounts_user_add")).status_code == 200


def test_admin_is_closed_to_province_admins(client, province_admin):
    client.force_login(province_admin)
    response = client.get(reverse("admin:accounts_user_changelist"))
    assert response.status_code == 302  # not staff: sent to the admin login
