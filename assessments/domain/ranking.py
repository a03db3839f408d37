"""Totals, aggregation and ranking, computed in the database.

Everything heavy happens in SQL, in a fixed number of queries whatever the number of participants:

1. per sheet: the weighted total of a SUBMITTED sheet of an assessor without a conflict of interest, and
   its score on the tie-break aspect, read from the totals the database maintains with every score
   (``ScoreSheet.weighted_total``, ``SheetAspectTotal``: ``domain.totals``); ``from_scores=True`` computes
   them from the raw scores instead (``with_totals``' formula), the reference both must agree with, and
   ``from_scores=HISTORY`` from the scores rebuilt from the history alone (``domain.replay``);
2. per sheet: the assessor's mean and population variance within the stage (grouped, for z-scores), the
   participant's count/sum/mean and the row number by total (window functions over one sort);
3. per participant and stage (GROUP BY): count, mean, median, trimmed mean, mean z-score, spread;
4. ranking (``RANK() OVER``): ties share a rank; nothing breaks a tie by id or name.

Layers 1–3 are kept by the database too, per participant and stage (``StageStats``, ``domain.totals``: its
triggers run layers 2–3's SQL, ``sheet_rows_sql`` and ``participant_stats_sql``, for the pairs a change concerns),
so a ranking reads one row per participant (7,285 at the national size instead of 36,425 sheets). Z-scores need
every assessor's totals in the stage, so an edition using them, the explanation page and ``from_scores`` compute
layers 2–3 from the sheets. Either way the layers are one SQL statement with common table expressions wrapped
around the SQL the ORM generates for layer 1, so the sheet formula lives only in ``weighted``. The statement uses only
what PostgreSQL and SQLite (≥ 3.25) both have: ``percentile_cont`` is PostgreSQL-only, so the median
is taken with ``ROW_NUMBER()``/``COUNT(*)`` over the participant's sheets (the middle one, or the mean of
the middle two). ``SQRT`` is native in PostgreSQL and registered by Django on SQLite.

Choices (shown to users in the explanation page):

- Trimmed mean: drop one highest and one lowest total; with fewer than 3 sheets it falls back to the
  plain mean (nothing would be left otherwise).
- Z-score: per assessor within the stage, z = (total − assessor's mean) / assessor's population
  standard deviation; an assessor whose totals are all equal (std 0, or a single sheet) contributes
  z = 0. The participant's stage score is 50 + 10 × (mean of its z-scores), clipped to 0–100
  ("T-score"): 50 is an average participant, each 10 points is one standard deviation.
- Outlier sheet: with at least 3 sheets, a sheet whose total is more than ``OUTLIER_POINTS`` (15)
  points from the mean of the participant's *other* sheets. A rule in standard deviations does not
  work for panels of 3–5: a sheet cannot lie more than √(n − 1) population deviations from a mean
  that includes it, so "2 × std" could never fire with 5 sheets or fewer. A participant is flagged
  for disagreement when its sheets span more than ``OUTLIER_POINTS`` (max − min) or it has an outlier.
- Final score: weighted sum Σ stage.weight/100 × stage score, a stage the participant did not reach
  (or has no counted sheet in) counting 0; or the last stage's score only (those who did not reach
  it get no final score and no rank).
- Ties: scores are compared at 4 decimals. Order: score, then (final ranking) the last stage's score,
  then, when ``edition.tie_break_previous_stage`` is set, the previous stage's score (for the final
  ranking the stage before the last, for a stage ranking the stage before it: with "last stage only"
  the last stage's score is the final score itself, and the earlier stage is what a province compares),
  then the combined score (mean over the counted sheets, 0–100) on the aspect named
  ``edition.tie_break_aspect`` — in the stage being ranked, or for the final ranking the latest stage
  that has an aspect of that name. What is still equal shares the rank (1, 2, 2, 4).
- Participants of the first stage are all accepted participants (``stage_participants``); later
  stages hold the ``StageEntry`` rows made by "advance the top N".
"""

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import (
    Case,
    DecimalField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Round
from django.utils.translation import gettext_lazy as _

from assessments.domain.conflicts import without_conflicts
from assessments.models import (
    Aspect,
    Edition,
    Indicator,
    Participant,
    Score,
    ScoreChange,
    ScoreSheet,
    SheetAspectTotal,
    Stage,
    StageStats,
)
from assessments.queries.stages import stage_participants
from districts.models import District, Regency
from sp2k.postgresql.figures import read_figures_as_text

TOTAL_FIELD = DecimalField(max_digits=12, decimal_places=4)
OUTLIER_POINTS = 15
PLACES = Decimal("0.0001")


class _Real(Func):
    """Its argument unchanged, except on SQLite where it is made a float.

    SQLite stores whole decimals as integers and would then divide integers (70 × 50 × 10 / 10000 = 3,
    not 3.5); PostgreSQL keeps exact ``numeric`` arithmetic.
    """

    template = "(%(expressions)s)"
    output_field = TOTAL_FIELD

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="((%(expressions)s) * 1.0)", **extra_context)


SHEET = "sheet"
ASPECT = "aspect"


