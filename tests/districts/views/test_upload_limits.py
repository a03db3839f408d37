"""Issue 11: the photo and profile forms refuse an oversized upload before its body is read (413), and
every search box has a length cap (a 50,000-character search answers, never 500)."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from districts.domain.images import MAX_IMAGE_BYTES
from districts.models import DistrictProfile, InnovationPhoto
from tests.districts.domain.test_innovations import image_bytes, make_innovation
from tests.districts.domain.test_profiles import profile_data

BOUNDARY = "BoUnDaRy"


class TrickledBody:
    """A request body of ``size`` bytes made up as it is read; counts what the server read of it."""

    def __init__(self, size):
        self.size = size
        self.read_bytes = 0

    def read(self, n=-1):
        left = self.size - self.read_bytes
        n = left if n is None or n < 0 else min(n, left)
        self.read_bytes += n
        return b"x" * n

    def readline(self, *args):
        return self.read(*args)


def post_huge(client, url, size=300 * 1024 * 1024):
    body = TrickledBody(size)
    response = client.generic(
        "POST",
        url,
        b"",
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        CONTENT_LENGTH=str(size),
        **{"wsgi.input": body},
    )
    return response, body


@pytest.fixture
def camat_client(camat):
    client = Client()
    client.force_login(camat)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def innovation(rogojampi):
    return make_innovation(rogojampi, name="Sigap Stunting", published=False, category="health")


def urls(district, innovation):
    return {
        "profile": reverse("kecamatan:profile_edit", args=[district.code]),
        "innovation photo": reverse("kecamatan:photo_add", args=[district.code, innovation.pk]),
    }


@pytest.mark.parametrize("form", ["profile", "innovation photo"])
def test_a_300_mb_upload_is_refused_before_its_body_is_read(camat_client, rogojampi, innovation, form):
    response, body = post_huge(camat_client, urls(rogojampi, innovation)[form])
    assert response.status_code == 413
    assert body.read_bytes == 0
    page = response.content.decode()
    assert "The upload is too large" in page and "at most 10.0\xa0MB" in page


@pytest.mark.parametrize("form", ["profile", "innovation photo"])
def test_strangers_are_refused_before_the_size_is_looked_at(client, operator, taman, innovation, rogojampi, form):
    url = urls(rogojampi, innovation)[form]
    response, body = post_huge(client, url)  # anonymous: to the login page
    assert response.status_code == 302 and body.read_bytes == 0
    client.force_login(operator)
    other = make_innovation(taman, name="Inovasi Taman")
    response, body = post_huge(client, urls(taman, other)[form])
    assert response.status_code in (403, 404) and body.read_bytes == 0


def test_a_photo_a_little_over_the_limit_still_gets_the_forms_own_message(camat_client, rogojampi):
    photo = SimpleUploadedFile("kantor.png", image_bytes() + b"\x00" * MAX_IMAGE_BYTES, "image/png")
    response = camat_client.post(
        reverse("kecamatan:profile_edit", args=[rogojampi.code]), profile_data(office_photo=photo)
    )
    assert response.status_code == 400  # next to what was typed, not a bare 413 page
    assert response.context["form"].errors["office_photo"]
    assert not DistrictProfile.objects.filter(district=rogojampi).exists()


def test_a_photo_within_the_limit_is_still_taken(camat_client, rogojampi, innovation):
    photo = SimpleUploadedFile("bank-sampah.png", image_bytes((300, 200)), "image/png")
    url = reverse("kecamatan:photo_add", args=[rogojampi.code, innovation.pk])
    response = camat_client.post(url, {"image": photo, "caption": "Bank sampah"})
    assert response.status_code == 302
    assert InnovationPhoto.objects.filter(innovation=innovation).count() == 1


def test_the_csrf_token_is_still_checked(camat, rogojampi, innovation):
    client = Client(enforce_csrf_checks=True)
    client.force_login(camat)
    url = reverse("kecamatan:photo_add", args=[rogojampi.code, innovation.pk])
    assert client.post(url, {"caption": "x"}).status_code == 403
