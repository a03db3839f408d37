"""Excel (openpyxl) workbooks for offline work at field visits: download a stage's sheets, upload them back.

Layout: one worksheet "Nilai" with one row per participant × indicator, and a hidden worksheet "sp2k"
holding a signed token (django.core.signing) that names the workbook's edition, stage and assessor
and the header of every column. On upload:

- columns are found by their header (as the token recorded it), never by position: a column
  inserted, moved or deleted elsewhere changes nothing; a needed column missing or doubled refuses
  the file;
- a workbook signed for another stage, edition or assessor, or whose token was edited, is refused;
- a formula cell is read by the result Excel stored with it, or refused with its cell named;
- a blank Score or Comment cell keeps what is stored; only CLEAR_MARK ("-") clears it;
- rows without their hidden ids (a note written below the table) are not rows of the table;
- rows of submitted sheets are grey and locked in the workbook, and a change to one is refused;
- nothing is written by reading: check_upload() answers the changes (old → new) and a signed change
  set; apply_changes() applies that set after the assessor confirmed it, all or nothing, opening only
  the sheets that actually change.
"""

import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO
from itertools import zip_longest

from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill, Protection
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
from assessments.models import Indicator, Participant, Score, ScoreChange, ScoreSheet
from assessments.queries.sheets import assessor_stage_sheets

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# A zip of a few MB can unpack to gigabytes; refuse before openpyxl reads anything.
MAX_UNPACKED_BYTES = 60 * 1024 * 1024
MAX_ROWS = 20000
MAX_COMMENT = 5000  # as the score sheet's comment field
FORMAT = "sp2k-scores/2"
SCORES_SHEET = "Nilai"
META_SHEET = "sp2k"
INSTRUCTIONS_SHEET = "Petunjuk"
# Typed in a Score or Comment cell, clears what is stored; a blank cell keeps it.
CLEAR_MARK = "-"
WORKBOOK_SALT = "sp2k.excel.workbook"
CHANGES_SALT = "sp2k.excel.changes"
CHANGES_MAX_AGE = 2 * 60 * 60  # seconds between the preview and the confirmation

# Column positions (1-based) of the scores worksheet as downloaded; an upload finds them by header.
COL_PARTICIPANT, COL_INDICATOR, COL_VERSION = 1, 2, 3
COL_REGENCY, COL_DISTRICT, COL_ASPECT, COL_NAME, COL_SCALE, COL_RUBRIC, COL_VALUE, COL_COMMENT = range(4, 12)
TECHNICAL_HEADERS = ("participant_id", "indicator_id", "version")
COLUMN_KEYS = (*TECHNICAL_HEADERS, "regency", "district", "aspect", "indicator", "scale", "rubric", "value", "comment")
# The columns an upload reads.
READ_KEYS = ("participant_id", "indicator_id", "version", "value", "comment")

GREY = PatternFill("solid", fgColor="D9D9D9")
YELLOW = PatternFill("solid", fgColor="FFF2CC")


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


def instructions():
    """The workbook's instructions, one line each (also on the Excel page)."""
    return [
        _("Fill in the yellow “Score” and “Comment” cells only."),
        _("A blank cell keeps what is stored; type a dash (-) to clear a stored score or comment."),
        _("Grey rows belong to submitted sheets: they cannot be changed."),
        _("Type values, not formulas; a formula is read only by the result Excel saved with it."),
        _(
            "Do not change the hidden columns or the hidden “sp2k” sheet: the workbook is signed for you, "
            "this stage and this edition, and is refused for anyone else or once its signature is changed."
        ),
        _("After the upload you see every change (old → new); nothing is saved until you confirm."),
    ]


