"""The maintained totals: every sheet's weighted total and per-aspect subtotals, kept by the database.

``ScoreSheet.weighted_total`` (the sheet's total on 0–100) and ``SheetAspectTotal`` (each aspect's score on 0–100,
with how many of its indicators have a value) change with every write of a Score, whoever writes it (the
score sheet, the Excel upload, a bulk import, a fixture): database triggers add the new value's share and
take the old one's away, in the same statement, so nothing ever recomputes a sheet from all its scores.

The triggers' SQL is not written by hand: it is the ORM's SQL of ``ranking.weighted`` (the one formula)
applied to the trigger's NEW or OLD row, compiled when migration 0017 installs them (PostgreSQL: one
PL/pgSQL function; SQLite: one trigger per kind of write). ``refresh_totals`` recomputes them from the raw
scores (the data migration; the check in tests that both always agree).
"""

from contextlib import contextmanager
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, DecimalField, ExpressionWrapper, F, OuterRef, Subquery, Sum, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from assessments.domain.ranking import ASPECT, TOTAL_FIELD, aspect_points, weighted, weighted_points
from assessments.models import Indicator, Score, ScoreSheet, SheetAspectTotal

SHEETS = ScoreSheet._meta.db_table
ASPECT_TOTALS = SheetAspectTotal._meta.db_table
SCORES = Score._meta.db_table


def _inline(sql, params):
    """The compiled SQL with its (numeric) parameters written in: a trigger's body takes no parameters."""
    parts = sql.split("%s")
    if len(parts) != len(params) + 1:
        raise ValueError("unexpected placeholders")
    text = parts[0]
    for param, part in zip(params, parts[1:], strict=True):
        if isinstance(param, bool) or not isinstance(param, int | Decimal):
            raise TypeError(f"only numbers are written into a trigger: {param!r}")
        text += f"{param}" + part
    return text


def share_sql(row):
    """SELECT aspect_id, t (the share in the sheet's total), a (in its aspect's score) of the trigger's
    ``row`` ("NEW" or "OLD"): ``ranking.weighted`` of its ``value − scale_min``, as the ORM compiles it."""
    value = RawSQL(f"{row}.value", [], output_field=DecimalField())  # noqa: S611 - "NEW" or "OLD"
    points = ExpressionWrapper(value - F("scale_min"), output_field=TOTAL_FIELD)
    query = (
        Indicator.objects.filter(pk=RawSQL(f"{row}.indicator_id", []))  # noqa: S611 - "NEW" or "OLD"
        .annotate(t=weighted(points), a=weighted(points, within=ASPECT))
        .values("aspect_id", "t", "a")
        .order_by()
    )
    return _inline(*query.query.sql_with_params())


def _postgresql_sql():
    function = f"""
CREATE OR REPLACE FUNCTION assessments_score_totals() RETURNS trigger AS $$
DECLARE
    share_aspect integer;
    share_total numeric;
    share_aspect_total numeric;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.value IS NOT NULL THEN
        SELECT q.aspect_id, q.t, q.a INTO share_aspect, share_total, share_aspect_total FROM ({share_sql("OLD")}) q;
        UPDATE {SHEETS} SET weighted_total = weighted_total - COALESCE(share_total, 0) WHERE id = OLD.sheet_id;
        UPDATE {ASPECT_TOTALS} SET total = total - COALESCE(share_aspect_total, 0), scored = scored - 1
            WHERE sheet_id = OLD.sheet_id AND aspect_id = share_aspect;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.value IS NOT NULL THEN
        SELECT q.aspect_id, q.t, q.a INTO share_aspect, share_total, share_aspect_total FROM ({share_sql("NEW")}) q;
        UPDATE {SHEETS} SET weighted_total = weighted_total + COALESCE(share_total, 0) WHERE id = NEW.sheet_id;
        INSERT INTO {ASPECT_TOTALS} (sheet_id, aspect_id, total, scored)
            VALUES (NEW.sheet_id, share_aspect, share_aspect_total, 1)
            ON CONFLICT (sheet_id, aspect_id) DO UPDATE
            SET total = {ASPECT_TOTALS}.total + EXCLUDED.total, scored = {ASPECT_TOTALS}.scored + 1;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql"""  # noqa: S608 - ORM-made SQL, numbers and fixed text
    return [
        function,
        f"DROP TRIGGER IF EXISTS assessments_score_totals_write ON {SCORES}",
        f"DROP TRIGGER IF EXISTS assessments_score_totals_change ON {SCORES}",
        f"""CREATE TRIGGER assessments_score_totals_write AFTER INSERT OR DELETE ON {SCORES}
            FOR EACH ROW EXECUTE FUNCTION assessments_score_totals()""",
        f"""CREATE TRIGGER assessments_score_totals_change AFTER UPDATE ON {SCORES}
            FOR EACH ROW WHEN (OLD.value IS DISTINCT FROM NEW.value OR OLD.indicator_id <> NEW.indicator_id
                               OR OLD.sheet_id <> NEW.sheet_id)
            EXECUTE FUNCTION assessments_score_totals()""",
    ]


