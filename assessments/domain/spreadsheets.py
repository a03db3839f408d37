"""Excel (openpyxl) workbooks for offline work at field visits: download a stage's sheets, upload them back.

Layout: one worksheet "Nilai" with one row per participant × indicator. The first three columns
(participant id, indicator id, version) are hidden and map each row back exactly; the version
detects a score changed in the browser after the download. A hidden worksheet names the stage.
The upload is checked row by row and applied all-or-nothing.
"""

import zipfile
from dataclasses import dataclass, field
from io import BytesIO

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from assessments.domain.scoring import (
    ScoreConflict,
    ScoringError,
    _plain,
    open_sheet,
    parse_value,
    save_score,
    stage_closed_message,
)
from assessments.models import Indicator, Participant, Score, ScoreChange
from assessments.queries.sheets import assessor_stage_sheets

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# A zip of a few MB can unpack to gigabytes; refuse before openpyxl reads anything.
MAX_UNPACKED_BYTES = 60 * 1024 * 1024
MAX_ROWS = 20000
FORMAT = "sp2k-scores/1"
SCORES_SHEET = "Nilai"
META_SHEET = "sp2k"

# Column positions (1-based) of the scores worksheet.
COL_PARTICIPANT, COL_INDICATOR, COL_VERSION = 1, 2, 3
COL_REGENCY, COL_DISTRICT, COL_ASPECT, COL_NAME, COL_SCALE, COL_RUBRIC, COL_VALUE, COL_COMMENT = range(4, 12)
TECHNICAL_HEADERS = ("participant_id", "indicator_id", "version")


def _stage_indicators(stage):
    return list(
        Indicator.objects.filter(aspect__stage=stage)
        .select_related("aspect")
        .prefetch_related("levels")
        .order_by("aspect__order", "order")
    )


def scale_text(indicator):
    if indicator.scale == Indicator.Scale.RUBRIC:
        return _("level %(min)s–%(max)s") % {"min": _plain(indicator.scale_min), "max": _plain(indicator.scale_max)}
    return f"{_plain(indicator.scale_min)}–{_plain(indicator.scale_max)}"


def rubric_text(indicator):
    return "\n".join(
        f"{level.value} = {level.label}" + (f": {level.description}" if level.description else "")
        for level in indicator.levels.all()
    )


def build_workbook(stage, assessor):
    """The assessor's sheets of the stage as an .xlsx file (bytes)."""
    rows = assessor_stage_sheets(stage, assessor)
    indicators = _stage_indicators(stage)
    scores = {
        (score.sheet.participant_id, score.indicator_id): score
        for score in Score.objects.filter(sheet__stage=stage, sheet__assessor=assessor).select_related("sheet")
    }
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SCORES_SHEET
    headers = [
        *TECHNICAL_HEADERS,
        _("Regency/city"),
        _("Kecamatan"),
        _("Aspect (weight)"),
        _("Indicator (weight)"),
        _("Scale"),
        _("Rubric levels"),
        _("Score"),
        _("Comment"),
    ]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    fill = PatternFill("solid", fgColor="FFF2CC")
    for row in rows:
        participant = row.participant
        for indicator in indicators:
            score = scores.get((participant.pk, indicator.pk))
            sheet.append(
                [
                    participant.pk,
                    indicator.pk,
                    score.version if score else 0,
                    participant.district.regency.name,
                    participant.district.name,
                    f"{indicator.aspect.name} ({_plain(indicator.aspect.weight)}%)",
                    f"{indicator.name} ({_plain(indicator.weight)}%)",
                    scale_text(indicator),
                    rubric_text(indicator),
                    score.value if score and score.value is not None else None,
                    score.comment if score else "",
                ]
            )
            current = sheet.max_row
            sheet.cell(current, COL_VALUE).fill = fill
            sheet.cell(current, COL_COMMENT).fill = fill
            sheet.cell(current, COL_RUBRIC).alignment = Alignment(wrap_text=True, vertical="top")
    for column in (COL_PARTICIPANT, COL_INDICATOR, COL_VERSION):
        sheet.column_dimensions[get_column_letter(column)].hidden = True
    widths = {
        COL_REGENCY: 22,
        COL_DISTRICT: 20,
        COL_ASPECT: 28,
        COL_NAME: 40,
        COL_SCALE: 12,
        COL_RUBRIC: 50,
        COL_VALUE: 10,
        COL_COMMENT: 40,
    }
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = sheet.cell(2, COL_VALUE)

    meta = workbook.create_sheet(META_SHEET)
    meta.append(["format", FORMAT])
    meta.append(["stage_id", stage.pk])
    meta.append(["assessor", assessor.get_username()])
    meta.sheet_state = "hidden"
    output = BytesIO()
    workbook.save(output)
    return output.getvalue()


