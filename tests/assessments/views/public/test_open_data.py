# ruff: noqa: F811 - the shared fixtures are imported from tests.test_awards and named as arguments
"""Open data: CSV, Excel and the JSON API give the same figures as the results page, only once published."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assessments.domain import awards, workflow
from tests.assessments.domain.test_awards import final_edition, published_edition, score_edition, scorer  # noqa: F401 - fixtures
from tests.assessments.views.public.test_results import more_participants, ranking_rows

STAGES = ["Penilaian administrasi (desk)", "Presentasi dan wawancara", "Verifikasi dan tinjau lapang"]


def page_figures(client, edition):
    """(kecamatan, stage scores..., final score, award) per row of the results page, decimals with a dot."""
    rows = ranking_rows(client.get(reverse("results:edition_results", args=[edition.pk])))
    return [[row[1], *[cell.replace(",", ".").replace("—", "") for cell in row[3:7]], row[7]] for row in rows]


def test_csv_has_the_same_figures_as_the_page(client, published_edition):
    response = client.get(reverse("results:edition_csv", args=[published_edition.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    # Machine column names, the same in every language (the Excel workbook below is for people).
    assert lines[0] == [
        "rank",
        "tie",
        "kecamatan_code",
        "kecamatan",
        "regency_code",
        "regency",
        "stage_1_score",
        "stage_2_score",
        "stage_3_score",
        "stage_1_assessors",
        "stage_2_assessors",
        "stage_3_assessors",
        "final_score",
        "award",
    ]
    assert lines[1] == [
        "1",
        "false",
        "35.10.13",
        "Rogojampi",
        "35.10",
        "Kabupaten Banyuwangi",
        "90.00",
        "",
        "100.00",
        "1",
        "0",
        "1",
        "100.00",
        "Juara I",
    ]
    csv_figures = [[line[3], *line[6:9], line[12], line[13]] for line in lines[1:]]
    assert csv_figures == page_figures(client, published_edition)


def test_excel_has_the_same_figures_as_the_page(client, published_edition):
    response = client.get(reverse("results:edition_xlsx", args=[published_edition.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == published_edition.name
    assert list(rows[1]) == [
        "Rank",
        "Tie",
        "Kecamatan code",
        "Kecamatan",
        "Regency/city",
        *STAGES,
        "Final score",
        "Award",
    ]
    assert sheet.cell(row=3, column=9).number_format == "0.00"

    def shown(value):
        return "" if value is None else f"{value:.2f}"

    excel_figures = [[r[3], *[shown(v) for v in r[5:9]], r[9] or ""] for r in rows[2:]]
    assert excel_figures == page_figures(client, published_edition)


def test_api_lists_only_published_editions(client, published_edition, edition):
    data = client.get(reverse("api:editions")).json()
    assert data["count"] == 1 and data["next"] is None and data["previous"] is None
    item = data["results"][0]
    assert (item["id"], item["name"], item["year"]) == (published_edition.pk, published_edition.name, 2022)
    assert item["province"] == {"code": "35", "name": "Jawa Timur"}
    assert item["results"].endswith(reverse("api:edition_results", args=[published_edition.pk]))


def test_api_results_have_the_same_figures_as_the_page(client, published_edition):
    response = client.get(reverse("api:edition_results", args=[published_edition.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    data = response.json()
    first = data["results"][0]
    assert first == {
        "rank": 1,
        "tie": False,
        "kecamatan": {"code": "35.10.13", "name": "Rogojampi"},
        "regency": {"code": "35.10", "name": "Kabupaten Banyuwangi"},
        "stage_scores": [
            {"stage": STAGES[0], "order": 1, "score": "90.00", "assessors": 1},
            {"stage": STAGES[1], "order": 2, "score": None, "assessors": 0},
            {"stage": STAGES[2], "order": 3, "score": "100.00", "assessors": 1},
        ],
        "final_score": "100.00",
        "award": "Juara I",
    }
    api_figures = [
        [
            r["kecamatan"]["name"],
            *[s["score"] or "" for s in r["stage_scores"]],
            r["final_score"] or "",
            r["award"] or "",
        ]
        for r in data["results"]
    ]
    assert api_figures == page_figures(client, published_edition)


def test_api_paginates_with_page_and_page_size(client, edition, participants, scorer, province_admin):
    more_participants(edition, scorer, 4)
    score_edition(edition, participants, scorer)
    awards.ensure_default_categories(edition)
    awards.confirm_awards(edition, province_admin)
    workflow.publish(edition, province_admin)
    url = reverse("api:edition_results", args=[edition.pk])
    first = client.get(url, {"page_size": 4}).json()
    assert first["count"] == 10 and len(first["results"]) == 4 and first["previous"] is None
    assert "page=2" in first["next"] and "page_size=4" in first["next"]
    second = client.get(first["next"]).json()
    third = client.get(second["next"]).json()
    assert len(third["results"]) == 2 and third["next"] is None and "page=2" in third["previous"]
    names = [r["kecamatan"]["code"] for page in (first, second, third) for r in page["results"]]
    assert len(set(names)) == 10
    assert [r["rank"] for r in first["results"]] == [1, 2, 3, 4]
    # Those without a final score come last, without a rank.
    assert [r["rank"] for r in third["results"]] == [None, None]
    assert len(client.get(url, {"page_size": 1000}).json()["results"]) == 10  # capped at 100, not refused
    assert client.get(url, {"page": 9}).status_code == 404
    assert client.get(url, {"page": "x"}).status_code == 400
    assert client.get(url, {"page_size": 0}).status_code == 400


def test_api_page_size_is_capped(client, published_edition, monkeypatch):
    from assessments.views import api

    assert api.MAX_PAGE_SIZE == 100
    monkeypatch.setattr(api, "MAX_PAGE_SIZE", 4)  # 6 rows: a cap of 4 shows on a small edition
    data = client.get(reverse("api:edition_results", args=[published_edition.pk]), {"page_size": 500}).json()
    assert len(data["results"]) == 4 and "page_size=4" in data["next"]


def test_api_and_downloads_hidden_before_publication(client, final_edition, province_admin):
    awards.ensure_default_categories(final_edition)
    awards.confirm_awards(final_edition, province_admin)
    client.force_login(province_admin)  # even the edition's own admin: the public API knows only published results
    assert client.get(reverse("api:edition_results", args=[final_edition.pk])).json() == {"detail": "Not found."}
    assert client.get(reverse("api:editions")).json()["results"] == []
    assert client.get(reverse("results:edition_csv", args=[final_edition.pk])).status_code == 404


@pytest.mark.parametrize("extra", [0, 15])
def test_api_and_downloads_cost_a_fixed_number_of_queries(
    client, edition, participants, scorer, province_admin, django_assert_max_num_queries, extra
):
    more_participants(edition, scorer, extra)
    score_edition(edition, participants, scorer)
    awards.ensure_default_categories(edition)
    awards.confirm_awards(edition, province_admin)
    workflow.publish(edition, province_admin)
    with django_assert_max_num_queries(6):  # + the ETag's publication times and the stages (method, weights)
        client.get(reverse("api:editions"))
    with django_assert_max_num_queries(10):  # + the stages (method, weights) and the assessors counted
        assert (
            len(client.get(reverse("api:edition_results", args=[edition.pk]), {"page_size": 100}).json()["results"])
            == 6 + extra
        )
    for name in ("results:edition_csv", "results:edition_xlsx"):
        with django_assert_max_num_queries(9):  # the CSV also counts the assessors
            assert client.get(reverse(name, args=[edition.pk])).status_code == 200
