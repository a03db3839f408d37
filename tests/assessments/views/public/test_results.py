# ruff: noqa: F811 - the shared fixtures are imported from tests.test_awards and named as arguments
"""Public results: nothing before publication, then the winners, the full ranking, the chart, the
history and each kecamatan's record — at a fixed number of queries."""

import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.domain import awards, workflow
from assessments.models import Edition, Participant
from assessments.queries.results import results_of_district
from districts.models import District, DistrictProfile, Innovation, InnovationPhoto
from tests.assessments.domain.test_awards import (  # noqa: F401 - fixtures
    final_edition,
    published_edition,
    score_edition,
    scorer,
    tied_edition,
)
from tests.assessments.domain.test_ranking import give, set_edition, stage_of

D = Decimal
WINNERS = [
    ("Juara I", "Rogojampi", "Kabupaten Banyuwangi", "100.00"),
    ("Juara II", "Taman", "Kabupaten Sidoarjo", "95.00"),
    ("Juara III", "Tongas", "Kabupaten Probolinggo", "90.00"),
    ("Juara Harapan I", "Bumiaji", "Kota Batu", "80.00"),
    ("Juara Harapan II", "Pamekasan", "Kabupaten Pamekasan", "75.00"),
]
# A 1×1 PNG.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def text_of(response):
    return re.sub(r"\s+", " ", response.content.decode())


