"""Files on S3-compatible object storage (issue 16): the settings alone switch the portal to a bucket, and
every file the portal keeps — evidence, its previews and zips, photos, the province's emblem, printed
documents and job results — is written and read through the storage, with nothing on the local disk.

The S3 server is moto's, on loopback, started once for the module; each test gets a bucket of its own.
"""
# ruff: noqa: F811 - the fixtures are imported from other test modules and used as arguments

import io
import os
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from assessments.domain import documents, jobs
from assessments.domain import evidence as services
from assessments.models import DocumentJob, EvidenceFile
from sp2k.stored_files import removed_on_failure
from tests.assessments.domain.test_document_printing import edition as printed_edition  # noqa: F401
from tests.assessments.domain.test_document_printing import every_kind, png
from tests.assessments.views.panel.test_evidence_beside_score import body, file_url, pdf_of_pages, world  # noqa: F401
from tests.districts.domain.test_innovations import image_bytes, make_innovation
from tests.s3server import S3Server

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def s3():
    with S3Server() as server:
        yield server


@pytest.fixture
def bucket(s3, settings, tmp_path):
    """A fresh bucket as the portal's file storage; the local media folder must stay empty."""
    name = s3.create_bucket(f"sp2k-{uuid.uuid4().hex[:12]}")
    settings.MEDIA_ROOT = tmp_path / "media-must-stay-empty"
    settings.STORAGES = {**settings.STORAGES, "default": s3.storage_options(name)}
    yield name
    assert not settings.MEDIA_ROOT.exists() or not any(settings.MEDIA_ROOT.rglob("*"))


def stored(s3, bucket, folder):
    return {key: size for key, size in s3.objects(bucket).items() if key.startswith(f"media/{folder}/")}


