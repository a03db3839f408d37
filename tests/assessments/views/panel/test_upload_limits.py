"""Issue 11: the Excel score upload and the configuration import refuse an oversized upload before its
body is read (413); a workbook within the limit is still read as before."""
# ruff: noqa: F811 - the setup fixture is imported from test_scoring and used as an argument

import pytest
from django.urls import reverse

from assessments.domain.editions import MAX_IMPORT_BYTES
from assessments.domain.spreadsheets import MAX_UPLOAD_BYTES
from tests.assessments.domain.test_scoring import setup  # noqa: F401 - fixture
from tests.districts.views.test_upload_limits import post_huge

pytestmark = pytest.mark.django_db


def test_an_oversized_workbook_is_refused_before_it_is_read(client, setup):
    client.force_login(setup.assessor)
    url = reverse("assessments:stage_excel_upload", args=[setup.stage.pk])
    response, body = post_huge(client, url, size=MAX_UPLOAD_BYTES + 2 * 1024 * 1024)
    assert response.status_code == 413
    assert body.read_bytes == 0
    assert "at most 5.0\xa0MB" in response.content.decode()


def test_the_excel_page_still_answers_and_strangers_are_refused_first(client, setup, camat):
    url = reverse("assessments:stage_excel_upload", args=[setup.stage.pk])
    client.force_login(camat)
    response, body = post_huge(client, url)
    assert response.status_code in (403, 404) and body.read_bytes == 0
    client.force_login(setup.assessor)
    assert client.get(url).status_code == 200


def test_an_oversized_configuration_is_refused_before_it_is_read(client, setup):
    client.force_login(setup.admin)
    url = reverse("assessments:edition_import", args=[setup.edition.pk])
    response, body = post_huge(client, url, size=MAX_IMPORT_BYTES + 2 * 1024 * 1024)
    assert response.status_code == 413
    assert body.read_bytes == 0
