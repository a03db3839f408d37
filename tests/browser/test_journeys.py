"""The four journeys of issue 6, as their users would make them in Chromium.

An assessor scores with the keyboard only, a camat works on a phone, the province admin takes an
edition from the presentation ranking to the printed decree, and the public checks a certificate.
Each journey keeps screenshots of its key steps in ``test-artifacts/``.
"""

import datetime
import io
import re
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader, PdfWriter

from sp2k.accounts.models import Role
from tests.browser.conftest import login
from tests.conftest import PASSWORD

SAVED_AT = re.compile(r"tersimpan \d\d:\d\d")


def shot(page, artifacts, name):
    # caret="initial": hiding the caret makes Playwright leave style="" on every input, which htmx
    # then copies with setAttribute while settling a swap: a CSP report the page itself never causes.
    page.screenshot(path=artifacts / f"journey-{name}.png", full_page=True, caret="initial")


def number(text):
    """A figure as the page shows it ("80,17" in Indonesian, "80.17" in English)."""
    return Decimal(text.strip().replace(".", "").replace(",", ".")) if "," in text else Decimal(text.strip())


def csrf_token(page):
    return next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")


def small_pdf():
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def jatim_assessors(make_user, jatim, count):
    """Assessors without a home regency: no conflict of interest with anyone."""
    return [make_user(f"penilai-{i}", Role.ASSESSOR, province=jatim) for i in range(1, count + 1)]


def score_stage(stage, participants, assessors, value_of, by):
    """Bulk writes, as a finished stage would leave them: assignments and submitted sheets with scores."""
    from assessments.models import Assignment, Indicator, Score, ScoreChange, ScoreSheet

    now = timezone.now()
    pairs = [(a, p) for p in participants for a in assessors]
    Assignment.objects.bulk_create(Assignment(stage=stage, assessor=a, participant=p) for a, p in pairs)
    sheets = ScoreSheet.objects.bulk_create(
        ScoreSheet(stage=stage, assessor=a, participant=p, status=ScoreSheet.Status.SUBMITTED, submitted_at=now)
        for a, p in pairs
    )
    indicators = list(Indicator.objects.filter(aspect__stage=stage))
    scores, changes = [], []
    for sheet, (assessor, participant) in zip(sheets, pairs, strict=True):
        for indicator in indicators:
            value = Decimal(value_of(participant, indicator))
            scores.append(Score(sheet=sheet, indicator=indicator, value=value))
            changes.append(
                ScoreChange(
                    sheet=sheet, indicator=indicator, new_value=value, by=assessor, source=ScoreChange.Source.IMPORT
                )
            )
    Score.objects.bulk_create(scores)
    ScoreChange.objects.bulk_create(changes)


# --- 1. The assessor -------------------------------------------------------------------------------


@pytest.fixture
def open_edition(province_admin, assessor):
    """This year's edition in assessment, the desk stage (6 indicators) open, the assessor assigned."""
    from sp2k.demo.competition import build_open_edition

    return build_open_edition(province_admin, [assessor])


