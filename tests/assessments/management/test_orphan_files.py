"""``manage.py orphan_files``: stored files that no row references are listed, and removed with --delete;
files rows reference, and files younger than --min-age (an upload in progress), are kept."""
# ruff: noqa: F811 - the fixtures are imported from test_evidence and used as arguments

import os
import time
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from assessments.domain import evidence as services
from tests.assessments.domain.test_evidence import (  # noqa: F401 - fixtures
    desk_indicators,
    indicator,
    open_edition,
    pdf_bytes,
    rogojampi_entry,
    upload,
)
from tests.districts.domain.test_innovations import add_photo, make_innovation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


def _age(media, name, hours=2):
    past = time.time() - hours * 3600
    os.utime(media / name, (past, past))


def run(*args):
    out = StringIO()
    call_command("orphan_files", *args, stdout=out)
    return out.getvalue()


def test_orphans_are_listed_then_deleted_and_referenced_files_kept(camat, rogojampi, rogojampi_entry, indicator, media):
    (evidence,), _refused = services.add_files(rogojampi_entry, indicator, [upload("a.pdf", pdf_bytes())], "", camat)
    photo = add_photo(make_innovation(rogojampi))
    orphan = default_storage.save("evidence/999/0123456789abcdef0123456789abcdef", ContentFile(b"%PDF-1.4 left"))
    old_photo = default_storage.save("innovations/ab/lost.png", ContentFile(b"\x89PNG lost"))
    outside = default_storage.save("elsewhere/keep.txt", ContentFile(b"not ours"))
    for name in (evidence.file.name, photo.image.name, orphan, old_photo, outside):
        _age(media, name)

    listed = run()
    assert orphan in listed and old_photo in listed
    assert evidence.file.name not in listed and photo.image.name not in listed
    assert "2 orphan file(s)" in listed
    assert (media / orphan).exists()  # only listed

    removed = run("--delete")
    assert "2 orphan file(s)" in removed and "removed" in removed
    assert not (media / orphan).exists() and not (media / old_photo).exists()
    for kept in (evidence.file.name, photo.image.name, outside):
        assert (media / kept).exists()
    assert "0 orphan file(s)" in run()


def test_a_file_stored_moments_ago_is_left_alone(media):
    fresh = default_storage.save("evidence/1/fedcba9876543210fedcba9876543210", ContentFile(b"%PDF upload"))
    assert "0 orphan file(s)" in run("--delete")
    assert (media / fresh).exists()
    assert fresh in run("--min-age", "0")
