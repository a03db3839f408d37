"""Hostile input: script typed into text fields, crafted uploads, odd numbers, and the security headers.

Every text field a user types into is stored with a script payload and every page (and PDF) that
shows it is checked: the payload must read as text and never become markup.
"""
# ruff: noqa: F811 - the setup/sheet fixtures are imported from test_scoring and used as arguments

import io
import json
import os
import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from PIL import Image
from pypdf import PdfReader

from assessments.domain import documents, workflow
from assessments.models import (
    Aspect,
    Award,
    AwardCategory,
    Conflict,
    Decree,
    Edition,
    EvidenceFile,
    Indicator,
    Participant,
    RubricLevel,
    Score,
    ScoreSheet,
    SheetEvent,
    Stage,
)
from districts.models import DistrictProfile, Innovation, InnovationFigure, InnovationPhoto
from sp2k.accounts.models import Role, User
from tests.assessments.domain.test_documents import CATEGORIES
from tests.assessments.domain.test_scoring import setup, sheet  # noqa: F401 - fixtures

ROOT = Path(__file__).resolve().parents[2]
PAYLOAD = "<script>alert(1)</script><img src=x onerror=alert(1)>\"'&"
SHORT_PAYLOAD = "<script>alert(1)</script>\"'&"  # for fields of 40 characters
LIVE_MARKUP = ("<script>alert(1)", "<img src=x onerror", "onerror=alert(1)>")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


def png_bytes(size=(64, 48)):
    out = io.BytesIO()
    Image.new("RGB", size, "teal").save(out, "PNG")
    return out.getvalue()


# --- 1. script and HTML typed into text fields ------------------------------------------------


@pytest.fixture
def world(province_admin, camat, make_user, jatim, rogojampi):
    """A 2022 edition (final, scored, awards confirmed, decree set), seen by every role.

    Rogojampi is Juara I; its camat has a profile and an innovation with a figure and a photo, and
    its first stage entry has an evidence file.
    """
    from assessments.domain.ranking import final_ranking
    from tests.factories import DecreeFactory, final_edition_with_scores

    assessors = [make_user(f"penilai-nomor-{i}", Role.ASSESSOR, province=jatim) for i in (1, 2, 3)]
    edition = final_edition_with_scores(province_admin, assessors)
    now = timezone.now()
    for order, (name, row) in enumerate(zip(CATEGORIES, final_ranking(edition), strict=False), start=1):
        category = AwardCategory.objects.create(edition=edition, order=order, name=name, rank=order)
        Award.objects.create(
            category=category,
            participant=row.participant,
            final_score=row.score,
            confirmed_by=province_admin,
            confirmed_at=now,
        )
    DecreeFactory(edition=edition)
    DistrictProfile.objects.create(district=rogojampi, camat_name="Drs. Budi", address="Jl. Raya 1", description="x")
    innovation = Innovation.objects.create(
        district=rogojampi,
        name="Sigap Stunting",
        category="health",
        problem="Balita stunting.",
        idea="Kader posyandu.",
        results="Turun.",
        beneficiaries="300 balita",
        start_year=2019,
        is_published=True,
    )
    InnovationFigure.objects.create(innovation=innovation, label="Balita", value=Decimal(300), unit="anak")
    from districts.domain import images

    photo = InnovationPhoto(innovation=innovation, caption="Posyandu")
    photo.image.save("x.png", images.clean_image(SimpleUploadedFile("p.png", png_bytes(), "image/png")), save=False)
    photo.save()
    participant = Participant.objects.get(edition=edition, district=rogojampi)
    desk = edition.stages.get(order=1)
    sheet = ScoreSheet.objects.filter(participant=participant, stage=desk).select_related("assessor").first()
    indicator = Indicator.objects.filter(aspect__stage=desk).order_by("aspect__order", "order").first()
    evidence = EvidenceFile(
        participant=participant,
        indicator=Indicator.objects.filter(aspect__stage=desk, requires_evidence=True).first(),
        caption="SK",
        original_name="sk.pdf",
        kind="pdf",
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
        uploaded_by=camat,
    )
    evidence.file.save("sk.pdf", io.BytesIO(b"%PDF-1.4\n%%EOF\n"), save=False)
    evidence.save()
    return World(
        edition=edition,
        admin=province_admin,
        camat=camat,
        assessor=sheet.assessor,
        district=rogojampi,
        participant=participant,
        stage=desk,
        aspect=indicator.aspect,
        indicator=indicator,
        sheet=sheet,
        award=Award.objects.get(participant=participant),
        innovation=innovation,
        figure=innovation.figures.get(),
        photo=photo,
        evidence=evidence,
    )


@dataclass
class World:
    edition: Edition
    admin: User
    camat: User
    assessor: User
    district: object
    participant: Participant
    stage: Stage
    aspect: Aspect
    indicator: Indicator
    sheet: ScoreSheet
    award: Award
    innovation: Innovation
    figure: InnovationFigure
    photo: InnovationPhoto
    evidence: EvidenceFile


# Pages, as (who looks, url name, args from the world). "public" is an anonymous visitor.
def _pages(*specs):
    return specs


