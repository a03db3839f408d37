"""Issue 11: the public verification page of a document printed before the results were published shows
that the document is genuine and what it is, but none of its winners, ranks or scores until publication."""

import pytest
from django.urls import reverse

from assessments.domain import documents, workflow
from assessments.models import Award
from tests.assessments.domain.test_documents import final_edition  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def page(client, document):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.get(reverse("verify:document", args=[document.code]))
    assert response.status_code == 200
    return response.content.decode()


NOT_YET = "shown here once the competition's results are published"


def test_a_recap_printed_before_publication_shows_no_scores_until_published(client, final_edition, province_admin):  # noqa: F811
    stage = final_edition.stages.get(order=3)
    recap = documents.issue_recap(stage, province_admin)
    first = recap.facts["rows"][0]
    score = documents.score_text(first["score"])

    text = page(client, recap)
    assert "genuine and current" in text
    assert "Score recap" in text or recap.get_kind_display() in text
    assert stage.name in text and final_edition.name in text
    assert first["district"] not in text and score not in text
    assert NOT_YET in text

    workflow.publish(final_edition, province_admin)
    text = page(client, recap)
    assert "genuine and current" in text
    assert first["district"] in text and score in text
    assert NOT_YET not in text


def test_a_certificate_printed_before_publication_does_not_name_the_winner(client, final_edition, province_admin):  # noqa: F811
    award = Award.objects.select_related("participant__district", "category").get(
        category__edition=final_edition, category__order=1
    )
    certificate = documents.issue_certificate(award, province_admin)
    text = page(client, certificate)
    assert "genuine and current" in text
    assert award.participant.district.name not in text and award.category.name not in text
    workflow.publish(final_edition, province_admin)
    text = page(client, certificate)
    assert award.participant.district.name in text and award.category.name in text


def test_a_decree_printed_before_publication_states_its_number_not_its_winners(client, final_edition, province_admin):  # noqa: F811
    decree = documents.issue_decree(final_edition, province_admin)
    text = page(client, decree)
    assert decree.facts["decree_number"] in text
    winner = decree.facts["winners"][0]["district"]
    assert winner not in text
    workflow.publish(final_edition, province_admin)
    assert winner in page(client, decree)
