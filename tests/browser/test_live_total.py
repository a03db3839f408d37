"""The score sheet's live total in Chromium: the same figure as the saved and ranked total, to the cent.

The uneven stage of ``tests/assessments/views/panel/test_sheet_total.py`` (exact total 77.945, a half
cent, which the former JavaScript float sum showed as 77,94) is typed in by the assessor, in Indonesian.
"""

import re

import pytest
from playwright.sync_api import expect

from assessments.domain import ranking, scoring
from assessments.domain.awards import two_places
from assessments.models import Participant
from assessments.queries.sheets import sheet_total
from sp2k.demo.competition import build_open_edition
from tests.assessments.views.panel.test_sheet_total import EXACT_TOTAL, SHOWN, make_uneven
from tests.browser.conftest import login
from tests.conftest import PASSWORD

SAVED_AT = re.compile(r"tersimpan \d\d:\d\d")


@pytest.fixture
def uneven_sheet(province_admin, assessor, rogojampi):
    """This year's edition in assessment; its desk stage made uneven; the assessor's sheet of Rogojampi."""
    edition = build_open_edition(province_admin, [assessor])
    stage = edition.stages.order_by("order").first()
    typed = make_uneven(stage)
    participant = Participant.objects.get(edition=edition, district=rogojampi)
    return scoring.open_sheet(stage, participant, assessor), typed


def test_the_live_total_is_the_saved_and_ranked_total_to_the_cent(page_factory, uneven_sheet, assessor):
    sheet, typed = uneven_sheet
    page = page_factory(locale="id-ID")
    login(page, assessor.username, PASSWORD)
    page.wait_for_url("**/dasbor/")
    page.goto(f"/kompetisi/lembar/{sheet.pk}/")
    expect(page.locator("#live-total")).to_have_text("0,00")

    for index, (indicator, value) in enumerate(typed):
        field = page.locator(f"#score-{indicator.pk}")
        field.click()
        page.keyboard.type(value)
        if index == 0:
            # Typed but not saved yet: the total says so rather than guessing.
            expect(page.locator("#total-state")).to_have_text("menyimpan…")
            expect(page.locator("#live-total")).to_have_text("0,00")
        page.keyboard.press("Tab")
        expect(page.locator(f"#status-{indicator.pk}")).to_contain_text(SAVED_AT)
        # Each save brought back the server's total of what is saved so far.
        expect(page.locator("#live-total")).to_have_text(f"{two_places(sheet_total(sheet))}".replace(".", ","))

    expect(page.locator("#total-state")).to_have_text("")
    expect(page.locator("#live-total")).to_have_text(SHOWN.replace(".", ","))
    assert sheet_total(sheet) == EXACT_TOTAL.quantize(ranking.PLACES)

    # Submitted, the sheet's total in the ranking and its explanation is the figure the page showed.
    scoring.submit_sheet(sheet, assessor)
    row = next(r for r in ranking.stage_ranking(sheet.stage) if r.participant.pk == sheet.participant_id)
    assert f"{two_places(row.score)}" == SHOWN
    assert ranking.explain(sheet.participant).stages[0].sheets[0].total == EXACT_TOTAL.quantize(ranking.PLACES)
    page.reload()
    expect(page.locator("#live-total")).to_have_text(SHOWN.replace(".", ","))
    assert page.csp_errors == []
