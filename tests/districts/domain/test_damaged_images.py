"""A photo Pillow chokes on, whatever it raises, is refused with a message (issue 11)."""

import io
import struct

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from districts.domain import images


def photo():
    out = io.BytesIO()
    Image.new("RGB", (30, 20), (10, 120, 40)).save(out, "JPEG")
    return SimpleUploadedFile("kantor.jpg", out.getvalue(), content_type="image/jpeg")


@pytest.mark.parametrize("raised", [struct.error("unpack requires a buffer"), ZeroDivisionError(), RuntimeError()])
def test_odd_pillow_errors_are_a_refusal(monkeypatch, raised):
    # A damaged EXIF block is where Pillow raises such errors (while turning the photo upright).
    def broken(image):
        raise raised

    monkeypatch.setattr(images.ImageOps, "exif_transpose", broken)
    with pytest.raises(ValidationError) as refused:
        images.clean_image(photo())
    assert refused.value.code == "image_invalid"


def test_a_sound_photo_is_still_accepted():
    assert images.clean_image(photo()).name == "photo.jpg"
