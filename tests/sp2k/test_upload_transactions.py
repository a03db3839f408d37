"""No request holds a transaction while it reads a body (issue 11, item 2).

With ATOMIC_REQUESTS, an upload was received inside the request's transaction: a body trickled over
15 s held it open all that time (on SQLite: the write lock, so every other user's save and login
failed). Every view that takes a file is now ``non_atomic_requests``; its domain function writes in
its own short transaction once the file is received and checked.
"""
# ruff: noqa: F811 - the fixtures are imported from test_evidence and used as arguments

import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.db import connection
from django.urls import resolve, reverse
from django.utils import timezone

from assessments.models import EvidenceFile
from sp2k.accounts.models import User
from tests.assessments.domain.test_evidence import (  # noqa: F401 - fixtures
    desk_indicators,
    indicator,
    open_edition,
    pdf_bytes,
    rogojampi_entry,
    upload,
)
from tests.districts.domain.test_innovations import image_bytes, make_innovation

pytestmark = pytest.mark.django_db(transaction=True)

FILE_VIEWS = [
    ("assessments:evidence_upload", [1, 1]),
    ("assessments:evidence_replace", ["00000000-0000-0000-0000-000000000000"]),
    ("assessments:stage_excel_upload", [1]),
    ("assessments:edition_import", [1]),
    ("kecamatan:profile_edit", ["35.10.13"]),
    ("kecamatan:photo_add", ["35.10.13", 1]),
]

seen = []  # (in a transaction?, another user's write went through?) per chunk received


class WatchingHandler(FileUploadHandler):
    """Notes, while the body arrives, whether the request is in a transaction, and (on SQLite) whether
    another user can write meanwhile."""

    def receive_data_chunk(self, raw_data, start):
        seen.append((connection.in_atomic_block, _another_user_writes()))
        return raw_data

    def file_complete(self, file_size):
        return None


def _another_user_writes():
    """A login of another user, from another connection, with a short wait for the lock."""
    done = []

    def login():
        try:
            if connection.vendor == "sqlite":
                with connection.cursor() as cursor:
                    cursor.execute("PRAGMA busy_timeout = 500")
            User.objects.filter(username="penilai-unair").update(last_login=timezone.now())
            done.append(True)
        except Exception:  # noqa: BLE001 - "database is locked": the write did not go through
            done.append(False)
        finally:
            connection.close()

    thread = threading.Thread(target=login)
    thread.start()
    thread.join(timeout=10)
    return done == [True]


@pytest.fixture
def watching(settings):
    seen.clear()
    settings.FILE_UPLOAD_HANDLERS = [
        f"{__name__}.WatchingHandler",
        *settings.FILE_UPLOAD_HANDLERS,
    ]
    return seen


@pytest.mark.parametrize(("name", "args"), FILE_VIEWS)
def test_every_view_that_takes_a_file_reads_it_outside_the_requests_transaction(name, args):
    view = resolve(reverse(name, args=args)).func
    assert "default" in getattr(view, "_non_atomic_requests", set()), name


def test_an_evidence_upload_is_received_while_others_write(
    client, watching, camat, assessor, rogojampi_entry, indicator
):
    client.force_login(camat)
    response = client.post(
        reverse("assessments:evidence_upload", args=[rogojampi_entry.pk, indicator.pk]),
        {"files": [upload("laporan.pdf", pdf_bytes())], "caption": "Laporan"},
    )
    assert response.status_code == 302
    assert EvidenceFile.objects.count() == 1
    assert watching and all(not in_transaction for in_transaction, _wrote in watching)
    assert all(wrote for _in_transaction, wrote in watching)


def test_an_innovation_photo_is_received_while_others_write(client, watching, camat, assessor, rogojampi):
    innovation = make_innovation(rogojampi)
    client.force_login(camat)
    response = client.post(
        reverse("kecamatan:photo_add", args=[rogojampi.code, innovation.pk]),
        {"image": SimpleUploadedFile("foto.png", image_bytes(), "image/png"), "caption": "Posyandu"},
    )
    assert response.status_code == 302
    assert innovation.photos.count() == 1
    assert watching and all(not in_transaction and wrote for in_transaction, wrote in watching)
