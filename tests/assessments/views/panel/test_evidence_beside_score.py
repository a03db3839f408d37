"""Evidence beside the score: images and PDF pages shown on the sheet, a stage's evidence as one zip, and
scores that stand without the evidence their indicator requires flagged on the sheet and the ranking."""

import io
import os
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from pypdf import PdfWriter

from assessments.domain import evidence as services
from assessments.models import (
    Assignment,
    Conflict,
    Edition,
    EditionAssessor,
    EvidenceFile,
    Indicator,
    Participant,
    Score,
    ScoreSheet,
    StageEntry,
)
from assessments.queries import sheets as sheet_queries
from sp2k.accounts.models import Role
from tests.factories.files import minimal_pdf, png

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def upload(name, data):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def pdf_of_pages(sizes):
    """A PDF with one blank page per ``(width, height)`` in points."""
    writer = PdfWriter()
    for width, height in sizes:
        writer.add_blank_page(width=width, height=height)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def add(participant, indicator, user, name="laporan.pdf", data=None, caption=""):
    stored, refused = services.add_files(
        participant, indicator, [upload(name, data or minimal_pdf(["Laporan"]))], caption, user
    )
    assert not refused, refused
    return stored[0]


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def world(edition, participants, camat, assessor):
    """The edition in assessment; Rogojampi at the desk stage with the assessor assigned and a draft sheet."""
    edition.state = Edition.State.ASSESSMENT
    edition.save(update_fields=["state"])
    rogojampi = Participant.objects.get(edition=edition, district_id="35.10.13")
    desk = edition.stages.order_by("order").first()
    StageEntry.objects.create(stage=desk, participant=rogojampi)
    EditionAssessor.objects.create(edition=edition, user=assessor)
    Assignment.objects.create(stage=desk, assessor=assessor, participant=rogojampi)
    sheet = ScoreSheet.objects.create(stage=desk, assessor=assessor, participant=rogojampi)
    required = list(
        Indicator.objects.filter(aspect__stage=desk, requires_evidence=True).order_by("aspect__order", "order")
    )
    return {"edition": edition, "a": rogojampi, "desk": desk, "sheet": sheet, "required": required}


def file_url(name, evidence, *args):
    return reverse(f"assessments:evidence_{name}", args=[evidence.token, *args])


def sheet_url(sheet):
    return reverse("assessments:sheet", args=[sheet.pk])


# --- 1. images and PDF pages on the sheet ---


def test_sheet_shows_images_inline_and_pdf_pages_as_pictures(client, world, camat, assessor):
    indicator = world["required"][0]
    photo = add(world["a"], indicator, camat, name="foto.png", data=png(["Kegiatan"], size=(300, 200)))
    report = add(world["a"], indicator, camat, name="laporan.pdf", caption="Laporan kegiatan")
    client.force_login(assessor)
    html = client.get(sheet_url(world["sheet"])).content.decode()
    beside = html[html.index(f'id="evidence-{indicator.pk}"') :][:4000]
    assert f'src="{file_url("inline", photo)}"' in beside
    assert f'src="{file_url("page", report, 1)}"' in beside
    assert file_url("preview", report) in beside
    for tag in ("<iframe", "<embed", "<object"):
        assert tag not in html  # the PDF itself is never opened in the portal

    image = client.get(file_url("inline", photo))
    assert image.status_code == 200
    assert image["Content-Type"] == "image/png"
    assert image["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in image["Content-Security-Policy"]
    assert image["Content-Disposition"].startswith("inline")
    assert body(image).startswith(PNG_SIGNATURE)

    # The same address for a PDF still saves it: the browser never opens it in our origin.
    pdf = client.get(file_url("inline", report))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].startswith("attachment")
    body(pdf)

    page = client.get(file_url("page", report, 1))
    assert page.status_code == 200
    assert page["Content-Type"] == "image/png"
    assert page["X-Content-Type-Options"] == "nosniff"
    picture = Image.open(io.BytesIO(body(page)))
    assert picture.format == "PNG" and picture.width == services.PREVIEW_WIDTH
    assert client.get(file_url("page", report, 2)).status_code == 404  # a one-page PDF

    preview = client.get(file_url("preview", report))
    assert preview.status_code == 200
    text = preview.content.decode()
    assert "Laporan kegiatan" in text and file_url("page", report, 1) in text
    assert file_url("page", report, 2) not in text
    assert f'href="{file_url("download", report)}"' in text
    assert client.get(file_url("preview", photo)).status_code == 404  # only PDFs have page previews


