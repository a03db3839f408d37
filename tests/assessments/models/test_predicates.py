"""The small status predicates that views and templates ask instead of comparing strings."""

import pytest

from assessments.models import Document, DocumentJob, Edition, Participant, ScoreSheet

PARTICIPANT_PREDICATES = {
    Participant.Status.NOMINATED: "is_nominated",
    Participant.Status.ACCEPTED: "is_accepted",
    Participant.Status.REJECTED: "is_rejected",
    Participant.Status.WITHDRAWN: "is_withdrawn",
}
DOCUMENT_PREDICATES = {
    Document.Status.CURRENT: "is_current",
    Document.Status.SUPERSEDED: "is_superseded",
    Document.Status.WITHDRAWN: "is_withdrawn",
}


def test_every_participant_status_has_its_predicate():
    assert set(PARTICIPANT_PREDICATES) == set(Participant.Status)


@pytest.mark.parametrize("status", list(Participant.Status))
def test_a_participant_is_exactly_in_its_own_status(status):
    participant = Participant(status=status)
    assert {name: getattr(participant, name) for name in PARTICIPANT_PREDICATES.values()} == {
        name: name == PARTICIPANT_PREDICATES[status] for name in PARTICIPANT_PREDICATES.values()
    }


def test_a_new_participant_is_nominated():
    assert Participant().is_nominated


def test_a_sheet_is_submitted_only_once_submitted():
    assert not ScoreSheet().is_submitted  # a new sheet is a draft
    assert not ScoreSheet(status=ScoreSheet.Status.DRAFT).is_submitted
    assert ScoreSheet(status=ScoreSheet.Status.SUBMITTED).is_submitted


def test_every_document_status_has_its_predicate():
    assert set(DOCUMENT_PREDICATES) == set(Document.Status)


@pytest.mark.parametrize("status", list(Document.Status))
def test_a_document_is_exactly_in_its_own_status(status):
    document = Document(status=status)
    assert {name: getattr(document, name) for name in DOCUMENT_PREDICATES.values()} == {
        name: name == DOCUMENT_PREDICATES[status] for name in DOCUMENT_PREDICATES.values()
    }


@pytest.mark.parametrize(
    ("status", "running", "done", "failed"),
    [
        (DocumentJob.Status.QUEUED, True, False, False),
        (DocumentJob.Status.RUNNING, True, False, False),
        (DocumentJob.Status.DONE, False, True, False),
        (DocumentJob.Status.FAILED, False, False, True),
    ],
)
def test_a_document_job_is_running_until_it_is_done_or_failed(status, running, done, failed):
    job = DocumentJob(status=status, total=4, done=1)
    assert (job.is_running, job.is_done, job.is_failed) == (running, done, failed)
    assert job.percent == (100 if done else 25)


@pytest.mark.django_db
def test_announced_editions_are_all_but_the_drafts(jatim):
    editions = {
        state: Edition.objects.create(province=jatim, year=2022, name=f"SP2K {state}", state=state)
        for state in Edition.State
    }
    assert set(Edition.objects.announced()) == {e for state, e in editions.items() if state != Edition.State.DRAFT}
    assert all(not e.is_draft for e in Edition.objects.announced())
