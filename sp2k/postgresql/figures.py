"""Figures read as the text PostgreSQL sends, for results that convert only the figures they show.

psycopg2 turns every NUMERIC into a ``Decimal`` and every DOUBLE PRECISION into a ``float`` as it reads a row.
A national ranking reads 7,285 rows of a dozen figures each, and a page shows 50 of them: converting them all
took 25–35 ms of Python, a third of the ranking's time. The ranking converts a figure when it is first
read, with ``Decimal(str(value))``; PostgreSQL (12 and later) writes a DOUBLE PRECISION in its shortest exact
form, as Python's ``repr`` does, so the text gives the same Decimal as the float would.
"""

from psycopg2.extensions import DECIMAL, FLOAT, new_type, register_type


def _text(value, _cursor):
    return value


FIGURES_AS_TEXT = (
    new_type(DECIMAL.values, "SP2K_NUMERIC_AS_TEXT", _text),
    new_type(FLOAT.values, "SP2K_FLOAT_AS_TEXT", _text),
)


def read_figures_as_text(cursor):
    """Make ``cursor`` (Django's, on PostgreSQL) return NUMERIC and floating-point columns as their text."""
    for caster in FIGURES_AS_TEXT:
        register_type(caster, cursor.cursor)
