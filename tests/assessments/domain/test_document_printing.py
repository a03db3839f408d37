"""Issue 13: what the printed documents show — signatures kept with what they sign, the day's name, no doubled
words, whole chart labels, stage weights only where they count, the score explained, QR codes at SITE_URL,
the province's own emblem and letterhead, and a CONTOH watermark on the example edition's documents."""

import io
import re
import subprocess
from datetime import date

import pypdfium2
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from assessments.domain import documents
from assessments.domain.ranking import final_ranking
from assessments.models import Award, AwardCategory, Document, Edition
from sp2k.accounts.models import Role
from tests.factories import DecreeFactory, final_edition_with_scores

CATEGORIES = ["Juara I", "Juara II", "Juara III"]


def pages_text(data):
    return [re.sub(r"\s+", " ", page.extract_text()) for page in PdfReader(io.BytesIO(data)).pages]


def pdf_text(data):
    return " ".join(pages_text(data))


def png(color="red", size=(120, 140), image_format="PNG"):
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, image_format)
    return out.getvalue()


@pytest.fixture
def edition(province_admin, make_user, jatim):
    """A FINAL 2022 edition, not an example (is_demo off), with Juara I–III confirmed and its decree."""
    assessors = [make_user(f"penilai-nomor-{i}", Role.ASSESSOR, province=jatim) for i in (1, 2, 3)]
    edition = final_edition_with_scores(province_admin, assessors, name="SP2K Jawa Timur 2022")
    now = timezone.now()
    for order, (name, row) in enumerate(zip(CATEGORIES, final_ranking(edition), strict=False), start=1):
        category = AwardCategory.objects.create(edition=edition, order=order, name=name, rank=order)
        Award.objects.create(
            category=category, participant=row.participant, final_score=row.score, confirmed_by=province_admin
        )
    Award.objects.filter(category__edition=edition).update(confirmed_at=now)
    DecreeFactory(edition=edition)
    return edition


def juara_1(edition):
    return Award.objects.get(category__edition=edition, category__order=1)


def every_kind(edition, by):
    """One document of each kind the edition prints."""
    award = juara_1(edition)
    return {
        "decree": documents.issue_decree(edition, by),
        "certificate": documents.issue_certificate(award, by),
        "recap": documents.issue_recap(edition.stages.order_by("order").first(), by),
        "champion_report": documents.issue_champion_report(award, by),
    }


# --- the recap ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_recap_names_the_day_and_says_penilaian_once(edition, province_admin):
    stage = edition.stages.order_by("order").first()
    stage.name = "Penilaian administrasi (desk)"
    stage.ends_on = date(2023, 6, 13)  # a Tuesday
    stage.save(update_fields=["name", "ends_on"])
    text = pdf_text(documents.pdf_of(documents.issue_recap(stage, province_admin)))
    assert "Pada hari ini, Selasa, tanggal 13 Juni 2023, Tim Penilai" in text
    assert "melaksanakan penilaian administrasi (desk) dengan hasil" in text
    assert "penilaian penilaian" not in text.lower()
    assert documents.stage_activity("Presentasi dan wawancara") == "presentasi dan wawancara"
    assert documents.stage_activity("Tahap 2") == "penilaian Tahap 2"


@pytest.mark.django_db
def test_the_recaps_signature_lines_stay_on_the_page_of_their_heading(edition, province_admin):
    """However many rows push the closing block down, 'Tim Penilai:' is never left at the foot of a page."""
    document = documents.issue_recap(edition.stages.order_by("order").first(), province_admin)
    rows = document.facts["rows"]
    n_assessors = len(document.facts["assessors"])
    for n_rows in range(10, 30):
        facts = {**document.facts, "rows": [rows[i % len(rows)] for i in range(n_rows)]}
        copy = Document(edition=edition, kind=document.kind, code=document.code, version=1, facts=facts)
        for page in pages_text(documents.render_pdf([copy])):
            if "Tim Penilai:" in page:
                assert "Demikian berita acara" in page, n_rows
                assert page.count("Anggota Tim Penilai") == n_assessors, n_rows


@pytest.mark.django_db
def test_recap_explains_a_z_score_stage_score(edition, province_admin):
    Edition.objects.filter(pk=edition.pk).update(aggregation=Edition.Aggregation.ZSCORE)
    edition.refresh_from_db()
    text = pdf_text(documents.pdf_of(documents.issue_recap(edition.stages.first(), province_admin)))
    assert "bukan rata-rata nilai penilai, melainkan nilai baku" in text
    assert "50 + 10 × rata-rata skor-z" in text