def weighted(points, indicator="", *, within=SHEET):
    """THE formula of a sheet's total: the database expression of ``points`` of an indicator, weighted.

    ``points`` is an expression of how far a value lies above the indicator's ``scale_min`` (the Score's
    ``value − scale_min``, or 1 for "what one point is worth"); ``indicator`` is the path from the queried
    model to Indicator (``""`` from Indicator, ``"scores__indicator__"`` from ScoreSheet).

    - ``within=SHEET``: the contribution to the sheet's weighted total on 0–100, i.e. the value normalised
      ``(value − min) / (max − min) × 100``, times the indicator's weight within its aspect (%) and the
      aspect's weight within the stage (%): ``points × weight × aspect weight / ((max − min) × 100)``;
    - ``within=ASPECT``: the contribution to its aspect's score on 0–100 (the tie-break subtotals):
      ``points × weight / (max − min)``.

    Every total and subtotal in the portal is a sum of this: ``with_totals`` (the score sheet's total,
    ``queries.sheets.sheet_total``, the recaps), the per-indicator factors of the rankings' SQL and the
    explanation's per-aspect subtotals. The score sheet's live total is the server's ``sheet_total``
    (sent back with every autosave), so no copy of it exists elsewhere, not even in JavaScript.
    """
    span = _Real(F(f"{indicator}scale_max") - F(f"{indicator}scale_min"))
    if within == SHEET:
        expression = points * F(f"{indicator}weight") * F(f"{indicator}aspect__weight") / (span * Value(Decimal(100)))
    elif within == ASPECT:
        expression = points * F(f"{indicator}weight") / span
    else:
        raise ValueError(within)
    return ExpressionWrapper(expression, output_field=TOTAL_FIELD)


def _score_points(prefix):
    """A Score row's ``value − scale_min``; ``prefix`` is the path to Score (``"scores__"`` from ScoreSheet)."""
    return F(f"{prefix}value") - F(f"{prefix}indicator__scale_min")


def weighted_points(prefix=""):
    """One Score row's contribution (0–100 scale) to its sheet's weighted total (``weighted``)."""
    return weighted(_score_points(prefix), f"{prefix}indicator__")


def aspect_points(prefix=""):
    """One Score row's contribution to its aspect's score on 0–100 (``weighted`` within the aspect)."""
    return weighted(_score_points(prefix), f"{prefix}indicator__", within=ASPECT)


def with_totals(sheets):
    """Annotate a ScoreSheet queryset with ``total``: its weighted total on 0–100 (unscored count as 0).

    The total is rounded in the database to 4 places, as every figure of the rankings is
    (``_dec``), so that a page printing it to 2 places shows the same cent as the rankings do.
    """
    return sheets.annotate(
        total=Round(
            Coalesce(Sum(weighted_points("scores__")), Value(Decimal(0)), output_field=TOTAL_FIELD),
            4,
            output_field=TOTAL_FIELD,
        )
    )


# --- which sheets count -------------------------------------------------------------------------


def counted_sheets(**filters):
    """SUBMITTED sheets of assessors without a conflict of interest with the participant.

    Home-regency conflicts are derived (assessor.regency == the kecamatan's regency), declared ones
    come from Conflict. Drafts never count.
    """
    return without_conflicts(ScoreSheet.objects.filter(status=ScoreSheet.Status.SUBMITTED, **filters))


def sheet_totals(stage):
    """The stage's counted sheets, each annotated with ``total`` (weighted, 0–100)."""
    return with_totals(counted_sheets(stage=stage))


# --- SQL ----------------------------------------------------------------------------------------


def _sheet_sql(sheets, stage_filter, aspect_name, from_scores=False):
    """SQL + params of layer 1: one row per counted sheet with ``total`` and ``aspect_score``.

    By default the totals maintained with every score (``ScoreSheet.weighted_total`` and ``SheetAspectTotal``, see
    ``domain.totals``): one row per sheet instead of one per score. With ``from_scores`` they are computed
    from the raw scores, as below: the reference the maintained totals are checked against.

    The formula of ``with_totals`` (``weighted``), arranged for ~900,000 scores: what one point above
    its minimum is worth is computed once per indicator in the database (``weighted`` of 1: the
    indicator's ``factor`` and its tie-break ``aspect_factor``), the scores are summed per sheet as
    Σ (value − min) × factor with one hash join on that small table, and only then joined to the counted
    sheets. Summing through the ORM's joins per score row (the obvious ``with_totals`` query) was 3–4×
    slower at the national size.
    """
    if not from_scores:
        aspect_filter = {key.removeprefix("aspect__"): value for key, value in stage_filter.items()}
        return _maintained_sheet_sql(sheets, aspect_filter, aspect_name)
    one_point = Value(Decimal(1))
    if aspect_name:
        aspect_factor = Case(
            When(aspect__name=aspect_name, then=weighted(one_point, within=ASPECT)), output_field=TOTAL_FIELD
        )
    else:
        aspect_factor = Cast(Value(None), output_field=TOTAL_FIELD)
    factors = (
        Indicator.objects.filter(**stage_filter)
        .annotate(
            factor=Cast(weighted(one_point), FloatField()),
            aspect_factor=Cast(aspect_factor, FloatField()),
            low=Cast("scale_min", FloatField()),
        )
        .values_list("id", "low", "factor", "aspect_factor")
        .order_by()
    )
    sheets_sql, sheets_params = (
        sheets.values("id", "stage_id", "participant_id", "assessor_id").order_by().query.sql_with_params()
    )
    sums_sql, sums_params = _sheet_sums_sql(factors, history=from_scores == HISTORY)
    sql = f"""
    {sums_sql},
    counted AS ({sheets_sql}),
    s0 AS (
        SELECT counted.id AS sheet_id, counted.stage_id, counted.participant_id, counted.assessor_id,
               COALESCE(sheet_sums.total, 0) AS exact_total,
               CAST(COALESCE(sheet_sums.total, 0) AS DOUBLE PRECISION) AS total,
               CAST(sheet_sums.aspect_score AS DOUBLE PRECISION) AS aspect_score
        FROM counted LEFT JOIN sheet_sums ON sheet_sums.sheet_id = counted.id
    )"""  # noqa: S608 - ORM-made SQL and fixed text; every value is a parameter
    return sql, [*sums_params, *sheets_params]


