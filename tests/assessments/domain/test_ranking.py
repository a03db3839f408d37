"""Aggregation and ranking: hand-computed figures, ties, disagreement, conflicts, pages and their cost.

Helper convention: a sheet gets the same value on every indicator of an aspect, so (weights adding up
to 100 at each level) an aspect's score is that value normalised, and the sheet total is the
aspect-weighted sum. The desk stage (order 1) is numeric 0–100 with aspects "Kelengkapan
administrasi" 40 % and "Data dukung kinerja" 60 %; the field visit (order 3) is a 1–5 rubric with
"Pelayanan publik" 40, "Inovasi (IKI)" 40, "Koordinasi penyelenggaraan pemerintahan" 20.
"""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.domain import ranking
from assessments.models import Conflict, Edition, EditionAssessor, Indicator, Participant, Score, ScoreSheet, StageEntry
from sp2k.accounts.models import Role

D = Decimal


def stage_of(edition, order):
    return edition.stages.get(order=order)


def make_assessors(make_user, edition, count, prefix="penilai", regency=None):
    users = [
        make_user(f"{prefix}-{i}", Role.ASSESSOR, province=edition.province, regency=regency) for i in range(count)
    ]
    EditionAssessor.objects.bulk_create(EditionAssessor(edition=edition, user=u) for u in users)
    return users


def give(stage, assessor, participant, value=None, aspects=None, submitted=True):
    """A sheet with ``value`` on every indicator, or per aspect name in ``aspects``."""
    sheet = ScoreSheet.objects.create(
        stage=stage,
        assessor=assessor,
        participant=participant,
        status=ScoreSheet.Status.SUBMITTED if submitted else ScoreSheet.Status.DRAFT,
        submitted_at=timezone.now() if submitted else None,
    )
    aspects = aspects or {}
    Score.objects.bulk_create(
        Score(sheet=sheet, indicator=ind, value=D(str(aspects.get(ind.aspect.name, value))))
        for ind in Indicator.objects.filter(aspect__stage=stage).select_related("aspect")
    )
    return sheet


def enter(stage, participants):
    StageEntry.objects.bulk_create(StageEntry(stage=stage, participant=p) for p in participants)


def row_of(rows, participant):
    return next(r for r in rows if r.participant.pk == participant.pk)


@pytest.fixture
def panel(make_user, edition):
    """Five assessors without a home regency (no derived conflicts)."""
    return make_assessors(make_user, edition, 5)


def set_edition(edition, **fields):
    Edition.objects.filter(pk=edition.pk).update(**fields)
    edition.refresh_from_db()
    return edition


# --- per-sheet totals and the combination ---------------------------------------------------------


@pytest.mark.django_db
def test_mean_median_trimmed_mean_and_spread_of_five_totals(edition, participants, panel):
    desk = stage_of(edition, 1)
    p = participants[0]
    for assessor, total in zip(panel, [50, 60, 70, 90, 100], strict=True):
        give(desk, assessor, p, total)
    # mean = (50+60+70+90+100)/5 = 370/5 = 74; median = 70 (3rd of 5);
    # trimmed = (60+70+90)/3 = 220/3 = 73.3333; max − min = 100 − 50 = 50;
    # std (population) = sqrt((24² + 14² + 4² + 16² + 26²)/5) = sqrt((576+196+16+256+676)/5) = sqrt(344) = 18.5472
    row = row_of(ranking.stage_ranking(desk), p)
    assert (row.n_sheets, row.mean, row.median, row.trimmed_mean) == (5, D("74"), D("70"), D("73.3333"))
    assert (row.std, row.spread) == (D("18.5472"), D("50"))
    assert row.score == D("74")  # default aggregation: mean
    set_edition(edition, aggregation=Edition.Aggregation.MEDIAN)
    assert row_of(ranking.stage_ranking(stage_of(edition, 1)), p).score == D("70")
    set_edition(edition, aggregation=Edition.Aggregation.TRIMMED_MEAN)
    assert row_of(ranking.stage_ranking(stage_of(edition, 1)), p).score == D("73.3333")


