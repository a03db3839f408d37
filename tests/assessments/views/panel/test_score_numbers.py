"""The score sheet's autosave answers a message for any number it cannot take, never a server error."""
# ruff: noqa: F811 - the setup/sheet fixtures are imported from test_scoring and used as arguments

import pytest
from django.urls import reverse

from assessments.models import Score
from tests.assessments.domain.test_scoring import setup, sheet  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1e309", "Enter a number"),
        ("9" * 30, "between 0 and 100"),
        ("1e2", "Enter a number"),
        ("7 0", "Enter a number"),
        ("1_0", "Enter a number"),
        ("\u0668\u0665", "Enter a number"),
    ],
)
def test_autosave_refuses_with_a_message(client, setup, sheet, typed, message):
    client.force_login(setup.assessor)
    url = reverse("assessments:score_save", args=[sheet.pk, setup.indicators[0].pk])
    response = client.post(url, {"value": typed, "comment": ""}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    page = response.content.decode()
    assert 'data-state="invalid"' in page and message in page
    assert not Score.objects.filter(value__isnull=False).exists()
