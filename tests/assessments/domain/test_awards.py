"""Awards: default categories, filling them from the final ranking, ties left to the admin, confirming,
publishing — and the admin's awards page.

The edition (``final_edition``) ranks on the field visit only (final score = last stage, a 1–5 rubric
normalised to 0–100) with aspects Pelayanan publik 40 %, Inovasi (IKI) 40 %, Koordinasi 20 %; one
assessor gives the same value on every indicator of an aspect, so a sheet's total is
0.4 × P + 0.4 × I + 0.2 × K with 5 → 100, 4 → 75, 3 → 50.
"""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from assessments.domain import awards, workflow
from assessments.models import Award, AwardCategory, Edition, PublishedResult
from tests.assessments.domain.test_ranking import enter, give, make_assessors, set_edition, stage_of

D = Decimal
ALL_FIVE = {"Pelayanan publik": 5, "Inovasi (IKI)": 5, "Koordinasi penyelenggaraan pemerintahan": 5}  # 100
NINETY_FIVE = {"Pelayanan publik": 5, "Inovasi (IKI)": 5, "Koordinasi penyelenggaraan pemerintahan": 4}  # 95
NINETY = {"Pelayanan publik": 5, "Inovasi (IKI)": 4, "Koordinasi penyelenggaraan pemerintahan": 5}  # 90
EIGHTY = {"Pelayanan publik": 4, "Inovasi (IKI)": 4, "Koordinasi penyelenggaraan pemerintahan": 5}  # 80
SEVENTY_FIVE = {"Pelayanan publik": 4, "Inovasi (IKI)": 4, "Koordinasi penyelenggaraan pemerintahan": 4}  # 75
FIFTY = {"Pelayanan publik": 3, "Inovasi (IKI)": 3, "Koordinasi penyelenggaraan pemerintahan": 3}  # 50
# The participants fixture's order: Rogojampi, Taman (Sidoarjo), Tongas, Bumiaji, Pamekasan, Taman (Kota Madiun).
SCORES = [ALL_FIVE, NINETY_FIVE, NINETY, EIGHTY, SEVENTY_FIVE, FIFTY]
DESK = [90, 85, 80, 75, 70, 65]  # the desk stage's scores (shown, not counted: final = last stage)


def score_edition(edition, participants, assessor, field_scores=SCORES):
    desk, field = stage_of(edition, 1), stage_of(edition, 3)
    enter(field, participants)
    for participant, value, aspects in zip(participants, DESK, field_scores, strict=True):
        give(desk, assessor, participant, value)
        give(field, assessor, participant, aspects=aspects)
    return set_edition(edition, state=Edition.State.FINAL)


@pytest.fixture
def scorer(make_user, edition):
    return make_assessors(make_user, edition, 1)[0]


@pytest.fixture
def final_edition(edition, participants, scorer):
    """FINAL, ranked Rogojampi 100, Taman 95, Tongas 90, Bumiaji 80, Pamekasan 75, Taman (Madiun) 50."""
    return score_edition(edition, participants, scorer)


@pytest.fixture
def tied_edition(edition, participants, scorer):
    """FINAL with Tongas and Bumiaji equal on everything (90): they share rank 3, i.e. places 3 and 4."""
    return score_edition(edition, participants, scorer, [ALL_FIVE, NINETY_FIVE, NINETY, NINETY, SEVENTY_FIVE, FIFTY])


@pytest.fixture
def published_edition(final_edition, province_admin):
    awards.ensure_default_categories(final_edition)
    awards.confirm_awards(final_edition, province_admin)
    workflow.publish(final_edition, province_admin)
    return final_edition


def names(proposal):
    return [
        (line.category.name, line.participant.district.name if line.participant else None) for line in proposal.lines
    ]


# --- categories ---