# --- the champion report --------------------------------------------------------------------------


@pytest.mark.django_db
def test_chart_labels_are_whole(edition, province_admin):
    long_name = "Koordinasi penyelenggaraan pemerintahan dan pelayanan umum"
    aspect = edition.stages.order_by("order").first().aspects.first()
    aspect.name = long_name
    aspect.save(update_fields=["name"])
    chart = documents.chart([{"name": "Tahap", "aspects": [{"name": long_name, "score": "100"}]}])
    bar = chart["bars"][1]
    assert " ".join(line["text"] for line in bar["lines"]) == long_name
    assert bar["value_x"] + 30 <= chart["width"]  # "100,00" stays inside the picture
    document = documents.issue_champion_report(juara_1(edition), province_admin)
    assert "…" not in documents.render_html([document])


@pytest.mark.django_db
def test_stage_weights_are_printed_only_where_the_final_score_counts_them(edition, province_admin):
    stages = list(edition.stages.order_by("order"))
    Edition.objects.filter(pk=edition.pk).update(final_score=Edition.FinalScore.LAST_STAGE)
    edition.refresh_from_db()
    text = pdf_text(documents.pdf_of(documents.issue_champion_report(juara_1(edition), province_admin)))
    assert "Bobot aspek (%)" in text and "Bobot (%)" not in text
    assert f"Nilai akhir adalah nilai tahap terakhir ({stages[-1].name}) saja" in text
    decree_text = pdf_text(documents.pdf_of(documents.issue_decree(edition, province_admin)))
    assert "Nilai akhir adalah nilai tahap terakhir" in decree_text

    Edition.objects.filter(pk=edition.pk).update(final_score=Edition.FinalScore.WEIGHTED_STAGES)
    edition.refresh_from_db()
    report = documents.issue_champion_report(juara_1(edition), province_admin)
    text = pdf_text(documents.pdf_of(report))
    assert "Bobot (%)" in text
    assert "jumlah nilai tiap tahap dikalikan bobot tahapnya" in text
    stage_row = f"{stages[0].name} {documents.weight_text(stages[0].weight)} "
    assert stage_row in text


@pytest.mark.django_db
def test_z_score_editions_say_what_the_final_score_is(client, edition, province_admin):
    Edition.objects.filter(pk=edition.pk).update(aggregation=Edition.Aggregation.ZSCORE)
    edition.refresh_from_db()
    printed = every_kind(edition, province_admin)
    for kind in ("decree", "champion_report"):
        text = pdf_text(documents.pdf_of(printed[kind]))
        assert "nilai baku" in text and "50 + 10 × rata-rata skor-z" in text, kind
    Edition.objects.filter(pk=edition.pk).update(state=Edition.State.PUBLISHED)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = client.get(reverse("verify:document", args=[printed["certificate"].code])).content.decode()
    assert "A standard score on 0–100, not a mean of the assessors&#x27; totals" in page


# --- QR codes -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_qr_codes_lead_to_the_portals_public_address(edition, province_admin, settings):
    settings.SITE_URL = "https://sp2k.jatimprov.go.id"
    for kind, document in every_kind(edition, province_admin).items():
        url = f"https://sp2k.jatimprov.go.id/verifikasi/{document.code}/"
        html = documents.render_html([document])
        assert documents.qr_data_uri(url) in html, kind  # the QR image is the code of that very address
        assert "127.0.0.1" not in html, kind
        assert url in pdf_text(documents.render_pdf([document])), kind


# A page printed and scanned (or photographed) coarsely: the longest address, the decree's, needs about 110 dpi.
SCAN_DPI = 120


def qr_codes_read_from(pdf, tmp_path, dpi):
    """The QR codes a scanner reads off the PDF's pages printed at ``dpi`` (zbarimg, from zbar-tools)."""
    found, document = [], pypdfium2.PdfDocument(pdf)
    try:
        for number, page in enumerate(document, start=1):
            picture = tmp_path / f"page-{number}.png"
            page.render(scale=dpi / 72).to_pil().save(picture)
            read = subprocess.run(["zbarimg", "--quiet", "--raw", str(picture)], capture_output=True, text=True)  # noqa: S603, S607
            found += read.stdout.split()
    finally:
        document.close()
    return found