@pytest.mark.django_db
def test_median_of_an_even_count_and_trimmed_mean_falls_back_to_mean_below_three(edition, participants, panel):
    desk = stage_of(edition, 1)
    a, b = participants[0], participants[1 + 1]  # not Taman, to keep clear of any conflict
    for assessor, total in zip(panel, [60, 70, 90, 100], strict=False):
        give(desk, assessor, a, total)
    give(desk, panel[0], b, 60)
    give(desk, panel[1], b, 85)
    set_edition(edition, aggregation=Edition.Aggregation.MEDIAN)
    rows = ranking.stage_ranking(stage_of(edition, 1))
    assert row_of(rows, a).score == D("80")  # (70 + 90) / 2
    assert row_of(rows, b).score == D("72.5")  # (60 + 85) / 2
    set_edition(edition, aggregation=Edition.Aggregation.TRIMMED_MEAN)
    rows = ranking.stage_ranking(stage_of(edition, 1))
    assert row_of(rows, a).score == D("80")  # (70 + 90) / 2 after dropping 60 and 100
    assert row_of(rows, b).score == D("72.5")  # two sheets: plain mean (60 + 85) / 2


@pytest.mark.django_db
def test_zscore_per_assessor_rescaled_to_50_plus_10z(edition, participants, panel):
    desk = stage_of(edition, 1)
    p1, p2, p3 = participants[0], participants[2], participants[3]
    a, b, c = panel[:3]
    # A: 80, 70, 60 → mean 70, population std sqrt(200/3) = 8.164966 → z = +1.224745, 0, −1.224745
    # B: 60, 50, 40 → mean 50, same std → same z (a stricter assessor, same opinion)
    # C: 70, 70, 70 → std 0 → contributes z = 0
    for assessor, totals in ((a, (80, 70, 60)), (b, (60, 50, 40)), (c, (70, 70, 70))):
        for participant, total in zip((p1, p2, p3), totals, strict=True):
            give(desk, assessor, participant, total)
    set_edition(edition, aggregation=Edition.Aggregation.ZSCORE)
    rows = ranking.stage_ranking(stage_of(edition, 1))
    # p1: mean z = (1.224745 + 1.224745 + 0) / 3 = 0.816497 → 50 + 8.16497 = 58.1650
    assert row_of(rows, p1).score == D("58.1650")
    assert row_of(rows, p2).score == D("50")
    assert row_of(rows, p3).score == D("41.8350")
    assert [r.participant for r in rows[:3]] == [p1, p2, p3]


@pytest.mark.django_db
def test_zscore_is_clipped_to_0_100(edition, participants, panel):
    desk = stage_of(edition, 1)
    # One assessor, 26 participants would be needed for |z| > 5; instead check the clip with the SQL
    # directly on a lone assessor: totals 0 and 100 give z = ±1 → 60 and 40, inside the range.
    give(desk, panel[0], participants[0], 100)
    give(desk, panel[0], participants[2], 0)
    set_edition(edition, aggregation=Edition.Aggregation.ZSCORE)
    rows = ranking.stage_ranking(stage_of(edition, 1))
    assert (row_of(rows, participants[0]).score, row_of(rows, participants[2]).score) == (D("60"), D("40"))


@pytest.mark.django_db
def test_outlier_sheet_is_far_from_the_mean_of_the_others(edition, participants, panel):
    desk = stage_of(edition, 1)
    p, calm = participants[0], participants[2]
    for assessor, total in zip(panel, [70, 72, 95], strict=False):
        give(desk, assessor, p, total)
    for assessor, total in zip(panel, [70, 75, 80], strict=False):
        give(desk, assessor, calm, total)
    rows = ranking.stage_ranking(desk)
    # 95 vs (70+72)/2 = 71 → 24 > 15: outlier; 70 vs 83.5 → 13.5 and 72 vs 82.5 → 10.5: not.
    # std = sqrt((9² + 7² + 16²)/3) = sqrt(386/3) = 11.3431; spread 25.
    row = row_of(rows, p)
    assert (row.outliers, row.disagreement, row.std, row.spread) == (1, True, D("11.3431"), D("25"))
    # 70, 75, 80: each within 7.5 of the others' mean, spread 10 ≤ 15.
    assert (row_of(rows, calm).outliers, row_of(rows, calm).disagreement) == (0, False)
    lines = ranking.explain(p).stages[0].sheets
    assert [(line.total, line.outlier) for line in lines] == [(D("95"), True), (D("72"), False), (D("70"), False)]


