"""The maintained totals: every sheet's weighted total and per-aspect subtotals, and every participant's figures
per stage, kept by the database.

``ScoreSheet.weighted_total`` (the sheet's total on 0–100) and ``SheetAspectTotal`` (each aspect's score on 0–100,
with how many of its indicators have a value) change with every write of a Score, whoever writes it (the
score sheet, the Excel upload, a bulk import, a fixture): database triggers add the new value's share and
take the old one's away, in the same statement, so nothing ever recomputes a sheet from all its scores.

The triggers' SQL is not written by hand: it is the ORM's SQL of ``ranking.weighted`` (the one formula)
applied to the trigger's NEW or OLD row, compiled when migration 0017 installs them (PostgreSQL: one
PL/pgSQL function; SQLite: one trigger per kind of write). ``refresh_totals`` recomputes them from the raw
scores (the data migration; the check in tests that both always agree).

``StageStats`` (per participant and stage: count, mean, median, trimmed mean, variance, lowest, highest, outliers,
the tie-break aspect's mean over its counted sheets and the stage score) is kept by a second set of triggers, on
everything those figures depend on: a sheet submitted, reopened or re-scored while submitted, an aspect subtotal of a
submitted sheet, a conflict of interest declared, changed or lifted, an assessor's home regency, a participant's
kecamatan, the edition's tie-break aspect or aggregation, an aspect renamed. Each recomputes only the pairs concerned
(one for a sheet), with the ranking's own SQL (``ranking.sheet_rows_sql``, ``participant_stats_sql`` and
``stored_score_sql``), so a stage ranking reads one row per participant instead of every sheet. Saving a score on a
draft sheet, the common write, touches none of it.
"""

import re
from contextlib import contextmanager
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Subquery,
    Sum,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from assessments.domain.ranking import (
    ASPECT,
    STAGE_STATS_COLUMNS,
    TOTAL_FIELD,
    aspect_points,
    counted_sheets,
    participant_stats_sql,
    sheet_rows_sql,
    stored_score_sql,
    weighted,
    weighted_points,
)
from assessments.models import (
    Aspect,
    Conflict,
    Edition,
    Indicator,
    Participant,
    Score,
    ScoreSheet,
    SheetAspectTotal,
    Stage,
    StageStats,
)

SHEETS = ScoreSheet._meta.db_table
ASPECT_TOTALS = SheetAspectTotal._meta.db_table
SCORES = Score._meta.db_table


STATS = StageStats._meta.db_table
ASPECTS = Aspect._meta.db_table
STAGES = Stage._meta.db_table
EDITIONS = Edition._meta.db_table
CONFLICTS = Conflict._meta.db_table
PARTICIPANTS = Participant._meta.db_table
USERS = get_user_model()._meta.db_table
SUBMITTED = ScoreSheet.Status.SUBMITTED.value
_WORD = re.compile(r"[A-Za-z0-9_]+")


def _inline(sql, params):
    """The compiled SQL with its parameters written in: a trigger's body takes no parameters. Only numbers and
    plain words (a choice's value such as "submitted") are accepted, so nothing can need quoting."""
    parts = sql.split("%s")
    if len(parts) != len(params) + 1:
        raise ValueError("unexpected placeholders")
    text = parts[0]
    for param, part in zip(params, parts[1:], strict=True):
        if isinstance(param, str) and _WORD.fullmatch(param):
            text += f"'{param}'" + part
        elif isinstance(param, bool) or not isinstance(param, int | Decimal):
            raise TypeError(f"only numbers and words are written into a trigger: {param!r}")
        else:
            text += f"{param}" + part
    return text


def _points(row):
    """The trigger's ``row`` ("NEW" or "OLD") value's points above its indicator's minimum."""
    value = RawSQL(f"{row}.value", [], output_field=DecimalField())  # noqa: S611 - "NEW" or "OLD"
    return ExpressionWrapper(value - F("scale_min"), output_field=TOTAL_FIELD)


def share_sql(row):
    """SELECT aspect_id, t (the share in the sheet's total), a (in its aspect's score) of the trigger's
    ``row`` ("NEW" or "OLD"): ``ranking.weighted`` of its ``value − scale_min``, as the ORM compiles it."""
    points = _points(row)
    query = (
        Indicator.objects.filter(pk=RawSQL(f"{row}.indicator_id", []))  # noqa: S611 - "NEW" or "OLD"
        .annotate(t=weighted(points), a=weighted(points, within=ASPECT))
        .values("aspect_id", "t", "a")
        .order_by()
    )
    return _inline(*query.query.sql_with_params())


