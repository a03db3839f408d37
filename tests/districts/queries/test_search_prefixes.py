"""The region search understands how people write a kecamatan: prefixes, codes and apostrophes."""

import pytest
from django.urls import reverse

from districts.queries.regions import normalize_search_query, parse_search_query, search_districts


def found(client, q):
    response = client.get(reverse("districts:search"), {"q": q})
    assert response.status_code == 200
    return [district.code for district in response.context["page_obj"]]


@pytest.mark.parametrize(
    "query",
    [
        "kec. rogojampi",
        "Kec.Rogojampi",
        "kecamatan rogojampi",
        "KEC rogojampi",
        "rogojampi kab. banyuwangi",
        "kec. rogojampi, kabupaten banyuwangi",
        "35.10.13",
        "351013",
    ],
)
def test_rogojampi_is_found_however_it_is_written(client, regions, query):
    assert found(client, query)[0] == "35.10.13"


def test_a_prefixed_search_finds_as_much_as_the_bare_name(client, regions):
    assert found(client, "kec. taman") == found(client, "taman")


@pytest.mark.parametrize("query", ["ra'as", "Ra’as", "ra‘as", "raas", "RA`AS", "kec. ra'as", "ra'as kab. sumenep"])
def test_raas_is_found_with_any_apostrophe_or_none(client, regions, query):
    assert found(client, query) == ["35.29.22"]


def test_a_regency_prefix_lists_the_kecamatan_of_that_regency(client, regions):
    codes = found(client, "kab. banyuwangi")
    assert codes and all(code.startswith("35.10.") for code in codes)
    assert search_districts(normalize_search_query("kab. banyuwangi")).count() == 25


def test_kota_means_a_city_but_a_kecamatan_named_kota_is_still_found(client, regions):
    # Kota Batu (35.79) is a city; Kabupaten Sumenep has a kecamatan named "Kota Sumenep" (35.29.01).
    batu = search_districts("kota batu")
    assert {d.regency.code for d in batu} == {"35.79"}
    assert "35.29.01" in found(client, "kota sumenep")


def test_a_regency_code_lists_its_kecamatan_in_code_order(client, regions):
    codes = found(client, "35.10")
    assert codes[:2] == ["35.10.01", "35.10.02"] and all(code.startswith("35.10.") for code in codes)
    assert found(client, "3510") == codes


def test_an_unknown_code_finds_nothing(client, regions):
    assert found(client, "99.99.99") == []


def test_the_query_is_parsed_into_name_regency_and_code():
    assert parse_search_query("kec. rogojampi kab. banyuwangi").district == "ROGOJAMPI"
    assert parse_search_query("kec. rogojampi kab. banyuwangi").regency == "BANYUWANGI"
    assert parse_search_query("351013").code == "35.10.13"
    assert normalize_search_query("  Ra’as  ") == "Ra'as"


def test_a_prefixed_search_costs_a_count_and_a_page(client, regions, django_assert_max_num_queries):
    with django_assert_max_num_queries(2 + 2):  # the request's transaction (2) + count + page
        client.get(reverse("districts:search"), {"q": "kec. rogojampi kab. banyuwangi"})
