"""The score sheet on a field visit (tinjau lapang), in Chromium: what is typed offline is kept in the
browser, survives a reload (the page then comes from the service worker's copy), and is saved once, by
itself, when the connection returns. A server error is "server busy", never "offline".
"""

import re
from decimal import Decimal
from unittest import mock

import pytest
from django.db import OperationalError
from playwright.sync_api import expect

from assessments.domain import scoring
from assessments.models import Indicator, Participant, Score, ScoreChange
from sp2k.demo.competition import build_open_edition
from tests.browser.conftest import login
from tests.conftest import PASSWORD

SAVED_AT = re.compile(r"tersimpan \d\d:\d\d")
UNSAVED = "belum tersimpan"
SAVE_URLS = re.compile(r"/nilai/")


@pytest.fixture
def field_sheet(province_admin, assessor, rogojampi):
    """This year's edition in assessment; the assessor's sheet of Rogojampi and five of its indicators."""
    edition = build_open_edition(province_admin, [assessor])
    stage = edition.stages.order_by("order").first()
    participant = Participant.objects.get(edition=edition, district=rogojampi)
    indicators = list(
        Indicator.objects.filter(aspect__stage=stage).order_by("aspect__order", "order").prefetch_related("levels")
    )
    assert len(indicators) >= 5
    return scoring.open_sheet(stage, participant, assessor), indicators[:5]


def value_for(indicator, index):
    """A valid score for the indicator, different for each index: (the Decimal, the text typed)."""
    if indicator.scale == Indicator.Scale.RUBRIC:
        levels = sorted(Decimal(level.value) for level in indicator.levels.all())
        value = levels[index % len(levels)]
    else:
        span = indicator.scale_max - indicator.scale_min
        value = (indicator.scale_min + span * Decimal(60 + index) / 100).quantize(Decimal(1))
    return value, format(value.normalize(), "f")


def enter(page, indicator, text):
    field = page.locator(f"#score-{indicator.pk}")
    if indicator.scale == Indicator.Scale.RUBRIC:
        field.select_option(text)
    else:
        field.click()
        page.keyboard.type(text)
        page.keyboard.press("Tab")


def go_offline(page):
    """No connection, for the page and for every save it sends.

    Chromium's emulated offline reaches a reloaded document a moment late: a save sent in that moment
    would reach the server (with its answer lost, a case the page already handles by sending it again).
    The route makes "offline" hold from the first request, as a real lost connection does.
    """
    page.context.route(SAVE_URLS, lambda route: route.abort("internetdisconnected"))
    page.context.set_offline(True)


def go_online(page):
    page.context.unroute(SAVE_URLS)
    page.context.set_offline(False)


def open_sheet(page, assessor, sheet):
    login(page, assessor.username, PASSWORD)
    page.wait_for_url("**/dasbor/")
    page.goto(f"/kompetisi/lembar/{sheet.pk}/")


