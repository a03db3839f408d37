"""The kecamatan's profile: who may edit and see it, the NIP, the office photo."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse

from districts.models import DistrictProfile, Village, validate_nip
from tests.districts.domain.test_innovations import bad_files, image_bytes, stored_files, upload


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


def profile_data(**overrides):
    data = {
        "camat_name": "Drs. Budi Santoso, M.Si.",
        "camat_nip": "19780512 200312 1 003",
        "address": "Jl. Raya Rogojampi No. 1\nBanyuwangi",
        "phone": "+62 333 631000",
        "email": "kecamatan.rogojampi@example.org",
        "area_km2": "102.33",
        "population": "96000",
        "description": "Kecamatan di tengah Kabupaten Banyuwangi.",
    }
    data.update(overrides)
    return data


def edit_url(district):
    return reverse("kecamatan:profile_edit", args=[district.code])


@pytest.mark.parametrize("who", ["camat", "operator"])
def test_own_accounts_edit_the_profile(client, request, rogojampi, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    assert client.get(edit_url(rogojampi)).status_code == 200
    response = client.post(edit_url(rogojampi), profile_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("kecamatan:profile", args=[rogojampi.code])
    profile = DistrictProfile.objects.get(district=rogojampi)
    assert profile.camat_nip == "197805122003121003"  # typed grouped, stored as 18 digits
    assert profile.population == 96000 and profile.updated_by == user
    page = client.get(reverse("kecamatan:profile", args=[rogojampi.code])).content.decode()
    assert "Drs. Budi Santoso, M.Si." in page and 'id="profile-edit-link"' in page


def test_number_of_villages_comes_from_the_region_data(client, camat, rogojampi):
    Village.objects.bulk_create(
        [Village(code=f"35.10.13.200{n}", district=rogojampi, name=f"Desa {n}") for n in range(1, 4)]
    )
    client.force_login(camat)
    response = client.get(reverse("kecamatan:profile", args=[rogojampi.code]))
    assert response.context["district"].village_count == 3
    assert "village_count" not in [f.name for f in DistrictProfile._meta.get_fields()]
    form_page = client.get(edit_url(rogojampi))
    assert "3 desa/kelurahan" in form_page.content.decode()


@pytest.mark.parametrize(
    "who", ["other_camat", "other_regency_admin", "other_province_admin", "assessor", "regency_admin", "province_admin"]
)
def test_nobody_else_edits_the_profile(client, request, rogojampi, who):
    DistrictProfile.objects.create(district=rogojampi, camat_name="Camat Asli")
    client.force_login(request.getfixturevalue(who))
    assert client.get(edit_url(rogojampi)).status_code == 403
    assert client.post(edit_url(rogojampi), profile_data(camat_name="Penyusup")).status_code == 403
    assert DistrictProfile.objects.get(district=rogojampi).camat_name == "Camat Asli"


def test_anonymous_is_sent_to_log_in_and_changes_nothing(client, rogojampi):
    for response in (client.get(edit_url(rogojampi)), client.post(edit_url(rogojampi), profile_data())):
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert client.get(reverse("kecamatan:profile", args=[rogojampi.code])).status_code == 302
    assert not DistrictProfile.objects.exists()


@pytest.mark.parametrize("who", ["regency_admin", "province_admin"])
def test_admins_of_the_area_view_the_profile_without_an_edit_link(client, request, rogojampi, who):
    DistrictProfile.objects.create(district=rogojampi, camat_name="Camat Asli")
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("kecamatan:profile", args=[rogojampi.code]))
    assert response.status_code == 200
    assert "Camat Asli" in response.content.decode()
    assert 'id="profile-edit-link"' not in response.content.decode()


@pytest.mark.parametrize("who", ["other_camat", "other_regency_admin", "other_province_admin", "assessor"])
def test_outsiders_do_not_view_the_profile(client, request, rogojampi, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("kecamatan:profile", args=[rogojampi.code])).status_code == 403


def test_unknown_kecamatan_is_not_found(client, camat):
    client.force_login(camat)
    assert client.get(reverse("kecamatan:profile", args=["99.99.99"])).status_code == 404


@pytest.mark.parametrize(
    "nip, code",
    [
        ("19780512200312100", "nip_length"),  # 17 digits
        ("1978051220031210034", "nip_length"),  # 19 digits
        ("19780512200312100A", "nip_length"),
        ("19781332200312 1003", "nip_birth_date"),  # month 13 of birth
        ("197805122003131003", "nip_appointment"),  # appointed in month 13
        ("197805122003123003", "nip_sex"),
    ],
)
def test_invalid_nips_are_refused(client, camat, rogojampi, nip, code):
    with pytest.raises(ValidationError) as error:
        validate_nip(nip.replace(" ", ""))
    assert error.value.code == code
    client.force_login(camat)
    response = client.post(edit_url(rogojampi), profile_data(camat_nip=nip))
    assert response.status_code == 400
    assert "camat_nip" in response.context["form"].errors
    assert not DistrictProfile.objects.exists()


def test_the_database_refuses_a_malformed_nip(rogojampi):
    with pytest.raises(IntegrityError), transaction.atomic():
        DistrictProfile.objects.create(district=rogojampi, camat_nip="12345")


@pytest.mark.parametrize(
    "field, value", [("email", "bukan-email"), ("phone", "<script>"), ("area_km2", "-3"), ("population", "-1")]
)
def test_other_fields_are_checked(client, camat, rogojampi, field, value):
    client.force_login(camat)
    response = client.post(edit_url(rogojampi), profile_data(**{field: value}))
    assert response.status_code == 400 and field in response.context["form"].errors


def test_office_photo_is_stored_under_a_random_name_and_replaced_cleanly(
    client, camat, rogojampi, media, django_capture_on_commit_callbacks
):
    client.force_login(camat)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(edit_url(rogojampi), {**profile_data(), "office_photo": upload("kantor camat.png")})
    first = DistrictProfile.objects.get().office_photo.name
    assert first.startswith("profiles/") and first.endswith(".png") and "kantor" not in first
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            edit_url(rogojampi),
            {**profile_data(), "office_photo": upload("baru.jpg", image_bytes(fmt="JPEG"), "image/jpeg")},
        )
    second = DistrictProfile.objects.get().office_photo.name
    assert second != first and second.endswith(".jpg")
    assert stored_files(media) == [media / second]  # the replaced photo is gone


def test_saving_without_a_new_photo_keeps_the_photo(client, camat, rogojampi, django_capture_on_commit_callbacks):
    client.force_login(camat)
    client.post(edit_url(rogojampi), {**profile_data(), "office_photo": upload()})
    name = DistrictProfile.objects.get().office_photo.name
    with django_capture_on_commit_callbacks(execute=True):
        client.post(edit_url(rogojampi), profile_data(camat_name="Camat Baru"))
    profile = DistrictProfile.objects.get()
    assert profile.office_photo.name == name and profile.camat_name == "Camat Baru"
    assert profile.office_photo.storage.exists(name)


@pytest.mark.parametrize("case", ["text renamed .png", "zero bytes", "truncated png", "html named .jpg", "oversize"])
def test_bad_office_photos_are_refused(client, camat, rogojampi, media, case):
    name, content, content_type = bad_files()[case]
    client.force_login(camat)
    response = client.post(
        edit_url(rogojampi),
        {**profile_data(), "office_photo": SimpleUploadedFile(name, content, content_type=content_type)},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["office_photo"]
    assert not DistrictProfile.objects.exists() and stored_files(media) == []


def test_office_photo_is_served_only_to_those_who_see_the_profile(
    client, camat, regency_admin, province_admin, other_camat, other_regency_admin, assessor, rogojampi
):
    client.force_login(camat)
    client.post(edit_url(rogojampi), {**profile_data(), "office_photo": upload()})
    url = reverse("kecamatan:office_photo", args=[rogojampi.code])
    for user in (camat, regency_admin, province_admin):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "image/png"
    for user in (other_camat, other_regency_admin, assessor):
        client.force_login(user)
        assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


def test_text_in_the_profile_shows_as_text(client, camat, rogojampi):
    attack = '<script>alert("x")</script>'
    client.force_login(camat)
    client.post(edit_url(rogojampi), profile_data(camat_name=attack, description=attack, address=attack))
    page = client.get(reverse("kecamatan:profile", args=[rogojampi.code])).content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;" in page


def test_profile_page_query_count_is_fixed(client, camat, rogojampi, django_assert_max_num_queries):
    client.force_login(camat)
    client.post(edit_url(rogojampi), profile_data())
    with django_assert_max_num_queries(10):
        assert client.get(reverse("kecamatan:profile", args=[rogojampi.code])).status_code == 200


def test_the_office_photo_can_be_removed(client, camat, rogojampi, media, django_capture_on_commit_callbacks):
    client.force_login(camat)
    client.post(edit_url(rogojampi), {**profile_data(), "office_photo": upload()})
    assert len(stored_files(media)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        client.post(edit_url(rogojampi), {**profile_data(), "remove_office_photo": "on"})
    assert not DistrictProfile.objects.get().office_photo and stored_files(media) == []
    assert client.get(reverse("kecamatan:office_photo", args=[rogojampi.code])).status_code == 404