@pytest.mark.django_db
def test_drafts_and_conflicted_sheets_do_not_count(edition, participants, panel, assessor):
    desk = stage_of(edition, 1)
    EditionAssessor.objects.create(edition=edition, user=assessor)
    taman = participants[1]  # Kabupaten Sidoarjo: the `assessor` fixture's home regency
    assert taman.district.regency_id == assessor.regency_id
    give(desk, panel[0], taman, 60)
    give(desk, panel[1], taman, 90, submitted=False)  # draft
    give(desk, assessor, taman, 100)  # home-regency conflict
    give(desk, panel[2], taman, 10)
    Conflict.objects.create(edition=edition, assessor=panel[2], participant=taman, reason="Keluarga camat")
    row = row_of(ranking.stage_ranking(desk), taman)
    assert (row.n_sheets, row.score) == (1, D("60"))


@pytest.mark.django_db
def test_participant_without_counted_sheets_has_no_rank_and_comes_last(edition, participants, panel):
    desk = stage_of(edition, 1)
    give(desk, panel[0], participants[0], 40)
    rows = ranking.stage_ranking(desk)
    assert rows[0].participant == participants[0] and rows[0].rank == 1
    assert len(rows) == len(participants)
    assert all(r.rank is None and r.score is None for r in rows[1:])


@pytest.mark.django_db
def test_later_stage_holds_only_its_entries_and_rejected_never_count(edition, participants, panel):
    desk, presentation = stage_of(edition, 1), stage_of(edition, 2)
    Participant.objects.filter(pk=participants[5].pk).update(status=Participant.Status.REJECTED, decision_reason="x")
    assert len(ranking.stage_ranking(desk)) == 5
    enter(presentation, participants[:2])
    assert {r.participant for r in ranking.stage_ranking(presentation)} == set(participants[:2])


# --- final score ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_final_score_weighted_sum_or_last_stage(edition, participants, panel):
    desk, presentation, field = (stage_of(edition, i) for i in (1, 2, 3))
    p, q = participants[0], participants[2]
    enter(presentation, [p, q])
    enter(field, [p])
    give(desk, panel[0], p, 80)
    give(presentation, panel[0], p, 70)
    give(field, panel[0], p, 4)  # rubric 4 of 1–5 → (4 − 1)/(5 − 1) = 75
    give(desk, panel[0], q, 90)
    give(presentation, panel[0], q, 80)
    set_edition(edition, final_score=Edition.FinalScore.WEIGHTED_STAGES)
    rows = ranking.final_ranking(edition)
    # p: 0.20 × 80 + 0.30 × 70 + 0.50 × 75 = 16 + 21 + 37.5 = 74.5
    # q: 0.20 × 90 + 0.30 × 80 + 0.50 × 0 (did not reach the field visit) = 18 + 24 = 42
    assert [(r.participant, r.rank, r.score) for r in rows[:2]] == [(p, 1, D("74.5")), (q, 2, D("42"))]
    assert row_of(rows, p).stage_scores == [(desk, D("80")), (presentation, D("70")), (field, D("75"))]
    set_edition(edition, final_score=Edition.FinalScore.LAST_STAGE)
    rows = ranking.final_ranking(edition)
    assert (row_of(rows, p).rank, row_of(rows, p).score) == (1, D("75"))
    assert (row_of(rows, q).rank, row_of(rows, q).score) == (None, None)
    explanation = ranking.explain(p)
    assert [s.score for s in explanation.stages] == [D("80"), D("70"), D("75")]
    assert explanation.final.score == D("75")


# --- ties -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_final_tie_broken_by_last_stage_score(edition, participants, panel):
    desk, presentation, field = (stage_of(edition, i) for i in (1, 2, 3))
    p, q = participants[0], participants[2]
    enter(presentation, [p, q])
    enter(field, [p, q])
    set_edition(edition, final_score=Edition.FinalScore.WEIGHTED_STAGES)
    # p: 0.2 × 50 + 0.3 × 50 + 0.5 × 50 (rubric 3) = 10 + 15 + 25 = 50
    # q: 0.2 × 100 + 0.3 × 50 + 0.5 × 30 (rubric 2.2: 1.2/4 = 30 %) = 20 + 15 + 15 = 50
    for participant, values in ((p, (50, 50, 3)), (q, (100, 50, "2.2"))):
        for stage, value in zip((desk, presentation, field), values, strict=True):
            give(stage, panel[0], participant, value)
    rows = ranking.final_ranking(edition)
    assert [(r.participant, r.rank, r.score, r.tie_broken, r.shared) for r in rows[:2]] == [
        (p, 1, D("50"), True, False),
        (q, 2, D("50"), True, False),
    ]


