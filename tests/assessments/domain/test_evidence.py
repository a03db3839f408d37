"""Evidence (data dukung): file rules with real bad files, who may see what, versions, deadline, submission."""

import io
import re
import uuid
import zipfile
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.domain import evidence as services
from assessments.models import Assignment, Conflict, Edition, EntryEvent, EvidenceFile, Indicator, Participant, Stage
from sp2k.accounts.models import Role
from sp2k.demo.evidence import create_demo_evidence  # the test of the demo's evidence
from tests.factories.files import minimal_pdf, png

LIMIT = 20 * 1024 * 1024


# --- real files, good and bad ---


def pdf_bytes(text="Laporan realisasi anggaran"):
    return minimal_pdf([text, "Kecamatan Rogojampi"])


def png_bytes():
    return png(["Foto kegiatan"], size=(120, 80))


def jpeg_bytes():
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (160, 120), (200, 30, 30)).save(out, "JPEG", quality=85)
    return out.getvalue()


def xlsx_bytes():
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Indikator", "Capaian"])
    book.active.append(["PATEN", 98])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def office_zip(parts):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


CONTENT_TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/></Types>'
)


def docx_bytes():
    return office_zip(
        {
            "[Content_Types].xml": CONTENT_TYPES,
            "_rels/.rels": "<Relationships/>",
            "word/document.xml": "<w:document><w:body><w:p><w:r><w:t>Laporan</w:t></w:r></w:p></w:body></w:document>",
        }
    )


def upload(name, data, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


GOOD = [
    ("laporan.pdf", pdf_bytes, "pdf", "application/pdf"),
    ("foto.jpg", jpeg_bytes, "jpeg", "image/jpeg"),
    ("foto.png", png_bytes, "png", "image/png"),
    ("capaian.xlsx", xlsx_bytes, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("laporan.docx", docx_bytes, "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
]


@pytest.mark.parametrize(("name", "make", "kind", "content_type"), GOOD)
def test_good_files_of_each_type_are_accepted(name, make, kind, content_type):
    inspected = services.inspect_file(upload(name, make()), LIMIT)
    assert inspected.kind == kind
    assert inspected.content_type == content_type


def _zip_bomb_xlsx():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (12 * 1024 * 1024))
    return out.getvalue()


def _encrypted_pdf():
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes())))
    writer.encrypt("rahasia")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