def test_default_categories_are_juara_i_to_harapan_ii_and_creating_them_twice_changes_nothing(edition):
    created = awards.ensure_default_categories(edition)
    assert [(c.name, c.rank, c.order) for c in created] == [
        ("Juara I", 1, 1),
        ("Juara II", 2, 2),
        ("Juara III", 3, 3),
        ("Juara Harapan I", 4, 4),
        ("Juara Harapan II", 5, 5),
    ]
    assert awards.ensure_default_categories(edition) == []
    assert AwardCategory.objects.filter(edition=edition).count() == 5
    # An admin who trimmed the list keeps it: the defaults are not put back.
    AwardCategory.objects.filter(edition=edition, rank=5).delete()
    awards.ensure_default_categories(edition)
    assert AwardCategory.objects.filter(edition=edition).count() == 4


def test_admin_adds_a_special_award_renames_and_reorders_and_places_stay_unique(edition, province_admin):
    awards.ensure_default_categories(edition)
    special = awards.add_category(edition, province_admin, "Inovasi terbaik")
    assert (special.rank, special.order) == (None, 6)
    first = AwardCategory.objects.get(edition=edition, rank=1)
    awards.change_category(first, province_admin, "Juara Umum", 1)
    awards.move_category(special, province_admin, up=True)
    awards.move_category(special, province_admin, up=True)
    order = list(AwardCategory.objects.filter(edition=edition).order_by("order").values_list("name", flat=True))
    assert order == ["Juara Umum", "Juara II", "Juara III", "Inovasi terbaik", "Juara Harapan I", "Juara Harapan II"]
    with pytest.raises(ValidationError, match="place 2"):
        awards.add_category(edition, province_admin, "Juara Kedua", 2)
    with pytest.raises(ValidationError, match="place 3"):
        awards.change_category(first, province_admin, "Juara Umum", 3)
    assert AwardCategory.objects.get(pk=first.pk).rank == 1


def test_another_provinces_admin_cannot_touch_the_awards(edition, other_province_admin, assessor):
    awards.ensure_default_categories(edition)
    for user in (other_province_admin, assessor):
        with pytest.raises(PermissionDenied):
            awards.add_category(edition, user, "Inovasi terbaik")
        with pytest.raises(PermissionDenied):
            awards.confirm_awards(edition, user)


# --- the proposal ---


def test_the_final_ranking_fills_each_place(final_edition):
    awards.ensure_default_categories(final_edition)
    proposal = awards.propose_awards(final_edition)
    assert names(proposal) == [
        ("Juara I", "Rogojampi"),
        ("Juara II", "Taman"),
        ("Juara III", "Tongas"),
        ("Juara Harapan I", "Bumiaji"),
        ("Juara Harapan II", "Pamekasan"),
    ]
    assert [line.score for line in proposal.lines] == [D("100.00"), D("95.00"), D("90.00"), D("80.00"), D("75.00")]
    assert proposal.lines[1].participant.district.regency.name == "Kabupaten Sidoarjo"
    assert not proposal.ties
    assert awards.confirmation_problems(proposal) == []


def test_a_tie_at_a_place_is_reported_and_not_broken(tied_edition, participants, province_admin):
    awards.ensure_default_categories(tied_edition)
    proposal = awards.propose_awards(tied_edition)
    third, fourth = proposal.lines[2], proposal.lines[3]
    tongas, bumiaji = participants[2], participants[3]
    # Both tied participants hold places 3 and 4; neither is given either award.
    for line in (third, fourth):
        assert line.status == awards.Status.TIE
        assert line.participant is None
        assert {r.participant.pk for r in line.candidates} == {tongas.pk, bumiaji.pk}
    assert names(proposal)[4] == ("Juara Harapan II", "Pamekasan")
    problems = awards.confirmation_problems(proposal)
    assert len(problems) == 2 and "share rank 3 (places 3–4)" in problems[0]
    with pytest.raises(ValidationError, match="share rank 3"):
        awards.confirm_awards(tied_edition, province_admin)
    assert not Award.objects.exists()