def _maintained_sheet_sql(sheets, aspect_filter, aspect_name):
    """Layer 1 from the maintained totals: the counted sheets' ``total`` and their tie-break aspect's subtotal
    (the aspect of that name in the sheet's stage, NULL when none of its indicators has a value); the aspects
    are those of the ranked stages (``aspect_filter``), not every edition's aspect of that name."""
    sheets_sql, sheets_params = (
        sheets.values("id", "stage_id", "participant_id", "assessor_id", "weighted_total")
        .order_by()
        .query.sql_with_params()
    )
    aspect_join, aspect_params = "", []
    aspect_score = "CAST(NULL AS DOUBLE PRECISION)"
    if aspect_name:
        aspects_sql, aspect_params = (
            Aspect.objects.filter(name=aspect_name, **aspect_filter)
            .values("id", "stage_id")
            .order_by()
            .query.sql_with_params()
        )
        aspect_join = f"""
        LEFT JOIN (
            SELECT sat.sheet_id, sat.total, a.stage_id
            FROM {SheetAspectTotal._meta.db_table} sat JOIN ({aspects_sql}) a ON a.id = sat.aspect_id
            WHERE sat.scored > 0
        ) tb ON tb.sheet_id = counted.id AND tb.stage_id = counted.stage_id"""  # noqa: S608 - ORM-made SQL
        aspect_score = "CAST(tb.total AS DOUBLE PRECISION)"
    sql = f"""
    counted AS ({sheets_sql}),
    s0 AS (
        SELECT counted.id AS sheet_id, counted.stage_id, counted.participant_id, counted.assessor_id,
               counted.weighted_total AS exact_total,
               CAST(counted.weighted_total AS DOUBLE PRECISION) AS total,
               {aspect_score} AS aspect_score
        FROM counted{aspect_join}
    )"""  # noqa: S608 - ORM-made SQL and fixed text; every value is a parameter
    return sql, [*sheets_params, *aspect_params]


ARRAY_LOOKUP_LIMIT = 100_000  # indicator id range beyond which the arrays would be wasteful
# ``from_scores=HISTORY``: the raw-score reference fed with the scores replayed from the history instead of the
# stored ones (``domain.replay``): per sheet and indicator, the value of its latest ScoreChange row (by id).
HISTORY = "history"


def _replayed_scores_sql(indicators_sql):
    """A table like Score's (sheet_id, indicator_id, value) rebuilt from the history alone, for the indicators
    of ``indicators_sql`` (SQL selecting indicator ids, with no parameter of its own)."""
    changes = ScoreChange._meta.db_table
    return f"""(
        SELECT h.sheet_id, h.indicator_id, h.new_value AS value
        FROM (
            SELECT c.sheet_id, c.indicator_id, c.new_value,
                   ROW_NUMBER() OVER (PARTITION BY c.sheet_id, c.indicator_id ORDER BY c.id DESC) AS latest
            FROM {changes} c WHERE c.indicator_id IN ({indicators_sql})
        ) h
        WHERE h.latest = 1
    )"""  # noqa: S608 - table names from the models and fixed text


def _sheet_sums_sql(factors, history=False):
    """The ``sheet_sums`` CTE: per sheet, Σ (value − min) × factor over its scored indicators.

    ``factors`` are the stage's or edition's indicators as (id, low, factor, aspect_factor) rows.
    On PostgreSQL they are read once and passed as arrays indexed by indicator id: looking a factor up
    in an array costs a third of the hash join with ``indicator_factors`` that SQLite gets (measured
    at the national size: 0.6 s against 1.5 s of CPU for 910,625 scores).
    """
    score_table = Score._meta.db_table
    if connection.vendor == "postgresql":
        rows = list(factors)
        if rows and max(r[0] for r in rows) - min(r[0] for r in rows) < ARRAY_LOOKUP_LIMIT:
            base = min(r[0] for r in rows)
            size = max(r[0] for r in rows) - base + 1
            lows, weights, aspect_factors = [0.0] * size, [0.0] * size, [None] * size
            for pk, low, factor, aspect_factor in rows:
                lows[pk - base], weights[pk - base], aspect_factors[pk - base] = low, factor, aspect_factor
            index = f"sc.indicator_id - {int(base) - 1}"
            sql = f"""
    sheet_sums AS (
        SELECT sc.sheet_id,
               SUM((CAST(sc.value AS DOUBLE PRECISION) - (%s::float8[])[{index}]) * (%s::float8[])[{index}])
                   AS total,
               SUM(CASE WHEN (%s::float8[])[{index}] IS NOT NULL
                        THEN (CAST(sc.value AS DOUBLE PRECISION) - (%s::float8[])[{index}])
                             * (%s::float8[])[{index}] END) AS aspect_score
        FROM {score_table} sc
        WHERE sc.value IS NOT NULL AND sc.indicator_id = ANY(%s)
        GROUP BY sc.sheet_id
    )"""  # noqa: S608 - fixed text and integers; every value is a parameter
            ids = [r[0] for r in rows]
            if history:
                sql = sql.replace(f"FROM {score_table} sc", f"FROM {_replayed_scores_sql('SELECT unnest(%s)')} sc")
                return sql, [lows, weights, aspect_factors, lows, aspect_factors, ids, ids]
            return sql, [lows, weights, aspect_factors, lows, aspect_factors, ids]
    factors_sql, factors_params = factors.query.sql_with_params()
    sql = f"""
    indicator_factors AS ({factors_sql}),
    sheet_sums AS (
        SELECT sc.sheet_id,
               SUM((CAST(sc.value AS DOUBLE PRECISION) - f.low) * f.factor) AS total,
               SUM(CASE WHEN f.aspect_factor IS NOT NULL
                        THEN (CAST(sc.value AS DOUBLE PRECISION) - f.low) * f.aspect_factor END) AS aspect_score
        FROM {_replayed_scores_sql("SELECT id FROM indicator_factors") if history else score_table} sc
        JOIN indicator_factors f ON f.id = sc.indicator_id
        WHERE sc.value IS NOT NULL
        GROUP BY sc.sheet_id
    )"""  # noqa: S608 - ORM-made SQL and fixed text; every value is a parameter
    return sql, list(factors_params)


