# ruff: noqa: F811 - the shared fixtures are imported from tests.test_awards and named as arguments
"""Open data: CSV, Excel and the JSON API give the same figures as the results page, only once published."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assessments.domain import awards, workflow
from assessments.models import Edition, EditionTransition
from tests.assessments.domain.test_awards import final_edition, published_edition, score_edition, scorer  # noqa: F401 - fixtures
from tests.assessments.views.public.test_results import more_participants, ranking_rows
from tests.factories.assessments import EditionFactory, StageFactory

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
    response = client.get(reverse("api:edition_results", args=[final_edition.pk]))
    assert response.status_code == 404 and response.json()["detail"] == "Not found."
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
    with django_assert_max_num_queries(7):  # + the ETag's publication times, the last change, the stages
        client.get(reverse("api:editions"))
    with django_assert_max_num_queries(10):  # + the stages (method, weights) and the assessors counted
        assert (
            len(client.get(reverse("api:edition_results", args=[edition.pk]), {"page_size": 100}).json()["results"])
            == 6 + extra
        )
    for name in ("results:edition_csv", "results:edition_xlsx"):
        with django_assert_max_num_queries(9):  # the CSV also counts the assessors
            assert client.get(reverse(name, args=[edition.pk])).status_code == 200


# --- filters: known, valid, or refused ---


def test_api_filters_editions_by_province_and_year(client, published_edition):
    url = reverse("api:editions")
    matching = client.get(url, {"province": "35", "year": "2022"}).json()
    assert [item["id"] for item in matching["results"]] == [published_edition.pk]
    assert matching["filters"] == {"province_code": "35", "year": 2022}
    assert [item["id"] for item in client.get(url, {"year": "2022"}).json()["results"]] == [published_edition.pk]
    # Nothing matches: an empty list, never another province's or year's results.
    for query in ({"province": "32", "year": "2026"}, {"province": "32"}, {"province": "35", "year": "2026"}):
        response = client.get(url, query)
        assert response.status_code == 200
        assert response.json()["count"] == 0 and response.json()["results"] == []


@pytest.mark.parametrize(
    ("name", "query", "parameter"),
    [
        ("api:editions", {"provinsi": "35"}, "provinsi"),
        ("api:editions", {"tahun": "2022", "province": "35"}, "tahun"),
        ("api:editions", {"province": "jatim"}, "province"),
        ("api:editions", {"province": "3"}, "province"),
        ("api:editions", {"province": ""}, "province"),
        ("api:editions", {"year": "22"}, "year"),
        ("api:editions", {"year": "2022x"}, "year"),
        ("api:editions", {"page": "x"}, "page"),
        ("api:editions", {"page_size": "0"}, "page_size"),
        ("api:edition_results", {"province": "35"}, "province"),
        ("api:edition_results", {"page": ""}, "page"),
    ],
)
def test_api_refuses_unknown_filters_and_invalid_values(client, published_edition, name, query, parameter):
    args = [published_edition.pk] if name == "api:edition_results" else []
    response = client.get(reverse(name, args=args), query)
    assert response.status_code == 400
    error = response.json()
    assert error["parameter"] == parameter and parameter in error["detail"]
    accepted = ["province", "year", "page", "page_size"] if name == "api:editions" else ["page", "page_size"]
    assert error["allowed_parameters"] == accepted
    assert "results" not in error


def test_api_refuses_a_filter_given_twice(client, published_edition):
    response = client.get(reverse("api:editions") + "?province=35&province=32")
    assert response.status_code == 400 and response.json()["parameter"] == "province"


# --- method, assessors, licence, version ---


def test_api_states_the_method_weights_and_assessors(client, published_edition):
    type(published_edition).objects.filter(pk=published_edition.pk).update(final_score="weighted")
    data = client.get(reverse("api:edition_results", args=[published_edition.pk])).json()
    method = data["edition"]["method"]
    assert method["aggregation"] == {"code": "mean", "description": "Mean of the assessors' totals"}
    assert method["final_score"] == {"code": "weighted", "description": "Weighted sum of the stage scores"}
    assert [(s["order"], s["name"], s["weight"]) for s in method["stages"]] == [
        (1, STAGES[0], "20"),
        (2, STAGES[1], "30"),
        (3, STAGES[2], "50"),
    ]
    # The assessors whose sheets counted, per participant and stage (the page counts them in the database).
    assert [s["assessors"] for s in data["results"][0]["stage_scores"]] == [1, 0, 1]
    listed = client.get(reverse("api:editions")).json()["results"][0]
    assert listed["method"] == method


def test_api_gives_no_weights_when_only_the_last_stage_counts(client, published_edition):
    assert published_edition.final_score == "last_stage"
    method = client.get(reverse("api:edition_results", args=[published_edition.pk])).json()["edition"]["method"]
    assert method["final_score"]["code"] == "last_stage"
    assert [stage["weight"] for stage in method["stages"]] == [None, None, None]


def test_every_api_answer_carries_licence_and_version(client, published_edition):
    published_at = published_edition.transitions.filter(to_state="published").latest("at").at
    for url in (reverse("api:editions"), reverse("api:edition_results", args=[published_edition.pk])):
        response = client.get(url)
        data = response.json()
        assert data["licence"] == {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"}
        assert data["region_names_licence"]["name"] == "ODbL 1.0"
        assert data["region_names_licence"]["credit"] == "Data wilayah: idn-area-data 4.0.1, ODbL 1.0"
        assert data["api_version"] == response["X-API-Version"]
        assert data["data_version"] == published_at.isoformat()
        assert response["Link"] == '<https://creativecommons.org/licenses/by/4.0/>; rel="license"'
    edition = client.get(reverse("api:editions")).json()["results"][0]
    assert edition["licence"]["attribution"] == "Pemerintah Provinsi Jawa Timur, SP2K Jawa Timur 2022"
    # Refusals and unknown editions say which version answered them, with the licence link too.
    for response in (client.get(reverse("api:editions"), {"x": "1"}), client.get("/api/editions/999999/results/")):
        assert response.json()["api_version"] == response["X-API-Version"] and "license" in response["Link"]


# --- caching ---


@pytest.mark.parametrize("name", ["api:editions", "api:edition_results", "results:edition_csv"])
def test_open_data_is_cacheable_and_revalidated(client, published_edition, name, django_assert_max_num_queries):
    url = reverse(name, args=[] if name == "api:editions" else [published_edition.pk])
    response = client.get(url)
    assert response.status_code == 200
    etag = response["ETag"]
    assert etag.startswith('"') and response["Last-Modified"].endswith("GMT")
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    with django_assert_max_num_queries(4):  # the validators (and a savepoint): nothing of the answer is built
        unchanged = client.get(url, headers={"if-none-match": etag})
    assert unchanged.status_code == 304 and unchanged.content == b""
    assert unchanged["ETag"] == etag and "license" in unchanged["Link"] and "public" in unchanged["Cache-Control"]
    assert client.get(url, headers={"if-modified-since": response["Last-Modified"]}).status_code == 304
    assert client.get(url, headers={"if-none-match": '"something-else"'}).status_code == 200


def test_api_etag_differs_with_the_query(client, published_edition):
    url = reverse("api:edition_results", args=[published_edition.pk])
    assert client.get(url, {"page_size": 2})["ETag"] != client.get(url, {"page_size": 3})["ETag"]


# --- the CSV's columns do not follow the reader's language ---


def test_csv_columns_are_the_same_in_every_language(client, published_edition, settings):
    url = reverse("results:edition_csv", args=[published_edition.pk])
    english = client.get(url, headers={"accept-language": "en"}).content
    indonesian = client.get(url, headers={"accept-language": "id"}).content
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    by_cookie = client.get(url, headers={"accept-language": "id"}).content
    assert english.splitlines()[0] == indonesian.splitlines()[0] == by_cookie.splitlines()[0]
    assert english.decode("utf-8-sig").startswith("rank,tie,kecamatan_code,")
    assert english == indonesian == by_cookie


# --- the list costs the same whatever its length ---


@pytest.mark.parametrize("extra", [0, 8])
def test_api_edition_list_costs_a_fixed_number_of_queries(
    client, published_edition, province_admin, django_assert_max_num_queries, extra
):
    for year in range(2000, 2000 + extra):
        other = EditionFactory(province=published_edition.province, year=year, state=Edition.State.PUBLISHED)
        StageFactory(edition=other, order=1)
        EditionTransition.objects.create(
            edition=other, from_state=Edition.State.FINAL, to_state=Edition.State.PUBLISHED, by=province_admin
        )
    with django_assert_max_num_queries(7):
        data = client.get(reverse("api:editions"), {"page_size": 100}).json()
    assert data["count"] == 1 + extra
    assert all(item["method"]["stages"] for item in data["results"])
