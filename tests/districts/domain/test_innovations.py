"""The kecamatan's innovations: who may add and change them, their photos, and the public catalogue."""

import datetime
import functools
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from PIL import Image

from districts.domain import images
from districts.domain import kecamatan as services
from districts.models import District, Innovation, InnovationCategory, InnovationFigure, InnovationPhoto
from districts.queries.kecamatan import innovations_of, published_innovations_of
from sp2k.demo.kecamatan import create_demo_profiles_and_innovations

# --- helpers shared with test_profiles ---


def image_bytes(size=(64, 48), fmt="PNG", mode="RGB", noise=False):
    if noise:
        image = Image.merge("RGB", [Image.effect_noise(size, 90) for _ in range(3)])
    else:
        image = Image.new(mode, size, "teal" if mode == "RGB" else 1)
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()


def upload(name="photo.png", content=None, content_type="image/png"):
    return SimpleUploadedFile(name, image_bytes() if content is None else content, content_type=content_type)


@functools.cache
def bad_files():
    """Real bad files, each as (name, content, content type the browser claims)."""
    good = image_bytes((300, 200), noise=True)
    return {
        "text renamed .png": ("notes.png", b"Rapat Minggon, notulen.\n" * 40, "image/png"),
        "zero bytes": ("empty.png", b"", "image/png"),
        "truncated png": ("cut.png", good[: len(good) // 2], "image/png"),
        "html named .jpg": ("page.jpg", b"<!doctype html><script>alert(1)</script>", "image/jpeg"),
        "windows executable renamed .jpg": ("setup.jpg", b"MZ\x90\x00\x03" + b"\x00" * 500 + b"PE\x00", "image/jpeg"),
        "gif, another image type": ("anim.gif", image_bytes(fmt="GIF", mode="RGB"), "image/gif"),
        "oversize": ("big.png", image_bytes() + b"\x00" * images.MAX_IMAGE_BYTES, "image/png"),
        "huge dimensions": ("wide.png", image_bytes((10_000, 6_000), mode="1"), "image/png"),
        "decompression bomb": ("bomb.png", image_bytes((14_000, 13_000), mode="1"), "image/png"),
    }


def stored_files(root):
    return sorted(p for p in root.rglob("*") if p.is_file())


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


def make_innovation(district, name="MAPS — Margahayu Ayo Pilah Sampah", published=True, **fields):
    values = {
        "category": InnovationCategory.ENVIRONMENT,
        "problem": "Sampah rumah tangga menumpuk di TPS.",
        "idea": "Warga memilah sampah dari rumah.",
        "results": "Sampah ke TPS berkurang.",
        "start_year": 2018,
        **fields,
    }
    return Innovation.objects.create(district=district, name=name, is_published=published, **values)


def add_photo(innovation, caption="Bank sampah RW 05"):
    photo = InnovationPhoto(innovation=innovation, caption=caption)
    photo.image.save("x.png", images.clean_image(upload()), save=False)
    photo.save()
    return photo


def innovation_data(**overrides):
    data = {
        "name": "Kampung Digital Rogojampi",
        "category": "digital",
        "status": "running",
        "start_year": "2021",
        "problem": "UMKM desa belum berjualan daring.",
        "idea": "Pelatihan pemasaran daring.",
        "how_it_works": "Kelas mingguan di balai desa.",
        "partners": "Diskominfo, komunitas TIK",
        "results": "UMKM berjualan di lokapasar.",
        "beneficiaries": "210 UMKM",
        "video_url": "https://www.youtube.com/watch?v=abc",
        "is_published": "on",
        "figures-TOTAL_FORMS": "2",
        "figures-INITIAL_FORMS": "0",
        "figures-MIN_NUM_FORMS": "0",
        "figures-MAX_NUM_FORMS": "8",
        "figures-0-label": "UMKM terlatih",
        "figures-0-value": "210",
        "figures-0-unit": "usaha",
        "figures-1-label": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def innovation(rogojampi):
    return make_innovation(rogojampi, name="Sigap Stunting", published=False, category="health")


# --- adding and changing innovations ---


@pytest.mark.parametrize("who", ["camat", "operator"])
def test_own_accounts_add_an_innovation_with_figures(client, request, rogojampi, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    response = client.post(reverse("kecamatan:innovation_add", args=[rogojampi.code]), innovation_data())
    innovation = Innovation.objects.get(district=rogojampi)
    assert response.status_code == 302
    assert response["Location"] == reverse("kecamatan:innovation_detail", args=[rogojampi.code, innovation.pk])
    assert innovation.created_by == user and innovation.updated_by == user
    assert [(f.label, f.value, f.unit) for f in innovation.figures.all()] == [("UMKM terlatih", 210, "usaha")]
    listing = client.get(reverse("kecamatan:innovation_list", args=[rogojampi.code])).content.decode()
    assert "Kampung Digital Rogojampi" in listing


def test_operator_edits_the_camats_innovation_and_removes_a_figure(client, camat, operator, rogojampi, innovation):
    figure = InnovationFigure.objects.create(innovation=innovation, label="Balita didampingi", value=80, unit="anak")
    client.force_login(operator)
    data = innovation_data(
        name="Sigap Stunting",
        **{
            "figures-TOTAL_FORMS": "1",
            "figures-INITIAL_FORMS": "1",
            "figures-0-id": str(figure.pk),
            "figures-0-label": "Balita didampingi",
            "figures-0-value": "80",
            "figures-0-DELETE": "on",
        },
    )
    data.pop("figures-1-label")
    response = client.post(reverse("kecamatan:innovation_edit", args=[rogojampi.code, innovation.pk]), data)
    assert response.status_code == 302
    innovation.refresh_from_db()
    assert innovation.category == "digital" and innovation.updated_by == operator
    assert not innovation.figures.exists()


def test_a_figure_needs_a_value_or_a_text(client, camat, rogojampi):
    client.force_login(camat)
    response = client.post(
        reverse("kecamatan:innovation_add", args=[rogojampi.code]), innovation_data(**{"figures-0-value": ""})
    )
    assert response.status_code == 400
    assert not Innovation.objects.exists()
    with pytest.raises(IntegrityError), transaction.atomic():
        InnovationFigure.objects.create(innovation=make_innovation(rogojampi), label="Kosong")


def test_names_are_unique_within_a_kecamatan_whatever_the_case(client, camat, rogojampi, taman):
    make_innovation(rogojampi, name="Kampung Digital Rogojampi")
    make_innovation(taman, name="Kampung Digital Rogojampi")  # another kecamatan may use the name
    client.force_login(camat)
    response = client.post(
        reverse("kecamatan:innovation_add", args=[rogojampi.code]),
        innovation_data(name="KAMPUNG DIGITAL ROGOJAMPI"),
    )
    assert response.status_code == 400
    assert Innovation.objects.filter(district=rogojampi).count() == 1


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(document.cookie)",
        "JavaScript:alert(1)",
        "ftp://example.org/video.mp4",
        "data:text/html,hi",
        "bukan sebuah tautan",
    ],
)
def test_video_link_must_be_an_http_link(client, camat, rogojampi, url):
    client.force_login(camat)
    response = client.post(reverse("kecamatan:innovation_add", args=[rogojampi.code]), innovation_data(video_url=url))
    assert response.status_code == 400
    assert "video_url" in response.context["form"].errors
    assert not Innovation.objects.exists()


def test_video_link_without_scheme_becomes_https_and_model_refuses_javascript(client, camat, rogojampi):
    client.force_login(camat)
    client.post(reverse("kecamatan:innovation_add", args=[rogojampi.code]), innovation_data(video_url="youtu.be/abc"))
    assert Innovation.objects.get().video_url == "https://youtu.be/abc"
    innovation = Innovation.objects.get()
    innovation.video_url = "javascript:alert(1)"
    with pytest.raises(ValidationError) as error:
        innovation.full_clean()
    assert "video_url" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Innovation.objects.filter(pk=innovation.pk).update(video_url="javascript:alert(1)")


@pytest.mark.parametrize("year", ["1900", str(datetime.date.today().year + 1), "abc"])
def test_start_year_must_be_plausible(client, camat, rogojampi, year):
    client.force_login(camat)
    response = client.post(reverse("kecamatan:innovation_add", args=[rogojampi.code]), innovation_data(start_year=year))
    assert response.status_code == 400
    assert "start_year" in response.context["form"].errors


# --- who may do what ---


def edit_requests(district, innovation, photo):
    """Every request that changes an innovation, as (method, url, data)."""
    code = district.code
    return [
        ("get", reverse("kecamatan:innovation_add", args=[code]), None),
        ("post", reverse("kecamatan:innovation_add", args=[code]), innovation_data(name="Disusupkan")),
        ("get", reverse("kecamatan:innovation_edit", args=[code, innovation.pk]), None),
        ("post", reverse("kecamatan:innovation_edit", args=[code, innovation.pk]), innovation_data(name="Diubah")),
        ("post", reverse("kecamatan:photo_add", args=[code, innovation.pk]), {"image": upload(), "caption": "x"}),
        ("post", reverse("kecamatan:photo_delete", args=[code, innovation.pk, photo.pk]), {}),
    ]


@pytest.mark.parametrize(
    "who", ["other_camat", "other_regency_admin", "other_province_admin", "assessor", "regency_admin", "province_admin"]
)
def test_nobody_else_changes_an_innovation(client, request, rogojampi, innovation, who):
    photo = add_photo(innovation)
    client.force_login(request.getfixturevalue(who))
    for method, url, data in edit_requests(rogojampi, innovation, photo):
        response = getattr(client, method)(url, data) if data is not None else getattr(client, method)(url)
        assert response.status_code == 403, (who, method, url)
    innovation.refresh_from_db()
    assert innovation.name == "Sigap Stunting"
    assert list(Innovation.objects.values_list("name", flat=True)) == ["Sigap Stunting"]
    assert list(innovation.photos.all()) == [photo]


def test_anonymous_visitors_are_sent_to_log_in_for_every_edit(client, rogojampi, innovation):
    photo = add_photo(innovation)
    for method, url, data in edit_requests(rogojampi, innovation, photo):
        response = getattr(client, method)(url, data) if data is not None else getattr(client, method)(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert Innovation.objects.count() == 1 and innovation.photos.count() == 1


@pytest.mark.parametrize("who", ["regency_admin", "province_admin"])
def test_admins_of_the_area_read_the_innovations_without_edit_buttons(client, request, rogojampi, innovation, who):
    client.force_login(request.getfixturevalue(who))
    listing = client.get(reverse("kecamatan:innovation_list", args=[rogojampi.code]))
    detail = client.get(reverse("kecamatan:innovation_detail", args=[rogojampi.code, innovation.pk]))
    assert listing.status_code == 200 and detail.status_code == 200
    assert "Sigap Stunting" in listing.content.decode()
    assert 'id="innovation-add-link"' not in listing.content.decode()
    assert 'id="innovation-edit-link"' not in detail.content.decode()
    assert 'id="photo-form"' not in detail.content.decode()


@pytest.mark.parametrize("who", ["other_camat", "other_regency_admin", "other_province_admin", "assessor"])
def test_outsiders_cannot_read_the_kecamatans_own_pages(client, request, rogojampi, innovation, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("kecamatan:innovation_list", args=[rogojampi.code])).status_code == 403
    assert client.get(reverse("kecamatan:innovation_detail", args=[rogojampi.code, innovation.pk])).status_code == 403


def test_another_kecamatans_innovation_number_under_ones_own_code_is_not_found(client, camat, rogojampi, taman):
    theirs = make_innovation(taman, name="Bank Sampah Terpadu")
    client.force_login(camat)
    for name in ("kecamatan:innovation_detail", "kecamatan:innovation_edit"):
        assert client.get(reverse(name, args=[rogojampi.code, theirs.pk])).status_code == 404
    response = client.post(reverse("kecamatan:innovation_edit", args=[rogojampi.code, theirs.pk]), innovation_data())
    assert response.status_code == 404
    assert Innovation.objects.get(pk=theirs.pk).name == "Bank Sampah Terpadu"


def test_my_kecamatan_leads_a_camat_home_and_is_refused_to_others(client, camat, regency_admin, superuser):
    client.force_login(camat)
    assert client.get(reverse("kecamatan:own"))["Location"] == reverse("kecamatan:profile", args=["35.10.13"])
    assert reverse("kecamatan:own") in client.get(reverse("home")).content.decode()
    client.force_login(regency_admin)
    assert client.get(reverse("kecamatan:own")).status_code == 403
    client.force_login(superuser)
    assert client.get(reverse("kecamatan:own")).status_code == 404
    assert reverse("kecamatan:own") not in client.get(reverse("home")).content.decode()


# --- photos ---


def test_a_photo_is_stored_re_encoded_under_a_random_name(client, camat, rogojampi, innovation, media):
    client.force_login(camat)
    content = image_bytes((2500, 1000)) + b"<?php system($_GET['c']); ?>"  # a polyglot tail
    response = client.post(
        reverse("kecamatan:photo_add", args=[rogojampi.code, innovation.pk]),
        {"image": upload("kantor camat.png", content), "caption": "Kelas posyandu"},
    )
    assert response.status_code == 302
    photo = innovation.photos.get()
    assert photo.image.name.startswith("innovations/") and "kantor" not in photo.image.name
    stored = (media / photo.image.name).read_bytes()
    assert b"<?php" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "PNG" and max(image.size) == images.STORED_MAX_SIDE
    assert photo.created_by == camat


@pytest.mark.parametrize("case", list(bad_files()))
def test_bad_photo_files_are_refused_and_nothing_is_stored(client, camat, rogojampi, innovation, media, case):
    name, content, content_type = bad_files()[case]
    existing = add_photo(innovation)
    before = stored_files(media)
    client.force_login(camat)
    response = client.post(
        reverse("kecamatan:photo_add", args=[rogojampi.code, innovation.pk]),
        {"image": SimpleUploadedFile(name, content, content_type=content_type), "caption": "x"},
    )
    assert response.status_code == 400
    assert response.context["photo_form"].errors["image"]
    assert list(innovation.photos.all()) == [existing]
    assert stored_files(media) == before


def test_the_refusal_says_what_was_wrong(client, camat, rogojampi, innovation):
    client.force_login(camat)
    url = reverse("kecamatan:photo_add", args=[rogojampi.code, innovation.pk])
    codes = {}
    for case in ("oversize", "huge dimensions", "gif, another image type"):
        name, content, content_type = bad_files()[case]
        response = client.post(url, {"image": SimpleUploadedFile(name, content, content_type=content_type)})
        codes[case] = response.context["photo_form"].errors.as_data()["image"][0].code
    assert codes == {
        "oversize": "image_too_large",
        "huge dimensions": "image_too_many_pixels",
        "gif, another image type": "image_format",
    }


def test_a_jpeg_loses_its_exif_location(camat):
    image = Image.new("RGB", (40, 30), "orange")
    exif = Image.Exif()
    exif[0x8825] = {2: (7.0, 15.0, 0.0)}  # GPSInfo: latitude
    exif[0x010F] = "Kamera Rahasia"
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    assert b"Kamera Rahasia" in buffer.getvalue()
    cleaned = images.clean_image(upload("p.jpg", buffer.getvalue(), "image/jpeg"))
    assert cleaned.name.endswith(".jpg") and b"Kamera Rahasia" not in cleaned.read()


def test_photo_limit_per_innovation(client, camat, rogojampi, innovation, monkeypatch):
    monkeypatch.setattr(services, "MAX_PHOTOS_PER_INNOVATION", 1)
    add_photo(innovation)
    client.force_login(camat)
    response = client.post(
        reverse("kecamatan:photo_add", args=[rogojampi.code, innovation.pk]), {"image": upload(), "caption": ""}
    )
    assert response.status_code == 400 and innovation.photos.count() == 1


def test_removing_a_photo_removes_its_file(
    client, camat, rogojampi, innovation, media, django_capture_on_commit_callbacks
):
    photo = add_photo(innovation)
    path = media / photo.image.name
    assert path.exists()
    client.force_login(camat)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("kecamatan:photo_delete", args=[rogojampi.code, innovation.pk, photo.pk]))
    assert response.status_code == 302
    assert not innovation.photos.exists() and not path.exists()


def test_photo_of_an_unpublished_innovation_is_served_only_to_those_allowed(
    client, rogojampi, innovation, camat, regency_admin, province_admin, other_camat, other_regency_admin, assessor
):
    photo = add_photo(innovation)
    url = reverse("catalogue:photo", args=[photo.pk])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    for user in (camat, regency_admin, province_admin):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "image/png"
        assert b"".join(response.streaming_content).startswith(b"\x89PNG")
        assert "private" in response["Cache-Control"]
    for user in (other_camat, other_regency_admin, assessor):
        client.force_login(user)
        assert client.get(url).status_code == 403
    client.logout()
    assert client.get(reverse("catalogue:photo", args=[photo.pk + 1000])).status_code == 404


def test_photo_of_a_published_innovation_is_public(client, rogojampi):
    photo = add_photo(make_innovation(rogojampi))
    response = client.get(reverse("catalogue:photo", args=[photo.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_photos_are_not_reachable_under_media_url(client, rogojampi, settings):
    photo = add_photo(make_innovation(rogojampi))
    assert client.get(f"/{settings.MEDIA_URL}{photo.image.name}").status_code == 404


# --- the public catalogue ---


@pytest.fixture
def catalogue(rogojampi, taman, jabar):
    margahayu = District.objects.get(code="32.04.09")
    return {
        "maps": make_innovation(margahayu, results="Sampah terpilah 12 ton per bulan."),
        "minggon": make_innovation(
            margahayu,
            name="Rapat Minggon",
            category="governance",
            start_year=2016,
            problem="Koordinasi lemah.",
            idea="Rapat mingguan.",
            results="",
        ),
        "rogojampi": make_innovation(
            rogojampi,
            name="Rogojampi Melayani",
            category="public_service",
            start_year=2020,
            problem="Antrian panjang.",
            idea="Layanan jemput bola sampah dokumen.",
            results="",
        ),
        "taman": make_innovation(
            taman, name="Bank Sampah Terpadu", start_year=2020, problem="Sampah.", idea="Bank sampah.", results=""
        ),
        "hidden": make_innovation(taman, name="Rahasia Sampah", published=False, start_year=2020),
    }


def catalogue_names(client, **params):
    response = client.get(reverse("catalogue:list"), params)
    assert response.status_code == 200
    return sorted(i.name for i in response.context["innovations"])


def test_catalogue_shows_published_innovations_only(client, catalogue):
    names = catalogue_names(client)
    assert "Rahasia Sampah" not in names and len(names) == 4
    assert client.get(reverse("catalogue:detail", args=[catalogue["hidden"].pk])).status_code == 404
    assert client.get(reverse("catalogue:detail", args=[catalogue["maps"].pk])).status_code == 200


def test_catalogue_search_needs_every_word_somewhere(client, catalogue):
    assert catalogue_names(client, q="sampah") == [
        "Bank Sampah Terpadu",
        "MAPS — Margahayu Ayo Pilah Sampah",
        "Rogojampi Melayani",
    ]
    assert catalogue_names(client, q="SAMPAH 12 ton") == ["MAPS — Margahayu Ayo Pilah Sampah"]  # from the results
    assert catalogue_names(client, q="mingguan") == ["Rapat Minggon"]  # from the idea
    assert catalogue_names(client, q="sampah rahasia") == []


def test_catalogue_filters(client, catalogue):
    assert catalogue_names(client, province="32") == ["MAPS — Margahayu Ayo Pilah Sampah", "Rapat Minggon"]
    assert catalogue_names(client, regency="35.15") == ["Bank Sampah Terpadu"]
    assert catalogue_names(client, year="2020") == ["Bank Sampah Terpadu", "Rogojampi Melayani"]
    assert catalogue_names(client, category="governance") == ["Rapat Minggon"]
    assert catalogue_names(client, province="35", category="environment", q="bank") == ["Bank Sampah Terpadu"]


@pytest.mark.parametrize(
    ("params", "fields"),
    [
        ({"province": "32", "regency": "35.15"}, ["regency"]),  # a regency outside the chosen province
        ({"province": "99"}, ["province"]),
        ({"year": "abc"}, ["year"]),
        ({"year": "1999"}, ["year"]),  # no published innovation started then
        ({"category": "magic"}, ["category"]),
        ({"q": "x" * 101}, ["q"]),
        ({"province": "99", "year": "abc", "category": "magic"}, ["province", "year", "category"]),
    ],
)
def test_catalogue_says_a_filter_is_invalid_and_lists_nothing(client, catalogue, params, fields):
    response = client.get(reverse("catalogue:list"), params, headers={"accept-language": "en"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="catalogue-invalid"' in page and "A filter is not valid" in page
    assert sorted(response.context["form"].errors) == sorted(fields)
    for field in fields:  # each said at its field
        assert f'id="error_1_id_{field}"' in page
    assert "innovations" not in response.context and 'id="catalogue-count"' not in page
    assert "Clear the filters" in page
    if fields != ["q"]:
        assert '<details class="mb-3 catalogue-more" open>' in page  # the filters in error are shown


def test_catalogue_filter_choices_are_where_something_is_published(client, catalogue):
    form = client.get(reverse("catalogue:list")).context["form"]
    assert [p.code for p in form.fields["province"].queryset] == ["32", "35"]
    assert [r.code for r in form.fields["regency"].queryset] == ["32.04", "35.10", "35.15"]
    assert [value for value, _ in form.fields["year"].choices][1:] == [2020, 2018, 2016]


def test_catalogue_is_paginated(client, rogojampi):
    for number in range(14):
        make_innovation(rogojampi, name=f"Inovasi {number:02d}")
    first = client.get(reverse("catalogue:list"))
    second = client.get(reverse("catalogue:list"), {"page": 2})
    assert len(first.context["innovations"]) == 12 and len(second.context["innovations"]) == 2
    assert 'rel="next"' in first.content.decode()


def test_catalogue_query_count_does_not_grow_with_rows(client, rogojampi, taman, django_assert_max_num_queries):
    def fill(count, district):
        for number in range(count):
            add_photo(make_innovation(district, name=f"Inovasi {district.name} {number}"))

    fill(2, rogojampi)
    params = {"q": "inovasi", "province": "35", "year": "2018"}
    with django_assert_max_num_queries(9) as few:  # 7 reads, and the request's savepoint
        client.get(reverse("catalogue:list"), params)
    fill(10, taman)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("catalogue:list"), params)
    assert len(response.context["innovations"]) == 12
    # The detail page: the innovation, its figures, photos and public evidence, the session savepoints.
    with django_assert_max_num_queries(7):
        client.get(reverse("catalogue:detail", args=[Innovation.objects.first().pk]))


def test_kecamatan_list_query_count_does_not_grow(client, camat, rogojampi, django_assert_max_num_queries):
    client.force_login(camat)
    url = reverse("kecamatan:innovation_list", args=[rogojampi.code])
    make_innovation(rogojampi, name="Satu")
    with django_assert_max_num_queries(10) as few:
        client.get(url)
    for number in range(10):
        add_photo(make_innovation(rogojampi, name=f"Inovasi {number}"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_innovation_page_shows_its_kecamatan_photos_and_a_place_for_public_evidence(client, catalogue):
    maps = catalogue["maps"]
    add_photo(maps, caption="Bank sampah RW 05")
    InnovationFigure.objects.create(innovation=maps, label="Rumah tangga memilah", value=1250, unit="KK")
    page = client.get(reverse("catalogue:detail", args=[maps.pk])).content.decode()
    assert reverse("districts:district_detail", args=["32.04.09"]) in page
    assert reverse("catalogue:photo", args=[maps.photos.get().pk]) in page
    assert "Bank sampah RW 05" in page and "Rumah tangga memilah" in page
    assert 'id="public-evidence"' in page


def test_text_typed_by_a_kecamatan_shows_as_text(client, camat, rogojampi):
    attack = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    innovation = make_innovation(rogojampi, name=f"Inovasi {attack}", problem=attack, idea=attack, partners=attack)
    InnovationFigure.objects.create(innovation=innovation, label=attack, text=attack)
    client.force_login(camat)
    pages = [
        client.get(reverse("catalogue:detail", args=[innovation.pk])),
        client.get(reverse("catalogue:list")),
        client.get(reverse("kecamatan:innovation_detail", args=[rogojampi.code, innovation.pk])),
        client.get(reverse("kecamatan:innovation_list", args=[rogojampi.code])),
    ]
    for response in pages:
        content = response.content.decode()
        assert "<script>alert" not in content and "<img src=x" not in content
        assert "&lt;script&gt;" in content


# --- selectors and the include for the kecamatan page ---


def test_selectors_for_the_edition_and_the_kecamatan_page(rogojampi, taman):
    shown = make_innovation(rogojampi, name="Ditampilkan")
    hidden = make_innovation(rogojampi, name="Draf", published=False)
    make_innovation(taman, name="Milik Taman")
    assert set(innovations_of(rogojampi)) == {shown, hidden}
    published = list(published_innovations_of(rogojampi))
    assert published == [shown]
    add_photo(shown)
    html = render_to_string("kecamatan/_innovations_list.html", {"innovations": published_innovations_of(rogojampi)})
    assert "Ditampilkan" in html and "Draf" not in html
    assert reverse("catalogue:detail", args=[shown.pk]) in html
    assert reverse("catalogue:photo", args=[shown.photos.get().pk]) in html


# --- demo data ---


def test_demo_profiles_and_innovations_are_idempotent(regions, media):
    first = create_demo_profiles_and_innovations()
    files = stored_files(media)
    counts = (Innovation.objects.count(), InnovationPhoto.objects.count(), InnovationFigure.objects.count())
    assert create_demo_profiles_and_innovations() == first
    assert (Innovation.objects.count(), InnovationPhoto.objects.count(), InnovationFigure.objects.count()) == counts
    assert stored_files(media) == files
    margahayu = set(Innovation.objects.filter(district_id="32.04.09").values_list("name", flat=True))
    assert {"MAPS — Margahayu Ayo Pilah Sampah", "Rapat Minggon", "Literasi Media Boneka"} <= margahayu
    for code in ("35.10.13", "35.15.13", "35.13.23", "35.79.02", "35.28.04"):
        innovations = Innovation.objects.filter(district_id=code)
        assert innovations.count() >= 2
        assert all("contoh" in i.name.lower() or "Contoh" in i.problem for i in innovations)
    assert all(p.image.size < 20_000 for p in InnovationPhoto.objects.all())
    for innovation in Innovation.objects.all():
        innovation.full_clean()


def test_a_figure_row_with_a_number_needs_a_label_and_figures_show_their_decimals(client, camat, rogojampi):
    client.force_login(camat)
    data = innovation_data(**{"figures-0-label": "", "figures-0-value": "12"})
    response = client.post(reverse("kecamatan:innovation_add", args=[rogojampi.code]), data)
    assert response.status_code == 400 and not Innovation.objects.exists()
    assert 'id="form-errors"' in response.content.decode()
    data = innovation_data(
        **{"figures-1-label": "Sampah terpilah", "figures-1-value": "12.50", "figures-1-unit": "ton"}
    )
    client.post(reverse("kecamatan:innovation_add", args=[rogojampi.code]), data)
    innovation = Innovation.objects.get()
    page = client.get(reverse("catalogue:detail", args=[innovation.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert ">210 <" in page and ">12.5 <" in page


def test_kecamatan_page_lists_its_published_innovations_only(client, rogojampi):
    make_innovation(rogojampi, name="Layanan Adminduk Keliling", published=True)
    make_innovation(rogojampi, name="Rancangan Belum Terbit", published=False)
    page = client.get(reverse("districts:district_detail", args=[rogojampi.code])).content.decode()
    assert "Layanan Adminduk Keliling" in page
    assert "Rancangan Belum Terbit" not in page
