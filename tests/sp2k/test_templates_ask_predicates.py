"""Templates ask predicates (``edition.results_final``, ``participant.is_accepted``, ``row.state.is_excluded``...)
and never compare a state or status to a string: what each state allows is said once, in Python.

The scan reads every template tag (``{% if %}``, ``{% elif %}``, multi-line ones too) of every template
folder and fails on a comparison (``==``, ``!=``, ``in``, ``not in``) between a variable whose path
names a state or status (``edition.state``, ``job.status``, ``state``, ``sheet_status``...) and a quoted
string, whichever side the string is on.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIRS = [ROOT / "templates", *sorted(ROOT.glob("*/templates")), *sorted(ROOT.glob("sp2k/*/templates"))]

TAG = re.compile(r"{%.*?%}", re.DOTALL)
LITERAL = r"(?:\"[^\"]*\"|'[^']*')"
# A variable path with a segment naming a state or status, optionally through filters (|lower, |default:"x").
STATE_VARIABLE = r"(?<![\w.\"'])[\w.]*(?:state|status)[\w.]*(?:\|\w+(?::(?:\"[^\"]*\"|'[^']*'|[\w.]+))?)*"
OPERATOR = r"(?:==|!=|\bnot\s+in\b|\bin\b)"
STRING_COMPARISON = re.compile(
    rf"{STATE_VARIABLE}\s*{OPERATOR}\s*{LITERAL}|{LITERAL}\s*{OPERATOR}\s*{STATE_VARIABLE}", re.IGNORECASE
)


def templates():
    for folder in TEMPLATE_DIRS:
        yield from sorted(folder.rglob("*.html"))
        yield from sorted(folder.rglob("*.txt"))


def string_comparisons(text):
    """(offset, the comparison) of every state/status compared to a string literal in the text's tags."""
    return [
        (tag.start() + found.start(), found.group())
        for tag in TAG.finditer(text)
        for found in STRING_COMPARISON.finditer(tag.group())
    ]


def test_no_template_compares_a_state_or_status_to_a_string():
    paths = list(templates())
    assert len(paths) > 50  # the scan does read the templates
    offenders = [
        f"{path.relative_to(ROOT)}:{text[:offset].count(chr(10)) + 1}: {comparison}"
        for path in paths
        for text in [path.read_text()]
        for offset, comparison in string_comparisons(text)
    ]
    assert not offenders, "Ask a predicate (e.g. edition.results_final, job.is_done) instead of: " + "; ".join(
        offenders
    )


@pytest.mark.parametrize(
    "template",
    [
        '{% if edition.state == "draft" %}',
        "{% if participant.status == 'accepted' %}",
        '{% elif sheet.status != "submitted" %}',
        '{% if state == "excluded" %}',
        '{% if row.state|lower == "excluded" %}',
        '{% if job.status == "queued" or job.status == "running" %}',
        '{% if "published" == edition.state %}',
        '{% if edition.state in "final published" %}',
        '{% if d.status not in "withdrawn" %}',
        '{% if confirmed and stage.edition.state != "published" %}',
        '{% if step.status == "current" %}',
        '{% if row.sheet_status == "submitted" %}',
        '{% if edition.state\n   == "assessment" %}',
    ],
)
def test_the_scan_catches_a_string_comparison(template):
    assert string_comparisons(template)


@pytest.mark.parametrize(
    "template",
    [
        "{% if edition.results_final %}",
        "{% if participant.is_accepted %}",
        "{% if row.state.is_excluded %}",
        "{% if not d.is_withdrawn %}",
        '{% include "assessments/sheets/_state_badge.html" with state=row.state %}',
        '<span class="edition-state-{{ edition.state }}">',
        "{% if edition.state == other.state %}",
        '{% if edition.aggregation == "zscore" %}',
        '<p>The state == "draft" is prose, not a tag.</p>',
        '{% translate "Status" %}',
    ],
)
def test_the_scan_leaves_predicates_and_other_comparisons_alone(template):
    assert not string_comparisons(template)
