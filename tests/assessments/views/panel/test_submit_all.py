"""The "submit all complete sheets" page of a stage: reached from "my sheets", one confirmation page
listing what is sent and what is not (with why), one POST; and an Excel upload never changes a sheet's
status."""
# ruff: noqa: F811 - the setup fixture is imported from test_scoring and used as an argument

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from assessments.domain import scoring
from assessments.models import ScoreSheet
from tests.assessments.domain.test_scoring import fill, save, setup  # noqa: F401 - fixtures
from tests.assessments.views.panel.test_excel_upload import (
    COL_PARTICIPANT,
    VALUE,
    confirm,
    data_of,
    download,
    post,
    rows_of,
)

pytestmark = pytest.mark.django_db


def url(setup):
    return reverse("assessments:stage_submit_all", args=[setup.stage.pk])


def text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def shown_messages(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def drafts(setup):
    """Rogojampi and one more complete, a third with one score; the rest never started."""
    others = [p for p in setup.participants if p not in (setup.rogojampi, setup.taman)]
    complete = [scoring.open_sheet(setup.stage, p, setup.assessor) for p in (setup.rogojampi, others[0])]
    for sheet in complete:
        fill(sheet, setup.indicators)
    partial = scoring.open_sheet(setup.stage, others[1], setup.assessor)
    save(partial, setup.indicators[0], "70")
    return complete, partial


def test_my_sheets_leads_to_submitting_all(client, setup):
    client.force_login(setup.assessor)
    page = client.get(reverse("assessments:my_sheets")).content.decode()
    assert url(setup) in page and "Submit all complete sheets" in page


def test_the_confirmation_page_lists_what_is_sent_and_what_not_with_why(
    client, setup, drafts, django_assert_max_num_queries
):
    complete, partial = drafts
    client.force_login(setup.assessor)
    with django_assert_max_num_queries(14):  # the plan takes 5 of them, whatever the number of sheets
        response = client.get(url(setup))
    page = text(response)
    assert "2 complete sheets will be submitted" in page
    assert "3 sheets will not be submitted" in page
    assert f"{len(setup.indicators) - 1} indicators have no score yet." in page
    assert "Not started: no indicator has a score yet." in page
    assert "Yes, submit 2 sheets" in page
    listed = re.findall(r'name="sheets" value="(\d+)"', response.content.decode())
    assert sorted(map(int, listed)) == sorted(s.pk for s in complete)
    assert not ScoreSheet.objects.filter(status=ScoreSheet.Status.SUBMITTED).exists()  # a GET sends nothing


def test_one_post_submits_the_listed_sheets(client, setup, drafts):
    complete, partial = drafts
    client.force_login(setup.assessor)
    response = client.post(url(setup), {"sheets": [s.pk for s in complete]})
    assert response.status_code == 302 and response.url == reverse("assessments:my_sheets")
    assert shown_messages(response) == ["2 sheets were submitted. They can no longer be changed."]
    assert set(ScoreSheet.objects.filter(status=ScoreSheet.Status.SUBMITTED)) == set(complete)
    partial.refresh_from_db()
    assert not partial.is_submitted


def test_a_refused_sheet_does_not_stop_the_others(client, setup, drafts):
    complete, partial = drafts
    client.force_login(setup.assessor)
    response = client.post(url(setup), {"sheets": [partial.pk, *(s.pk for s in complete)]})
    messages = shown_messages(response)
    assert messages[0] == "2 sheets were submitted. They can no longer be changed."
    assert messages[1].startswith(f"{partial.participant.district.name} was not submitted: Every indicator needs")
    assert ScoreSheet.objects.filter(status=ScoreSheet.Status.SUBMITTED).count() == 2


def test_nothing_chosen_nothing_submitted(client, setup, drafts):
    client.force_login(setup.assessor)
    response = client.post(url(setup), {"sheets": ["x"]})
    assert response.url == url(setup)
    assert shown_messages(response) == ["No complete sheet was chosen: nothing was submitted."]


def test_another_assessor_cannot_submit_my_sheets(client, setup, drafts):
    complete, _ = drafts
    client.force_login(setup.other)
    client.post(url(setup), {"sheets": [s.pk for s in complete]})
    assert not ScoreSheet.objects.filter(status=ScoreSheet.Status.SUBMITTED).exists()


def test_the_province_admin_does_not_submit_sheets(client, setup, drafts):
    complete, _ = drafts
    client.force_login(setup.admin)
    assert client.get(url(setup)).status_code == 403
    assert client.post(url(setup), {"sheets": [s.pk for s in complete]}).status_code == 403
    assert not ScoreSheet.objects.filter(status=ScoreSheet.Status.SUBMITTED).exists()


def test_a_closed_stage_says_why_and_offers_nothing(client, setup, drafts):
    setup.edition.state = "final"
    setup.edition.save()
    client.force_login(setup.assessor)
    response = client.get(url(setup))
    assert "Scores can only be entered while the edition is in assessment." in text(response)
    assert 'name="sheets"' not in response.content.decode()


# --- an Excel upload changes scores, never a sheet's status ---


def test_an_excel_upload_for_one_kecamatan_leaves_the_other_sheets_status_unchanged(client, setup, drafts):
    complete, partial = drafts
    scoring.submit_sheet(complete[0], setup.assessor)
    before = dict(ScoreSheet.objects.values_list("pk", "status"))
    workbook = download(client, setup.assessor, setup)
    row = next(r for r in rows_of(workbook) if r[COL_PARTICIPANT - 1].value == partial.participant_id)
    row[VALUE].value = 65
    assert confirm(client, setup, post(client, setup, data_of(workbook))).status_code == 302
    assert dict(ScoreSheet.objects.values_list("pk", "status")) == before  # submitted stays, drafts stay drafts
    assert partial.scores.filter(value=65).exists()
