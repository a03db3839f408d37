"""The printed documents: decree, certificates, recaps, champion reports, their verification and jobs."""

import io
import re
import threading
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from assessments.domain import documents, jobs
from assessments.domain.ranking import final_ranking
from assessments.models import Award, AwardCategory, Document, DocumentJob, Edition
from sp2k.demo.documents import create_demo_decree  # the test of the demo's decree
from tests.assessments.domain.test_abandoned_jobs import hold_the_lock_elsewhere
from tests.factories import DecreeFactory, final_edition_with_scores

MM = 72 / 25.4
CATEGORIES = ["Juara I", "Juara II", "Juara III", "Juara Harapan I", "Juara Harapan II"]


def pdf_text(data):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def flat(text):
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def final_edition(province_admin, make_user, jatim):
    """A 2022 edition (FINAL, scored) with Juara I–III and Harapan I–II confirmed, and its decree."""
    from sp2k.accounts.models import Role

    assessors = [make_user(f"penilai-nomor-{i}", Role.ASSESSOR, province=jatim) for i in (1, 2, 3)]
    edition = final_edition_with_scores(province_admin, assessors)
    rows = final_ranking(edition)
    now = timezone.now()
    for order, (name, row) in enumerate(zip(CATEGORIES, rows, strict=False), start=1):
        category = AwardCategory.objects.create(edition=edition, order=order, name=name, rank=order)
        Award.objects.create(
            category=category,
            participant=row.participant,
            final_score=row.score,
            confirmed_by=province_admin,
            confirmed_at=now,
        )
    DecreeFactory(edition=edition)
    return edition


def login(client, user):
    client.force_login(user)
    return client


