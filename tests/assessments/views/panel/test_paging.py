"""Pages that stay fast as editions grow: long lists come a page at a time, with a fixed query count."""

import pytest
from django.urls import reverse

from assessments.domain import assignments
from assessments.models import Assignment, Participant, StageEntry
from districts.models import District
from sp2k.accounts.models import Role, User


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


# --- the other lists that grow with an edition ---


def _entered(stage):
    StageEntry.objects.bulk_create(
        StageEntry(stage=stage, participant=p) for p in Participant.objects.filter(edition=stage.edition)
    )
    return stage


def _lists(edition, stage, province_admin):
    """(url, who looks, its query budget) of every panel list that grows with the edition."""
    return [
        (reverse("assessments:participant_list", args=[edition.pk]), province_admin, 12),
        (reverse("assessments:stage_ranking", args=[stage.pk]), province_admin, 16),
        (reverse("assessments:final_ranking", args=[edition.pk]), province_admin, 13),
        (reverse("assessments:stage_progress", args=[stage.pk]), province_admin, 10),
        (reverse("assessments:my_sheets"), User.objects.get(username="penilai-3"), 8),
    ]


@pytest.mark.parametrize("size", [30, 120])
def test_growing_lists_keep_a_fixed_query_count(
    client, province_admin, edition, make_user, jatim, size, django_assert_max_num_queries
):
    stage = _entered(_stage_of(edition, size, make_user, jatim))
    for url, who, budget in _lists(edition, stage, province_admin):
        client.force_login(who)
        for page in (1, 2):
            with django_assert_max_num_queries(budget, info=url):
                response = client.get(url, {"page": page})
            assert response.status_code == 200, url
            paging = response.context["page_obj"]
            assert len(paging.object_list) == (30 if size == 30 else 50), url
            assert paging.paginator.num_pages == (1 if size == 30 else 3), url


def test_growing_lists_say_which_page_of_how_many(client, province_admin, edition, make_user, jatim):
    stage = _entered(_stage_of(edition, 120, make_user, jatim))
    for url, who, _budget in _lists(edition, stage, province_admin):
        client.force_login(who)
        page = client.get(url, {"page": 3}).content.decode()
        assert "Page 3 of 3" in page and "Showing 101–120 of 120" in page, url
        assert 'href="?page=2"' in page, url