def _rounded(figure_sql):
    """A figure as scores are compared: at 4 places (NUMERIC on PostgreSQL)."""
    return f"ROUND(CAST({figure_sql} AS NUMERIC), 4)"


def _score_sql(aggregation):
    """The stage score's SQL expression over the ``stats`` columns, by the edition's aggregation."""
    if aggregation == Edition.Aggregation.MEDIAN:
        return "median"
    if aggregation == Edition.Aggregation.TRIMMED_MEAN:
        return "trimmed"
    if aggregation == Edition.Aggregation.ZSCORE:
        return "CASE WHEN 50 + 10 * z_mean < 0 THEN 0 WHEN 50 + 10 * z_mean > 100 THEN 100 ELSE 50 + 10 * z_mean END"
    return "mean"


def stored_score_sql(aggregation_sql):
    """The rounded stage score over ``participant_stats_sql``'s columns by the aggregation that ``aggregation_sql``
    (an edition's column) names: what ``StageStats.score`` keeps. NULL with z-scores, which need every assessor's
    totals in the stage (the ranking computes them)."""
    whens = " ".join(
        f"WHEN '{aggregation}' THEN {_rounded(_score_sql(aggregation))}"
        for aggregation in Edition.Aggregation.values
        if aggregation != Edition.Aggregation.ZSCORE
    )
    return f"CASE {aggregation_sql} {whens} END"


def sheet_rows_sql(source, assessor_source=None):
    """SELECT per counted sheet of ``source`` (a table or parenthesised subquery with s0's columns: sheet_id,
    stage_id, participant_id, assessor_id, total, aspect_score): its participant's count ``n``, sum and mean, its row
    number by total (``rn``), z-score ``z`` (NULL without ``assessor_source``, the a_stats table), the mean of the
    participant's other sheets and whether it is an outlier.

    The participant's figures are windows, all over one sort of the sheets (by participant, then total).
    Windowing by assessor as well sorted the ~36,000 sheets of the national size twice more."""
    if assessor_source:
        assessor_columns = "a_stats.a_mean, a_stats.a_var,"
        assessor_join = (
            f"JOIN {assessor_source} a_stats ON a_stats.stage_id = s0.stage_id AND a_stats.assessor_id = s0.assessor_id"
        )
        z_sql = "CASE WHEN a_var > 0.00000001 THEN (total - a_mean) / SQRT(a_var) ELSE 0 END"
    else:
        assessor_columns = assessor_join = ""
        z_sql = "CAST(NULL AS DOUBLE PRECISION)"
    return f"""
        SELECT s1.*,
               {z_sql} AS z,
               CASE WHEN n > 1 THEN (p_sum - total) / (n - 1) END AS loo_mean,
               CASE WHEN n >= 3 AND ABS(total - (p_sum - total) / (n - 1)) > {OUTLIER_POINTS}
                    THEN 1 ELSE 0 END AS outlier
        FROM (
            SELECT s0.*, {assessor_columns}
                   COUNT(*) OVER by_participant AS n,
                   SUM(s0.total) OVER by_participant AS p_sum,
                   AVG(s0.total) OVER by_participant AS p_mean,
                   ROW_NUMBER() OVER (by_participant ORDER BY s0.total) AS rn
            FROM {source} s0 {assessor_join}
            WINDOW by_participant AS (PARTITION BY s0.stage_id, s0.participant_id)
        ) s1"""  # noqa: S608 - fixed text and the caller's SQL


def participant_stats_sql(sheet_rows):
    """SELECT per stage × participant of ``sheet_rows`` (``sheet_rows_sql``'s rows): count, mean, median, trimmed
    mean, mean z-score, population variance, lowest, highest, outliers and the tie-break aspect's mean (rounded, as
    it is compared), the columns of ``StageStats`` but its score (the database keeps them with this SQL and
    ``stored_score_sql``, ``domain.totals``) plus ``z_mean``."""
    return f"""
        SELECT stage_id, participant_id,
               COUNT(*) AS n_sheets,
               AVG(total) AS mean,
               AVG(CASE WHEN rn IN ((n + 1) / 2, (n + 2) / 2) THEN total END) AS median,
               CASE WHEN COUNT(*) >= 3 THEN (SUM(total) - MIN(total) - MAX(total)) / (COUNT(*) - 2)
                    ELSE AVG(total) END AS trimmed,
               AVG((total - p_mean) * (total - p_mean)) AS variance,
               MIN(total) AS low,
               MAX(total) AS high,
               SUM(outlier) AS outliers,
               {_rounded("AVG(aspect_score)")} AS aspect_score,
               AVG(z) AS z_mean
        FROM {sheet_rows}
        GROUP BY stage_id, participant_id"""  # noqa: S608 - fixed text and the caller's SQL