def build_workbook(stage, assessor):
    """The assessor's sheets of the stage as an .xlsx file (bytes), signed for them and this stage."""
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
    sheet.cell(1, COL_VALUE).comment = Comment(instructions()[1], "SP2K")
    for row in rows:
        participant = row.participant
        submitted = row.sheet_status == ScoreSheet.Status.SUBMITTED
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
            sheet.cell(current, COL_RUBRIC).alignment = Alignment(wrap_text=True, vertical="top")
            if submitted:
                # Read-only: grey and locked (the sheet is protected); an upload refuses changes to it too.
                for column in range(1, COL_COMMENT + 1):
                    sheet.cell(current, column).fill = GREY
            else:
                for column in (COL_VALUE, COL_COMMENT):
                    sheet.cell(current, column).fill = YELLOW
                    sheet.cell(current, column).protection = Protection(locked=False)
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
    # Protected without a password: a guard against slips (typing in a grey row), not a lock; resizing,
    # sorting and filtering stay allowed. The upload checks everything again.
    protection = sheet.protection
    protection.sheet = True
    protection.formatColumns = protection.formatRows = protection.formatCells = False
    protection.sort = protection.autoFilter = False

    guide = workbook.create_sheet(INSTRUCTIONS_SHEET)
    guide.column_dimensions["A"].width = 110
    guide.append([_("How to fill in this workbook")])
    guide["A1"].font = Font(bold=True)
    for line in instructions():
        guide.append([line])

    meta = workbook.create_sheet(META_SHEET)
    token = signing.dumps(
        {
            "format": FORMAT,
            "edition": stage.edition_id,
            "stage": stage.pk,
            "assessor": assessor.pk,
            "username": assessor.get_username(),
            "columns": dict(zip(COLUMN_KEYS, headers, strict=True)),
        },
        salt=WORKBOOK_SALT,
    )
    meta.append(["format", FORMAT])
    meta.append(["edition_id", stage.edition_id])
    meta.append(["stage_id", stage.pk])
    meta.append(["assessor", assessor.get_username()])
    meta.append(["token", token])
    meta.sheet_state = "hidden"
    output = BytesIO()
    workbook.save(output)
    return output.getvalue()


# --- reading an upload ---


@dataclass
class ExcelError:
    sheet: str
    row: int | None
    column: str | None
    message: str


@dataclass
class Change:
    """One score the upload changes: where it is in the workbook, what is stored and what will be."""

    row: int
    participant_id: int
    kecamatan: str
    indicator_id: int
    indicator: str
    version: int
    old_value: Decimal | None
    new_value: Decimal | None
    old_comment: str
    new_comment: str

    @property
    def value_changes(self):
        return self.old_value != self.new_value

    @property
    def comment_changes(self):
        return self.old_comment != self.new_comment


@dataclass
class UploadReport:
    errors: list = field(default_factory=list)
    rows: int = 0
    changed: int = 0
    sheets: int = 0
    changes: list = field(default_factory=list)
    token: str = ""  # the signed change set, to apply after the confirmation

    @property
    def ok(self):
        return not self.errors

    @property
    def by_kecamatan(self):
        """[(kecamatan, [changes])] in workbook order."""
        groups = {}
        for change in self.changes:
            groups.setdefault((change.participant_id, change.kecamatan), []).append(change)
        return [(kecamatan, changes) for (_pk, kecamatan), changes in groups.items()]


class _Rollback(Exception):
    pass


def _file_error(message):
    return UploadReport(errors=[ExcelError(sheet="", row=None, column=None, message=message)])


@dataclass
class _Cell:
    value: object
    formula: str | None = None  # the formula text when the cell holds one


@dataclass
class _Read:
    sheetnames: list
    meta: dict
    rows: list  # [[_Cell]], row 1 first
    too_many: bool = False


def _read_bytes(upload):
    """The upload's bytes, or the reason it is refused: only a real, reasonably sized .xlsx is opened."""
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
    except Exception:  # noqa: BLE001 - any damage in a user's file means the same: refuse it
        return None, not_xlsx
    return data, None