@pytest.mark.django_db
def test_every_documents_qr_code_scans_as_its_address(edition, province_admin, settings, tmp_path):
    settings.SITE_URL = "https://sp2k.jatimprov.go.id"
    for kind, document in every_kind(edition, province_admin).items():
        url = f"https://sp2k.jatimprov.go.id/verifikasi/{document.code}/"
        assert qr_codes_read_from(documents.render_pdf([document]), tmp_path, SCAN_DPI) == [url], kind


# --- the example edition --------------------------------------------------------------------------


@pytest.mark.django_db
def test_documents_of_the_example_edition_carry_a_contoh_watermark(client, edition, province_admin):
    for kind, document in every_kind(edition, province_admin).items():
        assert "CONTOH" not in pdf_text(documents.pdf_of(document)), kind
    genuine = client.get(reverse("verify:document", args=[document.code]), HTTP_ACCEPT_LANGUAGE="en")
    assert "genuine and current" in genuine.content.decode()

    Edition.objects.filter(pk=edition.pk).update(is_demo=True)
    edition.refresh_from_db()
    for kind, document in every_kind(edition, province_admin).items():
        text = pdf_text(documents.pdf_of(document))
        assert document.version == 2, kind  # a new version: the old one stated no watermark
        assert "CONTOH" in text and "tidak sah dan tidak berlaku" in text, kind
    page = client.get(reverse("verify:document", args=[document.code]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "This is an EXAMPLE document" in page
    assert "genuine and current" not in page


# --- the province's emblem and letterhead -----------------------------------------------------------


@pytest.mark.django_db
def test_province_uploads_its_emblem_and_letterhead_and_its_documents_show_them(client, edition, province_admin):
    before = every_kind(edition, province_admin)
    placeholder = documents.emblem_data_uri()
    assert placeholder in documents.render_html([before["decree"]])

    client.force_login(province_admin)
    page = client.get(reverse("documents:edition", args=[edition.pk]))
    url = reverse("documents:letterhead", args=[edition.pk])
    assert url in page.content.decode()  # reachable from the documents page
    emblem, kop = png("red"), png("blue", size=(1600, 260), image_format="JPEG")
    response = client.post(
        url,
        {
            "emblem": SimpleUploadedFile("lambang.png", emblem, "image/png"),
            "letterhead": SimpleUploadedFile("kop.jpg", kop, "image/jpeg"),
        },
    )
    assert response.status_code == 302

    after = every_kind(edition, province_admin)
    for kind, document in after.items():
        assert document.version == before[kind].version + 1, kind  # printed again: a new version
        html = documents.render_html([document])
        assert placeholder not in html, kind
        assert documents.pdf_of(document) != documents.pdf_of(before[kind])
    decree_html = documents.render_html([after["decree"]])
    assert "data:image/png;base64," in decree_html
    recap_html = documents.render_html([after["recap"]])
    assert 'class="kop-image" src="data:image/jpeg;base64,' in recap_html
    # The earlier versions keep their own files (what was printed then).
    assert placeholder in documents.render_html([before["recap"]]) or before["recap"].file

    # Removing the emblem prints the placeholder again.
    client.post(url, {"remove_emblem": "on"})
    assert placeholder in documents.render_html([documents.issue_decree(edition, province_admin)])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("lambang.gif", png(image_format="GIF"), "Upload a PNG or JPEG image."),
        ("lambang.png", b"not an image at all", "not a PNG or JPEG image, or it is damaged"),
        ("lambang.png", png()[:60], "not a PNG or JPEG image, or it is damaged"),
        ("lambang.png", b"\x89PNG" + b"0" * (2 * 1024 * 1024), "at most 2 MB"),
    ],
)
def test_emblem_upload_refuses_what_is_not_a_png_or_jpeg_within_the_limit(
    client, edition, province_admin, name, content, message
):
    client.force_login(province_admin)
    response = client.post(
        reverse("documents:letterhead", args=[edition.pk]),
        {"emblem": SimpleUploadedFile(name, content)},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert documents.letterhead_of(edition.province).pk is None


@pytest.mark.django_db
def test_only_the_provinces_admin_changes_its_letterhead(client, edition, other_province_admin, camat):
    url = reverse("documents:letterhead", args=[edition.pk])
    client.force_login(other_province_admin)
    assert client.get(url).status_code == 404
    client.force_login(camat)
    assert client.post(url, {"emblem": SimpleUploadedFile("a.png", png())}).status_code == 403
    assert documents.letterhead_of(edition.province).pk is None