def test_the_admin_decides_a_tie_with_a_reason_and_only_among_the_tied(tied_edition, participants, province_admin):
    awards.ensure_default_categories(tied_edition)
    third = AwardCategory.objects.get(edition=tied_edition, rank=3)
    fourth = AwardCategory.objects.get(edition=tied_edition, rank=4)
    tongas, bumiaji, pamekasan = participants[2], participants[3], participants[4]
    with pytest.raises(ValidationError, match="reason"):
        awards.choose_award(third, bumiaji, province_admin, "  ")
    with pytest.raises(ValidationError, match="share this place"):
        awards.choose_award(third, pamekasan, province_admin, "Rapat tim penilai")
    awards.choose_award(third, bumiaji, province_admin, "Rapat tim penilai 20 Desember 2022: inovasi lebih luas")
    with pytest.raises(ValidationError, match="another place"):
        awards.choose_award(fourth, bumiaji, province_admin, "Rapat tim penilai")
    awards.choose_award(fourth, tongas, province_admin, "Rapat tim penilai 20 Desember 2022")
    awards.confirm_awards(tied_edition, province_admin)
    award = Award.objects.get(category=third)
    assert (award.participant, award.chosen_by, award.final_score) == (bumiaji, province_admin, D("90.00"))
    assert "inovasi lebih luas" in award.reason
    assert Award.objects.get(category=fourth).participant == tongas


def test_a_tie_beyond_the_last_award_needs_no_decision(edition, participants, scorer, province_admin):
    tied_after = [ALL_FIVE, NINETY_FIVE, NINETY, EIGHTY, SEVENTY_FIVE, SEVENTY_FIVE]  # 5th and 6th tie
    score_edition(edition, participants, scorer, tied_after)
    for rank in (1, 2, 3, 4):
        AwardCategory.objects.create(edition=edition, order=rank, name=f"Juara {rank}", rank=rank)
    awards.confirm_awards(edition, province_admin)
    assert Award.objects.filter(confirmed_at__isnull=False).count() == 4


# --- confirmation ---


def test_confirming_records_who_when_and_the_final_score_then(final_edition, participants, province_admin):
    awards.ensure_default_categories(final_edition)
    special = awards.add_category(final_edition, province_admin, "Inovasi terbaik")
    with pytest.raises(ValidationError, match="special award"):
        awards.confirm_awards(final_edition, province_admin)
    awards.choose_award(special, participants[5], province_admin, "Inovasi MAPS paling banyak direplikasi")
    awards.confirm_awards(final_edition, province_admin)
    confirmed = list(Award.objects.filter(category__edition=final_edition).order_by("category__order"))
    assert [(a.participant.district.name, a.final_score) for a in confirmed] == [
        ("Rogojampi", D("100.00")),
        ("Taman", D("95.00")),
        ("Tongas", D("90.00")),
        ("Bumiaji", D("80.00")),
        ("Pamekasan", D("75.00")),
        ("Taman", D("50.00")),
    ]
    assert all(a.confirmed_by == province_admin and a.confirmed_at for a in confirmed)
    # The snapshot stays what was confirmed, whatever happens to the scores afterwards.
    assert awards.propose_awards(final_edition).confirmed


@pytest.mark.parametrize("state", [Edition.State.DRAFT, Edition.State.ASSESSMENT, Edition.State.PUBLISHED])
def test_awards_are_confirmed_only_while_the_results_are_final(final_edition, province_admin, state):
    awards.ensure_default_categories(final_edition)
    set_edition(final_edition, state=state)
    with pytest.raises(ValidationError):
        awards.confirm_awards(final_edition, province_admin)
    assert not Award.objects.exists()


def test_confirmed_awards_are_locked_until_the_confirmation_is_withdrawn(final_edition, province_admin):
    awards.ensure_default_categories(final_edition)
    awards.confirm_awards(final_edition, province_admin)
    with pytest.raises(ValidationError, match="Withdraw the confirmation"):
        awards.add_category(final_edition, province_admin, "Inovasi terbaik")
    awards.withdraw_confirmation(final_edition, province_admin)
    assert not Award.objects.filter(confirmed_at__isnull=False).exists()
    awards.add_category(final_edition, province_admin, "Inovasi terbaik")


