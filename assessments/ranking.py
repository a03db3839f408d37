"""Totals, aggregation and ranking, computed in the database."""

from decimal import Decimal

from django.db.models import DecimalField, ExpressionWrapper, F, Sum, Value
from django.db.models.functions import Coalesce

TOTAL_FIELD = DecimalField(max_digits=12, decimal_places=4)


def weighted_points(prefix=""):
    """The expression of one Score row's contribution (0–100 scale) to its sheet's weighted total.

    ``prefix`` is the path from the queried model to Score (e.g. ``"scores__"`` from ScoreSheet).
    normalised = (value - min) / (max - min) × 100; contribution = aspect% × indicator% × normalised.
    """
    ind = f"{prefix}indicator__"
    return ExpressionWrapper(
        (F(f"{prefix}value") - F(f"{ind}scale_min"))
        * F(f"{ind}weight")
        * F(f"{ind}aspect__weight")
        / ((F(f"{ind}scale_max") - F(f"{ind}scale_min")) * Value(Decimal(100))),
        output_field=TOTAL_FIELD,
    )


def with_totals(sheets):
    """Annotate a ScoreSheet queryset with ``total``: its weighted total on 0–100 (unscored count as 0)."""
    return sheets.annotate(total=Coalesce(Sum(weighted_points("scores__")), Value(Decimal(0)), output_field=TOTAL_FIELD))
