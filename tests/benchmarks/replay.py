"""Replay benchmarks: an edition's results rebuilt from its score history (``assessments.domain.replay``) at
Jawa Timur's size (666 kecamatan × 7 assessors × 25 indicators) and at the national size (7,285 × 5 × 25).

The data is the ranking benchmarks' generator (``ranking.build_reported``); its scores get their history as one
INSERT … SELECT, every row hashed by the database's chain trigger (timed too), and the results are frozen
as a publication freezes them (heads kept), so the replay does all its comparisons."""

import time

from django.db import connection

from tests.benchmarks import benchmark
from tests.benchmarks.ranking import build_reported


def _history(stage):
    """One history row per generated score (as an import writes them), hashed by the trigger."""
    from assessments.models import Score, ScoreChange, ScoreSheet

    changes, scores, sheets = ScoreChange._meta.db_table, Score._meta.db_table, ScoreSheet._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {changes} (sheet_id, indicator_id, old_value, new_value, old_comment, new_comment, by_id,
                                      at, source, version)
            SELECT sc.sheet_id, sc.indicator_id, NULL, sc.value, '', sc.comment, sh.assessor_id, sc.updated_at,
                   'import', sc.version
            FROM {scores} sc JOIN {sheets} sh ON sh.id = sc.sheet_id
            WHERE sh.stage_id = %s
            ORDER BY sc.sheet_id, sc.indicator_id""",  # noqa: S608 - table names from the models
            [stage.pk],
        )
        cursor.execute("ANALYZE")


def _run(ctx, label, districts, assessors, seed):
    from assessments.domain import awards, replay

    edition, stage, scores = build_reported(ctx, f"Replay {label}", label, districts, assessors, seed)
    started = time.perf_counter()
    _history(stage)
    ctx.report(f"{label}: history written, {scores:,} rows hashed by the trigger", time.perf_counter() - started, "s")
    awards.freeze_results(edition)  # the published results and the heads, as publishing keeps them
    timings = []
    for _ in range(2):
        started = time.perf_counter()
        outcome = replay.verify(edition)
        timings.append(time.perf_counter() - started)
    ctx.report(f"{label}: replay ({outcome.rows:,} history rows), first run", timings[0], "s")
    ctx.report(f"{label}: replay, second run", timings[1], "s")
    ctx.report(f"{label}: replay says", "matches" if outcome.matches else f"{outcome.count} differences")
    if not outcome.matches:
        for difference in outcome.differences[:5]:
            print(f"    {difference}")


@benchmark("replay")
def replay_jawa_timur(ctx):
    """Replay of a 666-participant edition: 666 × 7 assessors × 25 indicators (116,550 history rows)."""
    from districts.domain.regions import load_regions
    from districts.models import District

    if not District.objects.filter(regency__province_id="35").exists():
        load_regions(villages=False)
    codes = list(District.objects.filter(regency__province_id="35").values_list("code", flat=True))
    _run(ctx, "Jawa Timur", codes, 7, seed=666)


@benchmark("replay")
def replay_national(ctx):
    """Replay at the national size: 7,285 participants × 5 assessors × 25 indicators (910,625 history rows)."""
    from districts.domain.regions import load_regions
    from districts.models import District

    if District.objects.count() < 7000:
        load_regions(villages=False)
    codes = list(District.objects.values_list("code", flat=True))
    _run(ctx, "national", codes, 5, seed=7285)
