"""A published edition's ranking and results as CSV and Excel (the rows of ``result_selectors.result_rows``),
and the terms of the open data (licence, attribution, version) that the API and the downloads carry.

The CSV is for machines: its column names are fixed English names whatever the reader's language
(``rank,tie,kecamatan_code,...``). The Excel workbook is for people and speaks the reader's language.
"""

import csv
import io

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

# A cell starting with one of these is run as a formula by spreadsheet programs (CSV/formula injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _text(value):
    value = "" if value is None else str(value)
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


# The open data's version: the API answers it in "api_version" and the X-API-Version header. A new field is
# a minor step (1.0 → 1.1); a renamed or removed one a major step.
API_VERSION = "1.1"

LICENCE = {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"}
REGION_NAMES_LICENCE = {
    "source": "idn-area-data 4.0.1 (Fityan Nugroho)",
    "name": "ODbL 1.0",
    "url": "https://opendatacommons.org/licenses/odbl/1-0/",
    "credit": "Data wilayah: idn-area-data 4.0.1, ODbL 1.0",
}


def open_data_terms(edition):
    """The licence of an edition's published results: CC BY 4.0, credited to the province; the region
    names and codes stay under the ODbL of their source (whose credit must be kept)."""
    return {
        **LICENCE,
        "attribution": f"Pemerintah Provinsi {edition.province.name}, {edition.name}",
        "region_names": REGION_NAMES_LICENCE,
    }


def method(edition, stages):
    """How the published figures were computed, in fixed English (codes and descriptions), for the API."""
    weighted = edition.final_score == edition.FinalScore.WEIGHTED_STAGES
    with translation.override("en"):
        return {
            "aggregation": {"code": edition.aggregation, "description": str(edition.get_aggregation_display())},
            "final_score": {"code": edition.final_score, "description": str(edition.get_final_score_display())},
            "tie_break": {
                "previous_stage": edition.tie_break_previous_stage,
                "aspect": edition.tie_break_aspect or None,
            },
            "counted_sheets": (
                "Each stage score combines the submitted sheets of the assessors without a conflict of "
                "interest with the participant ('assessors' per stage score)."
            ),
            # A weight only where it counts: with "last_stage" the final score is the last stage's alone.
            "stages": [
                {"order": stage.order, "name": stage.name, "weight": plain_number(stage.weight) if weighted else None}
                for stage in stages
            ],
        }


def plain_number(value):
    """A Decimal as people write it: 40, 33.33 (never 4E+1)."""
    if value is None:
        return None
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def csv_header(stages):
    """The CSV's machine column names: the same in every language."""
    return [
        "rank",
        "tie",
        "kecamatan_code",
        "kecamatan",
        "regency_code",
        "regency",
        *[f"stage_{stage.order}_score" for stage in stages],
        *[f"stage_{stage.order}_assessors" for stage in stages],
        "final_score",
        "award",
    ]


def _csv_cells(row, stages, counts):
    return [
        row.rank,
        "true" if row.shared else "false",
        row.district.code,
        _text(row.district.name),
        row.regency.code,
        _text(row.regency.name),
        *[score for _stage, score in row.stage_scores],
        *[counts.get((row.participant_id, stage.pk), 0) for stage in stages],
        row.final_score,
        _text("; ".join(row.awards)),
    ]


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


def results_csv(stages, rows, counts=None):
    """UTF-8 CSV with a BOM (so that Excel reads the names right); scores as 82.50, exactly as the API.

    ``counts`` is ``{(participant_id, stage_id): assessors counted}`` (``results.counted_assessors``).
    """
    counts = counts or {}
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(csv_header(stages))
    for row in rows:
        writer.writerow(["" if value is None else value for value in _csv_cells(row, stages, counts)])
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