def english(client):
    """Page texts are checked in English (the msgids): the Indonesian translations may change."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def issue(client, edition, **data):
    return client.post(reverse("documents:issue", args=[edition.pk]), data)


@pytest.mark.django_db
def test_decree_states_number_winners_in_order_amounts_and_date_on_f4(client, final_edition, province_admin):
    response = issue(login(client, province_admin), final_edition, kind="decree")
    assert response.status_code == 302
    pdf = client.get(response.url)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    data = b"".join(pdf.streaming_content) if pdf.streaming else pdf.content
    reader = PdfReader(io.BytesIO(data))
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / MM), round(float(box.height) / MM)) == (215, 330)
    text = flat(pdf_text(data))
    assert "KEPUTUSAN GUBERNUR JAWA TIMUR" in text
    assert "NOMOR 188/966/KPTS/013/2022" in text
    assert "Menimbang" in text and "Mengingat" in text and "MEMUTUSKAN" in text
    assert "Undang-Undang Nomor 23 Tahun 2014 tentang Pemerintahan Daerah" in text
    for word in ("KESATU", "KEDUA", "KETIGA", "KEEMPAT"):
        assert word in text
    assert "Ditetapkan di Surabaya" in text and "pada tanggal 21 Desember 2022" in text
    assert "KHOFIFAH INDAR PARAWANSA" in text
    assert "Juara I sebesar Rp50.000.000,00 (lima puluh juta rupiah)" in text
    assert "Juara Harapan II sebesar Rp15.000.000,00 (lima belas juta rupiah)" in text
    annex = flat(pdf_text(data)[pdf_text(data).index("LAMPIRAN") :])
    positions = [annex.index(name) for name in ("Rogojampi", "Taman", "Tongas", "Bumiaji", "Pamekasan")]
    assert positions == sorted(positions)
    assert "TANGGAL : 21 Desember 2022" in annex
    # The annex prints each winner's confirmed score with a decimal comma.
    juara_1 = Award.objects.get(category__edition=final_edition, category__order=1)
    assert f"{juara_1.final_score:.2f}".replace(".", ",") in annex
    assert "Kabupaten Banyuwangi" in annex


@pytest.mark.django_db
def test_decree_on_a4_when_chosen(final_edition, province_admin):
    final_edition.decree.page_size = "A4"
    final_edition.decree.save()
    document = documents.issue_decree(final_edition, province_admin)
    box = PdfReader(io.BytesIO(documents.pdf_of(document))).pages[0].mediabox
    assert (round(float(box.width) / MM), round(float(box.height) / MM)) == (210, 297)


@pytest.mark.django_db
def test_decree_letters_every_consideration_and_paid_award_once(final_edition, province_admin):
    """Beyond ten paid awards (or twelve considerations) the letters go on instead of starting again at a."""
    document = documents.issue_decree(final_edition, province_admin)
    winner = document.facts["winners"][0]
    document.facts["winners"] = [{**winner, "award": f"Penghargaan {n}", "amount": 1_000_000 * n} for n in range(1, 29)]
    document.facts["considerations"] = [f"bahwa pertimbangan nomor {n};" for n in range(1, 15)]
    text = flat(pdf_text(documents.render_pdf([document])))
    assert "l. Penghargaan 12 sebesar Rp12.000.000,00" in text
    assert "z. Penghargaan 26 sebesar" in text and "aa. Penghargaan 27 sebesar" in text
    assert "n. bahwa pertimbangan nomor 14;" in text
    assert "a. Penghargaan 11" not in text and "a. bahwa pertimbangan nomor 13" not in text


def test_indonesian_formats():
    assert documents.tanggal(date(2022, 12, 21)) == "21 Desember 2022"
    assert [documents.item_letter(n) for n in (1, 2, 26, 27, 28, 52, 53)] == ["a", "b", "z", "aa", "ab", "az", "ba"]
    assert [documents.ordinal_word(n) for n in (1, 2, 3, 4, 10)] == [
        "KESATU",
        "KEDUA",
        "KETIGA",
        "KEEMPAT",
        "KESEPULUH",
    ]
    assert documents.rupiah(1_250_000) == "Rp1.250.000,00"
    assert documents.rupiah_words(1_250_000) == "satu juta dua ratus lima puluh ribu rupiah"


@pytest.mark.django_db
def test_certificate_names_the_award_kecamatan_regency_and_date(final_edition, province_admin):
    award = Award.objects.get(category__edition=final_edition, category__order=1)
    document = documents.issue_certificate(award, province_admin)
    data = documents.pdf_of(document)
    page = PdfReader(io.BytesIO(data)).pages[0]
    assert page.mediabox.width > page.mediabox.height  # landscape
    text = flat(pdf_text(data))
    for expected in (
        "PIAGAM PENGHARGAAN",
        "KECAMATAN ROGOJAMPI",
        "Kabupaten Banyuwangi",
        "JUARA I",
        "SP2K Jawa Timur 2022 (contoh)",
        "Surabaya, 21 Desember 2022",
        document.code,
    ):
        assert expected in text


@pytest.mark.django_db
def test_recap_lists_assessors_totals_scores_and_ranks(final_edition, province_admin):
    stage = final_edition.stages.get(order=3)
    document = documents.issue_recap(stage, province_admin)
    text = flat(pdf_text(documents.pdf_of(document)))
    assert "BERITA ACARA REKAPITULASI NILAI" in text
    for i in (1, 2, 3):
        assert f"Penilai Nomor {i}" in text
    rows = document.facts["rows"]
    assert [r["district"] for r in rows][:2] == ["Rogojampi", "Taman"]
    assert rows[0]["rank"] == 1
    assert documents.score_text(rows[0]["score"]) in text
    assert text.index("Rogojampi") < text.index("Tongas")


@pytest.mark.django_db
def test_champion_report_has_innovations_scores_and_chart(final_edition, province_admin, rogojampi):
    from districts.models import Innovation

    Innovation.objects.create(
        district=rogojampi,
        name="Sigap Rogojampi",
        category=Innovation.Category.values[0],
        problem="Antrean panjang",
        idea="Layanan daring",
        start_year=2021,
    )
    award = Award.objects.get(category__edition=final_edition, category__order=1)
    document = documents.issue_champion_report(award, province_admin)
    text = flat(pdf_text(documents.pdf_of(document)))
    assert "LAPORAN JUARA" in text and "Sigap Rogojampi" in text
    for stage in final_edition.stages.all():
        assert stage.name in text
    assert documents.score_text(document.facts["final_score"]) in text
    assert "<svg" in documents.render_html([document])


@pytest.mark.django_db
def test_unchanged_facts_reuse_the_document_and_changes_supersede_it(client, final_edition, province_admin):
    first = documents.issue_decree(final_edition, province_admin)
    assert documents.issue_decree(final_edition, province_admin).pk == first.pk
    decree = final_edition.decree
    decree.date = date(2022, 12, 22)
    decree.save()
    second = documents.issue_decree(final_edition, province_admin)
    first.refresh_from_db()
    assert (first.status, second.status, second.version) == ("superseded", "current", 2)
    assert first.code != second.code and len(second.code) >= 20

    old_page = english(client).get(reverse("verify:document", args=[first.code]))
    assert old_page.status_code == 200
    assert "has been superseded" in old_page.content.decode()
    assert "21 Desember 2022" in old_page.content.decode()  # what the old paper states
    new_page = client.get(reverse("verify:document", args=[second.code])).content.decode()
    assert "genuine and current" in new_page
    # The winners only once the results are published (tests/assessments/views/public/test_verify.py).
    assert "22 Desember 2022" in new_page and "Rogojampi" not in new_page


@pytest.mark.django_db
def test_withdrawn_document_verifies_as_withdrawn(client, final_edition, province_admin):
    award = Award.objects.get(category__edition=final_edition, category__order=2)
    document = documents.issue_certificate(award, province_admin)
    login(client, province_admin)
    client.post(reverse("documents:withdraw", args=[document.pk]), {"reason": "Salah cetak"})
    document.refresh_from_db()
    assert document.status == Document.Status.WITHDRAWN and document.withdrawn_by == province_admin
    client.logout()
    page = english(client).get(reverse("verify:document", args=[document.code])).content.decode()
    assert "withdrawn" in page and "Salah cetak" in page
    assert "Taman" not in page  # the results are not published: the winner is not named


@pytest.mark.django_db
def test_forged_code_is_refused(client, final_edition, province_admin):
    document = documents.issue_decree(final_edition, province_admin)
    forged = document.code[:-1] + ("A" if document.code[-1] != "A" else "B")
    response = english(client).get(reverse("verify:document", args=[forged]))
    assert response.status_code == 404
    assert "not genuine" in response.content.decode()


@pytest.mark.django_db
def test_downloads_only_for_the_edition_province_admin(
    client, final_edition, province_admin, other_province_admin, camat, superuser
):
    document = documents.issue_decree(final_edition, province_admin)
    url = reverse("documents:download", args=[document.pk])
    assert client.get(url).status_code == 302  # anonymous: to the login page
    # Another province's: nothing of the edition exists for it (404); the province's own camat: refused.
    assert login(client, other_province_admin).get(url).status_code == 404
    assert login(client, camat).get(url).status_code == 403
    assert (
        login(client, other_province_admin)
        .post(reverse("documents:issue", args=[final_edition.pk]), {"kind": "decree"})
        .status_code
        == 404
    )
    page = reverse("documents:edition", args=[final_edition.pk])
    assert login(client, other_province_admin).get(page).status_code == 404
    assert login(client, superuser).get(url).status_code == 200
    assert login(client, province_admin).get(url).status_code == 200


@pytest.mark.django_db
def test_documents_page_and_decree_form(client, final_edition, province_admin, django_assert_max_num_queries):
    login(english(client), province_admin)
    documents.issue_decree(final_edition, province_admin)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("documents:edition", args=[final_edition.pk]))
    assert page.status_code == 200
    assert "188/966/KPTS/013/2022" in page.content.decode()
    form_url = reverse("documents:decree_form", args=[final_edition.pk])
    assert client.get(form_url).status_code == 200
    bad = client.post(
        form_url,
        {
            "number": "1/2/2022",
            "title": "T",
            "place": "Surabaya",
            "date": "2022-12-21",
            "signatory_office": "GUBERNUR JAWA TIMUR",
            "signatory_name": "X",
            "page_size": "F4",
            "considerations_text": "a",
            "legal_bases_text": "b",
            "amounts_text": "Juara Super = 5",
        },
    )
    assert bad.status_code == 200 and "is not an award of this edition" in bad.content.decode()
    ok = client.post(
        form_url,
        {
            "number": "1/2/2022",
            "title": "Penetapan Juara",
            "place": "Malang",
            "date": "2022-12-20",
            "signatory_office": "GUBERNUR JAWA TIMUR",
            "signatory_name": "NAMA",
            "page_size": "A4",
            "considerations_text": "bahwa satu;\nbahwa dua;",
            "legal_bases_text": "UU 1;",
            "amounts_text": "Juara I = 10.000.000",
        },
    )
    assert ok.status_code == 302
    final_edition.decree.refresh_from_db()
    assert final_edition.decree.considerations == ["bahwa satu;", "bahwa dua;"]
    assert final_edition.decree.amounts == {"Juara I": 10_000_000}


@pytest.mark.django_db
def test_documents_wait_for_final_results(final_edition, province_admin):
    from django.core.exceptions import ValidationError

    Edition.objects.filter(pk=final_edition.pk).update(state=Edition.State.ASSESSMENT)
    final_edition.refresh_from_db()
    with pytest.raises(ValidationError):
        documents.issue_decree(final_edition, province_admin)


@pytest.mark.django_db
def test_job_renders_all_certificates_and_the_file_downloads(client, final_edition, province_admin):
    login(client, province_admin)
    response = client.post(reverse("documents:job_start", args=[final_edition.pk]), {"kind": "certificates"})
    assert response.status_code == 302
    job = DocumentJob.objects.get(edition=final_edition)
    assert (job.status, job.done, job.total, job.percent) == ("done", 5, 5, 100)
    progress = client.get(reverse("documents:job", args=[job.pk])).content.decode()
    assert "every 1s" not in progress and reverse("documents:job_download", args=[job.pk]) in progress
    data = client.get(reverse("documents:job_download", args=[job.pk])).content
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 5
    text = flat(pdf_text(data))
    positions = [text.index(n) for n in ("ROGOJAMPI", "TAMAN", "TONGAS")]
    assert positions == sorted(positions)
    assert Document.objects.filter(edition=final_edition, kind="certificate", status="current").count() == 5

    # Unchanged facts: the same documents again. A changed decree date: every certificate gets version 2.
    jobs.all_certificates_pdf(final_edition, province_admin)
    assert Document.objects.filter(edition=final_edition, kind="certificate").count() == 5
    final_edition.decree.date = date(2022, 12, 23)
    final_edition.decree.save()
    client.post(reverse("documents:job_start", args=[final_edition.pk]), {"kind": "certificates"})
    certificates = Document.objects.filter(edition=final_edition, kind="certificate")
    assert sorted(certificates.values_list("version", "status")) == [(1, "superseded")] * 5 + [(2, "current")] * 5
    latest = DocumentJob.objects.filter(edition=final_edition).first()
    assert "23 Desember 2022" in pdf_text(client.get(reverse("documents:job_download", args=[latest.pk])).content)


@pytest.mark.django_db
def test_running_job_is_polled(client, final_edition, province_admin):
    job = DocumentJob.objects.create(edition=final_edition, kind="recaps", total=3, done=1, status="running")
    holding, release = threading.Event(), threading.Event()
    worker = hold_the_lock_elsewhere(job, holding, release)  # a live worker runs it (test_abandoned_jobs.py)
    try:
        page = login(client, province_admin).get(reverse("documents:job", args=[job.pk])).content.decode()
    finally:
        release.set()
        worker.join()
    assert 'hx-trigger="every 1s"' in page and 'value="33"' in page


@pytest.mark.django_db
def test_job_of_all_recaps(client, final_edition, province_admin):
    login(client, province_admin)
    client.post(reverse("documents:job_start", args=[final_edition.pk]), {"kind": "recaps"})
    job = DocumentJob.objects.get(edition=final_edition)
    assert job.status == "done" and job.total == 3
    text = flat(pdf_text(client.get(reverse("documents:job_download", args=[job.pk])).content))
    assert text.count("BERITA ACARA REKAPITULASI NILAI") == 3


@pytest.mark.django_db
def test_demo_decree_is_idempotent(final_edition):
    assert create_demo_decree(final_edition).pk == create_demo_decree(final_edition).pk
    assert final_edition.decree.page_size == "F4"


@pytest.mark.django_db
def test_printing_every_certificate_reads_the_provinces_letterhead_once(final_edition, province_admin):
    with CaptureQueriesContext(connection) as queries:
        jobs.all_certificates_pdf(final_edition, province_admin)
    assert Document.objects.filter(edition=final_edition, kind="certificate").count() == 5
    # Once for the five certificates' facts, once for the images they print: not once per certificate.
    assert sum("assessments_provinceletterhead" in q["sql"] for q in queries.captured_queries) == 2
