"""Advance the top N: ties at the cut, the record, reverting, and who may do it."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessments.domain import advancing, ranking
from assessments.models import Edition, Participant, StageAdvance, StageEntry
from assessments.queries import stages as selectors
from tests.assessments.domain.test_ranking import give, make_assessors, set_edition, stage_of


@pytest.fixture
def panel(make_user, edition):
    return make_assessors(make_user, edition, 2)


@pytest.fixture
def desk_scored(edition, participants, panel):
    """Desk totals: Rogojampi 90, Tongas 80, Bumiaji 80, Pamekasan 70, Madiun's Taman 60, Taman none."""
    desk = stage_of(edition, 1)
    for participant, total in zip([participants[i] for i in (0, 2, 3, 4, 5)], [90, 80, 80, 70, 60], strict=True):
        give(desk, panel[0], participant, total)
    set_edition(edition, tie_break_aspect="")
    return desk


@pytest.mark.django_db
def test_advance_takes_the_top_n_and_records_it(edition, participants, desk_scored, province_admin):
    result = advancing.advance_top_n(desk_scored, 1, province_admin)
    presentation = stage_of(edition, 2)
    assert result.advanced == [participants[0]] and result.tied_at_cut == 0
    assert list(StageEntry.objects.filter(stage=presentation).values_list("participant", "advanced_by")) == [
        (participants[0].pk, province_admin.pk)
    ]
    advance = StageAdvance.objects.get()
    assert (advance.from_stage, advance.count, advance.by) == (desk_scored, 1, province_admin)
    assert advance.reverted_at is None
    assert [r.participant for r in ranking.stage_ranking(presentation)] == [participants[0]]


@pytest.mark.django_db
def test_ties_at_the_cut_all_go_on(edition, participants, desk_scored, province_admin):
    # Ranks: 90 → 1, 80 → 2, 80 → 2, 70 → 4. Top 2: the cut falls inside the tie, both 80s go on.
    result = advancing.advance_top_n(desk_scored, 2, province_admin)
    assert set(result.advanced) == {participants[0], participants[2], participants[3]}
    assert result.tied_at_cut == 1


@pytest.mark.django_db
def test_advance_refused_twice_on_last_stage_and_without_scores(edition, participants, desk_scored, province_admin):
    advancing.advance_top_n(desk_scored, 3, province_admin)
    with pytest.raises(ValidationError, match="already has participants"):
        advancing.advance_top_n(desk_scored, 3, province_admin)
    with pytest.raises(ValidationError, match="last stage"):
        advancing.advance_top_n(stage_of(edition, 3), 3, province_admin)
    with pytest.raises(ValidationError, match="submitted score"):
        advancing.advance_top_n(stage_of(edition, 2), 3, province_admin)  # nobody scored the presentation
    with pytest.raises(ValidationError):
        advancing.advance_top_n(desk_scored, 0, province_admin)
    assert StageAdvance.objects.count() == 1


@pytest.mark.django_db
def test_revert_before_scores_then_refused_after(edition, participants, desk_scored, province_admin, panel):
    presentation = stage_of(edition, 2)
    advance = advancing.advance_top_n(desk_scored, 3, province_admin).advance
    advancing.revert_advance(advance, province_admin)
    advance.refresh_from_db()
    assert advance.reverted_by == province_admin and advance.reverted_at is not None
    assert not StageEntry.objects.filter(stage=presentation).exists()
    with pytest.raises(ValidationError, match="already been reverted"):
        advancing.revert_advance(advance, province_admin)

    advance = advancing.advance_top_n(desk_scored, 3, province_admin).advance
    give(presentation, panel[1], participants[0], 75, submitted=False)  # even a draft score blocks it
    with pytest.raises(ValidationError, match="already has scores"):
        advancing.revert_advance(advance, province_admin)
    assert StageEntry.objects.filter(stage=presentation).count() == 3  # ranks 1, 2, 2
    assert StageAdvance.objects.get(pk=advance.pk).reverted_at is None


@pytest.mark.django_db
def test_nothing_moves_once_results_are_final(client, edition, participants, desk_scored, province_admin):
    advance = advancing.advance_top_n(desk_scored, 1, province_admin).advance
    set_edition(edition, state=Edition.State.FINAL)
    with pytest.raises(ValidationError, match="final"):
        advancing.revert_advance(advance, province_admin)
    # The ranking page still tells who went on, and offers neither a revert nor a new advance.
    client.force_login(province_admin)
    page = client.get(reverse("assessments:stage_ranking", args=[desk_scored.pk])).content.decode()
    assert "were passed on by" in page
    assert "Revert this advance" not in page and 'name="n"' not in page


@pytest.mark.django_db
def test_first_stage_is_all_accepted_participants(edition, participants, province_admin):
    desk = stage_of(edition, 1)
    Participant.objects.filter(pk=participants[5].pk).update(status=Participant.Status.NOMINATED)
    assert set(selectors.stage_participants(desk)) == set(participants[:5])
    assert advancing.ensure_first_stage_entries(edition, province_admin) == 5
    assert advancing.ensure_first_stage_entries(edition, province_admin) == 0


@pytest.mark.django_db
def test_advance_and_revert_through_the_page(
    client, edition, participants, desk_scored, province_admin, other_province_admin
):
    url = reverse("assessments:stage_advance", args=[desk_scored.pk])
    client.force_login(other_province_admin)
    assert client.post(url, {"n": 2}).status_code == 404  # another province's stage does not exist for it
    assert not StageEntry.objects.exists()
    client.force_login(province_admin)
    assert client.get(url).status_code == 405
    response = client.post(url, {"n": 2}, follow=True)
    page = response.content.decode()
    assert StageEntry.objects.filter(stage=stage_of(edition, 2)).count() == 3
    assert "tie at the cut" in page and "Revert this advance" in page
    advance = StageAdvance.objects.get()
    revert = reverse("assessments:stage_advance_revert", args=[advance.pk])
    client.force_login(other_province_admin)
    assert client.post(revert).status_code == 404
    client.force_login(province_admin)
    client.post(revert)
    assert not StageEntry.objects.exists()