# StageStats' columns (stage and participant ids, then the figures): what the triggers write and rankings read.
STAGE_STATS_COLUMNS = [field.column for field in StageStats._meta.concrete_fields if not field.primary_key]


def _stats_ctes(stage_filter, aspect_name, aggregation, from_scores=False, per_sheet=False):
    """The CTE ``stats`` (per stage × participant, with the rounded ``score``) and, from the sheets, ``sheet_rows``
    (per sheet, with z and outlier).

    ``stage_filter`` is ``{"stage": stage}``, ``{"stage_id__in": [...]}`` or ``{"stage__edition": edition}``.
    By default ``stats`` is read from the figures the database maintains (``StageStats``: one row per participant);
    z-scores need every assessor's totals in the stage, so they (and ``per_sheet``, for the sheet rows) are computed
    from the sheets' maintained totals, and ``from_scores`` from the raw scores (the reference).
    """
    if not from_scores and not per_sheet and aggregation != Edition.Aggregation.ZSCORE:
        stats_sql, params = (
            StageStats.objects.filter(**stage_filter).values(*STAGE_STATS_COLUMNS).order_by().query.sql_with_params()
        )
        return (
            f"""
    agg AS ({stats_sql}),
    stats AS (
        SELECT agg.*, CAST(NULL AS DOUBLE PRECISION) AS z_mean, SQRT(agg.variance) AS std FROM agg
    )""",  # noqa: S608 - ORM-made SQL and fixed text; every value is a parameter
            list(params),
        )
    indicator_filter = {f"aspect__{key}": value for key, value in stage_filter.items()}
    # From s0 on, figures are DOUBLE PRECISION: PostgreSQL's exact ``numeric`` made the windows and
    # square roots over 36,000 sheets cost seconds, and SQLite would otherwise do integer arithmetic on
    # whole-number totals. Scores are compared after rounding to 4 places, far above float error.
    sheet_sql, params = _sheet_sql(counted_sheets(**stage_filter), indicator_filter, aspect_name, from_scores)
    # The assessors' means and (population) variances, E[x²] − E[x]², are grouped in one pass and joined back
    # (a handful of rows; totals of 0–100 in double precision keep the variance exact far beyond the 4
    # places compared, and below the 1e-8 under which an assessor counts as giving equal totals).
    # Only z-scores need the assessors' figures (a sixth of the time at the national size): other editions
    # skip them, and their z is NULL (shown only where the edition uses z-scores).
    assessor_sql, assessor_source = "", None
    if aggregation == Edition.Aggregation.ZSCORE:
        assessor_sql = """
    a_stats AS (
        SELECT stage_id, assessor_id, AVG(total) AS a_mean,
               AVG(total * total) - AVG(total) * AVG(total) AS a_var
        FROM s0 GROUP BY stage_id, assessor_id
    ),"""
        assessor_source = "a_stats"
    sql = f"""{sheet_sql},{assessor_sql}
    sheet_rows AS ({sheet_rows_sql("s0", assessor_source)}),
    agg AS ({participant_stats_sql("sheet_rows")}),
    stats AS (
        SELECT agg.*, SQRT(agg.variance) AS std, {_rounded(_score_sql(aggregation))} AS score
        FROM agg
    )"""  # noqa: S608 - ORM-made SQL and fixed text; every value is a parameter
    return sql, list(params)


