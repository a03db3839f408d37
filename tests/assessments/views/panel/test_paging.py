"""Pages that stay fast as editions grow: long lists come a page at a time, with a fixed query count."""

import pytest
from django.urls import reverse

from assessments.domain import assignments
from assessments.models import Assignment, Participant
from districts.models import District
from sp2k.accounts.models import Role


def _stage_of(edition, size, make_user, jatim):
    """``size`` accepted participants of Jawa Timur, 7 assessors (3 with a home regency), all assigned."""
    districts = list(District.objects.filter(regency__province=jatim).select_related("regency").order_by("code"))
    Participant.objects.bulk_create(
        Participant(edition=edition, district=district, status="accepted") for district in districts[:size]
    )
    homes = [districts[0].regency, districts[60].regency, districts[110].regency]
    for i in range(7):
        user = make_user(f"penilai-{i}", Role.ASSESSOR, province=jatim, regency=homes[i] if i < 3 else None)
        assignments.add_assessor(edition, user)
    stage = edition.stages.order_by("order").first()
    assignments.assign_all(stage)
    return stage


@pytest.mark.parametrize("size", [30, 120])
def test_matrix_pages_keep_a_fixed_query_count(
    client, province_admin, edition, make_user, jatim, size, django_assert_max_num_queries
):
    stage = _stage_of(edition, size, make_user, jatim)
    url = reverse("assessments:assignment_matrix", args=[edition.pk, stage.pk])
    client.force_login(province_admin)
    for page in (1, 2):
        with django_assert_max_num_queries(20):
            response = client.get(url, {"page": page})
        assert response.status_code == 200
        shown = {30: [30, 30], 120: [50, 50]}[size][page - 1]  # a page past the end shows the last one
        assert len(response.context["matrix"].rows) == shown
        assert response.content.decode().count("data-pair=") <= shown * 7


def test_matrix_shows_fifty_participants_a_page_with_every_assessor(client, province_admin, edition, make_user, jatim):
    stage = _stage_of(edition, 120, make_user, jatim)
    url = reverse("assessments:assignment_matrix", args=[edition.pk, stage.pk])
    client.force_login(province_admin)
    first = client.get(url).content.decode()
    assert "120 participants" in first and "Page 1 of 3" in first and "Showing 1–50 of 120" in first
    assert first.count("<tr>") == 1 + 50  # the head row and 50 participants
    assert 'href="?page=2"' in first
    last = client.get(url, {"page": 3}).content.decode()
    assert "Page 3 of 3" in last and last.count("<tr>") == 1 + 20
    # The sheets per assessor count the whole stage, not just the page.
    loads = dict(client.get(url, {"page": 3}).context["matrix"].loads)
    for assessor, load in loads.items():
        assert load == Assignment.objects.filter(stage=stage, assessor=assessor).count()


def test_a_box_ticked_on_page_two_is_saved(client, province_admin, edition, make_user, jatim):
    stage = _stage_of(edition, 120, make_user, jatim)
    url = reverse("assessments:assignment_matrix", args=[edition.pk, stage.pk])
    client.force_login(province_admin)
    participant, cells = client.get(url, {"page": 2}).context["matrix"].rows[0]
    cell = next(c for c in cells if not c.conflict)
    client.post(url, {"pair": cell.pair}, HTTP_HX_REQUEST="true")
    assert not Assignment.objects.filter(stage=stage, assessor=cell.assessor, participant=participant).exists()
    response = client.post(url, {"pair": cell.pair, "assigned": "on"}, HTTP_HX_REQUEST="true")
    assert "checked" in response.content.decode()
    assert Assignment.objects.filter(stage=stage, assessor=cell.assessor, participant=participant).exists()


def test_a_page_out_of_range_shows_the_last_page(client, province_admin, edition, make_user, jatim):
    stage = _stage_of(edition, 120, make_user, jatim)
    url = reverse("assessments:assignment_matrix", args=[edition.pk, stage.pk])
    client.force_login(province_admin)
    for page in ("99", "x"):
        assert client.get(url, {"page": page}).status_code == 200
