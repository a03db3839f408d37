"""The verification page checks an uploaded PDF: genuine current version, older version, modified copy,
unsigned other file — and keeps nothing of what was uploaded."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.domain import documents, jobs
from assessments.models import Document, DocumentJob
from sp2k.demo.evidence import minimal_pdf
from tests.assessments.domain.test_documents import final_edition  # noqa: F401 - fixture
from tests.assessments.domain.test_signing import flip_one_byte, signing_ca, signing_certificate, stored  # noqa: F401

GENUINE = "Genuine and current: this file is exactly the document (version 1) the portal issued."


def check(client, document, data, name="dokumen.pdf"):
    url = reverse("verify:document", args=[document.code])
    response = client.post(url, {"pdf": SimpleUploadedFile(name, data, content_type="application/pdf")})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_the_genuine_signed_file_is_genuine_and_current(client, signing_certificate, final_edition, province_admin):  # noqa: F811
    decree = documents.issue_decree(final_edition, province_admin)
    page = check(client, decree, stored(decree))
    assert GENUINE in page
    assert "intact and trusted" in page
    assert "Pemprov Jawa Timur (CONTOH" in page


@pytest.mark.django_db
def test_a_one_byte_change_is_a_modified_copy(client, signing_certificate, final_edition, province_admin):  # noqa: F811
    decree = documents.issue_decree(final_edition, province_admin)
    page = check(client, decree, flip_one_byte(stored(decree)))
    assert "MODIFIED: this file was changed after it was signed. It is not the genuine document." in page
    assert "BROKEN" in page
    assert "Genuine" not in page


@pytest.mark.django_db
def test_an_older_version_says_so(client, signing_certificate, final_edition, province_admin):  # noqa: F811
    old = documents.issue_decree(final_edition, province_admin)
    final_edition.decree.number = "188/999/KPTS/013/2022"
    final_edition.decree.save()
    documents.issue_decree(final_edition, province_admin)
    old.refresh_from_db()
    page = check(client, old, stored(old))
    assert "An OLDER VERSION: this file is version 1 of the document" in page


@pytest.mark.django_db
def test_an_unsigned_other_pdf_is_not_the_document(client, signing_certificate, final_edition, province_admin):  # noqa: F811
    decree = documents.issue_decree(final_edition, province_admin)
    page = check(client, decree, minimal_pdf(["KEPUTUSAN GUBERNUR JAWA TIMUR", "palsu"]))
    assert "Not the genuine document: the file is not signed and differs from the document" in page


@pytest.mark.django_db
def test_a_signed_file_of_another_document_is_not_this_one(client, signing_certificate, final_edition, province_admin):  # noqa: F811
    decree = documents.issue_decree(final_edition, province_admin)
    recap = documents.issue_recap(final_edition.stages.first(), province_admin)
    page = check(client, decree, stored(recap))
    assert "Not this document: the file is signed, but it is not the document the portal stored" in page


@pytest.mark.django_db
def test_a_file_that_is_no_pdf_is_said_so(client, signing_certificate, final_edition, province_admin):  # noqa: F811
    decree = documents.issue_decree(final_edition, province_admin)
    assert "This file is not a PDF that can be read" in check(client, decree, b"bukan pdf sama sekali")


@pytest.mark.django_db
def test_unsigned_deployment_matches_by_bytes_and_says_unsigned(client, settings, final_edition, province_admin):  # noqa: F811
    settings.SIGNING_PKCS12_PATH = ""
    decree = documents.issue_decree(final_edition, province_admin)
    url = reverse("verify:document", args=[decree.code])
    assert "This document was issued without an electronic signature" in client.get(url).content.decode()
    page = check(client, decree, stored(decree))
    assert GENUINE in page
    assert "The file carries no electronic signature" in page
    assert "Not the genuine document" in check(client, decree, flip_one_byte(stored(decree)))


@pytest.mark.django_db
def test_the_linked_page_names_the_stored_signature(client, signing_certificate, final_edition, province_admin):  # noqa: F811
    decree = documents.issue_decree(final_edition, province_admin)
    page = client.get(reverse("verify:document", args=[decree.code])).content.decode()
    assert "Electronic signature of Pemprov Jawa Timur (CONTOH" in page and "intact and trusted" in page
    assert 'enctype="multipart/form-data"' in page


@pytest.mark.django_db
def test_the_upload_is_never_stored(client, settings, signing_certificate, final_edition, province_admin):  # noqa: F811
    decree = documents.issue_decree(final_edition, province_admin)
    before = sorted(p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file())
    check(client, decree, minimal_pdf(["salinan"]), name="upload-yang-tidak-disimpan.pdf")
    assert sorted(p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()) == before


@pytest.mark.django_db
def test_an_unknown_code_answers_404_to_an_upload(client):
    url = reverse("verify:document", args=["TIDAKADA"])
    response = client.post(url, {"pdf": SimpleUploadedFile("x.pdf", minimal_pdf(["x"]))})
    assert response.status_code == 404


@pytest.mark.django_db
def test_the_certificates_bundle_is_genuine_on_their_pages(client, signing_certificate, final_edition, province_admin):  # noqa: F811
    job = jobs.run_job(
        DocumentJob.objects.create(edition=final_edition, kind=DocumentJob.Kind.CERTIFICATES, created_by=province_admin)
    )
    certificate = Document.objects.filter(edition=final_edition, kind=Document.Kind.CERTIFICATE).first()
    page = check(client, certificate, job.result.read())
    assert GENUINE in page
    assert "The file is the bundle of documents the portal printed that holds this one." in page
