"""Bulk account creation by role and region: the province admin chooses the roles (regency admin,
camat, operator) and the regencies, sees what would be created, then creates it; existing user names
are skipped."""

import csv
import io
import re

import pytest
from django.urls import reverse

from districts.models import District, Regency
from sp2k.accounts import services
from sp2k.accounts.models import Role, User

pytestmark = pytest.mark.django_db

URL = reverse("accounts:bulk_create")


def text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def csv_rows(response):
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))[1:]


def test_the_plan_makes_only_the_chosen_roles_in_the_chosen_regencies(jatim, banyuwangi, django_assert_num_queries):
    kecamatan = District.objects.filter(regency=banyuwangi).count()
    with django_assert_num_queries(3):
        plan = services.plan_bulk_accounts(jatim, roles=(Role.CAMAT, Role.REGENCY_ADMIN), regencies=[banyuwangi])
    assert (plan.new_regency_admins, plan.new_camats, plan.new_operators) == (1, kecamatan, 0)
    assert {account.username for account in plan.new_accounts} >= {"pemkab-3510", "camat-351013"}
    assert all((account.regency_id or account.district.regency_id) == banyuwangi.pk for account in plan.new_accounts)


def test_the_page_previews_the_choice_and_creates_nothing(client, province_admin, banyuwangi, sidoarjo):
    client.force_login(province_admin)
    response = client.get(
        URL, {"roles": ["camat", "district_operator"], "scope": "some", "regencies": [banyuwangi.pk, sidoarjo.pk]}
    )
    kecamatan = District.objects.filter(regency__in=[banyuwangi, sidoarjo]).count()
    plan = response.context["plan"]
    assert (plan.new_regency_admins, plan.new_camats, plan.new_operators) == (0, kecamatan, kecamatan)
    page = text(response)
    assert f"New camat accounts {kecamatan}" in page and "New regency admin accounts" not in page
    assert "Kabupaten Banyuwangi, Kabupaten Sidoarjo" in page
    assert f"Create {2 * kecamatan} accounts and download the links" in page
    assert User.objects.count() == 1  # only the admin: looking creates nothing


def test_creating_the_choice_skips_existing_user_names(client, province_admin, make_user, banyuwangi, rogojampi):
    make_user("camat-351013", Role.CAMAT, district=rogojampi)
    client.force_login(province_admin)
    response = client.post(URL, {"roles": ["camat"], "scope": "some", "regencies": [banyuwangi.pk]})
    rows = csv_rows(response)
    kecamatan = District.objects.filter(regency=banyuwangi).count()
    assert len(rows) == kecamatan
    assert [row[0] for row in rows if row[4] == ""] == ["camat-351013"]  # skipped, no link
    camats = User.objects.filter(role=Role.CAMAT)
    assert camats.count() == kecamatan
    assert set(camats.values_list("district__regency_id", flat=True)) == {banyuwangi.pk}
    assert not User.objects.filter(role__in=[Role.REGENCY_ADMIN, Role.DISTRICT_OPERATOR]).exists()
    assert User.objects.get(username="camat-351010").full_name.startswith("Camat ")
    # A second time: nothing left to create.
    again = client.get(URL, {"roles": ["camat"], "scope": "some", "regencies": [banyuwangi.pk]})
    assert again.context["plan"].new_accounts == []
    assert "Every chosen region has these accounts already: nothing to create." in text(again)


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"roles": [], "scope": "all"}, "Choose at least one role."),
        ({"roles": ["camat"], "scope": "some"}, "Choose at least one regency or city."),
        ({"roles": ["assessor"], "scope": "all"}, "Select a valid choice."),
        ({"roles": ["camat"], "scope": "some", "regencies": ["32.04"]}, "Select a valid choice."),  # Jawa Barat
    ],
)
def test_a_wrong_choice_creates_nothing(client, province_admin, data, error):
    client.force_login(province_admin)
    response = client.post(URL, data)
    assert response.status_code == 422 and error in text(response)
    assert User.objects.count() == 1
    assert error in text(client.get(URL, data))  # the preview says so too
    assert client.get(URL, data).context["plan"] is None


def test_without_a_choice_the_page_offers_the_usual_accounts(client, province_admin):
    client.force_login(province_admin)
    response = client.get(URL)
    plan = response.context["plan"]
    assert (plan.new_regency_admins, plan.new_camats, plan.new_operators) == (
        Regency.objects.filter(province_id="35").count(),
        0,
        District.objects.filter(regency__province_id="35").count(),
    )
    assert "In every regency and city of the province." in text(response)