def test_a_file_row_claiming_html_is_still_served_as_its_detected_type(client, world, camat, assessor):
    """The type served comes from the kind found in the content at upload, never from a stored string."""
    photo = add(world["a"], world["required"][0], camat, name="foto.png", data=png(["x"], size=(40, 30)))
    EvidenceFile.objects.filter(pk=photo.pk).update(content_type="text/html")
    client.force_login(assessor)
    response = client.get(file_url("inline", photo))
    assert response["Content-Type"] == "image/png" and response["X-Content-Type-Options"] == "nosniff"
    body(response)


def test_svg_and_html_never_become_evidence(world, camat):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    for name, data in (("gambar.svg", svg), ("gambar.png", svg), ("halaman.html", b"<html><script></script>")):
        stored, refused = services.add_files(world["a"], world["required"][0], [upload(name, data)], "", camat)
        assert not stored and refused


def test_pdf_pages_are_capped_in_number_and_size_and_rendered_once(client, world, camat, assessor, monkeypatch):
    many = [(595, 842)] * (services.PREVIEW_MAX_PAGES + 5)
    many[1], many[2] = (14400, 200), (200, 14400)  # a very wide strip and a very tall one
    report = add(world["a"], world["required"][0], camat, name="lampiran.pdf", data=pdf_of_pages(many))
    client.force_login(assessor)
    text = client.get(file_url("preview", report)).content.decode()
    assert file_url("page", report, services.PREVIEW_MAX_PAGES) in text
    assert file_url("page", report, services.PREVIEW_MAX_PAGES + 1) not in text
    assert str(services.PREVIEW_MAX_PAGES + 5) in text  # "the first 20 pages of 25"
    assert client.get(file_url("page", report, services.PREVIEW_MAX_PAGES + 1)).status_code == 404
    for number in (2, 3):
        picture = Image.open(io.BytesIO(body(client.get(file_url("page", report, number)))))
        assert picture.width <= services.PREVIEW_WIDTH and picture.height <= services.PREVIEW_MAX_HEIGHT
    opened = []
    original = services.pypdfium2.PdfDocument
    monkeypatch.setattr(services.pypdfium2, "PdfDocument", lambda *a, **k: opened.append(1) or original(*a, **k))
    first = body(client.get(file_url("page", report, 2)))
    assert opened == []  # kept from the first request: not rendered again
    assert services.render_pdf_page(report, 4) and opened == [1]
    assert services.render_pdf_page(report, 4) and opened == [1]
    assert first.startswith(PNG_SIGNATURE)


def test_an_unreadable_pdf_has_no_preview_but_never_a_500(client, world, camat, assessor):
    report = add(world["a"], world["required"][0], camat)
    report.file.storage.delete(report.file.name)
    report.file.storage.save(report.file.name, ContentFile(b"%PDF-1.4 broken"))
    client.force_login(assessor)
    preview = client.get(file_url("preview", report))
    assert preview.status_code == 200 and "cannot be previewed" in preview.content.decode()
    assert client.get(file_url("page", report, 1)).status_code == 404


def test_who_sees_the_previews(
    client,
    world,
    camat,
    operator,
    other_camat,
    regency_admin,
    other_regency_admin,
    province_admin,
    other_province_admin,
    assessor,
    make_user,
):
    indicator = world["required"][0]
    photo = add(world["a"], indicator, camat, name="foto.png", data=png(["x"], size=(40, 30)))
    report = add(world["a"], indicator, camat)
    conflicted = make_user("penilai-kerabat", Role.ASSESSOR, province=world["edition"].province)
    Assignment.objects.create(stage=world["desk"], assessor=conflicted, participant=world["a"])
    Conflict.objects.create(edition=world["edition"], assessor=conflicted, participant=world["a"], reason="Kerabat")
    outside = make_user("penilai-lain", Role.ASSESSOR, province=world["edition"].province)
    urls = [file_url("inline", photo), file_url("preview", report), file_url("page", report, 1)]
    expected = {
        camat: 200,
        operator: 200,
        regency_admin: 200,
        province_admin: 200,
        assessor: 200,
        other_camat: 404,
        other_regency_admin: 404,
        other_province_admin: 404,
        conflicted: 404,
        outside: 404,
    }
    for user, status in expected.items():
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            body(response)
            assert response.status_code == status, (user.username, url)
    client.logout()
    for url in urls:
        assert client.get(url).status_code == 302  # to the login page


# --- 2. a stage's evidence as one zip ---


