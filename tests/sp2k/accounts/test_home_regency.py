"""The province admin changes an assessor's home regency: shown first, recorded, its conflicts following."""

import pytest
from django.urls import reverse

from assessments.domain import assignments
from assessments.domain.conflicts import has_conflict
from sp2k.accounts.models import HomeRegencyChange


@pytest.fixture
def assigned(edition, assessor, participants):
    assignments.add_assessor(edition, assessor)
    desk = edition.stages.order_by("order").first()
    assignments.assign_all(desk)
    return desk


def test_the_change_is_previewed_then_saved_with_its_history(
    client, province_admin, assessor, participants, assigned, banyuwangi, sidoarjo
):
    rogojampi = participants[0]  # Banyuwangi
    client.force_login(province_admin)
    url = reverse("accounts:user_home_regency", args=[assessor.pk])
    page = client.get(url, {"preview": "1", "regency": banyuwangi.pk}).content.decode()
    assert rogojampi.district.name in page and "Save the home regency" in page
    assert not HomeRegencyChange.objects.exists()
    page = client.get(url, {"preview": "1", "regency": sidoarjo.pk}).content.decode()
    assert "already the assessor&#x27;s home regency" in page

    response = client.post(url, {"regency": banyuwangi.pk})
    assert response.status_code == 302
    assessor.refresh_from_db()
    assert assessor.regency == banyuwangi and has_conflict(assessor, rogojampi)
    detail = client.get(reverse("accounts:user_detail", args=[assessor.pk])).content.decode()
    assert "Home regency history" in detail and sidoarjo.name in detail and banyuwangi.name in detail
    change = HomeRegencyChange.objects.get()
    assert (change.old_regency, change.new_regency, change.changed_by) == (sidoarjo, banyuwangi, province_admin)


def test_only_the_assessors_province_admin_changes_it(client, assessor, other_province_admin, camat, province_admin):
    url = reverse("accounts:user_home_regency", args=[assessor.pk])
    client.force_login(other_province_admin)
    assert client.get(url).status_code == 404
    client.force_login(assessor)
    assert client.post(url, {"regency": ""}).status_code == 403
    client.force_login(province_admin)
    assert client.get(reverse("accounts:user_home_regency", args=[camat.pk])).status_code == 404
