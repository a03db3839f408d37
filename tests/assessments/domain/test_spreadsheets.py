"""Excel round trip for offline field work, and refusal of bad files."""
# ruff: noqa: F811 - the setup/sheet fixtures are imported from test_scoring and used as arguments

import io
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from assessments.domain import scoring
from assessments.domain.spreadsheets import COL_COMMENT, COL_PARTICIPANT, COL_VALUE, COL_VERSION, MAX_UPLOAD_BYTES
from assessments.models import Score, ScoreChange
from tests.assessments.domain.test_scoring import setup, sheet  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def download(client, setup):
    client.force_login(setup.assessor)
    response = client.get(reverse("assessments:stage_excel_download", args=[setup.stage.pk]))
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def upload(client, setup, workbook=None, data=None, name="nilai.xlsx", confirm=True):
    if workbook is not None:
        buffer = io.BytesIO()
        workbook.save(buffer)
        data = buffer.getvalue()
    url = reverse("assessments:stage_excel_upload", args=[setup.stage.pk])
    response = client.post(url, {"file": SimpleUploadedFile(name, data)})
    if confirm and response.status_code == 200 and response.context and response.context.get("preview"):
        # The upload shows what it will change; the assessor confirms.
        response = client.post(url, {"confirm": response.context["confirm"]})
    return response


def rows_of(workbook):
    return list(workbook["Nilai"].iter_rows(min_row=2))


def test_round_trip(client, setup):
    workbook = download(client, setup)
    rows = rows_of(workbook)
    # 5 participants (Taman is excluded: conflict of interest) × 6 indicators.
    assert len(rows) == 5 * len(setup.indicators)
    assert setup.taman.pk not in {row[COL_PARTICIPANT - 1].value for row in rows}
    assert "Rogojampi" in {row[4].value for row in rows}
    assert rows[0][7].value == "0–100"
    for i, row in enumerate(rows):
        row[COL_VALUE - 1].value = 50 + i % 40 if i % 3 else f"{60 + i % 30},5"
        row[COL_COMMENT - 1].value = f"catatan {i}"
    response = upload(client, setup, workbook)
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert Score.objects.filter(value__isnull=False).count() == len(rows)
    assert set(ScoreChange.objects.values_list("source", flat=True)) == {"excel"}
    first = rows[0]
    score = Score.objects.get(sheet__participant_id=first[COL_PARTICIPANT - 1].value, indicator_id=first[1].value)
    assert (score.value, score.comment) == (Decimal("60.5"), "catatan 0")
    # Downloading again carries the saved values and versions; an unchanged upload changes nothing.
    again = download(client, setup)
    assert {row[COL_VERSION - 1].value for row in rows_of(again)} == {1}
    assert upload(client, setup, again).status_code == 302
    assert ScoreChange.objects.count() == len(rows)


def test_rubric_and_scale_are_in_the_workbook(client, setup):
    client.force_login(setup.assessor)
    response = client.get(reverse("assessments:stage_excel_download", args=[setup.field_visit.pk]))
    rows = rows_of(load_workbook(io.BytesIO(response.content)))
    assert "5 = Sangat baik" in rows[0][8].value
    assert rows[0][7].value.endswith("1–5")