def test_stage_zip_has_readable_safe_unique_names(client, world, camat, assessor):
    first, second = world["required"][0], world["required"][1]
    add(world["a"], first, camat, name="SK Tim.pdf", data=minimal_pdf(["satu"]))
    add(world["a"], first, camat, name="sk tim.pdf", data=minimal_pdf(["dua"]))  # same name, other case
    add(world["a"], second, camat, name="../../etc/passwd.pdf", data=minimal_pdf(["tiga"]))
    old = add(world["a"], second, camat, name="lama.pdf")
    services.replace_file(old, upload("baru.pdf", minimal_pdf(["baru"])), "", camat)
    gone = add(world["a"], second, camat, name="ditarik.pdf")
    services.withdraw_file(gone, camat)
    codes = services.indicator_codes(world["desk"])
    client.force_login(assessor)
    html = client.get(sheet_url(world["sheet"])).content.decode()
    url = reverse("assessments:evidence_zip", args=[world["desk"].pk, world["a"].pk])
    assert f'href="{url}"' in html

    response = client.get(url)
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment") and ".zip" in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(body(response)))
    names = archive.namelist()
    a, b = codes[first.pk], codes[second.pk]
    assert names == [
        f"{a}_SK Tim.pdf",
        f"{a}_sk tim (2).pdf",
        f"{b}_passwd.pdf",
        f"{b}_baru.pdf",
        services.ZIP_INDEX_NAME,
    ]
    assert all("/" not in n and "\\" not in n and not n.startswith(".") for n in names)
    assert archive.testzip() is None
    assert b"satu" in archive.read(names[0]) and b"dua" in archive.read(names[1])
    index = archive.read(services.ZIP_INDEX_NAME).decode()
    assert "Rogojampi" in index and first.name in index
    assert all((info.external_attr >> 16) & 0o444 for info in archive.infolist())  # readable once unzipped


def test_stage_zip_is_streamed_in_pieces(world, camat):
    """A big set is never held whole in memory: pieces of about one read from storage each."""
    inspected = services.inspect_file(upload("a.pdf", minimal_pdf(["x"])), 10**8)
    for number in range(3):
        services._store(
            world["a"],
            world["required"][0],
            ContentFile(os.urandom(2 * 1024 * 1024), name="big.pdf"),
            inspected,
            f"Besar {number}",
            camat,
        )
    entries, index = services.zip_entries(world["a"], world["desk"])
    with CaptureQueriesContext(connection) as queries:
        sizes = [len(piece) for piece in services.stream_zip(entries, index)]
    assert len(queries) == 0  # nothing of the database is asked while streaming
    assert sum(sizes) > 6 * 1024 * 1024
    assert len(sizes) > 10 and max(sizes) < 1024 * 1024


def test_who_downloads_the_stage_zip(
    client, world, camat, regency_admin, province_admin, other_province_admin, assessor, make_user
):
    add(world["a"], world["required"][0], camat)
    url = reverse("assessments:evidence_zip", args=[world["desk"].pk, world["a"].pk])
    conflicted = make_user("penilai-kerabat", Role.ASSESSOR, province=world["edition"].province)
    Assignment.objects.create(stage=world["desk"], assessor=conflicted, participant=world["a"])
    Conflict.objects.create(edition=world["edition"], assessor=conflicted, participant=world["a"], reason="Kerabat")
    for user, status in (
        (province_admin, 200),
        (assessor, 200),
        (camat, 404),
        (regency_admin, 404),
        (conflicted, 404),
        (other_province_admin, 404),
    ):
        client.force_login(user)
        response = client.get(url)
        body(response)
        assert response.status_code == status, user.username
    client.force_login(province_admin)
    taman = Participant.objects.get(edition=world["edition"], district_id="35.15.13")  # not at this stage
    assert client.get(reverse("assessments:evidence_zip", args=[world["desk"].pk, taman.pk])).status_code == 404


# --- 3. scores without the required evidence ---


def score(sheet, indicator, value, version=1):
    return Score.objects.create(sheet=sheet, indicator=indicator, value=value, version=version)


def test_sheet_flags_a_score_without_the_required_evidence(client, world, camat, assessor):
    bare, supported = world["required"][0], world["required"][1]
    add(world["a"], supported, camat)
    score(world["sheet"], bare, 70)
    score(world["sheet"], supported, 80)
    client.force_login(assessor)
    html = client.get(sheet_url(world["sheet"])).content.decode()

    def flag(indicator):
        start = html.index(f'id="evidence-flag-{indicator.pk}"')
        return html[start : html.index("</div>", start)]

    assert "No evidence" in flag(bare) and "hidden" not in flag(bare)
    assert "No evidence" not in flag(supported) and "hidden" in flag(supported)
    assert "1 score without the required evidence" in html

    # The autosave answers with the flag beside the field, as it is after the save.
    save = reverse("assessments:score_save", args=[world["sheet"].pk, supported.pk])
    answer = client.post(save, {"value": "85", "comment": "", "version": "1"}).content.decode()
    assert 'id="evidence-flag-' in answer and "No evidence" not in answer
    unscored = world["required"][2]
    save = reverse("assessments:score_save", args=[world["sheet"].pk, unscored.pk])
    answer = client.post(save, {"value": "60", "comment": "", "version": "0"}).content.decode()
    assert f'id="evidence-flag-{unscored.pk}"' in answer and "No evidence" in answer