EDITION = lambda w: [w.edition.pk]  # noqa: E731 - tiny argument builders keep the case table readable
DISTRICT = lambda w: [w.district.code]  # noqa: E731
PARTICIPANT = lambda w: [w.participant.pk]  # noqa: E731
SHEET = lambda w: [w.sheet.pk]  # noqa: E731
STAGE_OF_EDITION = lambda w: [w.edition.pk, w.stage.pk]  # noqa: E731
NONE = lambda w: []  # noqa: E731

ACCOUNT_PAGES = _pages(
    ("admin", "accounts:user_detail", lambda w: [w.assessor.pk]), ("admin", "accounts:user_list", NONE)
)
PROFILE_PAGES = _pages(("camat", "kecamatan:profile", DISTRICT))
INNOVATION_PAGES = _pages(
    ("camat", "kecamatan:innovation_detail", lambda w: [w.district.code, w.innovation.pk]),
    ("public", "catalogue:detail", lambda w: [w.innovation.pk]),
)
CRITERIA_PAGES = _pages(
    ("admin", "assessments:stage_criteria", STAGE_OF_EDITION),
    ("assessor", "assessments:sheet", SHEET),
    ("admin", "assessments:participant_explanation", PARTICIPANT),
)
RESULTS_PAGES = _pages(("admin", "assessments:final_ranking", EDITION), ("public", "results:edition_results", EDITION))


@dataclass
class Case:
    id: str
    store: object  # store(client, world): writes PAYLOAD into the field, through its form where practical
    pages: tuple
    pdfs: tuple = ()  # "decree", "certificate", "champion_report", "recap"
    publish: bool = False  # publish the results first, for the public results page
    payload: str = PAYLOAD


def post_ok(client, user, url, data, files=None):
    client.force_login(user)
    response = client.post(url, {**data, **(files or {})})
    assert response.status_code == 302, response.content.decode()[:3000]
    return response


def _account(field_name):
    def store(client, w, payload):
        user = w.assessor
        data = {"full_name": user.full_name, "email": "", "phone": "", "nip": "", "institution": "", "is_active": "on"}
        post_ok(client, w.admin, reverse("accounts:user_update", args=[user.pk]), {**data, field_name: payload})

    return store


def _profile(field_name):
    def store(client, w, payload):
        data = {
            "camat_name": "Drs. Budi",
            "camat_nip": "",
            "address": "",
            "phone": "",
            "email": "",
            "area_km2": "",
            "population": "",
            "description": "",
        }
        post_ok(
            client, w.camat, reverse("kecamatan:profile_edit", args=[w.district.code]), {**data, field_name: payload}
        )

    return store


def innovation_post(**overrides):
    data = {
        "name": "Sigap Stunting",
        "category": "health",
        "status": "running",
        "start_year": "2019",
        "problem": "Balita stunting.",
        "idea": "Kader posyandu.",
        "how_it_works": "",
        "partners": "",
        "results": "Turun.",
        "beneficiaries": "300 balita",
        "video_url": "",
        "is_published": "on",
        "figures-TOTAL_FORMS": "1",
        "figures-INITIAL_FORMS": "1",
        "figures-MIN_NUM_FORMS": "0",
        "figures-MAX_NUM_FORMS": "8",
        "figures-0-label": "Balita",
        "figures-0-value": "300",
        "figures-0-unit": "anak",
        "figures-0-text": "",
    }
    return {**data, **overrides}


def _innovation(field_name):
    def store(client, w, payload):
        data = innovation_post(**{field_name: payload, "figures-0-id": str(w.figure.pk)})
        post_ok(client, w.camat, reverse("kecamatan:innovation_edit", args=[w.district.code, w.innovation.pk]), data)

    return store


def _photo_caption(client, w, payload):
    url = reverse("kecamatan:photo_add", args=[w.district.code, w.innovation.pk])
    post_ok(
        client, w.camat, url, {"caption": payload}, {"image": SimpleUploadedFile("p.png", png_bytes(), "image/png")}
    )


def _decree(field_name):
    def store(client, w, payload):
        decree = Decree.objects.get(edition=w.edition)
        data = {
            "number": decree.number,
            "title": decree.title,
            "place": decree.place,
            "date": "2022-12-21",
            "signatory_office": decree.signatory_office,
            "signatory_name": decree.signatory_name,
            "page_size": decree.page_size,
            "considerations_text": "\n".join(decree.considerations),
            "legal_bases_text": "\n".join(decree.legal_bases),
            "amounts_text": "",
        }
        post_ok(client, w.admin, reverse("documents:decree_form", args=[w.edition.pk]), {**data, field_name: payload})

    return store


def _category_name(client, w, payload):
    # Categories change only before confirmation: unconfirm, rename through the form, confirm again.
    Award.objects.filter(category__edition=w.edition).update(confirmed_at=None)
    category = w.award.category
    url = reverse("assessments:award_category_edit", args=[w.edition.pk, category.pk])
    post_ok(client, w.admin, url, {"name": payload, "rank": str(category.rank)})
    Award.objects.filter(category__edition=w.edition).update(confirmed_by=w.admin, confirmed_at=timezone.now())


def _model(get, field_name):
    """Store through the model: the form for this field is closed once the results are final."""

    def store(client, w, payload):
        obj = get(w)
        setattr(obj, field_name, payload)
        obj.save()

    return store


