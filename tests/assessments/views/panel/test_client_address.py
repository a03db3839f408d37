"""Issue 11: behind the declared proxy the score history records the assessor's address, not the proxy's."""
# ruff: noqa: F811 - the setup/sheet fixtures are imported from test_scoring and used as arguments

import pytest
from django.urls import reverse

from assessments.models import ScoreChange
from tests.assessments.domain.test_scoring import setup, sheet  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def test_the_score_history_records_the_client_behind_the_proxy(client, settings, setup, sheet):
    settings.PROXY_COUNT = 1
    client.force_login(setup.assessor)
    response = client.post(
        reverse("assessments:score_save", args=[sheet.pk, setup.indicators[0].pk]),
        {"value": "80", "comment": "", "version": "0"},
        HTTP_HX_REQUEST="true",
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="192.0.2.1, 198.51.100.23",
    )
    assert response.status_code == 200
    assert ScoreChange.objects.get().ip_address == "198.51.100.23"