def test_assessor_scores_every_indicator_with_the_keyboard_and_submits(
    page_factory, open_edition, assessor, rogojampi, artifacts
):
    from assessments.models import Indicator, Score, ScoreSheet

    stage = open_edition.stages.order_by("order").first()
    indicators = list(
        Indicator.objects.filter(aspect__stage=stage).select_related("aspect").order_by("aspect__order", "order")
    )
    assert len(indicators) == 6
    values = ["70", "80", "90", "60", "85,5", "75"]

    page = page_factory(locale="id-ID")
    page.on("console", lambda m: print("DEBUG", page.url, m.location, m.text[:60]))
    login(page, assessor.username, PASSWORD)
    page.wait_for_url("**/dasbor/")
    page.click("nav >> text=Lembar penilaian saya")
    page.wait_for_url("**/kompetisi/lembar/")
    row = page.locator("tr", has_text="Rogojampi")
    # Taman lies in the assessor's home regency (Sidoarjo): it is never offered.
    expect(page.locator("tr", has_text="Kabupaten Sidoarjo")).to_have_count(0)
    shot(page, artifacts, "1-assessor-my-sheets")
    row.get_by_role("button", name="Mulai menilai").click()
    page.wait_for_url(re.compile(r"/kompetisi/lembar/\d+/$"))
    sheet = ScoreSheet.objects.get(stage=stage, assessor=assessor, participant__district=rogojampi)
    expect(page.locator("h1")).to_contain_text("Rogojampi")
    assert number(page.inner_text("#live-total")) == 0

    # Keyboard only: focus the first field, then type and Tab from score to comment to the next score.
    page.focus(f"#score-{indicators[0].pk}")
    totals = []
    for index, (indicator, value) in enumerate(zip(indicators, values, strict=True)):
        assert page.evaluate("document.activeElement.id") == f"score-{indicator.pk}"
        page.keyboard.type(value)
        totals.append(number(page.inner_text("#live-total")))
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == f"comment-{indicator.pk}"
        page.keyboard.type(f"Catatan {index + 1}")
        page.keyboard.press("Tab")
        # Leaving the score field saved it: "tersimpan" with the time, beside the field.
        expect(page.locator(f"#status-{indicator.pk}")).to_contain_text(SAVED_AT)
        if index == 2:
            shot(page, artifacts, "1-assessor-typing")
    # The live total (the server's, sent back by each save) grew with each score saved.
    assert totals == sorted(totals) and len(set(totals)) == len(totals)
    for indicator in indicators:
        expect(page.locator(f"#status-{indicator.pk}")).to_contain_text(SAVED_AT)
    expected = sum(
        (number(v) - i.scale_min) * i.weight * i.aspect.weight / ((i.scale_max - i.scale_min) * 100)
        for i, v in zip(indicators, values, strict=True)
    ).quantize(Decimal("0.01"))
    assert number(page.inner_text("#live-total")) == expected
    expect(page.locator("#total-state")).to_have_text("")
    saved = {s.indicator_id: s for s in Score.objects.filter(sheet=sheet)}
    assert [saved[i.pk].value for i in indicators] == [number(v) for v in values]
    assert [saved[i.pk].comment for i in indicators] == [f"Catatan {n}" for n in range(1, 7)]
    shot(page, artifacts, "1-assessor-all-saved")

    # Kirim, with its confirmation page.
    page.click("#submit-sheet")
    expect(page.locator("main")).to_contain_text("tidak dapat")
    shot(page, artifacts, "1-assessor-confirm")
    page.click("#confirm-submit")
    page.wait_for_url(f"**/kompetisi/lembar/{sheet.pk}/")
    expect(page.locator("main")).to_contain_text("Lembar ini sudah dikirim dan hanya dapat dibaca.")
    for indicator in indicators:
        expect(page.locator(f"#score-{indicator.pk}")).not_to_be_editable()
        expect(page.locator(f"#comment-{indicator.pk}")).not_to_be_editable()
    assert page.locator("#submit-sheet").count() == 0
    shot(page, artifacts, "1-assessor-locked")
    sheet.refresh_from_db()
    assert sheet.status == ScoreSheet.Status.SUBMITTED

    # Around the page: a hand-made save is refused and changes nothing.
    first = saved[indicators[0].pk]
    response = page.request.post(
        f"/kompetisi/lembar/{sheet.pk}/nilai/{indicators[0].pk}/",
        form={"value": "10", "comment": "diubah", "version": str(first.version)},
        headers={"X-CSRFToken": csrf_token(page), "HX-Request": "true"},
    )
    assert response.status == 422
    assert "dikirim" in response.text() or "submitted" in response.text()
    first.refresh_from_db()
    assert (first.value, first.comment) == (Decimal("70"), "Catatan 1")
    assert page.csp_errors == []


# --- 2. The camat on a phone ----------------------------------------------------------------------


@pytest.fixture
def evidence_edition(province_admin, make_user, jatim):
    """This year's edition in assessment; only two indicators ask for evidence (a short checklist)."""
    from assessments.models import Indicator
    from sp2k.demo.competition import build_open_edition

    edition = build_open_edition(province_admin, jatim_assessors(make_user, jatim, 1))
    required = Indicator.objects.filter(aspect__stage__edition=edition, requires_evidence=True).order_by(
        "aspect__stage__order", "aspect__order", "order"
    )
    keep = list(required.values_list("pk", flat=True)[:2])
    required.exclude(pk__in=keep).update(requires_evidence=False)
    return edition


