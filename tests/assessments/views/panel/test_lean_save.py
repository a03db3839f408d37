"""Saving one score costs a fixed handful of queries, session and user included (issue 14, item 1)."""

# ruff: noqa: F811 - the setup/sheet fixtures are imported from test_scoring and used as arguments
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from assessments.domain import ranking, scoring
from assessments.models import Indicator, Score, ScoreChange, ScoreSheet
from tests.assessments.domain.test_scoring import setup, sheet  # noqa: F401 - fixtures
from tests.assessments.views.panel.test_sheet_total import shown_total

pytestmark = pytest.mark.django_db


def post(client, sheet, indicator, value, version, comment=""):
    return client.post(
        reverse("assessments:score_save", args=[sheet.pk, indicator.pk]),
        {"value": value, "comment": comment, "version": str(version)},
        HTTP_HX_REQUEST="true",
    )


def budget():
    """Six on PostgreSQL: session, user, BEGIN, the locked sheet with everything the checks need (indicator,
    rubric levels, conflicts, the stored score), the score with its history row in one statement, COMMIT.
    SQLite (``make run``) writes the history row in a statement of its own."""
    return 6 if connection.vendor == "postgresql" else 7


@pytest.mark.django_db(transaction=True)
def test_a_save_takes_at_most_six_queries(client, setup, sheet, django_assert_max_num_queries):
    """Counted outside a test transaction, as a request runs (no savepoint of the test's own transaction)."""
    indicators = list(Indicator.objects.filter(aspect__stage=setup.stage).order_by("aspect__order", "order"))
    client.force_login(setup.assessor)
    post(client, sheet, indicators[0], "50", 0)  # the session exists from now on, as for an assessor at work
    for version, (indicator, value) in enumerate([(indicators[0], "60,5"), (indicators[1], "75")], start=1):
        with django_assert_max_num_queries(budget()):
            response = post(client, sheet, indicator, value, version if indicator == indicators[0] else 0)
        assert response.status_code == 200
    # A refused value and a conflict cost no more.
    with django_assert_max_num_queries(budget()):
        assert post(client, sheet, indicators[1], "101", 1).status_code == 422
    with django_assert_max_num_queries(budget()):
        assert post(client, sheet, indicators[1], "70", 0).status_code == 409
    stored = ScoreSheet.objects.get(pk=sheet.pk)
    assert Score.objects.get(sheet=sheet, indicator=indicators[0]).version == 2
    assert ScoreChange.objects.filter(sheet=sheet).count() == 3
    # The total sent back is the one kept on the sheet, which is the reference computed from the scores.
    reference = ranking.with_totals(ScoreSheet.objects.filter(pk=sheet.pk)).get().total
    assert abs(Decimal(stored.weighted_total) - reference) < Decimal("0.0001")
    assert shown_total(response.content.decode()) == f"{reference:.2f}"
    # A rubric indicator (its levels are read to check the value) stays within the budget too.
    visit = scoring.open_sheet(setup.field_visit, setup.rogojampi, setup.assessor)
    rubric = Indicator.objects.filter(aspect__stage=setup.field_visit).first()
    post(client, visit, rubric, "2", 0)
    with django_assert_max_num_queries(budget()):
        assert post(client, visit, rubric, "4", 1).status_code == 200


def test_the_answer_is_a_small_fragment(client, setup, sheet):
    indicator = Indicator.objects.filter(aspect__stage=setup.stage).first()
    client.force_login(setup.assessor)
    response = post(client, sheet, indicator, "80", 0)
    assert response.status_code == 200
    assert len(response.content) < 1500 and b"<html" not in response.content