def test_the_settings_alone_put_the_files_in_the_bucket(s3):
    """A server started with the S3_* settings (and no other change) stores and reads its files there."""
    name = s3.create_bucket("sp2k-settings")
    script = (
        "from django.core.files.base import ContentFile;"
        "from django.core.files.storage import default_storage as s;"
        "n = s.save('evidence/check.txt', ContentFile(b'through the settings'));"
        "print(type(s._wrapped).__name__, n, s.open(n).read().decode())"
    )
    inherited = {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    env = {k: v for k, v in os.environ.items() if k not in inherited}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env={**env, **s3.environment(name), "DATABASE_URL": "sqlite:////tmp/sp2k-s3-settings.sqlite3"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == ["S3Storage", "evidence/check.txt", "through", "the", "settings"]
    assert s3.objects(name) == {"media/evidence/check.txt": len(b"through the settings")}


@pytest.mark.django_db
def test_evidence_goes_to_the_bucket_and_comes_back_through_the_portal(client, bucket, s3, world, camat, assessor):
    indicator = world["required"][0]
    report = pdf_of_pages([(595, 842), (842, 595)])
    client.force_login(camat)
    response = client.post(
        reverse("assessments:evidence_upload", args=[world["a"].pk, indicator.pk]),
        {"files": [SimpleUploadedFile("laporan.pdf", report, "application/pdf")], "caption": "Laporan"},
    )
    assert response.status_code == 302
    evidence = EvidenceFile.objects.get()
    assert stored(s3, bucket, "evidence") == {f"media/{evidence.file.name}": len(report)}

    client.force_login(assessor)
    download = client.get(file_url("download", evidence))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert "sandbox" in download["Content-Security-Policy"]
    assert body(download) == report  # byte for byte, streamed by the portal (no bucket address handed out)
    assert bucket not in download.get("Location", "") and s3.endpoint not in str(download.headers)

    # Pages rendered from the stored PDF, kept in the bucket beside it, read from there the next time.
    page = client.get(file_url("page", evidence, 2))
    assert page.status_code == 200
    picture = body(page)
    assert Image.open(io.BytesIO(picture)).width == services.PREVIEW_WIDTH
    previews = stored(s3, bucket, services.PREVIEW_FOLDER)
    assert any(name.endswith(".png") for name in previews)
    assert body(client.get(file_url("page", evidence, 2))) == picture
    assert "2" in client.get(file_url("preview", evidence)).content.decode()

    archive = client.get(reverse("assessments:evidence_zip", args=[world["desk"].pk, world["a"].pk]))
    with zipfile.ZipFile(io.BytesIO(body(archive))) as unzipped:
        assert report in [unzipped.read(name) for name in unzipped.namelist()]

    # Someone without the permission gets nothing, whatever storage holds the file.
    client.logout()
    assert client.get(file_url("download", evidence)).status_code in (302, 403)


@pytest.mark.django_db
def test_a_file_missing_from_the_bucket_is_a_404_not_a_500(client, bucket, world, camat, assessor):
    evidence = services.add_files(
        world["a"], world["required"][0], [SimpleUploadedFile("a.pdf", pdf_of_pages([(595, 842)]))], "", camat
    )[0][0]
    default_storage.delete(evidence.file.name)
    client.force_login(assessor)
    client.raise_request_exception = False
    assert client.get(file_url("download", evidence)).status_code == 404


@pytest.mark.django_db
def test_photos_are_checked_stored_and_served_from_the_bucket(client, bucket, s3, camat, rogojampi):
    innovation = make_innovation(rogojampi)
    client.force_login(camat)
    response = client.post(
        reverse("kecamatan:photo_add", args=[rogojampi.code, innovation.pk]),
        {"image": SimpleUploadedFile("foto.png", image_bytes(), "image/png"), "caption": "Posyandu"},
    )
    assert response.status_code == 302
    photo = innovation.photos.get()
    assert f"media/{photo.image.name}" in s3.objects(bucket)
    served = client.get(reverse("catalogue:photo", args=[photo.pk]))
    assert served.status_code == 200
    assert body(served) == photo.image.storage.open(photo.image.name).read()


@pytest.mark.django_db
def test_documents_print_the_stored_emblem_and_keep_their_pdf_in_the_bucket(
    client, bucket, s3, printed_edition, province_admin
):
    client.force_login(province_admin)
    response = client.post(
        reverse("documents:letterhead", args=[printed_edition.pk]),
        {"emblem": SimpleUploadedFile("lambang.png", png("red"), "image/png")},
    )
    assert response.status_code == 302
    printed = every_kind(printed_edition, province_admin)
    decree = printed["decree"]
    assert "data:image/png;base64," in documents.render_html([decree])
    pdf = documents.pdf_of(decree)
    assert PdfReader(io.BytesIO(pdf)).pages
    assert s3.objects(bucket)[f"media/{decree.file.name}"] == len(pdf)

    job = jobs.start_job(printed_edition, DocumentJob.Kind.RECAPS, province_admin)  # run at once in tests
    job.refresh_from_db()
    assert job.is_done
    download = client.get(reverse("documents:job_download", args=[job.pk]))
    assert download.status_code == 200
    assert download.content == default_storage.open(job.result.name).read()
    assert f"media/{job.result.name}" in s3.objects(bucket)


@pytest.mark.django_db
def test_a_failed_change_removes_what_it_stored_in_the_bucket(bucket, s3):
    with pytest.raises(RuntimeError), removed_on_failure() as kept:
        kept.files.append((default_storage, default_storage.save("evidence/1/left", ContentFile(b"x"))))
        raise RuntimeError("the row could not be saved")
    assert s3.objects(bucket) == {}


@pytest.mark.django_db
def test_orphan_files_lists_and_removes_orphans_in_the_bucket(bucket, s3):
    orphan = default_storage.save("evidence/999/0123456789abcdef0123456789abcdef", ContentFile(b"%PDF-1.4 left"))
    out = io.StringIO()
    call_command("orphan_files", "--min-age", "0", stdout=out)
    assert orphan in out.getvalue()
    call_command("orphan_files", "--min-age", "0", "--delete", stdout=io.StringIO())
    assert s3.objects(bucket) == {}


@pytest.mark.django_db
def test_readiness_asks_the_database_and_the_bucket(client, bucket, settings):
    assert client.get("/healthz/").status_code == 200
    ready = client.get("/readyz/")
    assert (ready.status_code, ready.content) == (200, b"database: ok\nstorage: ok\n")

    unreachable = {**settings.STORAGES["default"]["OPTIONS"], "endpoint_url": "http://127.0.0.1:9"}
    settings.STORAGES = {**settings.STORAGES, "default": {**settings.STORAGES["default"], "OPTIONS": unreachable}}
    not_ready = client.get("/readyz/")
    assert (not_ready.status_code, not_ready.content) == (503, b"database: ok\nstorage: unavailable\n")
    assert client.get("/healthz/").status_code == 200  # alive, only not ready
