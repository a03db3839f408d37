"""The offline score sheet's server side: the service worker's script, what the sheet page gives its
script, and the save view's answers to a save sent again and to a conflict (both values shown).

The behaviour in the browser (offline, reload, sync, "server busy") is tested in Chromium:
tests/browser/test_offline_sheet.py.
"""
# ruff: noqa: F811 - the setup/sheet fixtures are imported from test_scoring and used as arguments

import re

import pytest
from django.urls import reverse

from assessments.domain import scoring
from assessments.models import ScoreChange
from tests.assessments.domain.test_scoring import setup, sheet  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def save_url(sheet, indicator):
    return reverse("assessments:score_save", args=[sheet.pk, indicator.pk])


def test_the_worker_script_covers_the_sheet_pages(client):
    url = reverse("assessments:sheet_worker")
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    scope = reverse("assessments:my_sheets")
    # A worker's scope may not reach above its script's folder: the script lives under the sheets.
    assert url.startswith(scope) and "/" not in url[len(scope) :]
    assert response["Service-Worker-Allowed"] == scope
    script = response.content.decode()
    pattern = re.search(r'var SHEET_PAGE = new RegExp\("(.*)"\);', script).group(1).replace("\\u005C", "\\")
    assert re.match(pattern, reverse("assessments:sheet", args=[42]))
    assert not re.match(pattern, reverse("assessments:score_save", args=[42, 7]))
    assert 'var STATIC_PREFIX = "/static/";' in script
    # Served under the strict CSP like every page: a worker is a script of our own origin (worker-src
    # falls back to script-src 'self'), and it fetches only from it.
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "worker-src" not in csp and "connect-src 'self'" in csp


def test_the_editable_sheet_gives_its_script_what_it_needs(client, setup, sheet):
    client.force_login(setup.assessor)
    page = client.get(reverse("assessments:sheet", args=[sheet.pk])).content.decode()
    assert f'data-sheet="{sheet.pk}"' in page
    assert f'data-worker="{reverse("assessments:sheet_worker")}"' in page
    assert f'data-worker-scope="{reverse("assessments:my_sheets")}"' in page
    assert re.search(r'data-csrf-token="[^"]{32,}"', page)
    for name in ("offline", "busy", "signed-out", "refused", "unsaved", "saving"):
        assert re.search(rf'data-text-{name}="[^"]+"', page), name
    for indicator in setup.indicators:
        assert f'data-indicator="{indicator.pk}"' in page
        assert f'data-save-url="{save_url(sheet, indicator)}"' in page
    assert 'id="connection-banner"' in page and 'id="offline-ready"' in page
    assert "<script>" not in page and 'style="' not in page


def test_a_read_only_sheet_registers_no_worker_and_saves_nothing(client, setup, sheet):
    client.force_login(setup.admin)  # sees the sheet, cannot type into it
    page = client.get(reverse("assessments:sheet", args=[sheet.pk])).content.decode()
    assert "data-worker=" not in page and "data-save-url=" not in page


def test_a_save_sent_again_answers_saved_once(client, setup, sheet):
    client.force_login(setup.assessor)
    indicator = setup.indicators[0]
    data = {"value": "80", "comment": "", "version": "0"}
    first = client.post(save_url(sheet, indicator), data)
    again = client.post(save_url(sheet, indicator), data)  # the first answer was lost on the way
    assert (first.status_code, again.status_code) == (200, 200)
    assert f'id="version-{indicator.pk}" value="1"' in again.content.decode()
    assert ScoreChange.objects.filter(sheet=sheet).count() == 1


def test_a_conflict_shows_both_values_and_the_choice(client, setup, sheet):
    indicator = setup.indicators[0]
    scoring.save_score(sheet, indicator, "60", "", setup.assessor, "web")
    scoring.save_score(sheet, indicator, "65", "", setup.assessor, "web")  # another tab, meanwhile
    client.force_login(setup.assessor)
    response = client.post(save_url(sheet, indicator), {"value": "90", "version": "1"})
    assert response.status_code == 409
    body = response.content.decode()
    assert "<strong data-typed-value>90</strong>" in body
    assert 'data-current-value="65"' in body
    assert 'data-action="take-saved"' in body and 'data-action="resave"' in body