@dataclass
class ExcelError:
    sheet: str
    row: int | None
    column: str | None
    message: str


@dataclass
class UploadReport:
    errors: list = field(default_factory=list)
    rows: int = 0
    changed: int = 0

    @property
    def ok(self):
        return not self.errors


class _Rollback(Exception):
    pass


def _file_error(message):
    return UploadReport(errors=[ExcelError(sheet="", row=None, column=None, message=message)])


def _open_workbook(upload):
    """The workbook, or the reason it is refused: only a real, reasonably sized .xlsx is opened."""
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        return None, _("The file is too large (at most %(mb)s MB).") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)}
    buffer = BytesIO(data)
    not_xlsx = _("This is not an Excel workbook (.xlsx). Upload the file downloaded from this page.")
    if not zipfile.is_zipfile(buffer):
        return None, not_xlsx
    try:
        with zipfile.ZipFile(buffer) as archive:
            entries = archive.infolist()
            names = {entry.filename for entry in entries}
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                return None, not_xlsx
            if len(entries) > 2000 or sum(entry.file_size for entry in entries) > MAX_UNPACKED_BYTES:
                return None, _("The workbook is too large once unpacked.")
        buffer.seek(0)
        return load_workbook(buffer, read_only=True, data_only=True), None
    except Exception:  # noqa: BLE001 - any damage in a user's file means the same: refuse it
        return None, not_xlsx


def _int(value):
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def apply_upload(stage, assessor, upload, ip=None):
    """Check every row of an uploaded workbook and apply them all, or none (the report lists every error)."""
    workbook, problem = _open_workbook(upload)
    if problem:
        return _file_error(problem)
    try:
        return _apply_workbook(stage, assessor, workbook, ip)
    finally:
        workbook.close()


