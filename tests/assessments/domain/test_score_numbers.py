"""One strict number parser for scores: digits with one decimal comma or point, bounded length."""
# ruff: noqa: F811 - the setup/sheet fixtures are imported from test_scoring and used as arguments

from decimal import Decimal

import pytest

from assessments.domain import scoring
from assessments.models import Score, ScoreChange
from tests.assessments.domain.test_scoring import setup, sheet  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("85", Decimal("85")),
        ("85,5", Decimal("85.5")),
        ("85.25", Decimal("85.25")),
        ("\u00a085,50 ", Decimal("85.5")),  # spaces around the number are not part of it
        ("007", Decimal("7")),
        (87.5, Decimal("87.5")),  # an Excel number cell
        (80, Decimal("80")),
        (Decimal("85.50"), Decimal("85.5")),
        (Decimal("1E+2"), Decimal("100")),  # a number given as a number, not typed text
    ],
)
def test_numbers_accepted(setup, typed, stored):
    assert scoring.parse_value(typed, setup.indicators[0]) == stored


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("1e2", "not_a_number"),
        ("1E2", "not_a_number"),
        ("7 0", "not_a_number"),
        ("1_0", "not_a_number"),
        ("\u0668\u0665", "not_a_number"),  # Arabic-Indic digits
        ("\u0968\u0966", "not_a_number"),  # Devanagari digits
        ("８５", "not_a_number"),  # full-width digits
        ("+85", "not_a_number"),
        ("85.", "not_a_number"),
        ("8,5,5", "not_a_number"),
        ("0x50", "not_a_number"),
        ("inf", "not_a_number"),
        ("1e309", "not_a_number"),
        ("9" * 30, "out_of_range"),
        ("9" * 30 + ",5", "out_of_range"),
        ("12345", "out_of_range"),
        ("1.000", "too_precise"),
        (float("inf"), "not_a_number"),
        (float("nan"), "not_a_number"),
        (1e309, "not_a_number"),
        (10**30, "out_of_range"),
        (1e30, "out_of_range"),
        (True, "not_a_number"),
    ],
)
def test_anything_else_is_refused_with_a_message(setup, typed, code):
    with pytest.raises(scoring.ScoringError) as refused:
        scoring.parse_value(typed, setup.indicators[0])
    assert refused.value.code == code
    assert refused.value.message


@pytest.mark.parametrize("typed", ["1e309", "9" * 30, "1e2", "7 0", "1_0", "\u0668\u0665"])
def test_save_score_refuses_and_saves_nothing(sheet, setup, typed):
    with pytest.raises(scoring.ScoringError):
        scoring.save_score(sheet, setup.indicators[0], typed, "", by=setup.assessor, source="web")
    assert not Score.objects.filter(value__isnull=False).exists()
    assert not ScoreChange.objects.exists()