def _rubric_level(field_name):
    def store(client, w, payload):
        level = RubricLevel.objects.filter(indicator__aspect__stage__edition=w.edition).first()
        setattr(level, field_name, payload)
        level.save()
        w.sheet = ScoreSheet.objects.filter(stage=level.indicator.aspect.stage_id).select_related("assessor").first()
        w.assessor = w.sheet.assessor

    return store


def _score_comment(client, w, payload):
    Score.objects.filter(sheet=w.sheet, indicator=w.indicator).update(comment=payload)


def _reopen_reason(client, w, payload):
    SheetEvent.objects.create(sheet=w.sheet, action=SheetEvent.Action.REOPEN, by=w.admin, reason=payload)


def _award_reason(client, w, payload):
    # A special award (no place in the ranking) is the one whose choice and reason the page shows.
    AwardCategory.objects.filter(pk=w.award.category_id).update(rank=None)
    Award.objects.filter(pk=w.award.pk).update(reason=payload, chosen_by=w.admin, chosen_at=timezone.now())


def _conflict_reason(client, w, payload):
    other = Participant.objects.filter(edition=w.edition).exclude(pk=w.participant.pk).first()
    Conflict.objects.create(edition=w.edition, assessor=w.assessor, participant=other, reason=payload)


EVIDENCE_PAGES = _pages(
    ("camat", "assessments:evidence_checklist", PARTICIPANT), ("assessor", "assessments:sheet", SHEET)
)

CASES = [
    Case("account full name", _account("full_name"), ACCOUNT_PAGES, pdfs=("recap",)),
    Case(
        "account institution",
        _account("institution"),
        ACCOUNT_PAGES[:1] + (("admin", "assessments:assessor_list", EDITION),),
    ),
    Case("profile camat name", _profile("camat_name"), PROFILE_PAGES, pdfs=("champion_report",)),
    Case("profile address", _profile("address"), PROFILE_PAGES, pdfs=("champion_report",)),
    Case("profile description", _profile("description"), PROFILE_PAGES, pdfs=("champion_report",)),
    Case(
        "innovation name",
        _innovation("name"),
        (*INNOVATION_PAGES, ("camat", "kecamatan:innovation_list", DISTRICT), ("public", "catalogue:list", NONE)),
        pdfs=("champion_report",),
    ),
    *[
        Case(f"innovation {name}", _innovation(name), INNOVATION_PAGES)
        for name in ("problem", "idea", "how_it_works", "partners", "results", "beneficiaries")
    ],
    Case("innovation figure label", _innovation("figures-0-label"), INNOVATION_PAGES),
    Case("innovation figure unit", _innovation("figures-0-unit"), INNOVATION_PAGES, payload=SHORT_PAYLOAD),
    Case("innovation figure text", _innovation("figures-0-text"), INNOVATION_PAGES),
    Case("innovation photo caption", _photo_caption, INNOVATION_PAGES),
    Case("evidence caption", _model(lambda w: w.evidence, "caption"), EVIDENCE_PAGES),
    Case("score comment", _score_comment, (("assessor", "assessments:sheet", SHEET),)),
    Case(
        "nomination decision reason",
        _model(lambda w: w.participant, "decision_reason"),
        (("admin", "assessments:participant_list", EDITION),),
    ),
    Case(
        "conflict reason",
        _conflict_reason,
        (("admin", "assessments:assessor_list", EDITION), ("assessor", "assessments:conflict_declare", EDITION)),
    ),
    Case(
        "sheet reopen reason",
        _reopen_reason,
        (("assessor", "assessments:sheet", SHEET), ("admin", "assessments:participant_history", PARTICIPANT)),
    ),
    Case("award choice reason", _award_reason, (("admin", "assessments:awards", EDITION),)),
    Case(
        "edition name",
        _model(lambda w: w.edition, "name"),
        (("admin", "assessments:edition_detail", EDITION), ("admin", "assessments:edition_list", NONE), *RESULTS_PAGES),
        pdfs=("certificate", "recap", "champion_report"),
        publish=True,
    ),
    Case(
        "stage name",
        _model(lambda w: w.stage, "name"),
        (("admin", "assessments:edition_detail", EDITION), *CRITERIA_PAGES),
        pdfs=("recap", "champion_report"),
    ),
    Case("aspect name", _model(lambda w: w.aspect, "name"), CRITERIA_PAGES, pdfs=("champion_report",)),
    Case("indicator name", _model(lambda w: w.indicator, "name"), CRITERIA_PAGES[:2]),
    Case("indicator description", _model(lambda w: w.indicator, "description"), CRITERIA_PAGES[1:2]),
    Case("rubric level label", _rubric_level("label"), (("assessor", "assessments:sheet", SHEET),)),
    Case("rubric level description", _rubric_level("description"), (("assessor", "assessments:sheet", SHEET),)),
    Case(
        "award category name",
        _category_name,
        (
            ("admin", "assessments:awards", EDITION),
            ("admin", "documents:edition", EDITION),
            ("public", "results:edition_results", EDITION),
        ),
        pdfs=("decree", "certificate", "champion_report"),
        publish=True,
    ),
    Case("decree number", _decree("number"), (("admin", "documents:edition", EDITION),), pdfs=("decree",)),
    Case("decree title", _decree("title"), (("admin", "documents:decree_form", EDITION),), pdfs=("decree",)),
    Case(
        "decree considerations",
        _decree("considerations_text"),
        (("admin", "documents:decree_form", EDITION),),
        pdfs=("decree",),
    ),
    Case(
        "decree legal bases",
        _decree("legal_bases_text"),
        (("admin", "documents:decree_form", EDITION),),
        pdfs=("decree",),
    ),
    Case("decree place", _decree("place"), (("admin", "documents:decree_form", EDITION),), pdfs=("decree",)),
    Case(
        "decree signatory office",
        _decree("signatory_office"),
        (("admin", "documents:decree_form", EDITION),),
        pdfs=("decree", "certificate"),
    ),
    Case(
        "decree signatory name",
        _decree("signatory_name"),
        (("admin", "documents:edition", EDITION),),
        pdfs=("decree", "certificate"),
    ),
]


