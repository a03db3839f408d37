"""Submitting all of an assessor's complete sheets of a stage at once (after an Excel upload)."""
# ruff: noqa: F811 - the setup fixture is imported from test_scoring and used as an argument

import pytest

from assessments.domain import scoring
from assessments.models import Conflict, ScoreSheet, SheetEvent
from tests.assessments.domain.test_scoring import fill, save, setup  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


@pytest.fixture
def drafts(setup):
    """Three complete drafts, one with a single score, the rest of the six never started (Taman: conflict)."""
    others = [p for p in setup.participants if p not in (setup.rogojampi, setup.taman)]
    complete = [scoring.open_sheet(setup.stage, p, setup.assessor) for p in (setup.rogojampi, *others[:2])]
    for sheet in complete:
        fill(sheet, setup.indicators)
    partial = scoring.open_sheet(setup.stage, others[2], setup.assessor)
    save(partial, setup.indicators[0], "70")
    return complete, partial, others[3:]


def names(items):
    return sorted(item.participant.district.name for item in items)


def test_the_plan_lists_the_complete_drafts_and_why_the_rest_is_not_sent(setup, drafts, django_assert_max_num_queries):
    complete, partial, unstarted = drafts
    with django_assert_max_num_queries(5):
        plan = scoring.stage_submission(setup.stage, setup.assessor)
    assert plan.closed is None and plan.already_submitted == 0
    assert names(plan.ready) == names(complete)
    reasons = {item.participant.pk: item.reason for item in plan.not_ready}
    missing = len(setup.indicators) - 1
    assert reasons == {
        partial.participant.pk: f"{missing} indicators have no score yet.",
        **{p.pk: "Not started: no indicator has a score yet." for p in unstarted},
    }
    assert setup.taman.pk not in reasons  # a conflict of interest (home regency): never the assessor's sheet
    assert not ScoreSheet.objects.filter(status=ScoreSheet.Status.SUBMITTED).exists()  # nothing written


def test_a_void_sheet_is_listed_with_its_conflict(setup, drafts):
    complete, _, _ = drafts
    Conflict.objects.create(
        edition=setup.edition, assessor=setup.assessor, participant=complete[1].participant, reason="Kerabat"
    )
    plan = scoring.stage_submission(setup.stage, setup.assessor)
    assert complete[1] not in plan.ready
    [void] = [item for item in plan.not_ready if item.sheet == complete[1]]
    assert void.reason == scoring.conflict_message()


def test_submitting_all_submits_the_complete_ones_and_refuses_the_rest_alone(setup, drafts):
    complete, partial, _ = drafts
    submitted, refused = scoring.submit_sheets(setup.stage, [s.pk for s in (*complete, partial)], setup.assessor)
    assert names(submitted) == names(complete)
    assert [item.sheet.pk for item in refused] == [partial.pk]
    assert "Every indicator needs a score" in refused[0].reason
    assert set(ScoreSheet.objects.filter(status=ScoreSheet.Status.SUBMITTED)) == set(complete)
    assert SheetEvent.objects.filter(action=SheetEvent.Action.SUBMIT).count() == 3  # one per sheet, as one by one
    plan = scoring.stage_submission(setup.stage, setup.assessor)
    assert plan.already_submitted == 3 and plan.ready == []


def test_another_assessors_sheets_are_never_submitted(setup, drafts):
    complete, _, _ = drafts
    submitted, refused = scoring.submit_sheets(setup.stage, [s.pk for s in complete], setup.other)
    assert submitted == [] and refused == []
    assert not ScoreSheet.objects.filter(status=ScoreSheet.Status.SUBMITTED).exists()


def test_nothing_is_submitted_once_the_stage_is_closed(setup, drafts):
    complete, _, _ = drafts
    setup.edition.state = "final"
    setup.edition.save()
    plan = scoring.stage_submission(setup.stage, setup.assessor)
    assert plan.closed == "Scores can only be entered while the edition is in assessment."
    assert plan.ready == [] and len(plan.not_ready) >= 3
    submitted, refused = scoring.submit_sheets(setup.stage, [s.pk for s in complete], setup.assessor)
    assert submitted == [] and len(refused) == 3
    assert not ScoreSheet.objects.filter(status=ScoreSheet.Status.SUBMITTED).exists()