# --- publication ---


def test_publishing_requires_confirmed_awards(final_edition, province_admin):
    with pytest.raises(ValidationError, match="no award categories"):
        workflow.publish(final_edition, province_admin)
    awards.ensure_default_categories(final_edition)
    with pytest.raises(ValidationError, match="not confirmed"):
        workflow.publish(final_edition, province_admin)
    # The same precondition guards the edition page's state buttons (one place: the workflow).
    assert workflow.precondition_problems(final_edition, Edition.State.PUBLISHED) == [
        "The awards are not confirmed yet."
    ]
    final_edition.refresh_from_db()
    assert final_edition.state == Edition.State.FINAL
    awards.confirm_awards(final_edition, province_admin)
    workflow.publish(final_edition, province_admin)
    final_edition.refresh_from_db()
    assert final_edition.state == Edition.State.PUBLISHED
    assert final_edition.transitions.filter(to_state=Edition.State.PUBLISHED, by=province_admin).exists()
    frozen = list(PublishedResult.objects.filter(edition=final_edition).order_by("position"))
    assert [(r.participant.district.name, r.rank, r.final_score) for r in frozen][:2] == [
        ("Rogojampi", 1, D("100.0000")),
        ("Taman", 2, D("95.0000")),
    ]


def test_a_ranking_changed_after_confirmation_blocks_publication(final_edition, participants, province_admin, scorer):
    awards.ensure_default_categories(final_edition)
    awards.confirm_awards(final_edition, province_admin)
    # The assessment reopened and a score corrected: Pamekasan now above Bumiaji.
    set_edition(final_edition, state=Edition.State.ASSESSMENT)
    sheet = participants[4].score_sheets.get(stage__order=3)
    sheet.scores.all().delete()
    sheet.delete()
    # 0.4 × 100 + 0.4 × 100 + 0.2 × 50 = 90: equal to Tongas, above it on the tie-break aspect (Inovasi 5 > 4).
    corrected = {"Pelayanan publik": 5, "Inovasi (IKI)": 5, "Koordinasi penyelenggaraan pemerintahan": 3}
    give(stage_of(final_edition, 3), scorer, participants[4], aspects=corrected)
    set_edition(final_edition, state=Edition.State.FINAL)
    with pytest.raises(ValidationError, match="changed after the awards were confirmed"):
        workflow.publish(final_edition, province_admin)
    awards.confirm_awards(final_edition, province_admin)
    workflow.publish(final_edition, province_admin)
    third = Award.objects.get(category__edition=final_edition, category__rank=3)
    assert (third.participant.district.name, third.final_score) == ("Pamekasan", D("90.00"))


def test_jawa_barat_admin_cannot_publish_a_jawa_timur_edition(final_edition, province_admin, other_province_admin):
    awards.ensure_default_categories(final_edition)
    awards.confirm_awards(final_edition, province_admin)
    with pytest.raises(PermissionDenied):
        workflow.publish(final_edition, other_province_admin)


# --- the admin's page ---


def login(client, user):
    client.force_login(user)
    return client