def assert_shows_as_text(html, payload, where):
    for markup in LIVE_MARKUP:
        assert markup not in html, f"{where}: live markup {markup!r}"
    assert escape(payload) in html, f"{where}: the payload is not shown (escaped)"


def pdf_of(kind, w):
    # Fresh rows: the world's objects cache related rows (e.g. the edition's decree) from before the change.
    edition = Edition.objects.get(pk=w.edition.pk)
    award = Award.objects.select_related("category__edition", "participant__district__regency").get(pk=w.award.pk)
    if kind == "decree":
        document = documents.issue_decree(edition, w.admin)
    elif kind == "certificate":
        document = documents.issue_certificate(award, w.admin)
    elif kind == "champion_report":
        document = documents.issue_champion_report(award, w.admin)
    else:
        document = documents.issue_recap(Stage.objects.select_related("edition").get(pk=w.stage.pk), w.admin)
    return documents.pdf_of(document)


def squeeze(text):
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_script_typed_into_a_text_field_shows_as_text(client, world, case):
    case.store(client, world, case.payload)
    assert escape(PAYLOAD).startswith("&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;")
    if case.publish:
        world.edition.refresh_from_db()
        workflow.publish(world.edition, world.admin)
    users = {"admin": world.admin, "camat": world.camat, "assessor": world.assessor}
    for who, name, args in case.pages:
        client.logout()
        if who != "public":
            client.force_login(users[who])
        url = reverse(name, args=args(world))
        response = client.get(url)
        assert response.status_code == 200, f"{who} {url}: {response.status_code}"
        assert_shows_as_text(response.content.decode(), case.payload, f"{who} {url}")
    for kind in case.pdfs:
        data = pdf_of(kind, world)
        text = squeeze("\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))
        # Some lines print in capitals (the signatory, the award): compare without case.
        assert squeeze(case.payload).lower() in text.lower(), f"{kind}: the payload is not printed as text"
        assert b"/JavaScript" not in data and b"/JS" not in data


# --- 2. crafted uploads beyond tests/test_evidence.py, test_innovations.py and test_excel.py ---


def pdf_with_javascript():
    """A real, readable PDF whose opening runs JavaScript (a JavaScript /OpenAction)."""
    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    action = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert('pwned');")}
    )
    writer.root_object[NameObject("/OpenAction")] = writer._add_object(action)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_hiding_a_web_page():
    """A valid PDF with a whole web page in a stream past its first kilobyte (a PDF/HTML polyglot)."""
    from tests.factories.files import minimal_pdf

    page = b"\n%" + b" " * 2000 + b"\n<html><body><script>alert(document.cookie)</script></body></html>\n"
    data = minimal_pdf(["Laporan"])
    head, _sep, tail = data.partition(b"\n")
    return head + page + tail


@pytest.fixture
def evidence_setup(edition, participants):
    from assessments.domain import evidence as services

    Edition.objects.filter(pk=edition.pk).update(state=Edition.State.ASSESSMENT)
    participant = Participant.objects.get(edition=edition, district_id="35.10.13")
    indicator = services.required_indicators(edition).first()
    return participant, indicator


