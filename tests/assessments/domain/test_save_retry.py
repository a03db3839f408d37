"""A save sent again (its answer was lost on a bad connection, or the offline sheet resends it) lands once.

The offline score sheet keeps what is typed in the browser until the server confirms it, so a save whose
answer never arrived is sent again with the version it was typed over. Equal to what is stored, it is
no conflict and no second change; a different value over a version that moved on still is a conflict.
"""
# ruff: noqa: F811 - the setup/sheet fixtures are imported from test_scoring and used as arguments

from decimal import Decimal

import pytest

from assessments.domain import scoring
from assessments.models import Score, ScoreChange
from tests.assessments.domain.test_scoring import save, setup, sheet  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def test_a_save_sent_again_after_its_answer_was_lost_is_saved_once(sheet, setup):
    indicator = setup.indicators[0]
    first = save(sheet, indicator, "85,5", "dicek di lapangan", expected_version=0)
    assert first.changed and first.score.version == 1
    again = save(sheet, indicator, "85,5", "dicek di lapangan", expected_version=0)  # the answer was lost
    assert not again.changed
    assert again.score.version == 1
    assert ScoreChange.objects.filter(sheet=sheet, indicator=indicator).count() == 1


def test_a_different_value_over_a_moved_on_version_is_still_a_conflict(sheet, setup):
    indicator = setup.indicators[0]
    save(sheet, indicator, "70", expected_version=0)
    save(sheet, indicator, "75", expected_version=1)  # someone else, meanwhile
    with pytest.raises(scoring.ScoreConflict):
        save(sheet, indicator, "70", expected_version=1)  # the offline value, typed over version 1
    # Same value, another comment: a different save, so a conflict too.
    with pytest.raises(scoring.ScoreConflict):
        save(sheet, indicator, "75", "mine", expected_version=1)
    assert Score.objects.get(sheet=sheet, indicator=indicator).value == Decimal(75)
    assert ScoreChange.objects.filter(sheet=sheet, indicator=indicator).count() == 2