BAD = [
    ("zero bytes", "kosong.pdf", lambda: b"", "empty"),
    ("Windows program named .pdf", "laporan.pdf", lambda: b"MZ\x90\x00\x03" + b"\x00" * 200, "program"),
    ("Linux program named .pdf", "laporan.pdf", lambda: b"\x7fELF\x02\x01\x01" + b"\x00" * 200, "program"),
    (
        "HTML named .pdf",
        "laporan.pdf",
        lambda: b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>",
        "web page",
    ),
    (
        "polyglot: PDF header, HTML content",
        "laporan.pdf",
        lambda: b"%PDF-1.4\n<html><body><script>alert(1)</script></body></html>\n%%EOF\n",
        "web page",
    ),
    ("truncated PDF", "laporan.pdf", lambda: pdf_bytes()[: len(pdf_bytes()) // 2], "incomplete"),
    (
        "PDF with an end but a broken body",
        "laporan.pdf",
        lambda: b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 9 0 R >>\nendobj\ngarbage\n%%EOF\n",
        "damaged",
    ),
    ("password-protected PDF", "laporan.pdf", _encrypted_pdf, "password"),
    ("text file named .docx", "laporan.docx", lambda: b"Ini hanya teks biasa, bukan dokumen Word.\n" * 20, "not PDF"),
    ("zip bomb named .xlsx", "capaian.xlsx", _zip_bomb_xlsx, "zip bomb"),
    ("plain zip named .xlsx", "capaian.xlsx", lambda: office_zip({"a.txt": "halo"}), "zip archive"),
    (
        "xlsx with macros",
        "capaian.xlsx",
        lambda: office_zip(
            {"[Content_Types].xml": CONTENT_TYPES, "xl/workbook.xml": "<workbook/>", "xl/vbaProject.bin": "x"}
        ),
        "macros",
    ),
    ("truncated PNG", "foto.png", lambda: png_bytes()[:60], "damaged"),
    ("truncated JPEG", "foto.jpg", lambda: jpeg_bytes()[:300], "damaged"),
    ("old Word document", "laporan.docx", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "old Office"),
]


@pytest.mark.parametrize(("label", "name", "make", "says"), BAD, ids=[b[0] for b in BAD])
def test_bad_files_are_refused_with_a_clear_reason(label, name, make, says):
    with pytest.raises(services.ValidationError) as refused:
        services.inspect_file(upload(name, make()), LIMIT)
    assert says.lower() in " ".join(refused.value.messages).lower()


def test_oversized_file_is_refused_before_it_is_read():
    big = upload("besar.pdf", pdf_bytes())
    with pytest.raises(services.ValidationError) as refused:
        services.inspect_file(big, big.size - 1)
    assert "largest allowed" in refused.value.messages[0]


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_image_with_absurd_dimensions_is_refused():
    from PIL import Image

    old = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = 100 * 80 - 1
    try:
        with pytest.raises(services.ValidationError) as refused:
            services.inspect_file(upload("foto.png", png_bytes()), LIMIT)
    finally:
        Image.MAX_IMAGE_PIXELS = old
    assert "too large" in refused.value.messages[0]


# --- the competition around the files ---


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def open_edition(edition, participants):
    edition.state = Edition.State.ASSESSMENT
    edition.save(update_fields=["state"])
    return edition


@pytest.fixture
def rogojampi_entry(open_edition):
    return Participant.objects.get(edition=open_edition, district_id="35.10.13")


@pytest.fixture
def taman_entry(open_edition):
    return Participant.objects.get(edition=open_edition, district_id="35.15.13")


@pytest.fixture
def desk_indicators(open_edition):
    return list(services.required_indicators(open_edition))


@pytest.fixture
def indicator(desk_indicators):
    return desk_indicators[0]


def checklist_url(participant):
    return reverse("assessments:evidence_checklist", args=[participant.pk])


def upload_url(participant, indicator):
    return reverse("assessments:evidence_upload", args=[participant.pk, indicator.pk])


def file_url(name, evidence):
    return reverse(f"assessments:evidence_{name}", args=[evidence.token])


def add(participant, indicator, user, name="laporan.pdf", data=None, caption="Laporan"):
    stored, refused = services.add_files(participant, indicator, [upload(name, data or pdf_bytes())], caption, user)
    assert not refused, refused
    return stored[0]


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_camat_uploads_several_files_and_the_checklist_updates(client, camat, rogojampi_entry, indicator, media):
    client.force_login(camat)
    response = client.get(checklist_url(rogojampi_entry))
    assert response.status_code == 200
    assert "Missing" in response.text or "Belum" in response.text
    response = client.post(
        upload_url(rogojampi_entry, indicator),
        {"files": [upload("SK Tim.pdf", pdf_bytes()), upload("foto.png", png_bytes())], "caption": "SK dan foto"},
        follow=True,
    )
    assert response.status_code == 200
    files = list(EvidenceFile.objects.filter(participant=rogojampi_entry, indicator=indicator))
    assert {f.kind for f in files} == {"pdf", "png"}
    assert all(f.caption == "SK dan foto" and f.uploaded_by == camat for f in files)
    # Stored under a random name, nothing of the uploader's name or extension.
    for evidence in files:
        assert re.fullmatch(r"evidence/\d+/[0-9a-f]{32}", evidence.file.name)
        assert (media / evidence.file.name).exists()
    page = client.get(checklist_url(rogojampi_entry)).text
    assert "SK Tim.pdf" in page and "foto.png" in page
    assert "1 of 6 indicators have evidence" in page or "1 dari 6" in page


def test_a_refused_file_leaves_earlier_uploads_alone(client, camat, rogojampi_entry, indicator):
    good = add(rogojampi_entry, indicator, camat)
    client.force_login(camat)
    response = client.post(
        upload_url(rogojampi_entry, indicator),
        {"files": [upload("virus.pdf", b"MZ" + b"\0" * 100), upload("ok.png", png_bytes())]},
        follow=True,
    )
    text = " ".join(messages_of(response))
    assert "virus.pdf" in text and "program" in text
    assert EvidenceFile.objects.filter(participant=rogojampi_entry).count() == 2  # the old one and ok.png
    good.refresh_from_db()
    assert services.is_current(good)
    assert good.file.open("rb").read() == pdf_bytes()


def test_oversized_upload_is_dropped_by_the_upload_handler(client, camat, rogojampi_entry, indicator, open_edition):
    open_edition.evidence_max_mb = 1
    open_edition.save(update_fields=["evidence_max_mb"])
    client.force_login(camat)
    big = pdf_bytes() + b"%" + b"x" * (1024 * 1024 + 10) + b"\n%%EOF\n"
    response = client.post(upload_url(rogojampi_entry, indicator), {"files": [upload("besar.pdf", big)]}, follow=True)
    assert any("besar.pdf" in m and "larger than 1 MB" in m for m in messages_of(response))
    assert not EvidenceFile.objects.exists()


def test_oversized_request_is_refused_from_its_length_alone(client, camat, rogojampi_entry, indicator, open_edition):
    open_edition.evidence_max_mb = 1
    open_edition.save(update_fields=["evidence_max_mb"])
    evidence = add(rogojampi_entry, indicator, camat)
    client.force_login(camat)
    big = b"%PDF-" + b"x" * (2 * 1024 * 1024 + 10)
    response = client.post(
        file_url("replace", evidence), {"file": upload("besar.pdf", big)}, HTTP_X_REQUESTED_WITH="XMLHttpRequest"
    )
    assert response.status_code == 413
    assert "too large" in response.json()["error"]
    assert EvidenceFile.objects.count() == 1


def test_upload_by_xhr_answers_where_to_go(client, camat, rogojampi_entry, indicator):
    client.force_login(camat)
    response = client.post(
        upload_url(rogojampi_entry, indicator),
        {"files": [upload("a.pdf", pdf_bytes())]},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )
    assert response.status_code == 200
    assert response.json()["redirect"].endswith(f"{checklist_url(rogojampi_entry)}#indicator-{indicator.pk}")
    bad = client.post(
        upload_url(rogojampi_entry, indicator),
        {"files": [upload("a.pdf", b"")]},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )
    assert bad.status_code == 400
    assert "empty" in bad.json()["error"]


def test_download_name_and_type_follow_the_content(client, camat, rogojampi_entry, indicator):
    evidence = add(rogojampi_entry, indicator, camat, name="foto kegiatan.pdf", data=png_bytes())
    client.force_login(camat)
    response = client.get(file_url("download", evidence))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment")
    assert 'filename="foto kegiatan.png"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert b"".join(response.streaming_content) == png_bytes()


def test_replace_keeps_the_earlier_version_downloadable(client, camat, operator, rogojampi_entry, indicator):
    first = add(rogojampi_entry, indicator, camat, data=pdf_bytes("versi 1"), caption="Laporan")
    client.force_login(operator)
    response = client.post(file_url("replace", first), {"file": upload("laporan-v2.pdf", pdf_bytes("versi 2"))})
    assert response.status_code == 302
    second = EvidenceFile.objects.get(replaces=first)
    assert second.caption == "Laporan" and second.uploaded_by == operator
    current = services.current_files().filter(participant=rogojampi_entry)
    assert list(current) == [second]
    page = client.get(checklist_url(rogojampi_entry)).text
    assert "1 earlier version" in page or "1 versi" in page
    for evidence, text in ((first, "versi 1"), (second, "versi 2")):
        body = b"".join(client.get(file_url("download", evidence)).streaming_content)
        assert body == pdf_bytes(text)
    # The old version cannot be replaced a second time (that would fork the history).
    response = client.post(file_url("replace", first), {"file": upload("x.pdf", pdf_bytes())}, follow=True)
    assert any("already replaced" in m for m in messages_of(response))
    assert EvidenceFile.objects.count() == 2


def test_withdraw_keeps_the_file_in_the_history(client, camat, rogojampi_entry, indicator):
    evidence = add(rogojampi_entry, indicator, camat)
    client.force_login(camat)
    client.post(file_url("withdraw", evidence))
    evidence.refresh_from_db()
    assert evidence.withdrawn_by == camat
    assert services.missing_indicators(rogojampi_entry)[0] == indicator
    assert client.get(file_url("download", evidence)).status_code == 200


def test_caption_and_public_flag_can_be_edited(client, camat, rogojampi_entry, indicator):
    evidence = add(rogojampi_entry, indicator, camat)
    client.force_login(camat)
    client.post(file_url("update", evidence), {"caption": "SK Camat", "is_public": "on"})
    evidence.refresh_from_db()
    assert (evidence.caption, evidence.is_public) == ("SK Camat", True)


def test_indicator_of_another_edition_or_without_evidence_is_refused(client, camat, rogojampi_entry, open_edition):
    no_evidence = Indicator.objects.filter(aspect__stage__edition=open_edition, requires_evidence=False).first()
    client.force_login(camat)
    response = client.post(upload_url(rogojampi_entry, no_evidence), {"files": [upload("a.pdf", pdf_bytes())]})
    assert response.status_code == 404
    with pytest.raises(services.ValidationError):
        services.add_files(rogojampi_entry, no_evidence, [upload("a.pdf", pdf_bytes())], "", camat)
    assert not EvidenceFile.objects.exists()


# --- who may see and do what ---


def test_another_kecamatan_is_refused_for_every_view_and_file(client, camat, other_camat, rogojampi_entry, indicator):
    evidence = add(rogojampi_entry, indicator, camat)
    client.force_login(other_camat)
    pk = rogojampi_entry.pk
    gets = [
        checklist_url(rogojampi_entry),
        reverse("assessments:evidence_submit", args=[pk]),
        file_url("download", evidence),
    ]
    for url in gets:
        assert client.get(url).status_code == 404, url
    posts = [
        (upload_url(rogojampi_entry, indicator), {"files": [upload("a.pdf", pdf_bytes())]}),
        (reverse("assessments:evidence_submit", args=[pk]), {"confirm": "on"}),
        (reverse("assessments:evidence_extend", args=[pk]), {"until": "2099-01-01T10:00"}),
        (file_url("replace", evidence), {"file": upload("a.pdf", pdf_bytes())}),
        (file_url("update", evidence), {"caption": "diubah"}),
        (file_url("withdraw", evidence), {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    evidence.refresh_from_db()
    assert evidence.caption == "Laporan" and evidence.withdrawn_at is None
    assert EvidenceFile.objects.count() == 1
    assert not EntryEvent.objects.exists()
    # Its own page lists only its own entries.
    page = client.get(reverse("assessments:evidence_home")).text
    assert "Rogojampi" not in page


def test_admins_of_the_kecamatan_see_but_cannot_change(
    client, camat, regency_admin, other_regency_admin, province_admin, other_province_admin, rogojampi_entry, indicator
):
    evidence = add(rogojampi_entry, indicator, camat)
    for user in (regency_admin, province_admin):
        client.force_login(user)
        assert client.get(checklist_url(rogojampi_entry)).status_code == 200
        assert client.get(file_url("download", evidence)).status_code == 200
        assert client.post(file_url("withdraw", evidence)).status_code == 404
    for user in (other_regency_admin, other_province_admin):
        client.force_login(user)
        assert client.get(checklist_url(rogojampi_entry)).status_code == 404
        assert client.get(file_url("download", evidence)).status_code == 404


def test_outsider_guessing_file_urls_is_refused(client, camat, make_user, taman, rogojampi_entry, indicator):
    evidence = add(rogojampi_entry, indicator, camat)
    evidence.is_public = True
    evidence.save()
    # Anonymous: sent to log in, whether the address exists or not (nothing confirmed).
    for url in (file_url("download", evidence), reverse("assessments:evidence_download", args=[uuid.uuid4()])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    stranger = make_user("operator-taman", Role.DISTRICT_OPERATOR, district=taman)
    client.force_login(stranger)
    assert client.get(file_url("download", evidence)).status_code == 404
    assert client.get(f"/kompetisi/data-dukung/{evidence.pk}/unduh/").status_code == 404  # sequential ids mean nothing
    assert client.get(checklist_url(rogojampi_entry)).status_code == 404


def test_assigned_assessor_may_download_others_not(
    client, camat, other_camat, assessor, make_user, jatim, rogojampi_entry, taman_entry, indicator
):
    from assessments.models import EditionAssessor

    desk = indicator.aspect.stage
    mine = add(rogojampi_entry, indicator, camat)
    theirs = add(taman_entry, indicator, other_camat)
    EditionAssessor.objects.create(edition=rogojampi_entry.edition, user=assessor)  # assigned only as a member
    Assignment.objects.create(stage=desk, assessor=assessor, participant=rogojampi_entry)
    # Taman lies in the assessor's home regency (Sidoarjo): a conflict even when assigned.
    Assignment.objects.create(stage=desk, assessor=assessor, participant=taman_entry)
    client.force_login(assessor)
    assert client.get(file_url("download", mine)).status_code == 200
    assert client.get(checklist_url(rogojampi_entry)).status_code == 200
    assert client.get(file_url("download", theirs)).status_code == 404
    assert client.post(file_url("withdraw", mine)).status_code == 404

    unassigned = make_user("penilai-its", Role.ASSESSOR, province=jatim)
    client.force_login(unassigned)
    assert client.get(file_url("download", mine)).status_code == 404

    declared = make_user("penilai-ub", Role.ASSESSOR, province=jatim)
    Assignment.objects.create(stage=desk, assessor=declared, participant=rogojampi_entry)
    Conflict.objects.create(
        edition=rogojampi_entry.edition, assessor=declared, participant=rogojampi_entry, reason="Kerabat"
    )
    client.force_login(declared)
    assert client.get(file_url("download", mine)).status_code == 404


def test_public_only_after_publication_and_only_public_files(client, camat, rogojampi_entry, indicator, open_edition):
    public = add(rogojampi_entry, indicator, camat)
    public.is_public = True
    public.save()
    private = add(rogojampi_entry, indicator, camat, name="internal.pdf")
    assert client.get(file_url("download", public)).status_code == 302  # assessment: nobody outside
    open_edition.state = Edition.State.PUBLISHED
    open_edition.save(update_fields=["state"])
    assert client.get(file_url("download", public)).status_code == 200
    assert client.get(file_url("download", private)).status_code == 302
    assert list(services.public_evidence(rogojampi_entry)) == [public]


# --- deadline, checklist and "Kirim" ---


def test_upload_after_the_deadline_is_refused_on_the_server(client, camat, rogojampi_entry, indicator, open_edition):
    evidence = add(rogojampi_entry, indicator, camat)
    open_edition.evidence_deadline = timezone.now() - timedelta(minutes=1)
    open_edition.save(update_fields=["evidence_deadline"])
    client.force_login(camat)
    response = client.post(
        upload_url(rogojampi_entry, indicator), {"files": [upload("a.pdf", pdf_bytes())]}, follow=True
    )
    assert any("deadline passed" in m for m in messages_of(response))
    client.post(file_url("replace", evidence), {"file": upload("b.pdf", pdf_bytes("baru"))})
    client.post(file_url("update", evidence), {"caption": "baru"})
    client.post(file_url("withdraw", evidence))
    evidence.refresh_from_db()
    assert EvidenceFile.objects.count() == 1
    assert evidence.caption == "Laporan" and evidence.withdrawn_at is None
    page = client.get(checklist_url(rogojampi_entry)).text
    assert 'name="files"' not in page  # no upload form offered either


def test_extension_lets_only_that_kecamatan_upload(
    client, camat, other_camat, province_admin, rogojampi_entry, taman_entry, indicator, open_edition
):
    open_edition.evidence_deadline = timezone.now() - timedelta(hours=1)
    open_edition.save(update_fields=["evidence_deadline"])
    client.force_login(camat)
    assert (
        client.post(
            reverse("assessments:evidence_extend", args=[rogojampi_entry.pk]), {"until": "2099-01-01T10:00"}
        ).status_code
        == 404
    )
    client.force_login(province_admin)
    until = timezone.localtime() + timedelta(days=2)
    response = client.post(
        reverse("assessments:evidence_extend", args=[rogojampi_entry.pk]),
        {"until": until.strftime("%Y-%m-%dT%H:%M"), "reason": "Server kabupaten mati"},
    )
    assert response.status_code == 302
    event = EntryEvent.objects.get()
    assert (event.action, event.by, event.reason) == ("extend", province_admin, "Server kabupaten mati")
    assert rogojampi_entry.submission.deadline_extended_by == province_admin
    client.force_login(camat)
    client.post(upload_url(rogojampi_entry, indicator), {"files": [upload("a.pdf", pdf_bytes())]})
    assert EvidenceFile.objects.filter(participant=rogojampi_entry).count() == 1
    client.force_login(other_camat)
    client.post(upload_url(taman_entry, indicator), {"files": [upload("a.pdf", pdf_bytes())]})
    assert not EvidenceFile.objects.filter(participant=taman_entry).exists()


def test_submission_needs_every_indicator_and_locks_the_entry(
    client, camat, province_admin, rogojampi_entry, desk_indicators
):
    client.force_login(camat)
    submit = reverse("assessments:evidence_submit", args=[rogojampi_entry.pk])
    add(rogojampi_entry, desk_indicators[0], camat)
    page = client.get(submit).text
    assert desk_indicators[1].name in page and desk_indicators[0].name not in page.split("missing")[-1]
    response = client.post(submit, {"confirm": "on"})
    assert any(desk_indicators[-1].name in m for m in messages_of(response))
    assert services.entry_status(rogojampi_entry).editable
    for indicator in desk_indicators[1:]:
        add(rogojampi_entry, indicator, camat)
    assert client.post(submit, {}).status_code == 200  # confirmation box not ticked: not sent
    response = client.post(submit, {"confirm": "on"})
    assert response.status_code == 302
    rogojampi_entry.refresh_from_db()
    assert rogojampi_entry.submission.submitted_by == camat
    response = client.post(
        upload_url(rogojampi_entry, desk_indicators[0]), {"files": [upload("a.pdf", pdf_bytes())]}, follow=True
    )
    assert any("submitted" in m for m in messages_of(response))
    assert EvidenceFile.objects.count() == len(desk_indicators)
    # The province admin's extension opens the entry again.
    services.extend_deadline(rogojampi_entry, timezone.now() + timedelta(days=1), province_admin)
    rogojampi_entry.refresh_from_db()
    assert services.entry_status(rogojampi_entry).editable


def test_no_uploads_once_results_are_final(camat, rogojampi_entry, indicator, open_edition):
    open_edition.state = Edition.State.FINAL
    open_edition.save(update_fields=["state"])
    rogojampi_entry.refresh_from_db()
    with pytest.raises(services.ValidationError):
        services.add_files(rogojampi_entry, indicator, [upload("a.pdf", pdf_bytes())], "", camat)


# --- reads: fixed number of queries ---


def test_checklist_page_queries_do_not_grow_with_files(client, camat, rogojampi_entry, desk_indicators):
    client.force_login(camat)
    add(rogojampi_entry, desk_indicators[0], camat)
    client.get(checklist_url(rogojampi_entry))
    with CaptureQueriesContext(connection) as few:
        client.get(checklist_url(rogojampi_entry))
    for indicator in desk_indicators:
        first = add(rogojampi_entry, indicator, camat)
        add(rogojampi_entry, indicator, camat, name="foto.png", data=png_bytes())
        services.replace_file(first, upload("v2.pdf", pdf_bytes("v2")), "", camat)
    with CaptureQueriesContext(connection) as many:
        response = client.get(checklist_url(rogojampi_entry))
    assert response.status_code == 200
    assert len(many) == len(few)


def test_evidence_by_indicator_is_one_query(camat, rogojampi_entry, desk_indicators, django_assert_num_queries):
    for indicator in desk_indicators[:3]:
        old = add(rogojampi_entry, indicator, camat)
        services.replace_file(old, upload("v2.pdf", pdf_bytes("v2")), "", camat)
    stage = desk_indicators[0].aspect.stage
    with django_assert_num_queries(1):
        grouped = services.evidence_by_indicator(rogojampi_entry, stage)
        names = [f.uploaded_by.username for files in grouped.values() for f in files]
    assert len(grouped) == 3 and all(len(files) == 1 for files in grouped.values())
    assert names == [camat.username] * 3


def test_score_sheet_shows_the_kecamatans_files_beside_each_indicator(
    client, camat, assessor, rogojampi_entry, indicator
):
    from assessments.models import EditionAssessor, ScoreSheet, StageEntry

    evidence = add(rogojampi_entry, indicator, camat, caption="SK Tim Inovasi")
    desk = indicator.aspect.stage
    StageEntry.objects.create(stage=desk, participant=rogojampi_entry)
    EditionAssessor.objects.create(edition=rogojampi_entry.edition, user=assessor)
    Assignment.objects.create(stage=desk, assessor=assessor, participant=rogojampi_entry)
    sheet = ScoreSheet.objects.create(stage=desk, assessor=assessor, participant=rogojampi_entry)
    client.force_login(assessor)
    html = client.get(reverse("assessments:sheet", args=[sheet.pk])).content.decode()
    beside = html[html.index(f'id="evidence-{indicator.pk}"') :][:1500]
    assert "SK Tim Inovasi" in beside and str(evidence.token) in beside


# --- demo ---


def test_demo_evidence_is_valid_and_idempotent(open_edition, province_admin):
    created = create_demo_evidence(open_edition)
    desk = open_edition.stages.get(kind=Stage.Kind.DESK)
    assert created > 0
    assert create_demo_evidence(open_edition) == 0
    for evidence in EvidenceFile.objects.all():
        assert evidence.indicator.aspect.stage == desk
        services.inspect_file(evidence.file, LIMIT)
    for participant in Participant.objects.filter(edition=open_edition, district_id__in=["35.10.13", "35.28.04"]):
        assert services.missing_indicators(participant) == []


def test_large_upload_streams_to_a_temporary_file(client, camat, rogojampi_entry, indicator, monkeypatch, settings):
    """Above FILE_UPLOAD_MAX_MEMORY_SIZE the file reaches the checks on disk, not in memory."""
    seen = []
    inspect = services.inspect_file

    def recording(uploaded, limit):
        seen.append(type(uploaded).__name__)
        return inspect(uploaded, limit)

    monkeypatch.setattr(services, "inspect_file", recording)
    # A valid PDF whose page text makes it just over the in-memory limit.
    big = minimal_pdf(["Data " * (settings.FILE_UPLOAD_MAX_MEMORY_SIZE // 5 + 10)])
    client.force_login(camat)
    client.post(upload_url(rogojampi_entry, indicator), {"files": [upload("besar.pdf", big)]})
    assert seen == ["TemporaryUploadedFile"]
    assert EvidenceFile.objects.filter(original_name="besar.pdf", size=len(big)).exists()


# --- the innovations an entry presents ---


def test_the_kecamatan_chooses_which_of_its_innovations_the_entry_presents(
    client, camat, rogojampi_entry, taman, rogojampi
):
    from districts.models import Innovation

    def innovation(district, name):
        return Innovation.objects.create(
            district=district, name=name, category="digital", problem="-", idea="-", how_it_works="-", start_year=2021
        )

    own, other = innovation(rogojampi, "Rogojampi Smart Service"), innovation(taman, "Taman Bersih")
    url = reverse("assessments:entry_innovations", args=[rogojampi_entry.pk])
    client.force_login(camat)
    assert "Rogojampi Smart Service" in client.get(checklist_url(rogojampi_entry)).content.decode()
    client.post(url, {"innovations": [own.pk]})
    assert list(rogojampi_entry.presented_innovations.all()) == [own]
    # Another kecamatan's innovation is not among the choices: nothing changes.
    response = client.post(url, {"innovations": [own.pk, other.pk]}, follow=True)
    assert "Choose among the kecamatan" in response.content.decode()
    assert list(rogojampi_entry.presented_innovations.all()) == [own]
    # After the deadline the choice is fixed, like the evidence.
    rogojampi_entry.edition.evidence_deadline = timezone.now() - timedelta(days=1)
    rogojampi_entry.edition.save(update_fields=["evidence_deadline"])
    client.post(url, {"innovations": []})
    assert list(rogojampi_entry.presented_innovations.all()) == [own]


def test_innovation_page_shows_public_evidence_of_published_entries_that_presented_it(
    client, camat, rogojampi_entry, indicator, rogojampi
):
    from districts.models import Innovation

    innovation = Innovation.objects.create(
        district=rogojampi,
        name="Rogojampi Smart Service",
        category="digital",
        problem="-",
        idea="-",
        how_it_works="-",
        start_year=2021,
        is_published=True,
    )
    rogojampi_entry.presented_innovations.add(innovation)
    public = add(rogojampi_entry, indicator, camat, caption="Foto layanan")
    services.update_file(public, "Foto layanan", True, camat)
    hidden = add(rogojampi_entry, indicator, camat, caption="Laporan internal")
    page_url = reverse("catalogue:detail", args=[innovation.pk])
    assert "Foto layanan" not in client.get(page_url).content.decode()  # not published yet
    Edition.objects.filter(pk=rogojampi_entry.edition_id).update(state=Edition.State.PUBLISHED)
    page = client.get(page_url).content.decode()
    assert "Foto layanan" in page and str(public.token) in page
    assert "Laporan internal" not in page and str(hidden.token) not in page