@pytest.mark.parametrize("make", [pdf_with_javascript, pdf_hiding_a_web_page], ids=["javascript", "html inside"])
def test_a_pdf_carrying_script_is_only_ever_served_as_a_sandboxed_attachment(client, camat, evidence_setup, make):
    """Such PDFs are real PDFs, so they are accepted; the download never lets a browser run them."""
    participant, indicator = evidence_setup
    data = make()
    assert PdfReader(io.BytesIO(data)).pages  # a real PDF, not a refused broken one
    client.force_login(camat)
    url = reverse("assessments:evidence_upload", args=[participant.pk, indicator.pk])
    client.post(url, {"files": [SimpleUploadedFile("laporan.pdf", data, "text/html")], "caption": "x"})
    evidence = EvidenceFile.objects.get(participant=participant)
    assert evidence.content_type == "application/pdf"  # from the content, not the browser's claim
    response = client.get(reverse("assessments:evidence_download", args=[evidence.token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = [d.strip() for d in response["Content-Security-Policy"].split(";")]
    assert "sandbox" in policy and "default-src 'none'" in policy


SVG_WITH_SCRIPT = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>'


def huge_png_header():
    """A tiny PNG that declares 60000 x 60000 pixels: decoding it would need gigabytes."""
    import struct
    import zlib

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", 60000, 60000, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 1000))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("logo.svg", SVG_WITH_SCRIPT, "image/svg+xml"),
        ("logo.png", SVG_WITH_SCRIPT, "image/png"),
        ("besar.png", huge_png_header(), "image/png"),
    ],
    ids=["svg", "svg named png", "png declaring 60000x60000"],
)
@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_script_images_and_bombs_are_refused_as_photos(client, camat, rogojampi, media, name, data, content_type):
    innovation = Innovation.objects.create(
        district=rogojampi, name="Sigap", category="health", problem="p", idea="i", start_year=2019
    )
    client.force_login(camat)
    photo = client.post(
        reverse("kecamatan:photo_add", args=[rogojampi.code, innovation.pk]),
        {"image": SimpleUploadedFile(name, data, content_type), "caption": "x"},
    )
    profile = client.post(
        reverse("kecamatan:profile_edit", args=[rogojampi.code]),
        {"camat_name": "Budi", "office_photo": SimpleUploadedFile(name, data, content_type)},
    )
    for response in (photo, profile):
        assert response.status_code in (200, 400)
        refusal = r"Upload a valid image|not a photo this portal can read|too many pixels|more than this portal accepts"
        assert re.search(refusal, response.content.decode())
    assert not InnovationPhoto.objects.exists()
    assert not DistrictProfile.objects.filter(district=rogojampi).exclude(office_photo="").exists()
    assert not [p for p in media.rglob("*") if p.is_file()]


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_evidence_png_declaring_huge_dimensions_is_refused_as_too_large():
    from assessments.domain import evidence as services

    with pytest.raises(services.ValidationError) as refused:
        services.inspect_file(SimpleUploadedFile("foto.png", huge_png_header(), "image/png"), 20 * 1024 * 1024)
    assert "too large" in refused.value.messages[0]


def xlsx_with(part, content):
    """The stage's real score workbook with one part replaced by ``content``."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Nilai"
    book.active.append(["participant_id", "indicator_id", "version"])
    book.create_sheet("sp2k").append(["format", "sp2k-scores/1"])
    buffer = io.BytesIO()
    book.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != part:
                target.writestr(item, source.read(item.filename))
        target.writestr(part, content)
    return out.getvalue()


NESTED_XML = (
    b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    + b"<row>" * 50000
    + b"</row>" * 50000
    + b"</sheetData></worksheet>"
)
HUGE_SHARED_STRINGS = (
    b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    + b"<si><t>"
    + b"A" * (70 * 1024 * 1024)
    + b"</t></si></sst>"
)
BILLION_LAUGHS_XML = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10))
    + b']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol9;</t></si></sst>'
)


@pytest.mark.parametrize(
    ("part", "content"),
    [
        ("xl/worksheets/sheet1.xml", NESTED_XML),
        ("xl/sharedStrings.xml", HUGE_SHARED_STRINGS),
        ("xl/sharedStrings.xml", BILLION_LAUGHS_XML),
    ],
    ids=["50000 nested rows", "70 MB shared string", "entity expansion"],
)
def test_hostile_score_workbooks_are_refused_and_change_nothing(client, setup, part, content):  # noqa: F811
    from assessments.models import ScoreChange

    client.force_login(setup.assessor)
    workbook = SimpleUploadedFile("nilai.xlsx", xlsx_with(part, content))
    response = client.post(reverse("assessments:stage_excel_upload", args=[setup.stage.pk]), {"file": workbook})
    assert response.status_code in (200, 422)
    assert "Nothing was saved" in response.content.decode()
    assert response.context["report"].errors
    assert not ScoreChange.objects.exists()


def yaml_billion_laughs():
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        name, previous = chr(ord("a") + i), chr(ord("a") + i - 1)
        lines.append(f"{name}: &{name} [{','.join(['*' + previous] * 9)}]")
    return "\n".join([*lines, "format: *j", "stages: *j"])


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("kriteria.yaml", yaml_billion_laughs(), "anchors or aliases"),
        ("kriteria.yml", "format: &f sp2k-edition/1\nname: *f\n", "anchors or aliases"),
        ("kriteria.json", "[" * 10000 + "]" * 10000, "nested too deeply"),
        ("kriteria.json", '{"stages":' * 10000 + "[]" + "}" * 10000, "nested too deeply"),
        ("kriteria.yaml", "[" * 10000 + "]" * 10000, "nest"),
        ("kriteria.yaml", "a:\n" + "".join(" " * i + "- \n" for i in range(1, 1300)), "nest"),
    ],
    ids=[
        "yaml billion laughs",
        "yaml alias",
        "json 10000 lists",
        "json 10000 objects",
        "yaml 10000 flow lists",
        "yaml deep block",
    ],
)
def test_configuration_bombs_are_refused_before_they_expand(client, jatim, province_admin, name, content, message):
    from assessments.domain import editions as services

    fresh = services.create_blank_edition(jatim, name="Baru", year=2023)
    client.force_login(province_admin)
    response = client.post(
        reverse("assessments:edition_import", args=[fresh.pk]),
        {"file": SimpleUploadedFile(name, content.encode())},
    )
    assert response.status_code == 200
    errors = response.context["import_errors"]
    assert errors and any(message in error for error in errors)
    assert len(" ".join(errors)) < 5000  # the message never echoes the expanded document
    assert not fresh.stages.exists()


# --- 3. numbers: out of range, not numbers, and localised ------------------------------------

REFUSED = object()
# What people type. "1.000" is one thousand in Indonesian writing; "٩٠" is 90 in Arabic-Indic digits.
TYPED = ["85,5", "85.5", "1e3", "NaN", "-0", "  90 ", "٩٠", "100,001", "", "1.000", "-5", "99999999999999"]
# A score: a decimal comma or point with at most two decimals, within the indicator's scale (0–100).
# "1.000" is refused (three decimals), not read as 1: an Indonesian reader means one thousand.
SCORE_EXPECTED = {
    "85,5": Decimal("85.5"),
    "85.5": Decimal("85.5"),
    "1e3": REFUSED,
    "NaN": REFUSED,
    "-0": Decimal(0),
    "  90 ": Decimal(90),
    "٩٠": REFUSED,  # digits of other scripts are not a score (issue 11): ASCII digits only
    "100,001": REFUSED,
    "": None,
    "1.000": REFUSED,
    "-5": REFUSED,
    "99999999999999": REFUSED,
}


@pytest.mark.parametrize("typed", TYPED)
def test_score_save_endpoint_with_odd_numbers(client, setup, sheet, typed):
    from assessments.models import ScoreChange

    indicator = setup.indicators[0]
    client.force_login(setup.assessor)
    response = client.post(
        reverse("assessments:score_save", args=[sheet.pk, indicator.pk]),
        {"value": typed, "comment": "" if typed.strip() else "catatan", "version": 0},
        HTTP_HX_REQUEST="true",
    )
    expected = SCORE_EXPECTED[typed]
    score = Score.objects.filter(sheet=sheet, indicator=indicator).first()
    if expected is REFUSED:
        assert response.status_code == 422
        assert re.search(r"Enter a number|between 0 and 100|at most two decimals", response.content.decode())
        assert score is None or score.value is None
        assert not ScoreChange.objects.filter(new_value__isnull=False).exists()
    else:
        assert response.status_code == 200, response.content.decode()
        assert score.value == expected
        assert "-0" not in response.content.decode()


@pytest.mark.parametrize("typed", [t for t in TYPED if t])
def test_excel_upload_with_odd_numbers(client, setup, typed):
    from openpyxl import load_workbook

    from assessments.domain.spreadsheets import COL_VALUE

    client.force_login(setup.assessor)
    workbook = load_workbook(
        io.BytesIO(client.get(reverse("assessments:stage_excel_download", args=[setup.stage.pk])).content)
    )
    first = next(workbook["Nilai"].iter_rows(min_row=2))
    first[COL_VALUE - 1].value = typed
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = client.post(
        reverse("assessments:stage_excel_upload", args=[setup.stage.pk]),
        {"file": SimpleUploadedFile("nilai.xlsx", buffer.getvalue())},
    )
    expected = SCORE_EXPECTED[typed]
    if expected is REFUSED:
        assert response.status_code == 422
        assert "Nothing was saved" in response.content.decode()
        assert not Score.objects.filter(value__isnull=False).exists()
    else:
        # The upload shows the change; the assessor confirms it.
        assert response.status_code == 200, response.content.decode()[-2000:]
        response = client.post(
            reverse("assessments:stage_excel_upload", args=[setup.stage.pk]), {"confirm": response.context["confirm"]}
        )
        assert response.status_code == 302, response.content.decode()[-2000:]
        assert list(Score.objects.values_list("value", flat=True)) == [expected]


@dataclass
class NumberField:
    id: str
    user: str
    url: object  # url(ctx)
    data: object  # data(ctx): a valid POST without this field
    name: str  # the field's name in the POST
    read: object  # read(ctx): the stored value
    whole: bool
    low: Decimal
    high: Decimal
    required: bool = True


def expected_number(typed, field):
    """The sensible reading: digits (any script) with a point and at most two decimals; no comma, no
    thousands separator, nothing outside the field's range. Number inputs send "85.5", never "85,5"."""
    text = typed.strip()
    if not text:
        return REFUSED if field.required else None
    # Exponents are what an HTML number input allows too ("1e3" is 1000).
    pattern = r"-?\d+" if field.whole else r"-?\d+(\.\d{1,2})?(e\d+)?"
    if not re.fullmatch(pattern, text):
        return REFUSED
    value = Decimal(text)
    return value if field.low <= value <= field.high else REFUSED


def _stage_data(c):
    return {
        "order": c.stage.order,
        "name": c.stage.name,
        "kind": c.stage.kind,
        "starts_on": "",
        "ends_on": "",
        "weight": c.stage.weight,
        "advance_count": c.stage.advance_count or "",
    }


def _indicator_data(c):
    i = c.indicator
    return {
        "order": i.order,
        "name": i.name,
        "description": "",
        "weight": i.weight,
        "scale": i.scale,
        "scale_min": i.scale_min,
        "scale_max": i.scale_max,
        "levels-TOTAL_FORMS": "0",
        "levels-INITIAL_FORMS": "0",
    }


def _settings_data(c):
    e = c.edition
    return {
        "name": e.name,
        "aggregation": e.aggregation,
        "final_score": e.final_score,
        "tie_break_aspect": e.tie_break_aspect,
        "nomination_quota": e.nomination_quota,
        "evidence_max_mb": e.evidence_max_mb,
        "reminder_days": e.reminder_days,
    }


def _refresh(obj):
    obj.refresh_from_db()
    return obj


PROFILE = {
    "camat_name": "Budi",
    "camat_nip": "",
    "address": "",
    "phone": "",
    "email": "",
    "area_km2": "",
    "population": "",
    "description": "",
}
INDICATOR_URL = lambda c: reverse(  # noqa: E731
    "assessments:indicator_edit", args=[c.edition.pk, c.stage.pk, c.indicator.aspect_id, c.indicator.pk]
)
SETTINGS_URL = lambda c: reverse("assessments:edition_settings", args=[c.edition.pk])  # noqa: E731
INNOVATION_URL = lambda c: reverse("kecamatan:innovation_edit", args=[c.district.code, c.innovation.pk])  # noqa: E731
BIG = Decimal("999999999999.99")

NUMBER_FIELDS = [
    NumberField(
        "profile area",
        "camat",
        lambda c: reverse("kecamatan:profile_edit", args=[c.district.code]),
        lambda c: PROFILE,
        "area_km2",
        lambda c: DistrictProfile.objects.filter(district=c.district).values_list("area_km2", flat=True).first(),
        False,
        Decimal("0.01"),
        Decimal("9999999.99"),
        False,
    ),
    NumberField(
        "profile population",
        "camat",
        lambda c: reverse("kecamatan:profile_edit", args=[c.district.code]),
        lambda c: PROFILE,
        "population",
        lambda c: DistrictProfile.objects.filter(district=c.district).values_list("population", flat=True).first(),
        True,
        Decimal(0),
        Decimal(2**31 - 1),
        False,
    ),
    NumberField(
        "innovation start year",
        "camat",
        INNOVATION_URL,
        lambda c: innovation_post(**{"figures-0-id": str(c.figure.pk)}),
        "start_year",
        lambda c: _refresh(c.innovation).start_year,
        True,
        Decimal(1945),
        Decimal(timezone.now().year),
    ),
    NumberField(
        "innovation figure value",
        "camat",
        INNOVATION_URL,
        lambda c: innovation_post(**{"figures-0-id": str(c.figure.pk), "figures-0-text": "x"}),
        "figures-0-value",
        lambda c: _refresh(c.figure).value,
        False,
        -BIG,
        BIG,
        False,
    ),
    NumberField(
        "stage weight",
        "province_admin",
        lambda c: reverse("assessments:stage_criteria", args=[c.edition.pk, c.stage.pk]),
        _stage_data,
        "weight",
        lambda c: _refresh(c.stage).weight,
        False,
        Decimal(0),
        Decimal(100),
    ),
    NumberField(
        "indicator weight",
        "province_admin",
        INDICATOR_URL,
        _indicator_data,
        "weight",
        lambda c: _refresh(c.indicator).weight,
        False,
        Decimal(0),
        Decimal(100),
    ),
    NumberField(
        "indicator scale max",
        "province_admin",
        INDICATOR_URL,
        _indicator_data,
        "scale_max",
        lambda c: _refresh(c.indicator).scale_max,
        False,
        Decimal("0.01"),
        Decimal("9999.99"),
    ),
    NumberField(
        "indicator scale min",
        "province_admin",
        INDICATOR_URL,
        _indicator_data,
        "scale_min",
        lambda c: _refresh(c.indicator).scale_min,
        False,
        Decimal("-9999.99"),
        Decimal("99.99"),
    ),
    NumberField(
        "nomination quota",
        "province_admin",
        SETTINGS_URL,
        _settings_data,
        "nomination_quota",
        lambda c: _refresh(c.edition).nomination_quota,
        True,
        Decimal(1),
        Decimal(1000),
    ),
    NumberField(
        "evidence size limit",
        "province_admin",
        SETTINGS_URL,
        _settings_data,
        "evidence_max_mb",
        lambda c: _refresh(c.edition).evidence_max_mb,
        True,
        Decimal(1),
        Decimal(500),
    ),
]
EXTRA_TYPED = {"innovation start year": ["2019", "٢٠١٩", "2.019", "2019.0", "1900", "3000"]}


@pytest.fixture
def numbers(edition, rogojampi, camat, province_admin):
    from types import SimpleNamespace

    innovation = Innovation.objects.create(
        district=rogojampi,
        name="Sigap Stunting",
        category="health",
        problem="Balita stunting.",
        idea="Kader posyandu.",
        results="Turun.",
        beneficiaries="300 balita",
        start_year=2019,
        is_published=True,
    )
    stage = edition.stages.get(order=1)
    return SimpleNamespace(
        edition=edition,
        district=rogojampi,
        innovation=innovation,
        stage=stage,
        indicator=Indicator.objects.filter(aspect__stage=stage, scale="numeric").order_by("pk").first(),
        figure=InnovationFigure.objects.create(innovation=innovation, label="Balita", value=Decimal(300)),
        users={"camat": camat, "province_admin": province_admin},
    )


@pytest.mark.parametrize(
    ("field", "typed"),
    [(f, t) for f in NUMBER_FIELDS for t in TYPED + EXTRA_TYPED.get(f.id, [])],
    ids=[f"{f.id}: {t!r}" for f in NUMBER_FIELDS for t in TYPED + EXTRA_TYPED.get(f.id, [])],
)
def test_number_fields_refuse_what_is_not_a_number_in_range(client, numbers, field, typed):
    before = field.read(numbers)
    client.force_login(numbers.users[field.user])
    response = client.post(field.url(numbers), {**field.data(numbers), field.name: typed})
    expected = expected_number(typed, field)
    if expected is REFUSED:
        assert response.status_code in (200, 400), f"accepted as {field.read(numbers)!r}"
        assert 'class="invalid-feedback"' in response.content.decode() or "errorlist" in response.content.decode()
        assert field.read(numbers) == before
    else:
        assert response.status_code == 302, response.content.decode()[-3000:]
        assert field.read(numbers) == expected


# --- 4. headers, and templates that keep the policy workable ----------------------------------


def test_pages_carry_a_policy_without_unsafe_inline_and_the_other_security_headers(client, camat):
    client.force_login(camat)
    for response in (client.get("/"), client.get(reverse("kecamatan:own"), follow=True)):
        policy = dict(
            (d.strip().split(" ", 1) + [""])[:2] for d in response["Content-Security-Policy"].split(";") if d.strip()
        )
        for directive in ("default-src", "script-src", "style-src"):
            assert "'unsafe-inline'" not in policy.get(directive, policy["default-src"])
            assert "'unsafe-eval'" not in policy.get(directive, policy["default-src"])
        assert policy["frame-ancestors"] == "'none'"
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"


PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "sp2k.settings",
    "DEBUG": "0",
    "SECRET_KEY": "x7Gk!pq2-Lm9#Zr4@Vb8$Nc1^Hd6&Jf3*Tw5(Qs0)Ye2_Ua7+Io4=Pe9",
    "ALLOWED_HOSTS": "sp2k.jatimprov.go.id",
    "SITE_URL": "https://sp2k.jatimprov.go.id",
    "DATABASE_URL": "sqlite:////tmp/sp2k-hostile-check.sqlite3",
}
PRINT_SETTINGS = (
    "import django, json; django.setup(); from django.conf import settings as s; print(json.dumps({k: getattr(s, k) "
    "for k in ('SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SESSION_COOKIE_SECURE', "
    "'CSRF_COOKIE_SECURE', 'SECURE_SSL_REDIRECT', 'SESSION_COOKIE_HTTPONLY', 'SECURE_PROXY_SSL_HEADER')}))"
)