def _apply_workbook(stage, assessor, workbook, ip):
    if SCORES_SHEET not in workbook.sheetnames or META_SHEET not in workbook.sheetnames:
        return _file_error(
            _("This workbook was not downloaded from the portal (the “%(name)s” sheet is missing).")
            % {"name": SCORES_SHEET}
        )
    meta = {row[0]: row[1] for row in workbook[META_SHEET].iter_rows(max_col=2, values_only=True) if row and row[0]}
    if meta.get("format") != FORMAT:
        return _file_error(_("This workbook was not downloaded from the portal."))
    if _int(meta.get("stage_id")) != stage.pk:
        return _file_error(_("This workbook belongs to another stage. Download the workbook of this stage."))
    closed = stage_closed_message(stage)
    if closed:
        # Checked for the whole file at once (save_score checks it again, row by row, under its lock).
        return _file_error(closed)

    report = UploadReport()
    assigned = {row.participant_id: row for row in assessor_stage_sheets(stage, assessor)}
    in_edition = set(Participant.objects.filter(edition_id=stage.edition_id).values_list("pk", flat=True))
    indicators = {indicator.pk: indicator for indicator in _stage_indicators(stage)}
    current = {
        (score.sheet.participant_id, score.indicator_id): score
        for score in Score.objects.filter(sheet__stage=stage, sheet__assessor=assessor).select_related("sheet")
    }
    value_col, version_col = get_column_letter(COL_VALUE), get_column_letter(COL_VERSION)

    def error(row, column, message):
        report.errors.append(ExcelError(SCORES_SHEET, row, get_column_letter(column) if column else None, message))

    rows = workbook[SCORES_SHEET].iter_rows(values_only=True)
    header = next(rows, None)
    if not header or tuple(header[:3]) != TECHNICAL_HEADERS:
        return _file_error(
            _("The columns of the “%(name)s” sheet were changed; download a new workbook.") % {"name": SCORES_SHEET}
        )
    todo = []
    seen = set()
    for number, values in enumerate(rows, start=2):
        if number - 1 > MAX_ROWS:
            return _file_error(_("The workbook has too many rows (at most %(n)s).") % {"n": MAX_ROWS})
        values = tuple(values) + (None,) * (COL_COMMENT - len(values))
        if all(value in (None, "") for value in values):
            continue
        report.rows += 1
        participant_id, indicator_id = _int(values[COL_PARTICIPANT - 1]), _int(values[COL_INDICATOR - 1])
        version = _int(values[COL_VERSION - 1])
        if participant_id is None or (participant_id not in in_edition):
            error(number, COL_PARTICIPANT, _("Unknown participant id."))
            continue
        if participant_id not in assigned:
            error(number, COL_PARTICIPANT, _("This row belongs to a sheet that is not yours at this stage."))
            continue
        if indicator_id is None or indicator_id not in indicators:
            error(number, COL_INDICATOR, _("Unknown indicator id for this stage."))
            continue
        if (participant_id, indicator_id) in seen:
            error(number, COL_INDICATOR, _("This indicator appears twice for the same kecamatan."))
            continue
        seen.add((participant_id, indicator_id))
        if version is None:
            error(number, COL_VERSION, _("The hidden version column was changed; download a new workbook."))
            continue
        todo.append((number, participant_id, indicators[indicator_id], version, values))

    try:
        with transaction.atomic():
            sheets = {}
            for number, participant_id, indicator, version, values in todo:
                raw, comment = values[COL_VALUE - 1], values[COL_COMMENT - 1]
                raw = "" if raw is None else str(raw)
                comment = "" if comment is None else str(comment).strip()
                if participant_id not in sheets:
                    try:
                        sheets[participant_id] = open_sheet(stage, assigned[participant_id].participant, assessor)
                    except PermissionDenied as refused:
                        error(number, COL_PARTICIPANT, str(refused))
                        sheets[participant_id] = None
                sheet = sheets[participant_id]
                if sheet is None:
                    continue
                stored = current.get((participant_id, indicator.pk))
                try:
                    # Unchanged rows are no change: fine on a submitted sheet or after an edit in the browser.
                    stored_value, stored_comment = (stored.value, stored.comment) if stored else (None, "")
                    if parse_value(raw, indicator) == stored_value and comment == stored_comment:
                        continue
                    result = save_score(
                        sheet,
                        indicator,
                        raw,
                        comment,
                        by=assessor,
                        source=ScoreChange.Source.EXCEL,
                        ip=ip,
                        expected_version=version,
                    )
                except ScoreConflict as conflict:
                    shown = _plain(conflict.current.value) if conflict.current.value is not None else "—"
                    report.errors.append(
                        ExcelError(
                            SCORES_SHEET,
                            number,
                            version_col,
                            _("This score was changed after the download (now %(value)s); download a new workbook.")
                            % {"value": shown},
                        )
                    )
                    continue
                except ScoringError as refused:
                    report.errors.append(ExcelError(SCORES_SHEET, number, value_col, refused.message))
                    continue
                report.changed += int(result.changed)
            if report.errors:
                raise _Rollback
    except _Rollback:
        report.changed = 0
    report.errors.sort(key=lambda e: (e.row or 0, e.column or ""))
    return report
