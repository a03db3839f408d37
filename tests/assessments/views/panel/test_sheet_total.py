"""The score sheet's live total is the rankings' total, to the cent (issue 10, item 4).

An uneven stage (aspect weights 33,33/33,33/33,34, uneven indicator weights and scales, values typed
with a decimal comma) whose exact total, 77.945, lies on a half cent: the former JavaScript copy of the
formula summed in floating point and showed 77,94 where the saved total showed 77,95. Now every
autosave answers with the server's total, made by the one formula (``ranking.weighted``).
"""
# ruff: noqa: F811 - the setup/sheet fixtures are imported from test_scoring and used as arguments

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from assessments.domain import ranking, scoring
from assessments.domain.awards import two_places
from assessments.models import Aspect, Indicator
from assessments.queries.sheets import sheet_total
from tests.assessments.domain.test_scoring import setup, sheet  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

# (aspect name, aspect weight, [(indicator weight, scale_min, scale_max, value as typed)])
UNEVEN = [
    ("Tata kelola", "33.33", [("33.33", "0", "100", "86,5"), ("66.67", "0", "100", "86,5")]),
    (
        "Pelayanan",
        "33.33",
        [("12.50", "1", "4", "2,25"), ("37.50", "0", "7.50", "3,25"), ("50.00", "0", "100", "84,75")],
    ),
    ("Inovasi", "33.34", [("25.00", "0", "100", "86,5"), ("75.00", "0", "100", "82,5")]),
]
EXACT_TOTAL = Decimal("77.945")  # Σ (value − min) / (max − min) × indicator% × aspect% × 100, by hand
SHOWN = "77.95"  # half up, as every page prints a score (the float sum gave 77.944999…, shown 77.94)
PELAYANAN = Decimal("63.8333")  # the "Pelayanan" aspect's subtotal (the tie-break), 63.8333…


def make_uneven(stage):
    """Replace the stage's criteria by UNEVEN; the indicators in sheet order with the values to type."""
    stage.aspects.all().delete()
    typed = []
    for a_order, (name, weight, indicators) in enumerate(UNEVEN, start=1):
        aspect = Aspect.objects.create(stage=stage, order=a_order, name=name, weight=Decimal(weight))
        for i_order, (i_weight, low, high, value) in enumerate(indicators, start=1):
            indicator = Indicator.objects.create(
                aspect=aspect,
                order=i_order,
                name=f"{name} {i_order}",
                weight=Decimal(i_weight),
                scale_min=Decimal(low),
                scale_max=Decimal(high),
            )
            typed.append((indicator, value))
    return typed


def shown_total(html):
    """The figure of the live total element in a page or an autosave response."""
    return re.search(r'<output id="live-total"[^>]*>([^<]*)</output>', html).group(1)


def test_each_autosave_answers_with_the_rankings_total_to_the_cent(client, setup, sheet):
    edition = setup.edition
    edition.tie_break_aspect = "Pelayanan"
    edition.save(update_fields=["tie_break_aspect"])
    typed = make_uneven(setup.stage)
    client.force_login(setup.assessor)

    for indicator, value in typed:
        response = client.post(
            reverse("assessments:score_save", args=[sheet.pk, indicator.pk]),
            {"value": value, "comment": "", "version": "0"},
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200
        body = response.content.decode()
        assert re.search(r'<output id="live-total"[^>]* hx-swap-oob="true">', body)
        # After every save, the figure sent back is the Python total of what is saved so far.
        assert shown_total(body) == f"{two_places(sheet_total(sheet))}"

    assert sheet_total(sheet) == EXACT_TOTAL.quantize(ranking.PLACES)
    assert shown_total(body) == SHOWN
    page = client.get(reverse("assessments:sheet", args=[sheet.pk])).content.decode()
    assert shown_total(page) == SHOWN

    # Submitted, the same sheet makes the same figure in the ranking and its explanation.
    scoring.submit_sheet(sheet, setup.assessor)
    row = next(r for r in ranking.stage_ranking(setup.stage) if r.participant.pk == sheet.participant_id)
    assert (row.n_sheets, f"{two_places(row.score)}") == (1, SHOWN)
    line = ranking.explain(sheet.participant).stages[0].sheets[0]
    assert line.total == EXACT_TOTAL.quantize(ranking.PLACES)
    aspect = Aspect.objects.get(stage=setup.stage, name="Pelayanan")
    assert line.aspects[aspect.pk] == row.aspect_score == PELAYANAN
    totals = ranking.with_totals(ranking.counted_sheets(stage=setup.stage)).get(pk=sheet.pk).total
    assert totals == EXACT_TOTAL.quantize(ranking.PLACES)


def test_the_live_total_has_a_decimal_comma_in_indonesian(client, setup, sheet, indonesian):
    typed = make_uneven(setup.stage)
    client.force_login(setup.assessor)
    for indicator, value in typed:
        response = client.post(
            reverse("assessments:score_save", args=[sheet.pk, indicator.pk]),
            {"value": value, "comment": "", "version": "0"},
            HTTP_HX_REQUEST="true",
        )
    assert shown_total(response.content.decode()) == SHOWN.replace(".", ",")


def test_a_refused_value_answers_with_the_unchanged_total(client, setup, sheet):
    typed = make_uneven(setup.stage)
    client.force_login(setup.assessor)
    url = reverse("assessments:score_save", args=[sheet.pk, typed[0][0].pk])
    client.post(url, {"value": "86,5", "comment": "", "version": "0"}, HTTP_HX_REQUEST="true")
    response = client.post(url, {"value": "101", "comment": "", "version": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    # 86.5 × 33.33 % × 33.33 % = 9.6092…: the saved value still counts, the refused one does not.
    assert shown_total(response.content.decode()) == "9.61" == f"{two_places(sheet_total(sheet))}"


def test_no_copy_of_the_formula_is_sent_to_the_browser(client, setup, sheet):
    client.force_login(setup.assessor)
    page = client.get(reverse("assessments:sheet", args=[sheet.pk])).content.decode()
    assert "data-weight" not in page and "data-min" not in page
    script = (Path(settings.BASE_DIR) / "static" / "js" / "scoresheet.js").read_text(encoding="utf-8")
    assert "toFixed" not in script and "dataset.weight" not in script