def _ranked_world(make_user, edition, people, required, camat):
    """Each participant scored by two assessors on every indicator; Rogojampi has evidence for one."""
    desk = edition.stages.order_by("order").first()
    for participant in people:
        StageEntry.objects.get_or_create(stage=desk, participant=participant)
    assessors = [make_user(f"penilai-{i}", Role.ASSESSOR, province=edition.province) for i in range(2)]
    now = timezone.now()
    sheets = ScoreSheet.objects.bulk_create(
        ScoreSheet(stage=desk, assessor=a, participant=p, status=ScoreSheet.Status.SUBMITTED, submitted_at=now)
        for p in people
        for a in assessors
    )
    indicators = list(Indicator.objects.filter(aspect__stage=desk))
    Score.objects.bulk_create(Score(sheet=s, indicator=i, value=50) for s in sheets for i in indicators)
    return desk


def test_ranking_counts_scores_without_evidence_per_participant(
    client, world, camat, province_admin, make_user, django_assert_max_num_queries
):
    edition, required = world["edition"], world["required"]
    Participant.objects.filter(edition=edition).update(status=Participant.Status.ACCEPTED)
    people = list(Participant.objects.filter(edition=edition))
    assert len(people) > 2
    add(world["a"], required[0], camat)
    world["sheet"].delete()  # only the submitted sheets below
    desk = _ranked_world(make_user, edition, people, required, camat)
    counts = sheet_queries.unsupported_scores(desk)
    assert counts[world["a"].pk] == 2 * (len(required) - 1)
    assert all(counts[p.pk] == 2 * len(required) for p in people if p != world["a"])

    client.force_login(province_admin)
    url = reverse("assessments:stage_ranking", args=[desk.pk])
    with CaptureQueriesContext(connection) as few:
        html = client.get(url).content.decode()
    assert "Scores without evidence" in html
    assert f"⚠ {2 * (len(required) - 1)}" in html and f"⚠ {2 * len(required)}" in html

    # More participants: not one query more.
    from tests.factories.scenarios import participant_codes

    more = Participant.objects.bulk_create(
        Participant(edition=edition, district_id=code, status=Participant.Status.ACCEPTED)
        for code in participant_codes("35", 40)
        if not Participant.objects.filter(edition=edition, district_id=code).exists()
    )
    extra_sheets = ScoreSheet.objects.bulk_create(
        ScoreSheet(
            stage=desk,
            assessor=ScoreSheet.objects.filter(stage=desk).first().assessor,
            participant=p,
            status=ScoreSheet.Status.SUBMITTED,
            submitted_at=timezone.now(),
        )
        for p in more
    )
    StageEntry.objects.bulk_create(StageEntry(stage=desk, participant=p) for p in more)
    Score.objects.bulk_create(Score(sheet=s, indicator=i, value=40) for s in extra_sheets for i in required)
    with django_assert_max_num_queries(len(few)):
        html = client.get(url).content.decode()
    assert html.count("⚠ ") >= len(more)


def test_ranking_flags_are_for_the_province_only(client, world, camat, province_admin, make_user):
    edition = world["edition"]
    Participant.objects.filter(edition=edition).update(status=Participant.Status.ACCEPTED)
    people = list(Participant.objects.filter(edition=edition))
    world["sheet"].delete()
    desk = _ranked_world(make_user, edition, people, world["required"], camat)
    edition.state = Edition.State.PUBLISHED
    edition.save(update_fields=["state"])
    url = reverse("assessments:stage_ranking", args=[desk.pk])
    public = client.get(url)
    assert public.status_code == 200 and "Scores without evidence" not in public.content.decode()
    client.force_login(province_admin)
    assert "Scores without evidence" in client.get(url).content.decode()


def test_unsupported_scores_is_one_query_and_ignores_conflicts_and_drafts(
    world, camat, make_user, django_assert_num_queries
):
    edition, desk, required = world["edition"], world["desk"], world["required"]
    score(world["sheet"], required[0], 70)  # a draft: not counted in the ranking
    conflicted = make_user("penilai-kerabat", Role.ASSESSOR, province=edition.province)
    Conflict.objects.create(edition=edition, assessor=conflicted, participant=world["a"], reason="Kerabat")
    sheet = ScoreSheet.objects.create(
        stage=desk,
        assessor=conflicted,
        participant=world["a"],
        status=ScoreSheet.Status.SUBMITTED,
        submitted_at=timezone.now(),
    )
    score(sheet, required[0], 70)
    with django_assert_num_queries(1):
        assert sheet_queries.unsupported_scores(desk) == {}