def _read_workbook(data):
    """Every cell the upload needs, read at once: the file's damage (a corrupt part raises zlib.error
    while openpyxl reads it lazily) shows here, and nothing below deals with openpyxl."""
    formulas = load_workbook(BytesIO(data), read_only=True, data_only=False)
    values = load_workbook(BytesIO(data), read_only=True, data_only=True)
    try:
        read = _Read(sheetnames=list(formulas.sheetnames), meta={}, rows=[])
        if SCORES_SHEET not in read.sheetnames or META_SHEET not in read.sheetnames:
            return read
        for row in values[META_SHEET].iter_rows(max_col=2, values_only=True):
            if row and row[0]:
                read.meta[row[0]] = row[1] if len(row) > 1 else None
        with_formulas, with_values = formulas[SCORES_SHEET], values[SCORES_SHEET]
        # Dimensions written by other programs may be wrong: read every cell there is.
        with_formulas.reset_dimensions()
        with_values.reset_dimensions()
        pairs = zip(with_formulas.iter_rows(), with_values.iter_rows(values_only=True), strict=False)
        for number, (cells, stored) in enumerate(pairs, start=1):
            if number > MAX_ROWS + 1:
                read.too_many = True
                break
            row = []
            for cell, value in zip_longest(cells, stored):
                formula = cell.value if getattr(cell, "data_type", None) == "f" else None
                row.append(_Cell(value=value, formula=formula))
            read.rows.append(row)
        return read
    finally:
        formulas.close()
        values.close()


def _blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def _int(value):
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value.strip())
    return None


def check_upload(stage, assessor, upload):
    """Read an uploaded workbook and say what it would change, writing nothing.

    The report lists every error; without errors it holds the changes (old → new) and ``token``, the
    signed change set for apply_changes().
    """
    data, problem = _read_bytes(upload)
    if problem:
        return _file_error(problem)
    try:
        read = _read_workbook(data)
    except Exception:  # noqa: BLE001 - zlib.error, KeyError, XML errors...: a damaged file, not a server error
        return _file_error(
            _("“%(name)s” is damaged: it cannot be read. Save it again in Excel, or download a new workbook.")
            % {"name": getattr(upload, "name", "") or "?"}
        )
    return _check(stage, assessor, read)


def _signed_workbook(stage, assessor, read):
    """The workbook's signed token, or the reason it is refused."""
    if SCORES_SHEET not in read.sheetnames or META_SHEET not in read.sheetnames:
        return None, _("This workbook was not downloaded from the portal (the “%(name)s” sheet is missing).") % {
            "name": SCORES_SHEET
        }
    if read.meta.get("format") != FORMAT:
        return None, _("This workbook was not downloaded from the portal.")
    try:
        token = signing.loads(str(read.meta.get("token") or ""), salt=WORKBOOK_SALT)
    except signing.BadSignature:
        return None, _(
            "The workbook's signature does not match: it was not downloaded from the portal, or its hidden "
            "“%(name)s” sheet was changed. Download a new workbook."
        ) % {"name": META_SHEET}
    if token.get("format") != FORMAT or not isinstance(token.get("columns"), dict):
        return None, _("This workbook was not downloaded from the portal.")
    if token.get("stage") != stage.pk:
        return None, _("This workbook belongs to another stage. Download the workbook of this stage.")
    if token.get("edition") != stage.edition_id:
        return None, _("This workbook belongs to another edition. Download the workbook of this stage.")
    if token.get("assessor") != assessor.pk:
        return None, _(
            "This workbook was downloaded by another assessor (%(name)s): only they can upload it. "
            "Download your own workbook from this page."
        ) % {"name": token.get("username") or "?"}
    return token, None


def _columns(token, header):
    """{key: 0-based position} of the columns the upload reads, found by their header; or the errors."""
    positions, errors = {}, []
    labels = [str(cell.value).strip() if cell.value is not None else "" for cell in header]
    for key in READ_KEYS:
        label = str(token["columns"].get(key) or key)
        found = [index for index, text in enumerate(labels) if text == label]
        if not found:
            errors.append(
                _("The column “%(name)s” is missing from the “%(sheet)s” sheet; download a new workbook.")
                % {"name": label, "sheet": SCORES_SHEET}
            )
        elif len(found) > 1:
            errors.append(
                _("The column “%(name)s” appears %(count)s times on the “%(sheet)s” sheet; keep one.")
                % {"name": label, "count": len(found), "sheet": SCORES_SHEET}
            )
        else:
            positions[key] = found[0]
    return positions, errors