def open_menu(page):
    """On a phone the navbar is collapsed behind its toggler."""
    page.click("button.navbar-toggler")
    expect(page.locator("#main-nav")).to_be_visible()


def test_camat_on_a_phone_adds_an_innovation_uploads_evidence_and_sends_it(
    page_factory, evidence_edition, camat, artifacts
):
    from assessments.models import EvidenceFile, Indicator, Participant
    from districts.models import Innovation

    participant = Participant.objects.get(edition=evidence_edition, district=camat.district)
    first, second = Indicator.objects.filter(aspect__stage__edition=evidence_edition, requires_evidence=True).order_by(
        "aspect__stage__order", "aspect__order", "order"
    )
    page = page_factory(width=390, height=844, locale="id-ID")
    login(page, camat.username, PASSWORD)
    page.wait_for_url("**/dasbor/")

    # An innovation, from "My kecamatan".
    open_menu(page)
    page.click("#main-nav >> text=Kecamatan saya")
    page.locator("main").get_by_role("link", name="Inovasi", exact=True).click()
    page.click("#innovation-add-link")
    page.fill("input[name=name]", "Sampah Jadi Berkah")
    page.select_option("select[name=category]", index=1)
    page.fill("input[name=start_year]", "2021")
    page.fill("textarea[name=problem]", "Sampah rumah tangga menumpuk di sungai.")
    page.fill("textarea[name=idea]", "Bank sampah di setiap desa, ditukar dengan pembayaran PBB.")
    page.fill("textarea[name=how_it_works]", "Warga menyetor sampah terpilah setiap Sabtu.")
    shot(page, artifacts, "2-camat-innovation-form")
    page.click("#innovation-form button[type=submit]")
    expect(page.locator("main")).to_contain_text("Inovasi tersimpan.")
    innovation = Innovation.objects.get(district=camat.district)
    assert (innovation.name, innovation.start_year) == ("Sampah Jadi Berkah", 2021)
    shot(page, artifacts, "2-camat-innovation-saved")

    # The evidence checklist: nothing yet.
    open_menu(page)
    page.click("#main-nav >> text=Data dukung")
    page.click(f"a[href$='/peserta/{participant.pk}/data-dukung/']")
    expect(page.locator("main")).to_contain_text("0 dari 2 indikator memiliki data dukung")
    expect(page.locator(f"#indicator-{first.pk} .badge")).to_have_text("Belum diunggah")
    shot(page, artifacts, "2-camat-checklist-empty")

    def upload(indicator, name):
        card = page.locator(f"#indicator-{indicator.pk}")
        card.locator("input[type=file]").set_input_files(
            {"name": name, "mimeType": "application/pdf", "buffer": small_pdf()}
        )
        card.locator("input[name=caption]").fill(f"Bukti {name}")
        card.get_by_role("button", name="Unggah").click()

    upload(first, "sk-tim-inovasi.pdf")
    expect(page.locator("main")).to_contain_text("1 dari 2 indikator memiliki data dukung")
    expect(page.locator(f"#indicator-{first.pk} .badge").first).to_have_text("Sudah diunggah")
    expect(page.locator(f"#indicator-{first.pk}")).to_contain_text("sk-tim-inovasi.pdf")
    shot(page, artifacts, "2-camat-checklist-one")

    # The deadline passes while the page is open: the stale form is refused by the server ...
    evidence_edition.evidence_deadline = timezone.now() - datetime.timedelta(minutes=5)
    evidence_edition.save(update_fields=["evidence_deadline"])
    upload(second, "laporan-paten.pdf")
    expect(page.locator("main")).to_contain_text("Tenggat telah lewat")
    assert not EvidenceFile.objects.filter(participant=participant, indicator=second).exists()
    # ... and after a reload there is no upload form any more, and the page says why.
    page.reload()
    expect(page.locator("form.evidence-upload")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("Tenggat telah lewat")
    shot(page, artifacts, "2-camat-after-deadline")

    # The province moves the deadline again: the second file goes in and the checklist is complete.
    evidence_edition.evidence_deadline = timezone.now() + datetime.timedelta(days=3)
    evidence_edition.save(update_fields=["evidence_deadline"])
    page.reload()
    upload(second, "laporan-paten.pdf")
    expect(page.locator("main")).to_contain_text("2 dari 2 indikator memiliki data dukung")
    expect(page.locator(f"#indicator-{second.pk} .badge").first).to_have_text("Sudah diunggah")
    shot(page, artifacts, "2-camat-checklist-complete")

    # Kirim, with its confirmation.
    page.get_by_role("link", name="Kirim…").click()
    page.check("input[type=checkbox]")
    shot(page, artifacts, "2-camat-send-confirm")
    page.get_by_role("button", name="Kirim sekarang").click()
    page.wait_for_url(f"**/peserta/{participant.pk}/data-dukung/")
    expect(page.locator("main")).to_contain_text("Data telah dikirim pada")
    expect(page.locator("form.evidence-upload")).to_have_count(0)
    expect(page.get_by_role("link", name="Kirim…")).to_have_count(0)
    participant.submission.refresh_from_db()
    assert participant.submission.submitted_by == camat
    shot(page, artifacts, "2-camat-sent")

    # Sent and past the deadline: a hand-made upload is refused as well.
    evidence_edition.evidence_deadline = timezone.now() - datetime.timedelta(minutes=1)
    evidence_edition.save(update_fields=["evidence_deadline"])
    response = page.request.post(
        f"/kompetisi/peserta/{participant.pk}/data-dukung/indikator/{first.pk}/unggah/",
        multipart={
            "csrfmiddlewaretoken": csrf_token(page),
            "files": {"name": "lagi.pdf", "mimeType": "application/pdf", "buffer": small_pdf()},
        },
        # (The live server's default language is the tests' English; a browser would ask for its own.)
        headers={"X-CSRFToken": csrf_token(page), "Accept-Language": "id-ID"},
        max_redirects=0,
    )
    assert response.status == 302
    page.reload()
    expect(page.locator(".alert-danger")).to_contain_text("Data telah dikirim pada")
    assert EvidenceFile.objects.filter(participant=participant).count() == 2
    assert page.csp_errors == []


# --- 3. The province admin ------------------------------------------------------------------------

# Presentation strength per participant: the five 2022 winners first, three more behind them.
EIGHT = ["35.10.13", "35.15.13", "35.13.23", "35.79.02", "35.28.04", "35.01.01", "35.02.01", "35.03.01"]


@pytest.fixture
def presented_edition(province_admin, make_user, jatim):
    """2022 in assessment: desk and presentation scored and submitted for eight kecamatan; no field visit yet."""
    from assessments.domain.configuration import create_edition
    from assessments.models import Edition, EditionAssessor, EditionTransition, Participant, StageAdvance, StageEntry
    from sp2k.demo.competition import example_configuration

    edition = create_edition(jatim, "SP2K Jawa Timur 2022", 2022, example_configuration())
    assessors = jatim_assessors(make_user, jatim, 2)
    participants = Participant.objects.bulk_create(
        Participant(edition=edition, district_id=code, status=Participant.Status.ACCEPTED) for code in EIGHT
    )
    EditionAssessor.objects.bulk_create(EditionAssessor(edition=edition, user=a) for a in assessors)
    strength = {p.pk: 95 - 5 * index for index, p in enumerate(participants)}
    desk, presentation, _field = edition.stages.order_by("order")
    for stage in (desk, presentation):
        StageEntry.objects.bulk_create(StageEntry(stage=stage, participant=p) for p in participants)
        score_stage(stage, participants, assessors, lambda p, _i: strength[p.pk], province_admin)
    StageAdvance.objects.create(from_stage=desk, count=30, by=province_admin)
    moves = [Edition.State.DRAFT, Edition.State.NOMINATION, Edition.State.ASSESSMENT]
    EditionTransition.objects.bulk_create(
        EditionTransition(edition=edition, from_state=a, to_state=b, by=province_admin)
        for a, b in zip(moves, moves[1:], strict=False)
    )
    edition.state = Edition.State.ASSESSMENT
    edition.save(update_fields=["state"])
    edition.assessors_for_test = assessors
    return edition


def test_province_admin_advances_finalises_publishes_and_prints_the_decree(
    page_factory, presented_edition, province_admin, artifacts
):
    from assessments.models import Document, Edition, StageEntry

    edition = presented_edition
    _desk, presentation, field = edition.stages.order_by("order")
    page = page_factory(locale="en-US")
    login(page, province_admin.username, PASSWORD)
    page.wait_for_url("**/dasbor/")

    # The presentation ranking, and the top five sent on to the field visit through the form.
    page.click("nav >> text=Competitions")
    page.click(f"main a[href='/kompetisi/{edition.pk}/']")
    page.click(f"main a[href='/kompetisi/tahap/{presentation.pk}/peringkat/']")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(8)
    ranked = [rows.nth(i).locator("td").nth(1).inner_text().split("(")[0].strip() for i in range(8)]
    assert ranked[:5] == ["Rogojampi", "Taman", "Tongas", "Bumiaji", "Pamekasan"]
    shot(page, artifacts, "3-admin-presentation-ranking")
    page.fill("#advance-n", "5")
    page.get_by_role("button", name="Advance", exact=True).click()
    expect(page.locator("main")).to_contain_text("5 participants go on to the next stage.")
    entries = StageEntry.objects.filter(stage=field).select_related("participant__district")
    assert sorted(e.participant.district.name for e in entries) == sorted(ranked[:5])
    shot(page, artifacts, "3-admin-advanced")

    # The field visit is scored (by model writes): rubric levels 5, 4, 3, 2, 1 in ranking order.
    level = {e.participant_id: 5 - EIGHT.index(e.participant.district_id) for e in entries}
    score_stage(
        field, [e.participant for e in entries], edition.assessors_for_test, lambda p, _i: level[p.pk], province_admin
    )

    # Results final, from the edition page.
    page.get_by_role("link", name=edition.name).first.click()
    page.get_by_role("button", name="Make the results final").click()
    expect(page.locator("main")).to_contain_text("Results final")
    edition.refresh_from_db()
    assert edition.state == Edition.State.FINAL
    shot(page, artifacts, "3-admin-final")

    # The awards: the default categories, filled from the final ranking, confirmed, then published.
    page.get_by_role("link", name="Awards and publication").click()
    page.get_by_role("button", name=re.compile(r"^Add the default awards")).click()
    proposal = page.locator(".awards-proposal > li")
    expect(proposal).to_have_count(5)
    for index, name in enumerate(["Rogojampi", "Taman", "Tongas", "Bumiaji", "Pamekasan"]):
        expect(proposal.nth(index)).to_contain_text(name)
    page.get_by_role("button", name="Confirm the awards").click()
    expect(page.locator("main")).to_contain_text("Confirmed by")
    shot(page, artifacts, "3-admin-awards-confirmed")
    # The decree: its settings entered once while the results are final (they freeze at publication).
    page.goto(f"/kompetisi/{edition.pk}/")
    page.get_by_role("link", name="Documents", exact=True).click()
    page.get_by_role("link", name="Enter the decree's settings").click()
    page.fill("input[name=number]", "188/966/KPTS/013/2022")
    page.fill("textarea[name=title]", "Penetapan Juara Sinergitas Penyelenggaraan Pemerintahan di Kecamatan 2022")
    page.fill("input[name=place]", "Surabaya")
    page.fill("input[name=date]", "2022-12-21")
    page.fill("input[name=signatory_office]", "GUBERNUR JAWA TIMUR")
    page.fill("input[name=signatory_name]", "KHOFIFAH INDAR PARAWANSA")
    page.fill("textarea[name=considerations_text]", "bahwa perlu diberikan penghargaan;\nbahwa telah dinilai;")
    page.fill("textarea[name=legal_bases_text]", "Peraturan Pemerintah Nomor 17 Tahun 2018 tentang Kecamatan;")
    page.fill("textarea[name=amounts_text]", "Juara I = 50000000")
    shot(page, artifacts, "3-admin-decree-form")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**/dokumen/{edition.pk}/")
    expect(page.locator("main")).to_contain_text("188/966/KPTS/013/2022")
    page.goto(f"/kompetisi/{edition.pk}/")
    page.get_by_role("link", name="Awards and publication").click()
    page.get_by_role("link", name="Publish the results…").click()
    shot(page, artifacts, "3-admin-publish-confirm")
    # Without ticking the confirmation nothing is published.
    page.get_by_role("button", name="Publish the results now").click()
    edition.refresh_from_db()
    assert edition.state == Edition.State.FINAL
    page.check("input[name=confirm]")
    page.get_by_role("button", name="Publish the results now").click()
    page.wait_for_url(f"**/hasil/{edition.pk}/")
    expect(page.locator("main")).to_contain_text("The results are published and public from now on.")
    edition.refresh_from_db()
    assert edition.state == Edition.State.PUBLISHED
    shot(page, artifacts, "3-admin-published")

    # Printed from the documents page once published.
    page.goto(f"/kompetisi/{edition.pk}/")
    page.get_by_role("link", name="Documents", exact=True).click()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Print the decree (PDF)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    decree_text = " ".join(p.extract_text() for p in PdfReader(download.path()).pages)
    assert "188/966/KPTS/013/2022" in decree_text
    assert decree_text.index("Rogojampi") < decree_text.index("Taman") < decree_text.index("Pamekasan")
    decree = Document.objects.get(edition=edition, kind=Document.Kind.DECREE)
    response = page.request.get(f"/dokumen/berkas/{decree.pk}/")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")
    page.reload()
    expect(page.locator("main")).to_contain_text("Current version: 1.")
    shot(page, artifacts, "3-admin-documents")
    assert page.csp_errors == []


# --- 4. The public --------------------------------------------------------------------------------


@pytest.fixture
def published_with_certificate(province_admin, make_user, jatim):
    """The example 2022 edition, published as a province's real edition (not marked as an example: the
    certificate of an example verifies as an example), with the certificate of its Juara I issued."""
    from assessments.domain import documents
    from assessments.models import Award
    from sp2k.demo.awards import create_demo_awards
    from sp2k.demo.competition import build_example_edition
    from sp2k.demo.documents import create_demo_decree

    edition = build_example_edition(province_admin, jatim_assessors(make_user, jatim, 2))
    edition.is_demo = False
    edition.save(update_fields=["is_demo"])
    create_demo_awards(edition, province_admin)
    create_demo_decree(edition)
    award = Award.objects.select_related("category").get(category__edition=edition, category__rank=1)
    return documents.issue_certificate(award, province_admin, render=False)


def test_public_finds_the_results_and_verifies_a_certificate(page_factory, published_with_certificate, artifacts):
    from assessments.domain.documents import verification_url

    certificate = published_with_certificate
    page = page_factory(width=390, height=844, locale="id-ID")
    page.goto("/")
    open_menu(page)
    page.fill("input[name=q]", "Rogojampi")
    page.keyboard.press("Enter")
    page.wait_for_url("**/wilayah/cari/**")
    expect(page.locator("main")).to_contain_text("Kabupaten Banyuwangi")
    shot(page, artifacts, "4-public-search")

    # The published results, from the menu.
    open_menu(page)
    page.click("#main-nav >> text=Hasil")
    page.click(f"a[href$='/hasil/{certificate.edition_id}/']")
    winners = page.locator(".results-winner h3")
    expect(winners).to_have_count(5)
    assert [w.inner_text().replace("Kecamatan ", "") for w in winners.all()] == [
        "Rogojampi",
        "Taman",
        "Tongas",
        "Bumiaji",
        "Pamekasan",
    ]
    expect(page.locator(".results-winner").first).to_contain_text("Juara I")
    shot(page, artifacts, "4-public-results")

    # The certificate's QR link (the URL the QR code carries).
    url = verification_url(certificate.code)
    assert certificate.code in url
    page.goto(urlsplit(url).path)
    expect(page.locator(".alert-success")).to_contain_text("Dokumen ini asli dan berlaku")
    expect(page.locator("main")).to_contain_text("Rogojampi")
    shot(page, artifacts, "4-public-verified")

    # A forged code: a clear refusal, not an error page.
    forged = certificate.code[:-4] + ("AAAA" if not certificate.code.endswith("AAAA") else "BBBB")
    response = page.goto(urlsplit(verification_url(forged)).path)
    assert response.status == 404
    expect(page.locator(".alert-danger")).to_contain_text("Tidak ada dokumen terbitan portal ini")
    expect(page.locator("main")).not_to_contain_text("Rogojampi")
    shot(page, artifacts, "4-public-forged")
    assert page.csp_errors == []