def _rescore_sql():
    """SELECT aspect_id, old_t, old_a, new_t, new_a: the OLD and the NEW row's shares (``share_sql``) of a score
    re-scored on the same sheet and indicator, in one look at the indicator."""
    old, new = _points("OLD"), _points("NEW")
    query = (
        Indicator.objects.filter(pk=RawSQL("NEW.indicator_id", []))
        .annotate(
            old_t=weighted(old),
            old_a=weighted(old, within=ASPECT),
            new_t=weighted(new),
            new_a=weighted(new, within=ASPECT),
        )
        .values("aspect_id", "old_t", "old_a", "new_t", "new_a")
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
    new_share_total numeric;
    new_share_aspect_total numeric;
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.value IS NOT NULL AND NEW.value IS NOT NULL AND OLD.sheet_id = NEW.sheet_id
       AND OLD.indicator_id = NEW.indicator_id THEN
        -- A value replaced by another (the common write): the old share taken away and the new one added in one
        -- write of each total (no second row version of the sheet and its subtotal, nor a second trigger run).
        SELECT q.aspect_id, q.old_t, q.old_a, q.new_t, q.new_a
            INTO share_aspect, share_total, share_aspect_total, new_share_total, new_share_aspect_total
            FROM ({_rescore_sql()}) q;
        UPDATE {SHEETS}
            SET weighted_total = weighted_total - COALESCE(share_total, 0) + COALESCE(new_share_total, 0)
            WHERE id = NEW.sheet_id;
        UPDATE {ASPECT_TOTALS}
            SET total = total - COALESCE(share_aspect_total, 0) + COALESCE(new_share_aspect_total, 0)
            WHERE sheet_id = NEW.sheet_id AND aspect_id = share_aspect;
        RETURN NULL;
    END IF;
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


# --- per participant and stage -------------------------------------------------------------------------------


def _counted_rows_sql(condition):
    """A subquery of the counted sheets meeting ``condition`` (SQL on the sheet table's columns; it may name a
    trigger's NEW or OLD row) with the columns ``ranking.sheet_rows_sql`` reads: total and tie-break aspect score.

    The aspect score is a correlated subquery (an index lookup per sheet): as the right side of a LEFT JOIN, SQLite
    would build the whole join of every subtotal first."""
    sheets = counted_sheets().filter(RawSQL(condition, [], output_field=BooleanField()))  # noqa: S611 - fixed text
    sheets_sql = _inline(
        *sheets.values("id", "stage_id", "participant_id", "assessor_id", "weighted_total")
        .order_by()
        .query.sql_with_params()
    )
    return f"""(
        SELECT c.id AS sheet_id, c.stage_id, c.participant_id, c.assessor_id,
               CAST(c.weighted_total AS DOUBLE PRECISION) AS total,
               (SELECT AVG(CAST(sat.total AS DOUBLE PRECISION))
                FROM {ASPECT_TOTALS} sat JOIN {ASPECTS} a ON a.id = sat.aspect_id
                WHERE sat.sheet_id = c.id AND sat.scored > 0 AND a.stage_id = c.stage_id
                  AND a.name = (SELECT e.tie_break_aspect FROM {STAGES} st JOIN {EDITIONS} e ON e.id = st.edition_id
                                WHERE st.id = c.stage_id)) AS aspect_score
        FROM ({sheets_sql}) c
    )"""  # noqa: S608 - ORM-made SQL and fixed text


STATS_COLUMNS = ", ".join(STAGE_STATS_COLUMNS)


def _stats_rows_sql(condition):
    """SELECT the StageStats columns of the (stage, participant) pairs meeting ``condition`` (SQL on a table's
    ``stage_id`` and ``participant_id``, written with ``{t}`` for the table), computed from the sheets. The condition
    must hold for every sheet of a pair or for none (it names the pair, not the sheet)."""
    rows = participant_stats_sql(f"({sheet_rows_sql(_counted_rows_sql(condition.replace('{t}', SHEETS)))}) sheet_rows")
    figures = {column: f"r.{column}" for column in STAGE_STATS_COLUMNS}
    figures["score"] = stored_score_sql("e.aggregation")
    return (
        f"SELECT {', '.join(f'{sql} AS {column}' for column, sql in figures.items())} FROM ({rows}) r"  # noqa: S608
        f" JOIN {STAGES} st ON st.id = r.stage_id JOIN {EDITIONS} e ON e.id = st.edition_id"
    )


def _refresh_stats_sql(condition):
    """The two statements that recompute the StageStats rows of the pairs meeting ``condition``."""
    return [
        f"DELETE FROM {STATS} WHERE {condition.replace('{t}', STATS)}",  # noqa: S608 - fixed text
        f"INSERT INTO {STATS} ({STATS_COLUMNS}) {_stats_rows_sql(condition)}",  # noqa: S608 - fixed text
    ]


def _stages_condition(stages):
    """The condition naming the pairs of ``stages`` (a Stage queryset, or None for all), ids written in."""
    if stages is None:
        return "1 = 1"
    ids = [int(pk) for pk in stages.values_list("pk", flat=True)] or [0]
    return f"{{t}}.stage_id IN ({', '.join(map(str, ids))})"


def _pair(row):
    return f"{{t}}.stage_id = {row}.stage_id AND {{t}}.participant_id = {row}.participant_id"


def _scored_by(assessor):
    """The pairs the assessor (SQL) has a sheet of."""
    return (
        f"EXISTS (SELECT 1 FROM {SHEETS} x WHERE x.stage_id = {{t}}.stage_id"  # noqa: S608 - names, fixed text
        f" AND x.participant_id = {{t}}.participant_id AND x.assessor_id = {assessor})"
    )


_SHEET_CHANGED = (
    "(NEW.status <> OLD.status OR NEW.weighted_total <> OLD.weighted_total OR NEW.stage_id <> OLD.stage_id"
    " OR NEW.participant_id <> OLD.participant_id OR NEW.assessor_id <> OLD.assessor_id)"
)


def _submitted_sheet(row):
    return f"EXISTS (SELECT 1 FROM {SHEETS} x WHERE x.id = {row}.sheet_id AND x.status = '{SUBMITTED}')"  # noqa: S608


def _sheet_of(row):
    return (
        f"{{t}}.stage_id = (SELECT x.stage_id FROM {SHEETS} x WHERE x.id = {row}.sheet_id)"  # noqa: S608
        f" AND {{t}}.participant_id = (SELECT x.participant_id FROM {SHEETS} x WHERE x.id = {row}.sheet_id)"
    )


def _in_edition(edition):
    return f"{{t}}.stage_id IN (SELECT y.id FROM {STAGES} y WHERE y.edition_id = {edition})"  # noqa: S608


def _stats_events():
    """(name, table, operation, when, pairs) of every write that can change a StageStats row: after ``operation``
    on ``table``, when ``when`` holds, the pairs ``pairs`` (naming the trigger's NEW or OLD row) are recomputed.
    ``when`` may hold subqueries (SQLite allows them there; PostgreSQL tests it inside the function)."""
    submitted_old, submitted_new = f"OLD.status = '{SUBMITTED}'", f"NEW.status = '{SUBMITTED}'"
    same_pair = "OLD.stage_id = NEW.stage_id AND OLD.participant_id = NEW.participant_id"
    renamed = "OLD.name <> NEW.name OR OLD.stage_id <> NEW.stage_id"
    return [
        ("sheet_insert", SHEETS, "INSERT", submitted_new, _pair("NEW")),
        ("sheet_delete", SHEETS, "DELETE", submitted_old, _pair("OLD")),
        ("sheet_old", SHEETS, "UPDATE", f"{submitted_old} AND {_SHEET_CHANGED}", _pair("OLD")),
        (
            "sheet_new",
            SHEETS,
            "UPDATE",
            f"{submitted_new} AND {_SHEET_CHANGED} AND NOT ({submitted_old} AND {same_pair})",
            _pair("NEW"),
        ),
        ("subtotal_insert", ASPECT_TOTALS, "INSERT", _submitted_sheet("NEW"), _sheet_of("NEW")),
        ("subtotal_update", ASPECT_TOTALS, "UPDATE", _submitted_sheet("NEW"), _sheet_of("NEW")),
        ("subtotal_delete", ASPECT_TOTALS, "DELETE", _submitted_sheet("OLD"), _sheet_of("OLD")),
        *(
            (
                f"conflict_{operation.lower()}_{row.lower()}",
                CONFLICTS,
                operation,
                "1 = 1",
                f"{_scored_by(f'{row}.assessor_id')} AND {_in_edition(f'{row}.edition_id')}",
            )
            for operation, row in (("INSERT", "NEW"), ("DELETE", "OLD"), ("UPDATE", "OLD"), ("UPDATE", "NEW"))
        ),
        (
            "home_regency",
            USERS,
            "UPDATE",
            "COALESCE(OLD.regency_id, '') <> COALESCE(NEW.regency_id, '')",
            _scored_by("NEW.id"),
        ),
        (
            "kecamatan",
            PARTICIPANTS,
            "UPDATE",
            "OLD.district_id <> NEW.district_id",
            "{t}.participant_id = NEW.id",
        ),
        (
            "ranking_rules",
            EDITIONS,
            "UPDATE",
            "OLD.tie_break_aspect <> NEW.tie_break_aspect OR OLD.aggregation <> NEW.aggregation",
            _in_edition("NEW.id"),
        ),
        *(
            (f"aspect_{row.lower()}", ASPECTS, "UPDATE", renamed, f"{{t}}.stage_id = {row}.stage_id")
            for row in ("OLD", "NEW")
        ),
    ]


def _stats_trigger_names():
    return [(f"assessments_stats_{name}", table) for name, table, *_rest in _stats_events()]


def _stats_triggers_sql(vendor):
    statements = []
    for name, table, operation, when, pairs in _stats_events():
        trigger = f"assessments_stats_{name}"
        refresh = ";\n".join(_refresh_stats_sql(pairs))
        if vendor == "postgresql":
            # Tested before the function is even called where PostgreSQL allows it (no subquery): a score saved on a
            # draft updates its sheet's total, and must not pay for a call that does nothing.
            row_filter = "" if "SELECT" in when else f" WHEN ({when})"
            statements += [
                f"""CREATE OR REPLACE FUNCTION {trigger}() RETURNS trigger AS $$
BEGIN
    IF {when} THEN
        {refresh};
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql""",
                f"DROP TRIGGER IF EXISTS {trigger} ON {table}",
                f"CREATE TRIGGER {trigger} AFTER {operation} ON {table} FOR EACH ROW{row_filter}"
                f" EXECUTE FUNCTION {trigger}()",
            ]
        else:
            statements += [
                f"DROP TRIGGER IF EXISTS {trigger}",
                f"CREATE TRIGGER {trigger} AFTER {operation} ON {table} WHEN {when} BEGIN {refresh}; END",
            ]
    return statements


def install_stats_triggers(connection):
    """Create (or replace) the triggers that keep StageStats on ``connection``'s database."""
    with connection.cursor() as cursor:
        for statement in _stats_triggers_sql(connection.vendor):
            cursor.execute(statement)


def drop_stats_trigger(connection, trigger, table):
    """Drop a stats trigger by name (and its PL/pgSQL function on PostgreSQL), if it exists."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
            cursor.execute(f"DROP FUNCTION IF EXISTS {trigger}()")
        else:
            cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")


def remove_stats_triggers(connection):
    for trigger, table in _stats_trigger_names():
        drop_stats_trigger(connection, trigger, table)


def refresh_stats(stages=None):
    """Recompute StageStats of ``stages`` (a Stage queryset; all by default) from the sheets' maintained totals, in
    two set-based statements (after a bulk load with the triggers off, and in migration 0020)."""
    with connection.cursor() as cursor:
        for statement in _refresh_stats_sql(_stages_condition(stages)):
            cursor.execute(statement)


def recomputed_stats(stages):
    """{(stage pk, participant pk): {column: value}} of ``stages`` computed afresh from the sheets (what the
    triggers must have kept), for comparing with the stored rows."""
    with connection.cursor() as cursor:
        cursor.execute(_stats_rows_sql(_stages_condition(stages)))
        columns = [c[0] for c in cursor.description]
        return {(row[0], row[1]): dict(zip(columns, row, strict=True)) for row in cursor.fetchall()}


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
    """Write many scores at once (a benchmark's or an import's COPY) with the triggers off, then recompute the
    totals of ``sheets`` and their stages' StageStats in one go (one trigger run per score would recompute a
    submitted sheet's pair once per score). On SQLite the totals' triggers stay on (no COPY there)."""
    stages = Stage.objects.filter(pk__in=sheets.values("stage_id"))
    with transaction.atomic():
        if connection.vendor != "postgresql":
            remove_stats_triggers(connection)
            yield
            install_stats_triggers(connection)
            refresh_stats(stages)
            return
        tables = ((SCORES, "assessments_score_totals_write"), (SHEETS, "USER"), (ASPECT_TOTALS, "USER"))
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table, trigger in tables:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        yield
        with connection.cursor() as cursor:
            # The rows' deferred foreign-key checks first: a table with pending trigger events cannot be altered.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {SCORES} ENABLE TRIGGER assessments_score_totals_write")
            refresh_totals(sheets)
            for table, trigger in tables[1:]:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        refresh_stats(stages)


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