def _check(stage, assessor, read):
    token, problem = _signed_workbook(stage, assessor, read)
    if problem:
        return _file_error(problem)
    closed = stage_closed_message(stage)
    if closed:
        # Checked for the whole file at once (save_score checks it again, row by row, under its lock).
        return _file_error(closed)
    if read.too_many:
        return _file_error(_("The workbook has too many rows (at most %(n)s).") % {"n": MAX_ROWS})
    if not read.rows:
        return _file_error(
            _("The columns of the “%(name)s” sheet were changed; download a new workbook.") % {"name": SCORES_SHEET}
        )
    positions, problems = _columns(token, read.rows[0])
    if problems:
        return UploadReport(errors=[ExcelError(SCORES_SHEET, 1, None, message) for message in problems])

    report = UploadReport()
    assigned = {row.participant_id: row for row in assessor_stage_sheets(stage, assessor)}
    in_edition = set(Participant.objects.filter(edition_id=stage.edition_id).values_list("pk", flat=True))
    indicators = {indicator.pk: indicator for indicator in _stage_indicators(stage)}
    stored_scores = {
        (score.sheet.participant_id, score.indicator_id): score
        for score in Score.objects.filter(sheet__stage=stage, sheet__assessor=assessor).select_related("sheet")
    }
    letter = {key: get_column_letter(position + 1) for key, position in positions.items()}

    def error(row, key, message):
        report.errors.append(ExcelError(SCORES_SHEET, row, letter[key] if key else None, message))

    seen = set()
    for number, cells in enumerate(read.rows[1:], start=2):
        values = {}
        unreadable = False
        for key, position in positions.items():
            cell = cells[position] if position < len(cells) else _Cell(None)
            if cell.formula is not None and cell.value is None:
                error(
                    number,
                    key,
                    _(
                        "The cell %(cell)s holds a formula (%(formula)s) without a stored result. Type the value "
                        "itself, or open and save the file in Excel."
                    )
                    % {"cell": f"{letter[key]}{number}", "formula": str(cell.formula)[:50]},
                )
                unreadable = True
            values[key] = cell.value
        if unreadable:
            continue
        if _blank(values["participant_id"]) and _blank(values["indicator_id"]):
            # A note or a total written below (or between) the rows: not a row of the table.
            if not _blank(values["value"]):
                error(
                    number,
                    "value",
                    _("This row is not one of the workbook's rows (its hidden ids are empty): its score is not read."),
                )
            continue
        report.rows += 1
        participant_id, indicator_id = _int(values["participant_id"]), _int(values["indicator_id"])
        version = _int(values["version"])
        if participant_id is None or (participant_id not in in_edition):
            error(number, "participant_id", _("Unknown participant id."))
            continue
        if participant_id not in assigned:
            error(number, "participant_id", _("This row belongs to a sheet that is not yours at this stage."))
            continue
        if indicator_id is None or indicator_id not in indicators:
            error(number, "indicator_id", _("Unknown indicator id for this stage."))
            continue
        if (participant_id, indicator_id) in seen:
            error(number, "indicator_id", _("This indicator appears twice for the same kecamatan."))
            continue
        seen.add((participant_id, indicator_id))
        if version is None:
            error(number, "version", _("The hidden version column was changed; download a new workbook."))
            continue
        indicator = indicators[indicator_id]
        stored = stored_scores.get((participant_id, indicator_id))
        old_value, old_comment = (stored.value, stored.comment) if stored else (None, "")
        raw, comment = values["value"], values["comment"]
        if _blank(raw):
            new_value = old_value
        elif isinstance(raw, str) and raw.strip() == CLEAR_MARK:
            new_value = None
        else:
            try:
                new_value = parse_value(raw, indicator)
            except ScoringError as refused:
                error(number, "value", refused.message)
                continue
        if _blank(comment):
            new_comment = old_comment
        else:
            new_comment = str(comment).strip()
            new_comment = "" if new_comment == CLEAR_MARK else new_comment
            if len(new_comment) > MAX_COMMENT:
                error(
                    number,
                    "comment",
                    _("The comment is too long (at most %(n)s characters).") % {"n": MAX_COMMENT},
                )
                continue
        if new_value == old_value and new_comment == old_comment:
            # Unchanged rows are no change: fine on a submitted sheet or after an edit in the browser.
            continue
        if assigned[participant_id].sheet_status == ScoreSheet.Status.SUBMITTED:
            error(number, "value", _("This sheet has been submitted and can no longer be changed."))
            continue
        if version != (stored.version if stored else 0):
            shown = _plain(old_value) if old_value is not None else "—"
            error(
                number,
                "version",
                _("This score was changed after the download (now %(value)s); download a new workbook.")
                % {"value": shown},
            )
            continue
        participant = assigned[participant_id].participant
        report.changes.append(
            Change(
                row=number,
                participant_id=participant_id,
                kecamatan=participant.district.name,
                indicator_id=indicator_id,
                indicator=indicator.name,
                version=version,
                old_value=old_value,
                new_value=new_value,
                old_comment=old_comment,
                new_comment=new_comment,
            )
        )
    if report.errors:
        report.changes = []
        report.errors.sort(key=lambda e: (e.row or 0, e.column or ""))
        return report
    report.token = signing.dumps(
        {
            "stage": stage.pk,
            "assessor": assessor.pk,
            "rows": report.rows,
            "columns": letter,
            "changes": [
                [
                    change.row,
                    change.participant_id,
                    change.indicator_id,
                    change.version,
                    None if change.new_value is None else str(change.new_value),
                    change.new_comment,
                ]
                for change in report.changes
            ],
        },
        salt=CHANGES_SALT,
        compress=True,
    )
    return report


