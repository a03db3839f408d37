"""Signed documents: the decree, certificates and recaps carry the province's PAdES signature when a signing
certificate is configured, and nothing (said on the documents page) when none is."""

import io

import pypdfium2 as pdfium
import pytest
from asn1crypto import pem, x509
from django.urls import reverse
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from assessments.domain import documents, jobs, signing
from assessments.models import DocumentJob, Stage
from sp2k.demo import signer as demo_signer
from tests.assessments.domain.test_documents import final_edition  # noqa: F401 - fixture


@pytest.fixture(scope="module")
def signing_ca(tmp_path_factory):
    """A certificate authority and a signer for this module's tests (P-256 keys: milliseconds)."""
    folder = tmp_path_factory.mktemp("signer")
    path = demo_signer.write(folder, passphrase="rahasia")
    ca_pem = (folder / demo_signer.CA_FILE).read_bytes()
    _type, _headers, der = pem.unarmor(ca_pem)
    return {"path": str(path), "passphrase": "rahasia", "ca": x509.Certificate.load(der), "ca_path": folder / "ca.pem"}


@pytest.fixture
def signing_certificate(settings, signing_ca):
    """The deployment signs with the test CA's signer (as `make run` does with the demo's)."""
    settings.SIGNING_PKCS12_PATH = signing_ca["path"]
    settings.SIGNING_PKCS12_PASSPHRASE = signing_ca["passphrase"]
    settings.SIGNING_TRUST_ROOTS = []
    return signing_ca


def validate(data, ca):
    """pyHanko's own validator, trusting ``ca``: the status of each signature in the PDF."""
    reader = PdfFileReader(io.BytesIO(data))
    context = ValidationContext(trust_roots=[ca])
    return [validate_pdf_signature(signature, context) for signature in reader.embedded_signatures]


def stored(document):
    with document.file.open("rb") as handle:
        return handle.read()


def first_page_pixels(data):
    page = pdfium.PdfDocument(data)[0]
    return page.render(scale=0.5).to_pil().tobytes()


def flip_one_byte(data):
    """The PDF with one byte of its page content changed (inside what the signature covers)."""
    changed = bytearray(data)
    position = data.index(b"stream") + 20
    changed[position] ^= 0x01
    return bytes(changed)


@pytest.mark.django_db
def test_a_signed_decree_validates_with_pyhanko_intact_and_trusted(signing_certificate, final_edition, province_admin):  # noqa: F811
    document = documents.issue_decree(final_edition, province_admin)
    data = stored(document)
    [status] = validate(data, signing_certificate["ca"])
    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert "CONTOH" in status.signing_cert.subject.native["common_name"]
    # The signature adds no page and no visible mark: the decree looks exactly as unsigned.
    unsigned = documents.render_pdf([document])
    assert len(PdfReader(io.BytesIO(data)).pages) == len(PdfReader(io.BytesIO(unsigned)).pages)
    assert first_page_pixels(data) == first_page_pixels(unsigned)


@pytest.mark.django_db
def test_a_one_byte_change_breaks_the_signature(signing_certificate, final_edition, province_admin):  # noqa: F811
    data = stored(documents.issue_decree(final_edition, province_admin))
    [status] = validate(flip_one_byte(data), signing_certificate["ca"])
    assert not status.intact
    assert not signing.check(flip_one_byte(data)).sound


@pytest.mark.django_db
def test_another_authoritys_signature_is_intact_not_trusted(signing_certificate, final_edition, province_admin):  # noqa: F811
    data = stored(documents.issue_decree(final_edition, province_admin))
    other_ca = x509.Certificate.load(pem.unarmor(demo_signer.build()[1])[2])
    [status] = validate(data, other_ca)
    assert status.intact and not status.trusted
    assert not signing.check(data, trust_roots=[other_ca]).sound


@pytest.mark.django_db
def test_trust_roots_can_be_named_in_the_settings(signing_certificate, settings, final_edition, province_admin):  # noqa: F811
    settings.SIGNING_TRUST_ROOTS = [str(signing_certificate["ca_path"])]
    data = stored(documents.issue_decree(final_edition, province_admin))
    assert signing.check(data).sound


@pytest.mark.django_db
def test_the_bundle_of_all_certificates_is_signed_once(signing_certificate, final_edition, province_admin):  # noqa: F811
    job = jobs.run_job(
        DocumentJob.objects.create(edition=final_edition, kind=DocumentJob.Kind.CERTIFICATES, created_by=province_admin)
    )
    assert job.is_done
    result = signing.check(job.result.read())
    assert len(result.signatures) == 1 and result.sound


@pytest.mark.django_db
def test_the_recaps_bundle_has_one_sound_signature(signing_certificate, final_edition, province_admin):  # noqa: F811
    assert Stage.objects.filter(edition=final_edition).count() > 1
    job = jobs.run_job(
        DocumentJob.objects.create(edition=final_edition, kind=DocumentJob.Kind.RECAPS, created_by=province_admin)
    )
    assert job.is_done
    result = signing.check(job.result.read())
    assert len(result.signatures) == 1 and result.sound
    # Each recap on its own stays signed.
    recap = documents.issue_recap(Stage.objects.filter(edition=final_edition).first(), province_admin)
    assert signing.check(stored(recap)).sound


@pytest.mark.django_db
def test_without_certificate_nothing_signed_page_says_so(client, settings, final_edition, province_admin):  # noqa: F811
    settings.SIGNING_PKCS12_PATH = ""
    data = stored(documents.issue_decree(final_edition, province_admin))
    assert signing.check(data).signatures == []
    client.force_login(province_admin)
    page = client.get(reverse("documents:edition", args=[final_edition.pk])).content.decode()
    assert "Not signed electronically: no signing certificate has been installed." in page


@pytest.mark.django_db
def test_bad_certificate_never_stops_a_document(client, signing_certificate, settings, final_edition, province_admin):  # noqa: F811
    settings.SIGNING_PKCS12_PASSPHRASE = "salah"
    document = documents.issue_decree(final_edition, province_admin)
    assert document.file and signing.check(stored(document)).signatures == []
    client.force_login(province_admin)
    page = client.get(reverse("documents:edition", args=[final_edition.pk])).content.decode()
    assert "the signing certificate cannot be read" in page


@pytest.mark.django_db
def test_the_documents_page_names_the_signer(client, signing_certificate, final_edition, province_admin):  # noqa: F811
    client.force_login(province_admin)
    page = client.get(reverse("documents:edition", args=[final_edition.pk])).content.decode()
    assert "signed electronically (PAdES) with the certificate of Pemprov Jawa Timur (CONTOH" in page


def test_the_demo_signer_is_made_once_and_labelled(tmp_path):
    path = demo_signer.write(tmp_path)
    first = path.read_bytes()
    assert demo_signer.write(tmp_path).read_bytes() == first
    assert "CONTOH — bukan sertifikat resmi" in demo_signer.SIGNER_NAME