def _sqlite_add(row):
    return f"""
    UPDATE {SHEETS} SET weighted_total = weighted_total + COALESCE((SELECT t FROM ({share_sql(row)})), 0)
        WHERE id = {row}.sheet_id;
    INSERT INTO {ASPECT_TOTALS} (sheet_id, aspect_id, total, scored)
        SELECT {row}.sheet_id, aspect_id, a, 1 FROM ({share_sql(row)}) WHERE {row}.value IS NOT NULL
        ON CONFLICT (sheet_id, aspect_id) DO UPDATE SET total = total + excluded.total, scored = scored + 1;"""  # noqa: S608


def _sqlite_take(row):
    return f"""
    UPDATE {SHEETS} SET weighted_total = weighted_total - COALESCE((SELECT t FROM ({share_sql(row)})), 0)
        WHERE id = {row}.sheet_id;
    UPDATE {ASPECT_TOTALS} SET total = total - COALESCE((SELECT a FROM ({share_sql(row)})), 0), scored = scored - 1
        WHERE sheet_id = {row}.sheet_id AND aspect_id = (SELECT aspect_id FROM ({share_sql(row)}));"""  # noqa: S608


def _sqlite_sql():
    return [
        *[f"DROP TRIGGER IF EXISTS assessments_score_totals_{kind}" for kind in ("insert", "take", "add", "delete")],
        f"""CREATE TRIGGER assessments_score_totals_insert AFTER INSERT ON {SCORES} WHEN NEW.value IS NOT NULL
            BEGIN {_sqlite_add("NEW")} END""",
        f"""CREATE TRIGGER assessments_score_totals_take AFTER UPDATE ON {SCORES}
            WHEN OLD.value IS NOT NULL AND (OLD.value IS NOT NEW.value OR OLD.indicator_id <> NEW.indicator_id
                                            OR OLD.sheet_id <> NEW.sheet_id)
            BEGIN {_sqlite_take("OLD")} END""",
        f"""CREATE TRIGGER assessments_score_totals_add AFTER UPDATE ON {SCORES}
            WHEN NEW.value IS NOT NULL AND (OLD.value IS NOT NEW.value OR OLD.indicator_id <> NEW.indicator_id
                                            OR OLD.sheet_id <> NEW.sheet_id)
            BEGIN {_sqlite_add("NEW")} END""",
        f"""CREATE TRIGGER assessments_score_totals_delete AFTER DELETE ON {SCORES} WHEN OLD.value IS NOT NULL
            BEGIN {_sqlite_take("OLD")} END""",
    ]


def install_triggers(connection):
    """Create (or replace) the triggers that keep the totals on ``connection``'s database."""
    statements = _postgresql_sql() if connection.vendor == "postgresql" else _sqlite_sql()
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def remove_triggers(connection):
    if connection.vendor == "postgresql":
        statements = [
            f"DROP TRIGGER IF EXISTS assessments_score_totals_write ON {SCORES}",
            f"DROP TRIGGER IF EXISTS assessments_score_totals_change ON {SCORES}",
            "DROP FUNCTION IF EXISTS assessments_score_totals()",
        ]
    else:
        statements = _sqlite_sql()[:4]
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def refresh_totals(sheets=None):
    """Recompute the totals of ``sheets`` (a ScoreSheet queryset; all by default) from their raw scores, in
    two set-based statements (after a bulk load with the triggers off, and in migration 0017)."""
    sheets = ScoreSheet.objects.all() if sheets is None else sheets
    sums = (
        Score.objects.filter(sheet=OuterRef("pk"), value__isnull=False)
        .values("sheet")
        .annotate(t=Sum(weighted_points()))
        .values("t")
    )
    sheets.update(
        weighted_total=Coalesce(Subquery(sums, output_field=TOTAL_FIELD), Value(Decimal(0)), output_field=TOTAL_FIELD)
    )
    SheetAspectTotal.objects.filter(sheet__in=sheets).delete()
    rows_sql, params = (
        Score.objects.filter(sheet__in=sheets, value__isnull=False)
        .values("sheet_id", "indicator__aspect_id")
        .annotate(points=Sum(aspect_points()), count=Count("pk"))
        .order_by()
        .query.sql_with_params()
    )
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {ASPECT_TOTALS} (sheet_id, aspect_id, total, scored) {rows_sql}", params)  # noqa: S608


@contextmanager
def bulk_scores(sheets):
    """Write many scores at once (a benchmark's or an import's COPY) with the triggers off on PostgreSQL, then
    recompute the totals of ``sheets`` in one go; elsewhere the triggers keep them as usual."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {SCORES} DISABLE TRIGGER assessments_score_totals_write")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        yield
        with connection.cursor() as cursor:
            # The rows' deferred foreign-key checks first: a table with pending trigger events cannot be altered.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {SCORES} ENABLE TRIGGER assessments_score_totals_write")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        refresh_totals(sheets)


def recomputed(sheets):
    """{sheet pk: (total, {aspect pk: (subtotal, scored)})} from the raw scores, for comparing with the stored."""
    totals = {pk: (Decimal(0), {}) for pk in sheets.values_list("pk", flat=True)}
    for r in (
        Score.objects.filter(sheet__in=sheets, value__isnull=False)
        .values("sheet_id", "indicator__aspect_id")
        .annotate(t=Sum(weighted_points()), a=Sum(aspect_points()), count=Count("pk"))
        .order_by()
    ):
        total, aspects = totals[r["sheet_id"]]
        aspects[r["indicator__aspect_id"]] = (r["a"], r["count"])
        totals[r["sheet_id"]] = (total + Decimal(str(r["t"])), aspects)
    return totals