@pytest.mark.django_db
def test_tie_broken_by_aspect_and_surviving_tie_is_a_shared_rank(edition, participants, panel):
    field = stage_of(edition, 3)
    p, q, r, s = participants[0], participants[2], participants[3], participants[4]
    enter(field, [p, q, r, s])
    # Field visit, last_stage final score, tie-break aspect "Inovasi (IKI)":
    # p: Pelayanan 5 (100) × 0.4 + Inovasi 3 (50) × 0.4 + Koordinasi 3 (50) × 0.2 = 40 + 20 + 10 = 70
    # q: Pelayanan 3 (50) × 0.4 + Inovasi 5 (100) × 0.4 + Koordinasi 3 (50) × 0.2 = 20 + 40 + 10 = 70
    # r: like p → 70, Inovasi 50; s: all 1 → 0
    strong_service = {"Pelayanan publik": 5, "Inovasi (IKI)": 3, "Koordinasi penyelenggaraan pemerintahan": 3}
    strong_innovation = {"Pelayanan publik": 3, "Inovasi (IKI)": 5, "Koordinasi penyelenggaraan pemerintahan": 3}
    give(field, panel[0], p, aspects=strong_service)
    give(field, panel[0], q, aspects=strong_innovation)
    give(field, panel[0], r, aspects=strong_service)
    give(field, panel[0], s, 1)
    for rows in (ranking.stage_ranking(field), ranking.final_ranking(edition)):
        ranked = [(x.participant, x.rank, x.score, x.shared) for x in rows if x.rank]
        # q wins on Inovasi (100 > 50); p and r stay tied on everything: both rank 2, the next is 4.
        assert ranked[0] == (q, 1, D("70"), False)
        assert set(ranked[1:3]) == {(p, 2, D("70"), True), (r, 2, D("70"), True)}
        assert ranked[3] == (s, 4, D("0"), False)


@pytest.mark.django_db
def test_without_tie_break_aspect_equal_scores_share_the_rank(edition, participants, panel):
    set_edition(edition, tie_break_aspect="")
    desk = stage_of(edition, 1)
    give(desk, panel[0], participants[0], aspects={"Kelengkapan administrasi": 100, "Data dukung kinerja": 0})
    give(desk, panel[0], participants[2], aspects={"Kelengkapan administrasi": 0, "Data dukung kinerja": 66.67})
    rows = ranking.stage_ranking(desk)
    # 0.4 × 100 = 40 and 0.6 × 66.67 = 40.002: not a tie at 4 decimals
    assert [r.rank for r in rows[:2]] == [1, 2]
    give(desk, panel[0], participants[3], aspects={"Kelengkapan administrasi": 100, "Data dukung kinerja": 0})
    rows = ranking.stage_ranking(desk)
    assert [(r.rank, r.shared) for r in rows[:3]] == [(1, False), (2, True), (2, True)]


# --- pages ----------------------------------------------------------------------------------------


def login(client, user):
    client.force_login(user)