def test_five_values_typed_offline_survive_a_reload_and_are_saved_once(page_factory, field_sheet, assessor):
    sheet, indicators = field_sheet
    page = page_factory(locale="id-ID")
    open_sheet(page, assessor, sheet)
    # The service worker has kept this page and its files: it can now open without a connection.
    expect(page.locator("#scoresheet")).to_have_attribute("data-offline-ready", "true")
    expect(page.locator("#offline-ready")).to_be_visible()

    go_offline(page)
    typed = [value_for(indicator, index) for index, indicator in enumerate(indicators)]
    for indicator, (_value, text) in zip(indicators, typed, strict=True):
        enter(page, indicator, text)
        expect(page.locator(f"#status-{indicator.pk}")).to_contain_text(UNSAVED)
    # Offline, not blamed on the server; the total says it lacks what is waiting.
    expect(page.locator("#connection-banner")).to_be_visible()
    expect(page.locator("#connection-banner")).to_have_attribute("data-state", "offline")
    expect(page.locator("#total-state")).to_have_text(UNSAVED)
    assert not ScoreChange.objects.filter(sheet=sheet).exists()

    # Reloaded offline: the page is the worker's copy, the five values are back, marked unsaved.
    page.reload()
    assert page.evaluate("navigator.serviceWorker.controller !== null")
    for indicator, (_value, text) in zip(indicators, typed, strict=True):
        expect(page.locator(f"#score-{indicator.pk}")).to_have_value(text)
        expect(page.locator(f"#status-{indicator.pk}")).to_contain_text(UNSAVED)
    expect(page.locator("#connection-banner")).to_have_attribute("data-state", "offline")
    assert not ScoreChange.objects.filter(sheet=sheet).exists()

    # Back online: sent by itself, one at a time, each once.
    in_flight = {"now": 0, "most": 0}

    def started(request):
        if "/nilai/" in request.url:
            in_flight["now"] += 1
            in_flight["most"] = max(in_flight["most"], in_flight["now"])

    def ended(request):
        if "/nilai/" in request.url:
            in_flight["now"] -= 1

    page.on("request", started)
    page.on("requestfinished", ended)
    page.on("requestfailed", ended)
    go_online(page)
    for indicator in indicators:
        expect(page.locator(f"#status-{indicator.pk}")).to_contain_text(SAVED_AT)
    expect(page.locator("#connection-banner")).to_be_hidden()
    expect(page.locator("#total-state")).to_have_text("")
    assert ScoreChange.objects.filter(sheet=sheet).count() == 5
    assert in_flight["most"] == 1
    saved = {score.indicator_id: score for score in Score.objects.filter(sheet=sheet)}
    assert [saved[indicator.pk].value for indicator in indicators] == [value for value, _text in typed]
    assert all(saved[indicator.pk].version == 1 for indicator in indicators)

    # Confirmed, nothing is left to send: another reload (online) sends nothing again.
    # (The browser keeps only the confirmed version of each, to correct an older copy of the page.)
    kept = page.evaluate(
        "Object.keys(localStorage).filter(k => k.startsWith('sp2k.sheet.')).map(k => JSON.parse(localStorage[k]))"
    )
    assert len(kept) == 5 and not any(record["pending"] for record in kept)
    assert sorted(record["version"] for record in kept) == [1] * 5
    page.reload()
    for indicator, (_value, text) in zip(indicators, typed, strict=True):
        expect(page.locator(f"#score-{indicator.pk}")).to_have_value(text)
    page.wait_for_timeout(500)
    assert ScoreChange.objects.filter(sheet=sheet).count() == 5
    assert page.csp_errors == []


@pytest.mark.parametrize(
    ("error", "status"), [(OperationalError("database is locked"), 503), (RuntimeError("boom"), 500)]
)
def test_a_server_error_is_server_busy_not_offline(page_factory, field_sheet, assessor, error, status):
    sheet, indicators = field_sheet
    indicator = indicators[0]
    value, text = value_for(indicator, 0)
    page = page_factory(locale="id-ID")
    open_sheet(page, assessor, sheet)
    answers = []
    page.on("response", lambda response: answers.append(response.status) if "/nilai/" in response.url else None)

    with mock.patch.object(scoring, "save_score", side_effect=error):
        enter(page, indicator, text)
        expect(page.locator("#connection-banner")).to_have_attribute("data-state", "busy")
        expect(page.locator(f"#status-{indicator.pk}")).to_contain_text(UNSAVED)
        assert status in answers
    expect(page.locator("#connection-banner")).to_be_visible()
    assert page.locator("#connection-banner").get_attribute("data-state") != "offline"

    # The server answers again: the value is sent by itself (or at once with "Try again now").
    page.click("#retry-now")
    expect(page.locator(f"#status-{indicator.pk}")).to_contain_text(SAVED_AT)
    expect(page.locator("#connection-banner")).to_be_hidden()
    assert Score.objects.get(sheet=sheet, indicator=indicator).value == value
    assert ScoreChange.objects.filter(sheet=sheet).count() == 1
    assert page.csp_errors == []
