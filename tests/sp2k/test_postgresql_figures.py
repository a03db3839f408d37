"""Figures read as PostgreSQL's text (sp2k/postgresql/figures.py), as a ranking reads them: each turns into the
Decimal the float or Decimal psycopg2 would have made, and no other query of the connection sees text."""

from decimal import Decimal

import pytest
from django.db import connection

from assessments.domain.ranking import _dec
from sp2k.postgresql.figures import read_figures_as_text

pytestmark = [pytest.mark.django_db, pytest.mark.postgres_only]

# Means and tie-break scores as the ranking computes them: repeating fractions, sums with binary error, halves at
# the fifth place, the ends of the scale and a tiny variance.
FLOATS = [0.1 + 0.2, 200 / 3, 89.18666666666665, 72.34565, 59.896, 0.0, 100.0, 1e-9, 16.016384, 1 / 7]


def _one_row(sql, params, as_text):
    with connection.cursor() as cursor:
        if as_text:
            read_figures_as_text(cursor)
        cursor.execute(sql, params)
        return cursor.fetchone()


def test_a_float_read_as_text_gives_the_same_figure():
    sql = "SELECT " + ", ".join(["CAST(%s AS DOUBLE PRECISION)"] * len(FLOATS))
    as_text = _one_row(sql, FLOATS, as_text=True)
    assert all(isinstance(value, str) for value in as_text)
    assert [Decimal(text) for text in as_text] == [Decimal(str(value)) for value in FLOATS]
    assert [_dec(text) for text in as_text] == [_dec(value) for value in FLOATS]


def test_a_rounded_score_read_as_text_gives_the_same_decimal():
    sql = "SELECT " + ", ".join(["ROUND(CAST(CAST(%s AS DOUBLE PRECISION) AS NUMERIC), 4)"] * len(FLOATS))
    as_text = _one_row(sql, FLOATS, as_text=True)
    assert [_dec(text) for text in as_text] == list(_one_row(sql, FLOATS, as_text=False))


def test_other_queries_still_get_numbers():
    _one_row("SELECT CAST(1.5 AS NUMERIC)", [], as_text=True)
    assert _one_row("SELECT CAST(1.5 AS NUMERIC), CAST(0.25 AS DOUBLE PRECISION)", [], as_text=False) == (
        Decimal("1.5"),
        0.25,
    )
