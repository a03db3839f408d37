"""Checking and cleaning images uploaded by the kecamatan (office photo, photos of innovations).

An upload is judged by its content, never by its name or the browser's content type: Pillow must
recognise it as a JPEG, PNG or WebP, whole and within the size and pixel limits. What is stored is
not the upload itself but a re-encoding of its pixels (EXIF, GPS position, comments and anything
appended to the file are dropped), shrunk to a size phones load quickly, under a random name.
"""

import io
import warnings
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

MAX_IMAGE_BYTES = 10 * 1024 * 1024
# Beyond what a phone saves by default (12–50 MP); more is a decompression bomb or a scan too big to serve.
MAX_IMAGE_PIXELS = 50_000_000
# Stored images are shrunk to fit this box: enough for a full-screen view, light on a slow line.
STORED_MAX_SIDE = 1920
ACCEPTED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
ACCEPT_ATTRIBUTE = "image/jpeg,image/png,image/webp"


@dataclass(frozen=True)
class ImageRules:
    """What an upload of one kind may be, and what the person is told when it is not."""

    formats: dict  # Pillow's format name -> the stored file's extension
    max_bytes: int
    max_pixels: int
    max_side: int  # the stored image fits this square
    name: str  # the stored file's name, before the extension
    too_large: str  # may use %(size)s and %(limit)s
    wrong_format: str  # may use %(format)s
    unreadable: str
    jpeg_quality: int = 85


# The kecamatan's photos (office, innovations).
PHOTO = ImageRules(
    formats=ACCEPTED_FORMATS,
    max_bytes=MAX_IMAGE_BYTES,
    max_pixels=MAX_IMAGE_PIXELS,
    max_side=STORED_MAX_SIDE,
    name="photo",
    too_large=_("The file is %(size)s; the limit is %(limit)s."),
    wrong_format=_("This is a %(format)s image; upload a JPEG, PNG or WebP photo."),
    unreadable=_("This file is not a photo this portal can read (JPEG, PNG or WebP), or it is damaged."),
)


def _refuse(message, code, **params):
    raise ValidationError(message, code=code, params=params)


def clean_image(upload, rules=PHOTO):
    """Return the upload re-encoded as a new ``ContentFile`` (named ``<rules.name>.<ext>``), or raise
    ValidationError."""
    size = getattr(upload, "size", None)
    if not size:
        _refuse(_("The file is empty."), "image_empty")
    if size > rules.max_bytes:
        _refuse(rules.too_large, "image_too_large", size=filesizeformat(size), limit=filesizeformat(rules.max_bytes))
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its limit and twice it; any bomb warning is a refusal here.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as probe:
                image_format = probe.format
                width, height = probe.size
                if image_format not in rules.formats:
                    _refuse(rules.wrong_format, "image_format", format=image_format or "?")
                if width * height > rules.max_pixels:
                    _refuse(
                        _("The image is %(width)s × %(height)s pixels, more than this portal accepts."),
                        "image_too_many_pixels",
                        width=width,
                        height=height,
                    )
                probe.verify()
            upload.seek(0)
            with Image.open(upload) as image:
                if image_format == "JPEG":
                    # Decode at reduced scale where JPEG allows it: a 50 MP photo need not fill 200 MB.
                    image.draft("RGB", (rules.max_side, rules.max_side))
                image.load()  # verify() does not decode the pixels; a truncated file fails here
                image = ImageOps.exif_transpose(image)
                image.thumbnail((rules.max_side, rules.max_side))
                return _encode(image, image_format, rules)
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        _refuse(_("The image has too many pixels."), "image_too_many_pixels_bomb")
    except Exception:  # noqa: BLE001 - UnidentifiedImageError, OSError, struct.error...: all mean a damaged file
        _refuse(rules.unreadable, "image_invalid")
    finally:
        upload.seek(0)


def _encode(image, image_format, rules):
    buffer = io.BytesIO()
    if image_format == "JPEG":
        image.convert("RGB").save(buffer, "JPEG", quality=rules.jpeg_quality, optimize=True)
    elif image_format == "WEBP":
        image.save(buffer, "WEBP", quality=85)
    else:
        if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
            image = image.convert("RGBA")
        image.save(buffer, "PNG", optimize=True)
    return ContentFile(buffer.getvalue(), name=f"{rules.name}.{rules.formats[image_format]}")


CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


def content_type_of(name):
    """The content type of a stored (re-encoded) image, from the extension this module gave it."""
    return CONTENT_TYPES.get(name.rsplit(".", 1)[-1].lower(), "application/octet-stream")