def _fetch(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = [c[0] for c in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _fetch_lines(line_class, sql, params, *args):
    """``line_class(values, columns, *args)`` for each row: the row's tuple, its figures as the database's text on
    PostgreSQL (``sp2k.postgresql.figures``), and one {column name: index} shared by every line."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            read_figures_as_text(cursor)
        cursor.execute(sql, params)
        columns = {c[0]: index for index, c in enumerate(cursor.description)}
        return [line_class(values, columns, *args) for values in cursor.fetchall()]


def _dec(value):
    """A figure from the database (Decimal or its text on PostgreSQL, float on SQLite) as a 4-place Decimal."""
    if value is None:
        return None
    return Decimal(str(value)).quantize(PLACES)


# --- stage ranking ------------------------------------------------------------------------------


class _Figure:
    """A figure of a ranking line, read from its database row as a 4-place Decimal when first asked for.

    A national ranking has 7,285 lines and a page shows 50: converting every figure and building every
    participant up front cost more than the query itself.
    """

    def __init__(self, column):
        self.column = column

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, line, owner=None):
        if line is None:
            return self
        value = _dec(line.value(self.column))
        line.__dict__[self.name] = value  # kept: the next read is a plain attribute
        return value


# The participant's fields a ranking shows, selected with the ranking; other fields are deferred (read from the
# database if ever asked for). The participant's own come with the ranked rows (``_BASE_COLUMNS``, from the
# participants the ranking starts from: reading the table again cost a join of every participant), its kecamatan's
# and regency's are joined to them at the end (``_PARTICIPANT_SQL``).
_PARTICIPANT_FIELDS = {
    Participant: ("id", "edition_id", "status", "district_id"),
    District: ("code", "name", "regency_id"),
    Regency: ("code", "name", "kind", "province_id"),
}
_BASE_COLUMNS = ", ".join(f"base.{name} AS p_{name}" for name in _PARTICIPANT_FIELDS[Participant])
_PARTICIPANT_SQL = f"""
    JOIN {District._meta.db_table} d_ ON d_.code = ranked.p_district_id
    JOIN {Regency._meta.db_table} r_ ON r_.code = d_.regency_id"""  # noqa: S608 - table names from the models
_PARTICIPANT_COLUMNS = ", ".join(
    f"{alias}.{name} AS {alias}{name}"
    for model, alias in ((District, "d_"), (Regency, "r_"))
    for name in _PARTICIPANT_FIELDS[model]
)


def _base_sql(participants):
    """SQL and parameters of the participants a ranking starts from (a queryset), with the fields it shows."""
    return participants.values(*_PARTICIPANT_FIELDS[Participant]).order_by().query.sql_with_params()


def _participant(line):
    """The participant of a ranking line, with its district and regency, built from its row (no query)."""

    def build(model, alias):
        # ``from_db`` takes the values in the model's field order.
        names = [f.attname for f in model._meta.concrete_fields if f.attname in _PARTICIPANT_FIELDS[model]]
        return model.from_db(connection.alias, names, [line.value(f"{alias}{name}") for name in names])

    participant, district = build(Participant, "p_"), build(District, "d_")
    district.regency = build(Regency, "r_")
    participant.district = district
    return participant


class _Line:
    """A ranking line over its database row (``values``, a tuple; ``columns``: {name: index}, shared by the
    ranking's lines): ``participant`` and the figures are built when first read.

    A tuple and a shared index rather than a dict per row: a national ranking has 7,285 lines, and making
    their dicts took a tenth of its time."""

    def __init__(self, values, columns):
        self.values, self.columns = values, columns

    def value(self, column):
        return self.values[self.columns[column]]

    @cached_property
    def participant(self):
        return _participant(self)

    @property
    def participant_id(self):
        """The participant's id without building it: lookups over a whole ranking (the replay, awards) use it."""
        return self.value("participant_id")

    @property
    def has_score(self):
        return self.value("score") is not None

    @property
    def rank(self):
        return self.value("rank") if self.has_score else None

    @property
    def shared(self):
        """The rank is shared: a tie that survived every rule."""
        return self.has_score and self.value("same_all") > 1

    @property
    def tie_broken(self):
        """An equal score, separated by the tie-break rules."""
        return self.has_score and self.value("same_score") > 1 and self.value("same_all") == 1

    aspect_score = _Figure("aspect_score")


class StageRow(_Line):
    """One participant's line of a stage ranking."""

    score = _Figure("score")
    mean = _Figure("mean")
    median = _Figure("median")
    trimmed_mean = _Figure("trimmed")
    z_mean = _Figure("z_mean")
    std = _Figure("std")
    low = _Figure("low")
    high = _Figure("high")

    @property
    def n_sheets(self):
        return self.value("n_sheets") or 0

    @property
    def outliers(self):
        return int(self.value("outliers") or 0)

    @property
    def spread(self):
        return None if self.high is None else self.high - self.low

    @property
    def disagreement(self):
        return bool(self.outliers) or (self.spread is not None and self.spread > OUTLIER_POINTS)


def _rank_sql(score, tie_breaks):
    """The columns ``rank`` (by ``score``, highest first and NULL last, then each of ``tie_breaks``, highest first),
    ``same_all`` (how many rows share every one of those figures: the rank is shared) and ``same_score`` (how many
    share the score), and the WINDOW clause they need.

    All three come from one sort of the rows: how many share a row's place is the count up to its last peer
    (``COUNT(*)`` over the default frame) less the rows before it (its rank − 1). Counting over PARTITION BY sorted
    the rows twice more (a tenth of a national ranking's time in the database). A tie-break figure is never
    negative, so NULL sorts and groups as −1."""
    by_score = f"CASE WHEN {score} IS NULL THEN 1 ELSE 0 END, {score} DESC"
    by_all = ", ".join([by_score, *(f"COALESCE({figure}, -1) DESC" for figure in tie_breaks)])
    columns = """RANK() OVER by_all AS rank,
               COUNT(*) OVER by_all - RANK() OVER by_all + 1 AS same_all,
               COUNT(*) OVER by_score - RANK() OVER by_score + 1 AS same_score"""
    return columns, f"WINDOW by_score AS (ORDER BY {by_score}), by_all AS (ORDER BY {by_all})"


def previous_stage(stage):
    """The stage before ``stage`` in its edition (by order), or None for the first."""
    return Stage.objects.filter(edition_id=stage.edition_id, order__lt=stage.order).order_by("-order").first()


def stage_ranking_sql(stage, from_scores=False):
    """The SQL and parameters of a stage's ranking (one row per participant of the stage); ``from_scores``:
    from the raw scores (the reference) instead of the maintained totals."""
    edition = stage.edition
    before = previous_stage(stage) if edition.tie_break_previous_stage else None
    stage_filter = {"stage_id__in": [before.pk, stage.pk]} if before else {"stage": stage}
    ctes, params = _stats_ctes(stage_filter, edition.tie_break_aspect, edition.aggregation, from_scores)
    base_sql, base_params = _base_sql(stage_participants(stage))
    previous_join, previous_params = "", []
    if before:
        previous_join = "LEFT JOIN stats prev ON prev.participant_id = base.id AND prev.stage_id = %s"
        previous_params = [before.pk]
    rank_columns, rank_windows = _rank_sql("score", ["previous_score", "aspect_score"])
    sql = f"""
    WITH {ctes},
    base AS ({base_sql}),
    scored AS (
        SELECT base.id AS participant_id, {_BASE_COLUMNS}, stats.n_sheets, stats.mean, stats.median, stats.trimmed,
               stats.z_mean, stats.std, stats.low, stats.high, stats.outliers, stats.score, stats.aspect_score,
               {"prev.score" if before else "CAST(NULL AS NUMERIC)"} AS previous_score
        FROM base LEFT JOIN stats ON stats.participant_id = base.id AND stats.stage_id = %s
        {previous_join}
    ),
    ranked AS (
        SELECT scored.*, {rank_columns}
        FROM scored
        {rank_windows}
    )
    SELECT ranked.*, {_PARTICIPANT_COLUMNS}
    FROM ranked{_PARTICIPANT_SQL}
    ORDER BY ranked.rank"""  # noqa: S608 - ORM-made SQL and fixed text; every value is a parameter
    return sql, [*params, *base_params, stage.pk, *previous_params]


def stage_ranking(stage, from_scores=False):
    """The stage's ranking: every participant of the stage, ranked by its stage score (3 queries).

    Participants without any counted sheet come last, without a rank. Read from the maintained sheet
    totals; ``from_scores`` computes them from the raw scores instead (the reference, same result).
    """
    return _fetch_lines(StageRow, *stage_ranking_sql(stage, from_scores))


# --- final ranking ------------------------------------------------------------------------------


class FinalRow(_Line):
    """One participant's line of the final ranking; ``stage_scores``: [(stage, score or None)] in stage order."""

    score = _Figure("final")

    def __init__(self, values, columns, stages):
        super().__init__(values, columns)
        self.stages = stages

    @classmethod
    def unranked(cls, participant):
        """The line of a participant without a final score (a special award may go to one)."""
        line = cls((participant.pk, None, None, None), _UNRANKED_COLUMNS, [])
        line.participant = participant
        return line

    @property
    def has_score(self):
        return self.value("final") is not None

    @cached_property
    def stage_scores(self):
        return [(stage, _dec(self.value(f"s_{i}"))) for i, stage in enumerate(self.stages)]

    @cached_property
    def last_stage_score(self):
        return _dec(self.value("last_score"))


_UNRANKED_COLUMNS = {"participant_id": 0, "final": 1, "aspect_score": 2, "last_score": 3}


def tie_break_stage(edition, stages):
    """The stage whose aspect named ``edition.tie_break_aspect`` breaks final ties: the latest having it."""
    if not edition.tie_break_aspect:
        return None
    orders = set(
        Aspect.objects.filter(stage__edition=edition, name=edition.tie_break_aspect).values_list("stage_id", flat=True)
    )
    return next((s for s in reversed(stages) if s.pk in orders), None)


def final_ranking(edition, from_scores=False):
    """The edition's final ranking of its accepted participants (4 queries); ``from_scores`` as in
    ``stage_ranking``.

    Ordered by the final score, then the last stage's score, then (when chosen) the previous stage's score,
    then the tie-break aspect's score.
    """
    stages = list(edition.stages.order_by("order"))
    if not stages:
        return []
    tb_stage = tie_break_stage(edition, stages)
    ctes, params = _stats_ctes({"stage__edition": edition}, edition.tie_break_aspect, edition.aggregation, from_scores)
    pivots = ", ".join(f"MAX(CASE WHEN stage_id = {int(s.pk)} THEN score END) AS s_{i}" for i, s in enumerate(stages))
    # Only the display order of those without a final score (no rank): furthest stage reached first.
    unranked_order = ", ".join(f"COALESCE(ranked.s_{i}, -1) DESC" for i in reversed(range(len(stages))))
    pivot_columns = ", ".join(f"pivot.s_{i}" for i in range(len(stages)))
    tb_sql = "CAST(NULL AS NUMERIC)"  # typed: PostgreSQL reads a bare NULL column of a CTE as text
    if tb_stage:
        tb_sql = f"MAX(CASE WHEN stage_id = {int(tb_stage.pk)} THEN aspect_score END)"
    last = f"s_{len(stages) - 1}"
    # The previous stage's score breaks a tie left by the last stage's (a NULL column when not chosen).
    previous = (
        f"s_{len(stages) - 2}" if edition.tie_break_previous_stage and len(stages) > 1 else "CAST(NULL AS NUMERIC)"
    )
    if edition.final_score == Edition.FinalScore.LAST_STAGE:
        final_sql = last
    else:
        # Stage weights are Decimals from the model; written as literals, they cannot inject anything.
        weighted = " + ".join(f"{Decimal(s.weight) / 100} * COALESCE(s_{i}, 0)" for i, s in enumerate(stages))
        any_score = " OR ".join(f"s_{i} IS NOT NULL" for i in range(len(stages)))
        final_sql = f"CASE WHEN {any_score} THEN ROUND({weighted}, 4) END"
    rank_columns, rank_windows = _rank_sql("final", [last, previous, "aspect_score"])
    base_sql, base_params = _base_sql(Participant.objects.filter(edition=edition, status=Participant.Status.ACCEPTED))
    sql = f"""
    WITH {ctes},
    pivot AS (
        SELECT participant_id, {pivots}, {tb_sql} AS aspect_score
        FROM stats GROUP BY participant_id
    ),
    base AS ({base_sql}),
    scored AS (
        SELECT base.id AS participant_id, {_BASE_COLUMNS}, {pivot_columns}, pivot.aspect_score, {final_sql} AS final
        FROM base LEFT JOIN pivot ON pivot.participant_id = base.id
    ),
    ranked AS (
        SELECT scored.*, {last} AS last_score, {rank_columns}
        FROM scored
        {rank_windows}
    )
    SELECT ranked.*, {_PARTICIPANT_COLUMNS}
    FROM ranked{_PARTICIPANT_SQL}
    ORDER BY ranked.rank, {unranked_order}"""  # noqa: S608 - ORM-made SQL and fixed text; every value is a parameter
    return _fetch_lines(FinalRow, sql, [*params, *base_params], stages)


# --- explanation --------------------------------------------------------------------------------


@dataclass
class SheetLine:
    sheet_id: int
    assessor: object
    total: Decimal
    z: Decimal
    others_mean: Decimal | None
    outlier: bool
    aspects: dict = field(default_factory=dict)  # aspect id -> score on 0–100


@dataclass
class StageExplanation:
    stage: Stage
    aspects: list
    sheets: list
    n_sheets: int = 0
    mean: Decimal | None = None
    median: Decimal | None = None
    trimmed_mean: Decimal | None = None
    z_mean: Decimal | None = None
    std: Decimal | None = None
    low: Decimal | None = None
    high: Decimal | None = None
    score: Decimal | None = None
    contribution: Decimal | None = None  # stage weight × score, in the weighted final score

    @property
    def spread(self):
        return None if self.high is None else self.high - self.low

    @property
    def lines(self):
        """Each sheet line with its scores beside their aspects: [(line, [(aspect, score), …]), …]."""
        return [(line, [(aspect, line.aspects.get(aspect.pk)) for aspect in self.aspects]) for line in self.sheets]


@dataclass
class Explanation:
    participant: Participant
    edition: Edition
    stages: list
    final: FinalRow | None
    method: str
    method_note: str
    final_note: str


METHOD_NOTES = {
    Edition.Aggregation.MEAN: _("The stage score is the mean of the assessors' totals."),
    Edition.Aggregation.MEDIAN: _(
        "The stage score is the median of the assessors' totals (the middle one, or the mean of the two middle ones)."
    ),
    Edition.Aggregation.TRIMMED_MEAN: _(
        "The stage score is the mean of the assessors' totals without the highest and the lowest; "
        "with fewer than 3 totals it is the plain mean."
    ),
    Edition.Aggregation.ZSCORE: _(
        "Each total is turned into a z-score against the same assessor's totals in the stage "
        "(total minus the assessor's mean, divided by the assessor's standard deviation; 0 if all the "
        "assessor's totals are equal). The stage score is 50 + 10 × the mean z-score, kept within 0–100."
    ),
}


def final_score_note(edition):
    """How the edition's final score is made, in a sentence for the reader."""
    if edition.final_score == Edition.FinalScore.LAST_STAGE:
        return _("The final score is the score of the last stage only.")
    return _(
        "The final score is the sum of each stage's score times the stage's weight; a stage without a score counts 0."
    )


def explain(participant):
    """How the participant's scores were made: every stage's sheets, aspects and combination, and the final.

    Assessor objects are included; whether their names may be shown is the view's decision.
    """

    edition = participant.edition
    stages = list(edition.stages.order_by("order"))
    aspects = list(Aspect.objects.filter(stage__edition=edition).order_by("stage__order", "order"))
    ctes, params = _stats_ctes(
        {"stage__edition": edition}, edition.tie_break_aspect, edition.aggregation, per_sheet=True
    )
    sheet_rows = _fetch(
        f"WITH {ctes} SELECT * FROM sheet_rows WHERE participant_id = %s ORDER BY stage_id, total DESC",  # noqa: S608
        [*params, participant.pk],
    )
    stat_rows = {
        r["stage_id"]: r
        for r in _fetch(f"WITH {ctes} SELECT * FROM stats WHERE participant_id = %s", [*params, participant.pk])  # noqa: S608
    }
    sheet_ids = [r["sheet_id"] for r in sheet_rows]
    per_aspect = (
        Score.objects.filter(sheet_id__in=sheet_ids)
        .values("sheet_id", "indicator__aspect_id")
        .annotate(points=Sum(aspect_points()))
        .order_by()
    )
    aspect_scores = {(r["sheet_id"], r["indicator__aspect_id"]): _dec(r["points"]) for r in per_aspect}
    assessors = get_user_model().objects.in_bulk({r["assessor_id"] for r in sheet_rows})
    final = next((row for row in final_ranking(edition) if row.participant_id == participant.pk), None)

    explained = []
    for stage in stages:
        stage_aspects = [a for a in aspects if a.stage_id == stage.pk]
        lines = [
            SheetLine(
                sheet_id=r["sheet_id"],
                assessor=assessors[r["assessor_id"]],
                total=_dec(r["exact_total"]),
                z=_dec(r["z"]),
                others_mean=_dec(r["loo_mean"]),
                outlier=bool(r["outlier"]),
                aspects={a.pk: aspect_scores.get((r["sheet_id"], a.pk), Decimal(0)) for a in stage_aspects},
            )
            for r in sheet_rows
            if r["stage_id"] == stage.pk
        ]
        item = StageExplanation(stage=stage, aspects=stage_aspects, sheets=lines)
        stat = stat_rows.get(stage.pk)
        if stat:
            item.n_sheets = stat["n_sheets"]
            item.mean, item.median = _dec(stat["mean"]), _dec(stat["median"])
            item.trimmed_mean, item.z_mean = _dec(stat["trimmed"]), _dec(stat["z_mean"])
            item.std, item.low, item.high = _dec(stat["std"]), _dec(stat["low"]), _dec(stat["high"])
            item.score = _dec(stat["score"])
            if edition.final_score == Edition.FinalScore.WEIGHTED_STAGES:
                item.contribution = (Decimal(stage.weight) / 100 * item.score).quantize(PLACES)
        explained.append(item)

    return Explanation(
        participant=participant,
        edition=edition,
        stages=explained,
        final=final,
        method=Edition.Aggregation(edition.aggregation).label,
        method_note=METHOD_NOTES[edition.aggregation],
        final_note=final_score_note(edition),
    )