def test_awards_page_shows_the_proposal_and_flags_the_tie(client, tied_edition, province_admin):
    awards.ensure_default_categories(tied_edition)
    response = login(client, province_admin).get(reverse("assessments:awards", args=[tied_edition.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Rogojampi" in text and "Pamekasan" in text
    assert text.count("tie — your decision") == 2
    assert text.count("These participants share rank 3 (places 3–4)") == 2
    assert "style=" not in text  # strict CSP
    assert reverse("assessments:awards_confirm", args=[tied_edition.pk]) not in text  # nothing to confirm yet


def test_awards_page_tie_decision_confirm_and_publish_through_the_pages(
    client, tied_edition, participants, province_admin
):
    awards.ensure_default_categories(tied_edition)
    login(client, province_admin)
    third = AwardCategory.objects.get(edition=tied_edition, rank=3)
    fourth = AwardCategory.objects.get(edition=tied_edition, rank=4)
    for category, participant in ((third, participants[3]), (fourth, participants[2])):
        response = client.post(
            reverse("assessments:award_choose", args=[tied_edition.pk, category.pk]),
            {f"c{category.pk}-participant": participant.pk, f"c{category.pk}-reason": "Keputusan rapat tim penilai"},
        )
        assert response.status_code == 302
    response = client.post(reverse("assessments:awards_confirm", args=[tied_edition.pk]), follow=True)
    assert "The awards are confirmed" in response.content.decode()
    publish_url = reverse("assessments:publish", args=[tied_edition.pk])
    assert "Publishing makes the results public at once" in client.get(publish_url).content.decode()
    # The confirmation step: without ticking the box nothing is published.
    assert client.post(publish_url, {}).status_code == 400
    tied_edition.refresh_from_db()
    assert tied_edition.state == Edition.State.FINAL
    response = client.post(publish_url, {"confirm": "on"})
    assert response.status_code == 302
    assert response["Location"] == reverse("results:edition_results", args=[tied_edition.pk])
    tied_edition.refresh_from_db()
    assert tied_edition.state == Edition.State.PUBLISHED


def test_awards_page_and_actions_refused_to_others(client, final_edition, other_province_admin, regency_admin, camat):
    awards.ensure_default_categories(final_edition)
    url = reverse("assessments:awards", args=[final_edition.pk])
    assert client.get(url).status_code == 302  # anonymous: to the login page
    # Another province's admin: the edition does not exist for it (404); the province's own: refused (403).
    for user, status in ((other_province_admin, 404), (regency_admin, 403), (camat, 403)):
        login(client, user)
        assert client.get(url).status_code == status
        assert client.post(reverse("assessments:awards_confirm", args=[final_edition.pk])).status_code == status
        assert (
            client.post(reverse("assessments:publish", args=[final_edition.pk]), {"confirm": "on"}).status_code
            == status
        )
    assert not Award.objects.exists()


def test_category_form_refuses_a_taken_place(client, edition, province_admin):
    awards.ensure_default_categories(edition)
    login(client, province_admin)
    response = client.post(
        reverse("assessments:award_category_add", args=[edition.pk]), {"name": "Juara Kedua", "rank": 2}
    )
    assert response.status_code == 400
    assert "Another award already goes to place 2" in response.content.decode()
    response = client.post(reverse("assessments:award_category_add", args=[edition.pk]), {"name": "Inovasi terbaik"})
    assert response.status_code == 302
    assert AwardCategory.objects.get(edition=edition, name="Inovasi terbaik").rank is None


def test_awards_page_query_count_does_not_grow_with_participants(
    client, final_edition, province_admin, django_assert_max_num_queries
):
    awards.ensure_default_categories(final_edition)
    awards.add_category(final_edition, province_admin, "Inovasi terbaik")
    login(client, province_admin)
    url = reverse("assessments:awards", args=[final_edition.pk])
    with django_assert_max_num_queries(16):  # 15 + the unread notices in the navigation bar
        assert client.get(url).status_code == 200


def test_demo_awards_fill_confirm_and_publish_once(final_edition, province_admin):
    from sp2k.demo.awards import create_demo_awards

    create_demo_awards(final_edition, province_admin)
    create_demo_awards(final_edition, province_admin)  # again: nothing changes, nothing fails
    final_edition.refresh_from_db()
    assert final_edition.state == Edition.State.PUBLISHED
    confirmed = Award.objects.filter(category__edition=final_edition, confirmed_at__isnull=False)
    assert list(confirmed.order_by("category__order").values_list("participant__district__name", flat=True)) == [
        "Rogojampi",
        "Taman",
        "Tongas",
        "Bumiaji",
        "Pamekasan",
    ]
    assert final_edition.transitions.filter(to_state=Edition.State.PUBLISHED).count() == 1