def test_errors_in_rows_apply_nothing_and_list_every_error(client, setup, sheet):
    # The other assessor's Rogojampi sheet exists; the assessor's own Rogojampi sheet is submitted.
    for indicator in setup.indicators:
        scoring.save_score(sheet, indicator, "70", "", setup.assessor, "web")
    scoring.submit_sheet(sheet, setup.assessor)
    workbook = download(client, setup)
    rows = rows_of(workbook)
    by_participant = {}
    for row in rows:
        by_participant.setdefault(row[COL_PARTICIPANT - 1].value, []).append(row)
    open_rows = [r for pk, group in by_participant.items() if pk != setup.rogojampi.pk for r in group]
    for row in open_rows:
        row[COL_VALUE - 1].value = 75
    open_rows[0][COL_VALUE - 1].value = 150  # out of range
    open_rows[1][COL_VALUE - 1].value = "baik"  # not a number
    open_rows[2][COL_PARTICIPANT - 1].value = 999999  # unknown id
    open_rows[3][COL_PARTICIPANT - 1].value = setup.taman.pk  # conflicted: not the assessor's sheet
    by_participant[setup.rogojampi.pk][0][COL_VALUE - 1].value = 10  # submitted sheet
    # A score changed in the browser after the download: conflict.
    target = open_rows[10]
    participant = next(p for p in setup.participants if p.pk == target[COL_PARTICIPANT - 1].value)
    own = scoring.open_sheet(setup.stage, participant, setup.assessor)
    indicator = next(i for i in setup.indicators if i.pk == target[1].value)
    scoring.save_score(own, indicator, "33", "", setup.assessor, "web")
    before = ScoreChange.objects.count()

    response = upload(client, setup, workbook)
    assert response.status_code == 422
    errors = response.context["report"].errors
    located = {(e.row, e.column) for e in errors}
    assert (open_rows[0][0].row, "J") in located
    assert (open_rows[1][0].row, "J") in located
    assert (open_rows[2][0].row, "A") in located
    assert (open_rows[3][0].row, "A") in located
    assert (by_participant[setup.rogojampi.pk][0][0].row, "J") in located
    assert (target[0].row, "C") in located
    assert len(errors) == 6
    page = response.content.decode()
    assert "upload-errors" in page and "submitted" in page
    # All or nothing: not one of the valid rows was saved.
    assert ScoreChange.objects.count() == before
    assert not Score.objects.filter(value=Decimal(75)).exists()


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"participant_id,indicator_id\n1,2\n", "nilai.xlsx"),  # renamed text
        (b"PK\x03\x04 broken", "nilai.xlsx"),  # claims to be a zip
        (b"%PDF-1.4 ...", "nilai.xlsx"),
    ],
)
def test_not_an_xlsx_is_refused(client, setup, data, name):
    client.force_login(setup.assessor)
    response = upload(client, setup, data=data, name=name)
    assert response.status_code == 422
    assert "not an Excel workbook" in response.content.decode() or "bukan" in response.content.decode()
    assert not ScoreChange.objects.exists()


def test_a_zip_that_is_not_a_workbook_is_refused(client, setup):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "halo")
    client.force_login(setup.assessor)
    assert upload(client, setup, data=buffer.getvalue()).status_code == 422


def test_zip_bomb_and_large_files_are_refused(client, setup):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<x/>")
        archive.writestr("xl/workbook.xml", "<x/>")
        archive.writestr("xl/big.xml", b"0" * (100 * 1024 * 1024))
    assert len(buffer.getvalue()) < MAX_UPLOAD_BYTES
    client.force_login(setup.assessor)
    response = upload(client, setup, data=buffer.getvalue())
    assert response.status_code == 422 and "too large" in response.content.decode()
    response = upload(client, setup, data=b"PK" + b"0" * MAX_UPLOAD_BYTES)
    assert response.status_code == 200  # the form itself refuses it
    assert "too large" in response.content.decode()


def test_workbook_of_another_stage_is_refused(client, setup):
    client.force_login(setup.assessor)
    data = client.get(reverse("assessments:stage_excel_download", args=[setup.field_visit.pk])).content
    response = upload(client, setup, data=data)
    assert response.status_code == 422 and "another stage" in response.content.decode()


def test_excel_needs_an_assignment_at_the_stage(client, setup, other_province_admin, province_admin):
    # Another province's admin: 404 (the stage does not exist for it); the province's own admin: 403.
    for user, status in ((other_province_admin, 404), (province_admin, 403)):
        client.force_login(user)
        assert client.get(reverse("assessments:stage_excel_download", args=[setup.stage.pk])).status_code == status
