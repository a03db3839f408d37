"""A published edition's ranking and results as CSV and Excel (the rows of ``result_selectors.result_rows``)."""

import csv
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

# A cell starting with one of these is run as a formula by spreadsheet programs (CSV/formula injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _text(value):
    value = "" if value is None else str(value)
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def header(stages):
    return [
        _("Rank"),
        _("Tie"),
        _("Kecamatan code"),
        _("Kecamatan"),
        _("Regency/city"),
        *[stage.name for stage in stages],
        _("Final score"),
        _("Award"),
    ]


def _cells(row):
    """One row's values: text for names, Decimals (2 places) for scores, None when there is none."""
    return [
        row.rank,
        _("yes") if row.shared else "",
        row.district.code,
        _text(row.district.name),
        _text(row.regency.name),
        *[score for _stage, score in row.stage_scores],
        row.final_score,
        _text("; ".join(row.awards)),
    ]


def results_csv(stages, rows):
    """UTF-8 CSV with a BOM (so that Excel reads the names right); scores as 82.50, exactly as the API."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(header(stages))
    for row in rows:
        writer.writerow(["" if value is None else value for value in _cells(row)])
    return buffer.getvalue().encode("utf-8")


def results_xlsx(edition, stages, rows):
    """An Excel workbook: one sheet, a header row, scores as numbers shown with 2 decimals."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Ranking")[:31]
    sheet.append([_text(edition.name)])
    sheet["A1"].font = Font(bold=True)
    sheet.append(header(stages))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    first_score, last_score = 6, 6 + len(stages)  # 1-based columns of the stage scores and the final score
    for row in rows:
        sheet.append(_cells(row))
        for column in range(first_score, last_score + 1):
            sheet.cell(row=sheet.max_row, column=column).number_format = "0.00"
    for column, width in zip("ABCDE", (8, 6, 12, 24, 28), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A3"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
