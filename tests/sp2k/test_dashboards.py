"""Each role's home page lists that person's work (the assessor's sheets per stage)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Edition, ScoreSheet
from tests.factories import (
    AssignmentFactory,
    ConflictFactory,
    EditionAssessorFactory,
    EditionFactory,
    ParticipantFactory,
    ScoreSheetFactory,
    StageEntryFactory,
    StageFactory,
)


@pytest.fixture
def assessor_at_work(assessor, jatim):
    """An assessor with three kecamatan at the desk stage of an edition under assessment: one sheet
    submitted, one in progress, one not started, and a fourth left out by a declared conflict."""
    edition = EditionFactory(province=jatim, name="SP2K Jawa Timur 2026", state=Edition.State.ASSESSMENT)
    EditionAssessorFactory(edition=edition, user=assessor)
    stage = StageFactory(edition=edition, order=1, name="Penilaian administrasi (desk)")
    codes = ["35.10.13", "35.07.01", "35.73.01", "35.25.01"]  # the last one's regency is not Sidoarjo either
    participants = [ParticipantFactory(edition=edition, district__code=code) for code in codes]
    for participant in participants:
        StageEntryFactory(stage=stage, participant=participant)
        AssignmentFactory(stage=stage, assessor=assessor, participant=participant)
    ScoreSheetFactory(
        stage=stage,
        assessor=assessor,
        participant=participants[0],
        status=ScoreSheet.Status.SUBMITTED,
        submitted_at=timezone.now(),
    )
    ScoreSheetFactory(stage=stage, assessor=assessor, participant=participants[1])
    ConflictFactory(edition=edition, assessor=assessor, participant=participants[3])
    draft = EditionFactory(province=jatim, name="SP2K Jawa Timur 2027", state=Edition.State.DRAFT)
    draft_stage = StageFactory(edition=draft, order=1)
    AssignmentFactory(stage=draft_stage, assessor=assessor, participant__edition=draft)
    return assessor


def test_assessor_home_page_shows_each_stage_to_score_with_its_progress(client, assessor_at_work):
    client.force_login(assessor_at_work)
    page = client.get(reverse("dashboard")).content.decode()
    assert "SP2K Jawa Timur 2026 · Penilaian administrasi (desk)" in page
    # The conflicted kecamatan is not counted; the draft edition is not shown at all.
    assert "1 of 3 sheets submitted" in page
    assert 'max="3" value="1"' in page
    assert "SP2K Jawa Timur 2027" not in page
    assert reverse("assessments:my_sheets") in page


def test_assessor_home_page_costs_the_same_queries_whatever_the_number_of_stages(
    client, assessor_at_work, django_assert_max_num_queries
):
    client.force_login(assessor_at_work)
    with django_assert_max_num_queries(12):
        client.get(reverse("dashboard"))
    edition = Edition.objects.get(name="SP2K Jawa Timur 2026")
    for order in (2, 3):
        stage = StageFactory(edition=edition, order=order)
        for participant in edition.participants.all():
            StageEntryFactory(stage=stage, participant=participant)
            AssignmentFactory(stage=stage, assessor=assessor_at_work, participant=participant)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("dashboard")).content.decode()
    assert page.count("<progress") == 3


def test_assessor_without_a_competition_reads_that_nothing_is_assigned_yet(client, assessor):
    client.force_login(assessor)
    page = client.get(reverse("dashboard")).content.decode()
    assert "None yet" in page
