"""The state of an assignment's sheet (my sheets, the progress matrix): predicates for the templates,
and still the plain string it was for the counts (``progress.counts.submitted``)."""

from collections import Counter

import pytest

from assessments.queries.sheets import SheetState

PREDICATES = {
    SheetState.NOT_STARTED: "is_not_started",
    SheetState.IN_PROGRESS: "is_in_progress",
    SheetState.SUBMITTED: "is_submitted",
    SheetState.EXCLUDED: "is_excluded",
}


@pytest.mark.parametrize("state", list(SheetState))
def test_a_sheet_state_answers_only_its_own_predicate(state):
    assert {name: getattr(state, name) for name in PREDICATES.values()} == {
        name: name == PREDICATES[state] for name in PREDICATES.values()
    }


def test_a_sheet_state_is_still_its_string_for_counting():
    counts = Counter([SheetState.SUBMITTED, SheetState.SUBMITTED, SheetState.EXCLUDED])
    assert counts["submitted"] == 2 and counts["excluded"] == 1 and counts["in_progress"] == 0
    assert SheetState.IN_PROGRESS == "in_progress" and str(SheetState.IN_PROGRESS) == "in_progress"