def test_production_settings_turn_on_hsts_https_and_secure_cookies():
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY", "DEBUG"}}
    result = subprocess.run(  # noqa: S603 - our own interpreter and a fixed program
        [sys.executable, "-c", PRINT_SETTINGS],
        cwd=ROOT,
        env={**clean, **PRODUCTION_ENV},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["SECURE_HSTS_SECONDS"] >= 31536000 and values["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"] and values["SESSION_COOKIE_HTTPONLY"]
    assert values["SECURE_SSL_REDIRECT"]
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


@override_settings(
    SECURE_HSTS_SECONDS=31536000,
    SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
    SECURE_SSL_REDIRECT=True,
    SESSION_COOKIE_SECURE=True,
    CSRF_COOKIE_SECURE=True,
)
def test_with_production_security_settings_https_is_enforced_and_cookies_are_secure(client, camat, settings):
    plain = client.get("/")
    assert plain.status_code == 301 and plain["Location"].startswith("https://")
    secure = client.get("/", secure=True)
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    login = client.post(
        reverse("accounts:login"), {"username": camat.username, "password": "kata-sandi-uji-123"}, secure=True
    )
    assert login.status_code == 302
    session = login.cookies[settings.SESSION_COOKIE_NAME]
    assert session["secure"] and session["httponly"]


TEMPLATE_DIRS = [ROOT / "templates", *sorted(ROOT.glob("*/templates")), *sorted(ROOT.glob("sp2k/*/templates"))]
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>\s*\S", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE)


def served_templates():
    for folder in TEMPLATE_DIRS:
        for path in sorted(folder.rglob("*.html")):
            if (ROOT / "templates" / "documents") not in path.parents:  # PDFs: never served to a browser
                yield path


@pytest.mark.parametrize(
    ("what", "pattern"),
    [
        ("an inline <script> with content", INLINE_SCRIPT),
        ("an on*= event handler", EVENT_HANDLER),
        ("a style= attribute", STYLE_ATTRIBUTE),
    ],
)
def test_no_served_template_needs_unsafe_inline(what, pattern):
    templates = list(served_templates())
    assert len(templates) > 50  # the scan does look at the templates
    offenders = [
        f"{path.relative_to(ROOT)}:{text[: match.start()].count(chr(10)) + 1}"
        for path in templates
        for text in [path.read_text()]
        for match in pattern.finditer(text)
    ]
    assert not offenders, f"{what} (blocked by the Content-Security-Policy) in: {offenders}"


def test_the_template_scan_catches_what_it_looks_for():
    assert INLINE_SCRIPT.search("<script>alert(1)</script>") and not INLINE_SCRIPT.search(
        '<script src="/a.js"></script>'
    )
    assert EVENT_HANDLER.search('<button type="button" onclick="go()">') and not EVENT_HANDLER.search("<p>one=two</p>")
    assert STYLE_ATTRIBUTE.search('<div class="x" style="color:red">') and not STYLE_ATTRIBUTE.search("<style>")
