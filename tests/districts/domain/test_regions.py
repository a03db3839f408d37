"""Regions of Indonesia: the loader, the public pages, the search, and the admin."""

import io
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from districts.domain.regions import load_regions
from districts.models import District, Province, Regency, Village

CREDIT = "Data wilayah: idn-area-data 4.0.1, ODbL 1.0"
# ATOMIC_REQUESTS wraps each request in a savepoint: two statements on top of a page's own queries.
TX = 2


def snapshot():
    return {
        model.__name__: list(model.objects.order_by("pk").values_list())
        for model in (Province, Regency, District, Village)
    }


@pytest.fixture
def en_client(db):
    """A visitor whose browser asks for English, so that UI messages can be checked word for word."""
    return Client(headers={"accept-language": "en"})


def html(response):
    return response.content.decode()


def text(response):
    """The page's visible text with tags removed and spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html(response)).split())


# --- The loader -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_full_load_counts_spot_checks_and_idempotency():
    out = io.StringIO()
    call_command("load_regions", stdout=out)
    printed = out.getvalue()
    assert "38 provinces, 514 regencies, 7285 kecamatan, 83762 villages" in printed

    counts = (Province.objects.count(), Regency.objects.count(), District.objects.count(), Village.objects.count())
    assert counts == (38, 514, 7285, 83762)

    rogojampi = District.objects.select_related("regency__province").get(code="35.10.13")
    assert rogojampi.name == "Rogojampi"
    assert rogojampi.regency.name == "Kabupaten Banyuwangi"
    assert rogojampi.regency.province.name == "Jawa Timur"
    assert Regency.objects.filter(province="35").count() == 38
    assert District.objects.filter(regency__province="35").count() == 666
    assert Regency.objects.get(code="35.79").kind == Regency.Kind.KOTA  # Kota Batu
    assert Regency.objects.get(code="35.10").kind == Regency.Kind.KABUPATEN
    assert District.objects.get(code="35.79.02").name == "Bumiaji"
    assert District.objects.get(code="32.04.09").name == "Margahayu"
    assert Village.objects.filter(district=rogojampi).exists()

    before = snapshot()
    result = load_regions()
    assert (result.provinces, result.regencies, result.districts, result.villages) == (38, 514, 7285, 83762)
    assert snapshot() == before


def test_load_command_limited_to_a_province_prints_its_counts(no_regions):
    out = io.StringIO()
    call_command("load_regions", "--province", "35", "--no-villages", stdout=out)
    assert "1 provinces, 38 regencies, 666 kecamatan, 0 villages" in out.getvalue()
    assert District.objects.count() == 666
    assert not Village.objects.exists()


# --- Public pages -----------------------------------------------------------------------------


def test_province_list_shows_each_province_with_its_counts(client, regions, django_assert_max_num_queries):
    with django_assert_max_num_queries(TX + 1):
        response = client.get(reverse("districts:province_list"))
    assert response.status_code == 200
    rows = {province.code: province for province in response.context["provinces"]}
    assert set(rows) == {"32", "33", "35"}
    assert (rows["35"].regency_count, rows["35"].district_count) == (38, 666)
    page = html(response)
    assert reverse("districts:province_detail", args=["35"]) in page
    assert re.search(r"Jawa Timur</a></td>\s*<td[^>]*>38</td>\s*<td[^>]*>666</td>", page)


def test_province_page_lists_its_regencies_with_kind_and_kecamatan_count(
    en_client, regions, django_assert_max_num_queries
):
    with django_assert_max_num_queries(TX + 3):
        response = en_client.get(reverse("districts:province_detail", args=["35"]))
    assert response.status_code == 200
    page = html(response)
    content = text(response)
    assert "Province of Jawa Timur" in content
    assert "38 regencies and cities (29 kabupaten, 9 kota) · 666 kecamatan" in content
    assert len(response.context["regencies"]) == 38
    assert reverse("districts:regency_detail", args=["35.10"]) in page
    # Kabupaten Banyuwangi has 25 kecamatan; Kota Batu is a city.
    assert re.search(r"Kabupaten Banyuwangi</a></td>\s*<td[^>]*>Regency \(kabupaten\)</td>\s*<td[^>]*>25</td>", page)
    assert re.search(r"Kota Batu</a></td>\s*<td[^>]*>City \(kota\)</td>", page)
    assert "Kabupaten Bandung" not in page  # another province's regency
    # Breadcrumb back to the list of provinces.
    assert f'href="{reverse("districts:province_list")}"' in page


def test_province_page_query_count_does_not_grow_with_regencies(client, regions, django_assert_max_num_queries):
    # Jawa Barat has 27 regencies, Jawa Tengah 35, Jawa Timur 38: the same few queries for each.
    for code in ("32", "33", "35"):
        with django_assert_max_num_queries(TX + 3):
            assert client.get(reverse("districts:province_detail", args=[code])).status_code == 200


def test_regency_page_lists_its_kecamatan_with_village_counts(client, banyuwangi, django_assert_max_num_queries):
    rogojampi = District.objects.get(code="35.10.13")
    Village.objects.bulk_create(
        [
            Village(code="35.10.13.2001", district=rogojampi, name="Aliyan"),
            Village(code="35.10.13.2002", district=rogojampi, name="Mangir"),
        ]
    )
    with django_assert_max_num_queries(TX + 2):
        response = client.get(reverse("districts:regency_detail", args=["35.10"]))
    assert response.status_code == 200
    page = html(response)
    assert "<h1" in page and "Kabupaten Banyuwangi</h1>" in page
    assert len(response.context["districts"]) == 25
    assert re.search(r"Rogojampi</a></td>\s*<td[^>]*>2</td>", page)
    assert re.search(r"Pesanggaran</a></td>\s*<td[^>]*>0</td>", page)
    assert reverse("districts:district_detail", args=["35.10.13"]) in page
    # Breadcrumb: regions > Jawa Timur > Kabupaten Banyuwangi.
    assert reverse("districts:province_detail", args=["35"]) in page


def test_district_page_shows_profile_villages_and_a_place_for_results(en_client, rogojampi):
    Village.objects.bulk_create(
        [
            Village(code="35.10.13.2001", district=rogojampi, name="Aliyan"),
            Village(code="35.10.13.2013", district=rogojampi, name="Rogojampi"),
        ]
    )
    response = en_client.get(reverse("districts:district_detail", args=["35.10.13"]))
    assert response.status_code == 200
    page = html(response)
    content = text(response)
    assert "Kecamatan Rogojampi" in content
    assert "35.10.13" in content
    assert f'href="{reverse("districts:regency_detail", args=["35.10"])}">Kabupaten Banyuwangi</a>' in page
    assert f'href="{reverse("districts:province_detail", args=["35"])}">Jawa Timur</a>' in page
    assert "35.10.13.2001 Aliyan" in content
    assert "35.10.13.2013 Rogojampi" in content
    assert 'id="district-innovations-results"' in page
    assert "No innovations or competition results have been published for this kecamatan yet." in content


def test_district_page_without_loaded_villages_says_so(en_client, taman):
    response = en_client.get(reverse("districts:district_detail", args=["35.15.13"]))
    assert "No desa or kelurahan have been loaded for this kecamatan." in text(response)


@pytest.mark.parametrize(
    "name, code",
    [("province_detail", "99"), ("regency_detail", "35.99"), ("district_detail", "35.10.99"), ("district_detail", "x")],
)
def test_unknown_code_is_404(client, regions, name, code):
    assert client.get(reverse(f"districts:{name}", args=[code])).status_code == 404


# --- Search -----------------------------------------------------------------------------------


def search(client, q, **params):
    return client.get(reverse("districts:search"), {"q": q, **params})


def test_search_taman_finds_the_three_tamans_first_with_their_regencies(en_client, regions):
    response = search(en_client, "taman")
    assert response.status_code == 200
    results = list(response.context["page_obj"])
    assert {d.code for d in results[:3]} == {"35.15.13", "35.77.03", "33.27.09"}
    assert all(d.name == "Taman" for d in results[:3])
    # Then names starting with "Taman", then names merely containing it.
    names = [d.name for d in results]
    assert names[3:] == sorted(names[3:], key=lambda n: (not n.upper().startswith("TAMAN"), n))
    assert "Tamansari" in names

    page = html(response)
    for regency_code, regency_name in [
        ("35.15", "Kabupaten Sidoarjo"),
        ("35.77", "Kota Madiun"),
        ("33.27", "Kabupaten Pemalang"),
    ]:
        assert f'href="{reverse("districts:regency_detail", args=[regency_code])}">{regency_name}</a>' in page
    assert f'href="{reverse("districts:province_detail", args=["33"])}">Jawa Tengah</a>' in page
    assert f'href="{reverse("districts:district_detail", args=["35.15.13"])}"' in page
    count = response.context["page_obj"].paginator.count
    assert f"<title>{count} kecamatan found for “taman”" in page


def test_search_is_case_insensitive_and_trims_spaces(client, regions):
    upper = search(client, "  TAMAN ")
    lower = search(client, "taman")
    assert [d.code for d in upper.context["page_obj"]] == [d.code for d in lower.context["page_obj"]]


def test_search_exact_match_comes_before_longer_names(client, regions):
    # Jawa Tengah has two kecamatan named Jati (Blora and Kudus); many others start with or contain "Jati".
    results = list(search(client, "jati").context["page_obj"])
    assert len(results) > 2
    assert [d.name for d in results[:2]] == ["Jati", "Jati"]
    assert {d.regency.name for d in results[:2]} == {"Kabupaten Blora", "Kabupaten Kudus"}
    assert all(d.name != "Jati" for d in results[2:])


def test_search_is_paginated_by_25_with_a_fixed_number_of_queries(client, regions, django_assert_max_num_queries):
    with django_assert_max_num_queries(TX + 2):
        first = search(client, "an")
    page_obj = first.context["page_obj"]
    assert page_obj.paginator.count > 50
    assert len(page_obj) == 25
    assert 'href="?q=an&amp;page=2"' in html(first)

    with django_assert_max_num_queries(TX + 2):
        second = search(client, "an", page=2)
    second_codes = [d.code for d in second.context["page_obj"]]
    assert len(second_codes) == 25
    assert not set(second_codes) & {d.code for d in page_obj}

    # A page number past the end shows the last page instead of an error.
    last = search(client, "an", page=9999)
    assert last.status_code == 200
    assert last.context["page_obj"].number == page_obj.paginator.num_pages


def test_search_without_query_explains_what_to_type(en_client, regions):
    response = en_client.get(reverse("districts:search"))
    assert response.status_code == 200
    assert "Type the name of a kecamatan anywhere in Indonesia, e.g. Taman." in text(response)
    assert "page_obj" not in response.context


def test_search_with_one_letter_asks_for_more(en_client, regions, django_assert_num_queries):
    with django_assert_num_queries(TX):
        response = search(en_client, "t")
    assert "Type at least 2 letters of the kecamatan's name." in text(response).replace("&#x27;", "'")


def test_search_without_results_says_so(en_client, regions):
    response = search(en_client, "zzqx")
    content = text(response)
    assert "0 kecamatan found for “zzqx”" in content
    assert "No kecamatan has a name containing these letters." in content


def test_search_wildcards_are_taken_literally(client, regions):
    assert search(client, "%%").context["page_obj"].paginator.count == 0
    assert search(client, "__").context["page_obj"].paginator.count == 0


def test_navbar_search_box_leads_to_the_search(client, regions):
    page = html(client.get("/"))
    assert f'action="{reverse("districts:search")}"' in page
    assert 'name="q"' in page


# --- Credit of the data -----------------------------------------------------------------------


def test_about_page_and_footer_credit_the_region_data(client, regions):
    about = html(client.get(reverse("about")))
    assert CREDIT in about
    assert "ODbL" in about
    footer = html(client.get(reverse("districts:province_detail", args=["35"]))).split("<footer", 1)[1]
    assert CREDIT in footer


# --- Admin ------------------------------------------------------------------------------------


@pytest.fixture
def admin_client_root(client, superuser):
    client.force_login(superuser)
    return client


@pytest.mark.parametrize(
    "model, query, expected, unexpected",
    [
        ("province", "Jawa Timur", "Jawa Timur", "Jawa Barat"),
        ("regency", "Banyuwangi", "Kabupaten Banyuwangi", "Kabupaten Sidoarjo"),
        ("district", "Rogojampi", "35.10.13", "35.15.13"),
        ("district", "35.15.13", "35.15.13", "35.10.13"),
        ("village", "Aliyan", "35.10.13.2001", "35.10.13.2002"),
    ],
)
def test_admin_changelists_load_and_search(admin_client_root, rogojampi, model, query, expected, unexpected):
    Village.objects.bulk_create(
        [
            Village(code="35.10.13.2001", district=rogojampi, name="Aliyan"),
            Village(code="35.10.13.2002", district=rogojampi, name="Mangir"),
        ]
    )
    url = reverse(f"admin:districts_{model}_changelist")
    assert admin_client_root.get(url).status_code == 200
    response = admin_client_root.get(url, {"q": query})
    assert response.status_code == 200
    results = html(response).split('id="result_list"', 1)[1]
    assert expected in results
    assert unexpected not in results


def test_admin_district_filters_by_province_and_kind(admin_client_root, regions):
    url = reverse("admin:districts_district_changelist")
    response = admin_client_root.get(url, {"regency__province__code__exact": "35", "regency__kind__exact": "kota"})
    assert response.status_code == 200
    assert (
        response.context["cl"].result_count
        == District.objects.filter(regency__province="35", regency__kind="kota").count()
    )
    assert response.context["cl"].result_count > 0


def test_admin_village_form_does_not_list_every_kecamatan(admin_client_root, regions):
    # 7,285 <option>s would make the form unusable: the kecamatan is picked by autocomplete.
    response = admin_client_root.get(reverse("admin:districts_village_add"))
    assert response.status_code == 200
    assert html(response).count("<option") < 10
