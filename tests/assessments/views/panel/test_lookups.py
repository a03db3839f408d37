"""The tenant-scoped lookup of the panel pages (assessments.views.lookups), beyond the permission matrix."""

import pytest
from django.urls import reverse

from assessments.models import Edition

pytestmark = pytest.mark.django_db


def set_state(edition, state):
    Edition.objects.filter(pk=edition.pk).update(state=state)
    edition.refresh_from_db()


def test_a_locked_page_of_another_province_is_not_found_rather_than_explained(
    client, edition, province_admin, other_province_admin
):
    """Pages that explain why they are locked (settings, criteria) do so only inside the tenant."""
    set_state(edition, Edition.State.PUBLISHED)
    stage = edition.stages.order_by("order").first()
    urls = [
        reverse("assessments:edition_settings", args=[edition.pk]),
        reverse("assessments:aspect_create", args=[edition.pk, stage.pk]),
    ]
    client.force_login(other_province_admin)
    for url in urls:
        assert client.get(url).status_code == 404, url
    client.force_login(province_admin)
    for url in urls:
        assert client.get(url).status_code == 302, url  # back, with the message that they no longer change


def test_a_stage_under_another_edition_is_not_found(client, edition, province_admin, jatim):
    other = Edition.objects.create(province=jatim, name="Edisi lain", year=2023)
    stage = edition.stages.order_by("order").first()
    client.force_login(province_admin)
    assert client.get(reverse("assessments:stage_criteria", args=[other.pk, stage.pk])).status_code == 404
    assert client.get(reverse("assessments:stage_criteria", args=[edition.pk, stage.pk])).status_code == 200


def test_anonymous_visitors_go_to_log_in_whether_the_edition_exists_or_not(client, edition):
    login = reverse("accounts:login")
    for pk in (edition.pk, edition.pk + 1000):
        for name in ("edition_detail", "final_ranking", "awards"):
            response = client.get(reverse(f"assessments:{name}", args=[pk]))
            assert response.status_code == 302 and response["Location"].startswith(login), (name, pk)


def test_a_published_ranking_is_public_the_rest_of_the_edition_stays_in_its_province(
    client, edition, other_province_admin
):
    set_state(edition, Edition.State.PUBLISHED)
    client.force_login(other_province_admin)
    assert client.get(reverse("assessments:final_ranking", args=[edition.pk])).status_code == 200
    for name in ("edition_detail", "awards", "participant_list"):
        assert client.get(reverse(f"assessments:{name}", args=[edition.pk])).status_code == 404, name
