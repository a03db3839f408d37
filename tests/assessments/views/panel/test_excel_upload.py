"""The Excel round trip cannot destroy scores (issue 11): columns by header, a signed workbook, formulas,
blank cells, a note row, a preview before anything is saved, read-only rows of submitted sheets."""
# ruff: noqa: F811 - the setup/sheet fixtures are imported from test_scoring and used as arguments

import io
import re
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from assessments.domain import scoring
from assessments.domain.spreadsheets import COL_COMMENT, COL_PARTICIPANT, COL_VALUE, META_SHEET
from assessments.models import Score, ScoreChange, ScoreSheet
from tests.assessments.domain.test_scoring import setup, sheet  # noqa: F401 - fixtures
from tests.factories.damaged import corrupt_deflate

pytestmark = pytest.mark.django_db

VALUE, COMMENT = COL_VALUE - 1, COL_COMMENT - 1


def url(setup):
    return reverse("assessments:stage_excel_upload", args=[setup.stage.pk])


def download(client, user, setup):
    client.force_login(user)
    response = client.get(reverse("assessments:stage_excel_download", args=[setup.stage.pk]))
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def data_of(workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def post(client, setup, data, name="nilai.xlsx"):
    return client.post(url(setup), {"file": SimpleUploadedFile(name, data)})


def confirm(client, setup, preview):
    assert preview.status_code == 200, preview.content.decode()[-3000:]
    return client.post(url(setup), {"confirm": preview.context["confirm"]})


def rows_of(workbook):
    return [row for row in workbook["Nilai"].iter_rows(min_row=2) if row[0].value is not None]


def messages_of(response):
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


@pytest.fixture
def scored(setup):
    """Every open sheet of the assessor fully scored (70, with a comment): what an accident would destroy."""
    for participant in setup.participants:
        if participant == setup.taman:
            continue
        own = scoring.open_sheet(setup.stage, participant, setup.assessor)
        for indicator in setup.indicators:
            scoring.save_score(own, indicator, "70", f"catatan {participant.pk}", setup.assessor, "web")
    return Score.objects.filter(sheet__assessor=setup.assessor).count()


def stored_scores(setup):
    return {
        (s.sheet.participant_id, s.indicator_id): (s.value, s.comment)
        for s in Score.objects.filter(sheet__assessor=setup.assessor).select_related("sheet")
    }


def test_a_column_inserted_after_kecamatan_changes_nothing_else(client, setup, scored):
    before = stored_scores(setup)
    workbook = download(client, setup.assessor, setup)
    target = rows_of(workbook)[0]
    key = (target[0].value, target[1].value)
    target[VALUE].value = 88
    sheet = workbook["Nilai"]
    sheet.insert_cols(6)  # right after "Kecamatan" (column E)
    sheet.cell(1, 6).value = "Catatan saya"
    for number in range(2, sheet.max_row + 1):
        sheet.cell(number, 6).value = "dicek"
    preview = post(client, setup, data_of(workbook))
    assert preview.context["preview"].rows == scored
    assert len(preview.context["preview"].changes) == 1
    assert confirm(client, setup, preview).status_code == 302
    after = stored_scores(setup)
    assert after[key] == (Decimal("88"), before[key][1])
    assert {k: v for k, v in after.items() if k != key} == {k: v for k, v in before.items() if k != key}
    assert ScoreChange.objects.filter(source="excel").count() == 1


def test_a_needed_column_deleted_or_doubled_refuses_the_file(client, setup, scored):
    workbook = download(client, setup.assessor, setup)
    workbook["Nilai"].delete_cols(COL_COMMENT)
    response = post(client, setup, data_of(workbook))
    assert response.status_code == 422 and "“Comment” is missing" in response.content.decode()
    workbook = download(client, setup.assessor, setup)
    workbook["Nilai"].cell(1, COL_COMMENT + 1).value = "Score"
    response = post(client, setup, data_of(workbook))
    assert response.status_code == 422 and "appears 2 times" in response.content.decode()
    assert not ScoreChange.objects.filter(source="excel").exists()


def test_another_assessors_workbook_is_refused(client, setup, scored):
    theirs = download(client, setup.other, setup)
    for row in rows_of(theirs):
        row[VALUE].value = 10
    client.force_login(setup.assessor)
    response = post(client, setup, data_of(theirs))
    assert response.status_code == 422
    assert "downloaded by another assessor (penilai-jpip)" in response.content.decode()
    assert not ScoreChange.objects.filter(source="excel").exists()
    assert not Score.objects.filter(value=10).exists()


def test_an_edited_signature_is_refused(client, setup, scored):
    workbook = download(client, setup.assessor, setup)
    meta = workbook[META_SHEET]
    for row in meta.iter_rows():
        if row[0].value == "token":
            # The token names assessor, stage and edition; any edit breaks its signature.
            row[1].value = row[1].value.replace(f'"assessor":{setup.assessor.pk}', f'"assessor":{setup.other.pk}')
            row[1].value = row[1].value[:-3] + "abc"
    for row in rows_of(workbook):
        row[VALUE].value = 10
    response = post(client, setup, data_of(workbook))
    assert response.status_code == 422 and "signature does not match" in response.content.decode()


def test_a_formula_without_a_stored_result_is_refused_with_its_cell(client, setup, scored):
    workbook = download(client, setup.assessor, setup)
    row = rows_of(workbook)[0]
    row[VALUE].value = "=80+5"  # written by a script: no cached result
    response = post(client, setup, data_of(workbook))
    assert response.status_code == 422
    page = response.content.decode()
    assert f"J{row[VALUE].row}" in page and "formula" in page
    assert Score.objects.filter(value=Decimal(70)).count() == scored


def test_a_formula_with_a_stored_result_is_read_by_it(client, setup, scored):
    workbook = download(client, setup.assessor, setup)
    row = rows_of(workbook)[0]
    row[VALUE].value = 85
    data = data_of(workbook)
    cell = f"J{row[VALUE].row}"
    # What Excel saves: the formula and the result it computed.
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    xml, n = re.subn(rf'<c r="{cell}"( [^>]*)?><v>85</v></c>', f'<c r="{cell}"\\1><f>80+5</f><v>85</v></c>', xml)
    assert n == 1
    parts["xl/worksheets/sheet1.xml"] = xml.encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    preview = post(client, setup, out.getvalue())
    assert [change.new_value for change in preview.context["preview"].changes] == [Decimal(85)]


def test_blank_cells_keep_scores_and_a_dash_clears_one(client, setup, scored):
    before = stored_scores(setup)
    workbook = download(client, setup.assessor, setup)
    rows = rows_of(workbook)
    for row in rows:
        row[VALUE].value = None
        row[COMMENT].value = None
    response = post(client, setup, data_of(workbook))
    assert response.status_code == 302 and "changes nothing" in messages_of(client.get(response.url))
    assert stored_scores(setup) == before
    rows[0][VALUE].value = "-"
    rows[1][COMMENT].value = "-"
    assert confirm(client, setup, post(client, setup, data_of(workbook))).status_code == 302
    after = stored_scores(setup)
    first, second = ((row[0].value, row[1].value) for row in rows[:2])
    assert after[first] == (None, before[first][1])
    assert after[second] == (before[second][0], "")
    assert ScoreChange.objects.filter(source="excel").count() == 2


def test_a_note_row_below_the_table_is_not_a_row(client, setup, scored):
    workbook = download(client, setup.assessor, setup)
    rows = rows_of(workbook)
    rows[0][VALUE].value = 90
    sheet = workbook["Nilai"]
    last = sheet.max_row
    sheet.cell(last + 2, 4).value = "Catatan: dinilai saat tinjau lapang, 12 Agustus"
    sheet.cell(last + 3, 5).value = "Rata-rata"
    preview = post(client, setup, data_of(workbook))
    assert preview.status_code == 200 and len(preview.context["preview"].changes) == 1
    assert confirm(client, setup, preview).status_code == 302
    # A score written on such a row would be lost: it is refused, not ignored.
    workbook = download(client, setup.assessor, setup)
    sheet = workbook["Nilai"]
    sheet.cell(sheet.max_row + 2, COL_VALUE).value = 75
    response = post(client, setup, data_of(workbook))
    assert response.status_code == 422 and "hidden ids are empty" in response.content.decode()


def test_the_upload_shows_the_changes_then_applies_them_once_confirmed(client, setup, scored):
    workbook = download(client, setup.assessor, setup)
    rows = rows_of(workbook)
    rows[0][VALUE].value = "85,5"
    rows[1][COMMENT].value = "bukti lengkap"
    preview = post(client, setup, data_of(workbook))
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "2 values will change" in page and "Rogojampi" in page
    assert "70 → <strong>85.50</strong>" in page  # old → new, as the sheet shows numbers
    assert "bukti lengkap" in page
    assert not ScoreChange.objects.filter(source="excel").exists()  # nothing saved yet
    token = preview.context["confirm"]
    response = client.post(url(setup), {"confirm": token})
    assert response.status_code == 302
    assert "2 scores changed" in messages_of(client.get(response.url))
    assert ScoreChange.objects.filter(source="excel").count() == 2
    # The same confirmation again (a double click, the back button) applies nothing twice.
    again = client.post(url(setup), {"confirm": token}, follow=True)
    assert "expired" in messages_of(again)
    assert ScoreChange.objects.filter(source="excel").count() == 2


def test_cancel_and_a_change_in_between_save_nothing(client, setup, scored):
    workbook = download(client, setup.assessor, setup)
    rows = rows_of(workbook)
    rows[0][VALUE].value = 55
    preview = post(client, setup, data_of(workbook))
    response = client.post(url(setup), {"cancel": "1"}, follow=True)
    assert "cancelled" in messages_of(response)
    assert not ScoreChange.objects.filter(source="excel").exists()
    # A score changed in the browser after the preview: a conflict at confirmation, nothing saved.
    preview = post(client, setup, data_of(workbook))
    own = ScoreSheet.objects.get(stage=setup.stage, assessor=setup.assessor, participant_id=rows[0][0].value)
    indicator = next(i for i in setup.indicators if i.pk == rows[0][1].value)
    scoring.save_score(own, indicator, "60", "", setup.assessor, "web")
    response = confirm(client, setup, preview)
    assert response.status_code == 422 and "changed after the download" in response.content.decode()
    assert not ScoreChange.objects.filter(source="excel").exists()


def test_an_upload_for_one_kecamatan_opens_only_that_sheet(client, setup):
    workbook = download(client, setup.assessor, setup)
    rows = rows_of(workbook)
    rows[0][VALUE].value = 80
    assert confirm(client, setup, post(client, setup, data_of(workbook))).status_code == 302
    opened = ScoreSheet.objects.filter(stage=setup.stage, assessor=setup.assessor)
    assert list(opened.values_list("participant_id", flat=True)) == [rows[0][COL_PARTICIPANT - 1].value]


def test_rows_of_submitted_sheets_are_read_only(client, setup, sheet):
    for indicator in setup.indicators:
        scoring.save_score(sheet, indicator, "70", "", setup.assessor, "web")
    scoring.submit_sheet(sheet, setup.assessor)
    workbook = download(client, setup.assessor, setup)
    assert workbook["Nilai"].protection.sheet
    rows = rows_of(workbook)
    submitted = [row for row in rows if row[0].value == setup.rogojampi.pk]
    open_rows = [row for row in rows if row[0].value != setup.rogojampi.pk]
    assert submitted and open_rows
    for row in submitted:
        assert row[VALUE].protection.locked and row[VALUE].fill.fgColor.rgb.endswith("D9D9D9")
    for row in open_rows:
        assert not row[VALUE].protection.locked and not row[COMMENT].protection.locked
    submitted[0][VALUE].value = 20
    response = post(client, setup, data_of(workbook))
    assert response.status_code == 422 and "submitted" in response.content.decode()


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("1e309", "Enter a number"),
        ("9" * 30, "between 0 and 100"),
        (int("9" * 30), "between 0 and 100"),
        ("1e2", "Enter a number"),
        ("7 0", "Enter a number"),
        ("\u0668\u0665", "Enter a number"),
    ],
)
def test_numbers_in_cells_follow_the_sheets_rule(client, setup, cell, message):
    workbook = download(client, setup.assessor, setup)
    rows = rows_of(workbook)
    rows[0][VALUE].value = cell
    rows[1][VALUE].value = 87.5  # a number cell with a decimal is fine
    response = post(client, setup, data_of(workbook))
    assert response.status_code == 422
    errors = response.context["report"].errors
    assert [(e.row, e.column) for e in errors] == [(rows[0][VALUE].row, "J")]
    assert message in errors[0].message


def test_a_damaged_workbook_is_refused_naming_the_file(client, setup):
    workbook = download(client, setup.assessor, setup)
    data = corrupt_deflate(data_of(workbook), "xl/worksheets/sheet1.xml")
    response = post(client, setup, data, name="nilai-rusak.xlsx")
    assert response.status_code == 422
    assert "nilai-rusak.xlsx" in response.content.decode() and "damaged" in response.content.decode()