def ranking_rows(response):
    """The full ranking table's rows as lists of cell texts."""
    html = response.content.decode()
    table = html[html.index("results-ranking") :]
    table = table[table.index("<tbody>") : table.index("</tbody>")]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        cells = [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        rows.append([re.sub(r"\s+", " ", c).strip() for c in cells])
    return rows


# --- nothing before publication ---


@pytest.mark.parametrize("state", [Edition.State.ASSESSMENT, Edition.State.FINAL])
def test_nothing_is_public_before_publication(
    client, final_edition, province_admin, regency_admin, camat, rogojampi, state
):
    awards.ensure_default_categories(final_edition)
    if state == Edition.State.FINAL:
        awards.confirm_awards(final_edition, province_admin)  # confirmed, but not yet published
    else:
        set_edition(final_edition, state=state)
    pages = [
        reverse("results:edition_results", args=[final_edition.pk]),
        reverse("results:edition_csv", args=[final_edition.pk]),
        reverse("results:edition_xlsx", args=[final_edition.pk]),
        reverse("api:edition_results", args=[final_edition.pk]),
    ]
    for user in (None, regency_admin, camat):
        client.logout()
        if user:
            client.force_login(user)
        for url in pages:
            assert client.get(url).status_code == 404, url
        history = text_of(client.get(reverse("results:history")))
        assert final_edition.name not in history
        assert client.get(reverse("api:editions")).json()["count"] == 0
        kecamatan = text_of(client.get(reverse("districts:district_detail", args=[rogojampi.code])))
        assert "Competition results" not in kecamatan and final_edition.name not in kecamatan
    assert results_of_district(rogojampi) == []


# --- after publication ---


def test_results_page_shows_the_winners_in_order_with_regencies_and_scores(client, published_edition):
    response = client.get(reverse("results:edition_results", args=[published_edition.pk]))
    assert response.status_code == 200
    html = text_of(response)
    winners = html[html.index('id="winners-heading"') : html.index('id="chart-heading"')]
    positions = [winners.index(f"Kecamatan {name}") for _award, name, _regency, _score in WINNERS]
    assert positions == sorted(positions)
    for award, name, regency, score in WINNERS:
        card = winners[winners.index(award) :]
        card = card[: card.index("</article>")]
        assert f"Kecamatan {name}" in card and regency in card and score in card
    # No photo anywhere: a neutral placeholder in each card.
    assert winners.count("results-winner-placeholder") == 5


def test_full_ranking_has_each_stage_score_the_final_score_and_links(client, published_edition, participants):
    response = client.get(reverse("results:edition_results", args=[published_edition.pk]))
    rows = ranking_rows(response)
    # Rank, kecamatan, regency, desk, presentation, field visit, final score, award.
    assert rows[0] == ["1", "Rogojampi", "Kabupaten Banyuwangi", "90.00", "—", "100.00", "100.00", "Juara I"]
    assert rows[5] == ["6", "Taman", "Kota Madiun", "65.00", "—", "50.00", "50.00", ""]
    assert [r[1] for r in rows] == ["Rogojampi", "Taman", "Tongas", "Bumiaji", "Pamekasan", "Taman"]
    html = response.content.decode()
    for participant in participants:
        assert reverse("districts:district_detail", args=[participant.district_id]) in html


def test_indonesian_page_writes_decimal_commas_and_the_svg_stays_plain(client, published_edition, indonesian):
    html = client.get(reverse("results:edition_results", args=[published_edition.pk])).content.decode()
    assert "<strong>95,00</strong>" in html  # Taman's final score, Indonesian style
    assert '<rect x="130" y="24" width="190"' in html  # SVG coordinates are never localised


def test_bar_chart_is_inline_svg_without_style_attributes(client, published_edition):
    response = client.get(reverse("results:edition_results", args=[published_edition.pk]))
    html = response.content.decode()
    svg = html[html.index('<svg class="results-chart-svg"') : html.index("</svg>", html.index("results-chart-svg"))]
    widths = re.findall(r'<rect [^>]*width="([0-9.]+)"', svg)
    # 200 units for 100 points: 100 → 200, 95 → 190, 50 → 100.
    assert widths == ["200", "190", "180", "160", "150", "100"]
    assert "style=" not in html
    assert "<script" not in html.split("</main>")[0]


def test_a_tie_is_shown_as_a_shared_rank(client, tied_edition, participants, province_admin):
    awards.ensure_default_categories(tied_edition)
    third, fourth = tied_edition.award_categories.filter(rank__in=(3, 4)).order_by("rank")
    awards.choose_award(third, participants[2], province_admin, "Keputusan rapat")
    awards.choose_award(fourth, participants[3], province_admin, "Keputusan rapat")
    awards.confirm_awards(tied_edition, province_admin)
    workflow.publish(tied_edition, province_admin)
    rows = ranking_rows(client.get(reverse("results:edition_results", args=[tied_edition.pk])))
    assert [r[0] for r in rows] == ["1", "2", "3 tie", "3 tie", "5", "6"]


def test_winner_photo_office_photo_or_first_published_innovation_photo(
    client, published_edition, province_admin, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    rogojampi, taman = District.objects.get(code="35.10.13"), District.objects.get(code="35.15.13")
    profile = DistrictProfile.objects.create(district=rogojampi)
    profile.office_photo.save("kantor.png", SimpleUploadedFile("kantor.png", PNG))
    innovation = Innovation.objects.create(
        district=taman,
        name="Taman Smart",
        category="digital",
        problem="Antre",
        idea="Daring",
        start_year=2020,
        is_published=True,
    )
    photo = InnovationPhoto(innovation=innovation, order=0)
    photo.image.save("a.png", SimpleUploadedFile("a.png", PNG))
    response = client.get(reverse("results:edition_results", args=[published_edition.pk]))
    html = response.content.decode()
    award = published_edition.award_categories.get(rank=1).award
    office_url = reverse("results:winner_photo", args=[published_edition.pk, award.pk])
    assert f'src="{office_url}"' in html
    assert f'src="{reverse("catalogue:photo", args=[photo.pk])}"' in html
    assert html.count("results-winner-placeholder") == 3
    photo_response = client.get(office_url)
    assert photo_response.status_code == 200
    assert b"".join(photo_response.streaming_content) == PNG


def test_winner_photo_is_not_served_before_publication(client, final_edition, province_admin, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    profile = DistrictProfile.objects.create(district_id="35.10.13")
    profile.office_photo.save("kantor.png", SimpleUploadedFile("kantor.png", PNG))
    awards.ensure_default_categories(final_edition)
    awards.confirm_awards(final_edition, province_admin)
    award = final_edition.award_categories.get(rank=1).award
    assert client.get(reverse("results:winner_photo", args=[final_edition.pk, award.pk])).status_code == 404


def test_history_lists_published_editions_by_province_and_year(client, published_edition, jabar, other_province_admin):
    Edition.objects.create(province=jabar, year=2018, name="Sinergitas Kinerja Kecamatan Jawa Barat 2018")
    response = client.get(reverse("results:history"))
    html = text_of(response)
    assert "Jawa Timur" in html and published_edition.name in html
    assert "Rogojampi" in html  # the champion
    assert "Jawa Barat 2018" not in html  # a draft


def test_kecamatan_page_shows_its_results_across_published_editions(client, published_edition, rogojampi, taman):
    html = text_of(client.get(reverse("districts:district_detail", args=[rogojampi.code])))
    section = html[html.index('id="district-innovations-results"') : html.index('id="district-villages-heading"')]
    assert published_edition.name in section
    assert "Juara I" in section and "Rank 1 of 6" in section and "100.00" in section
    assert reverse("results:edition_results", args=[published_edition.pk]) in section
    other = text_of(client.get(reverse("districts:district_detail", args=["35.77.03"])))
    assert "Rank 6 of 6" in other and "50.00" in other
    # A kecamatan that never took part keeps the placeholder.
    never = text_of(client.get(reverse("districts:district_detail", args=["35.10.01"])))
    assert "No innovations or competition results have been published" in never


# --- cost ---


def more_participants(edition, scorer, count):
    """``count`` more accepted participants scored on the desk stage only (no final score: listed last)."""
    taken = set(edition.participants.values_list("district_id", flat=True))
    codes = [
        c for c in District.objects.filter(regency__province_id="35").values_list("code", flat=True) if c not in taken
    ]
    extra = [Participant.objects.create(edition=edition, district_id=code, status="accepted") for code in codes[:count]]
    for participant in extra:
        give(stage_of(edition, 1), scorer, participant, 60)
    return extra


@pytest.mark.parametrize("extra", [0, 12])
def test_public_pages_cost_a_fixed_number_of_queries(
    client, edition, participants, scorer, province_admin, django_assert_max_num_queries, extra
):
    more_participants(edition, scorer, extra)
    score_edition(edition, participants, scorer)
    awards.ensure_default_categories(edition)
    awards.confirm_awards(edition, province_admin)
    workflow.publish(edition, province_admin)
    assert edition.published_results.count() == 6 + extra
    with django_assert_max_num_queries(11):  # with the COUNT of its pages
        assert client.get(reverse("results:edition_results", args=[edition.pk])).status_code == 200
    with django_assert_max_num_queries(3):
        assert client.get(reverse("results:history")).status_code == 200
    # The kecamatan page: the region, its villages, its results, its innovations with their photos.
    with django_assert_max_num_queries(8):
        assert client.get(reverse("districts:district_detail", args=["35.10.13"])).status_code == 200