def apply_changes(stage, assessor, token, ip=None):
    """Apply a change set from check_upload() that the assessor confirmed: all of it, or none.

    Only sheets with a change are opened. Every score is saved with the version read at the preview,
    so a score changed since (in the browser, by another upload) is a conflict, not overwritten.
    """
    try:
        payload = signing.loads(token or "", salt=CHANGES_SALT, max_age=CHANGES_MAX_AGE)
    except signing.BadSignature:
        payload = None
    if not payload or payload.get("stage") != stage.pk or payload.get("assessor") != assessor.pk:
        return _file_error(_("This preview has expired; upload the workbook again."))
    closed = stage_closed_message(stage)
    if closed:
        return _file_error(closed)
    report = UploadReport(rows=payload["rows"])
    letters = payload["columns"]
    assigned = {row.participant_id: row for row in assessor_stage_sheets(stage, assessor)}
    indicators = {indicator.pk: indicator for indicator in _stage_indicators(stage)}

    def error(row, key, message):
        report.errors.append(ExcelError(SCORES_SHEET, row, letters.get(key), message))

    try:
        with transaction.atomic():
            sheets = {}
            for row, participant_id, indicator_id, version, value, comment in payload["changes"]:
                if participant_id not in assigned or indicator_id not in indicators:
                    error(row, "participant_id", _("This row belongs to a sheet that is not yours at this stage."))
                    continue
                if participant_id not in sheets:
                    try:
                        sheets[participant_id] = open_sheet(stage, assigned[participant_id].participant, assessor)
                    except PermissionDenied as refused:
                        error(row, "participant_id", str(refused))
                        sheets[participant_id] = None
                sheet = sheets[participant_id]
                if sheet is None:
                    continue
                try:
                    result = save_score(
                        sheet,
                        indicators[indicator_id],
                        value,
                        comment,
                        by=assessor,
                        source=ScoreChange.Source.EXCEL,
                        ip=ip,
                        expected_version=version,
                    )
                except ScoreConflict as conflict:
                    shown = _plain(conflict.current.value) if conflict.current.value is not None else "—"
                    error(
                        row,
                        "version",
                        _("This score was changed after the download (now %(value)s); download a new workbook.")
                        % {"value": shown},
                    )
                    continue
                except ScoringError as refused:
                    error(row, "value", refused.message)
                    continue
                report.changed += int(result.changed)
            if report.errors:
                raise _Rollback
            report.sheets = len(sheets)
    except _Rollback:
        report.changed = 0
    report.errors.sort(key=lambda e: (e.row or 0, e.column or ""))
    return report


def apply_upload(stage, assessor, upload, ip=None):
    """Check an uploaded workbook and apply it at once (for scripts; the page asks for a confirmation)."""
    report = check_upload(stage, assessor, upload)
    if not report.ok or not report.changes:
        return report
    applied = apply_changes(stage, assessor, report.token, ip=ip)
    applied.changes = report.changes
    return applied