@pytest.mark.django_db
def test_ranking_pages_permissions_and_tenancy(
    client, edition, participants, panel, province_admin, other_province_admin, camat, superuser
):
    desk = stage_of(edition, 1)
    give(desk, panel[0], participants[0], 80)
    urls = [
        reverse("assessments:stage_ranking", args=[desk.pk]),
        reverse("assessments:final_ranking", args=[edition.pk]),
        reverse("assessments:participant_explanation", args=[participants[0].pk]),
    ]
    member = panel[0]
    for url in urls:
        login(client, province_admin)
        assert client.get(url).status_code == 200
        login(client, superuser)
        assert client.get(url).status_code == 200
        login(client, member)
        assert client.get(url).status_code == 403, url
        # The draft edition does not exist for the kecamatan yet, nor any for another province (404).
        for unseen in (camat, other_province_admin):
            login(client, unseen)
            assert client.get(url).status_code == 404, (url, unseen)
        client.logout()
        assert client.get(url).status_code == 302
    set_edition(edition, state=Edition.State.FINAL)
    for url in urls:
        login(client, member)
        assert client.get(url).status_code == 200
        login(client, other_province_admin)
        assert client.get(url).status_code == 404
        client.logout()
        assert client.get(url).status_code == 302
    set_edition(edition, state=Edition.State.PUBLISHED)
    for url in urls:
        assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_explanation_shows_assessor_names_only_to_admin_and_after_final(
    client, edition, participants, panel, province_admin
):
    desk = stage_of(edition, 1)
    give(desk, panel[0], participants[0], 80)
    url = reverse("assessments:participant_explanation", args=[participants[0].pk])
    name = panel[0].full_name
    login(client, province_admin)
    page = client.get(url).content.decode()
    assert name in page and "80.00" in page
    set_edition(edition, state=Edition.State.PUBLISHED)
    client.logout()
    page = client.get(url).content.decode()
    assert name not in page and "80.00" in page


@pytest.mark.django_db
def test_stage_ranking_page_shows_ties_spread_and_advance_form(client, edition, participants, panel, province_admin):
    desk = stage_of(edition, 1)
    for assessor, total in zip(panel, [70, 72, 95], strict=False):
        give(desk, assessor, participants[0], total)
    for assessor, total in zip(panel, [70, 72, 95], strict=False):
        give(desk, assessor, participants[2], total)
    login(client, province_admin)
    page = client.get(reverse("assessments:stage_ranking", args=[desk.pk])).content.decode()
    assert page.count('text-danger">⚑') == 2
    assert "11.34" in page and "25.00" in page  # std and max − min
    assert 'name="n"' in page and 'value="30"' in page  # advance form, default N = the stage's advance_count
    assert "tie" in page


@pytest.mark.django_db
def test_stage_ranking_page_query_count_does_not_grow(
    client, django_assert_max_num_queries, edition, make_user, province_admin
):
    from tests.factories.scenarios import participant_codes

    desk = stage_of(edition, 1)
    people = Participant.objects.bulk_create(
        Participant(edition=edition, district_id=code, status=Participant.Status.ACCEPTED)
        for code in participant_codes("35", 30)
    )
    assessors = make_assessors(make_user, edition, 3)
    indicators = list(Indicator.objects.filter(aspect__stage=desk))
    now = timezone.now()
    sheets = ScoreSheet.objects.bulk_create(
        ScoreSheet(stage=desk, assessor=a, participant=p, status="submitted", submitted_at=now)
        for p in people
        for a in assessors
    )
    Score.objects.bulk_create(
        Score(sheet=s, indicator=ind, value=(s.participant_id * 7 + s.assessor_id * 3 + ind.pk) % 101)
        for s in sheets
        for ind in indicators
    )
    login(client, province_admin)
    url = reverse("assessments:stage_ranking", args=[desk.pk])
    # 14 + the count of scores without evidence + the unread notices in the navigation bar (one query each)
    with django_assert_max_num_queries(16):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('href="/kompetisi/peserta/') == 30
    with django_assert_max_num_queries(14):
        assert client.get(reverse("assessments:final_ranking", args=[edition.pk])).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(reverse("assessments:participant_explanation", args=[people[0].pk])).status_code == 200


@pytest.mark.django_db
def test_ranking_uses_the_same_sheet_totals_as_with_totals(edition, participants, panel):
    presentation = stage_of(edition, 2)
    enter(presentation, [participants[0]])
    sheet = give(presentation, panel[0], participants[0], 0)
    # Uneven values (and one left empty, counting 0) so that rounding differences would show.
    for i, score in enumerate(
        Score.objects.filter(sheet=sheet).order_by("indicator__aspect__order", "indicator__order")
    ):
        score.value = None if i == 0 else D(str((i * 37) % 101)) + D("0.33")
        score.save()
    expected = ranking.sheet_totals(presentation).get(pk=sheet.pk).total
    line = ranking.explain(participants[0]).stages[1].sheets[0]
    assert line.total == expected.quantize(D("0.0001"))
    assert row_of(ranking.stage_ranking(presentation), participants[0]).score == line.total
