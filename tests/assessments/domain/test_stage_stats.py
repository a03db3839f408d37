"""Maintained stage figures (issue 14): each participant's figures per stage follow every change they depend on,
whoever makes it, and the rankings read from them equal the reference computed from the raw scores."""

import math

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from assessments.domain import ranking, totals
from assessments.domain.conflicts import without_conflicts
from assessments.models import Aspect, Conflict, Edition, Indicator, Participant, Score, ScoreSheet, StageStats
from districts.models import District
from tests.assessments.domain.test_maintained_totals import _generated_edition, _stage_key, assert_same

pytestmark = pytest.mark.django_db


def assert_stats_kept(edition):
    """The stored figures equal a fresh computation from the sheets, and every stage ranking its reference."""
    stages = edition.stages.order_by("order")
    expected = totals.recomputed_stats(stages)
    stored = {
        (row["stage_id"], row["participant_id"]): row for row in StageStats.objects.filter(stage__in=stages).values()
    }
    assert set(stored) == set(expected)
    for key, row in expected.items():
        for column, value in row.items():
            mine = stored[key][column]
            assert (mine is None) == (value is None), (key, column)
            if value is not None:
                assert math.isclose(mine, value, abs_tol=1e-9), (key, column, mine, value)
    for stage in stages:
        assert_same(ranking.stage_ranking(stage), ranking.stage_ranking(stage, from_scores=True), _stage_key)


@pytest.fixture
def generated(edition, participants, make_user):
    edition = _generated_edition(edition, make_user, Edition.Aggregation.MEAN, seed=20)
    assert StageStats.objects.filter(stage__edition=edition).count() == 3 * len(participants)
    assert_stats_kept(edition)
    return edition


def _farthest(sheets):
    """Of ``sheets``, the one whose total lies farthest from its participant's stage mean: counting it or not
    moves that mean (the generated edition has participants whose sheets are all equal)."""
    means = {(s.stage_id, s.participant_id): s.mean for s in StageStats.objects.all()}
    return max(
        sheets.select_related("assessor", "participant__district"),
        key=lambda sheet: abs(float(sheet.weighted_total) - means.get((sheet.stage_id, sheet.participant_id), 0)),
    )


def _counted(edition):
    return _farthest(ranking.counted_sheets(stage__edition=edition))


def _reopen(edition):
    ScoreSheet.objects.filter(pk=_counted(edition).pk).update(status=ScoreSheet.Status.DRAFT, submitted_at=None)


def _submit_a_draft(edition):
    draft = _farthest(
        without_conflicts(ScoreSheet.objects.filter(stage__edition=edition, status=ScoreSheet.Status.DRAFT))
    )
    ScoreSheet.objects.filter(pk=draft.pk).update(status=ScoreSheet.Status.SUBMITTED, submitted_at=timezone.now())


def _rescore(edition):
    Score.objects.filter(sheet=_counted(edition)).update(value=0)


def _clear_tie_break_aspect(edition):
    sheet = ranking.counted_sheets(stage__edition=edition).first()
    Score.objects.filter(sheet=sheet, indicator__aspect__name=edition.tie_break_aspect).update(value=None)


def _delete_a_sheet(edition):
    _counted(edition).delete()


def _declare_with_participant(edition):
    sheet = _counted(edition)
    Conflict.objects.create(edition=edition, assessor=sheet.assessor, participant=sheet.participant, reason="saudara")


def _declare_with_regency(edition):
    sheet = _counted(edition)
    Conflict.objects.create(
        edition=edition, assessor=sheet.assessor, regency_id=sheet.participant.district.regency_id, reason="instansi"
    )


def _lift_conflicts(edition):
    Conflict.objects.filter(edition=edition).delete()


def _move_home_regency(edition):
    sheet = _counted(edition)
    sheet.assessor.regency_id = sheet.participant.district.regency_id
    sheet.assessor.save(update_fields=["regency"])


def _clear_home_regency(edition):
    for sheet in ScoreSheet.objects.filter(stage__edition=edition, assessor__regency__isnull=False):
        sheet.assessor.regency_id = None
        sheet.assessor.save(update_fields=["regency"])


def _move_kecamatan(edition):
    """The participant of a counted sheet moves into its assessor's home regency: the sheet stops counting."""
    sheet = _farthest(ranking.counted_sheets(stage__edition=edition, assessor__regency__isnull=False))
    used = edition.participants.values("district_id")
    district = District.objects.filter(regency_id=sheet.assessor.regency_id).exclude(code__in=used).first()
    Participant.objects.filter(pk=sheet.participant_id).update(district=district)


def _choose_another_tie_break(edition):
    other = Aspect.objects.filter(stage__edition=edition).exclude(name=edition.tie_break_aspect).first()
    Edition.objects.filter(pk=edition.pk).update(tie_break_aspect=other.name)


def _drop_the_tie_break(edition):
    Edition.objects.filter(pk=edition.pk).update(tie_break_aspect="")


def _choose_the_median(edition):
    Edition.objects.filter(pk=edition.pk).update(aggregation=Edition.Aggregation.MEDIAN)


def _choose_z_scores(edition):
    """The stored score is emptied: a z-score needs the whole stage, and the ranking computes it."""
    Edition.objects.filter(pk=edition.pk).update(aggregation=Edition.Aggregation.ZSCORE)


def _rename_the_tie_break_aspect(edition):
    Aspect.objects.filter(stage__edition=edition, stage__order=1, name=edition.tie_break_aspect).update(name="Baru")


CHANGES = {
    "a sheet reopened": _reopen,
    "a draft submitted": _submit_a_draft,
    "a submitted sheet re-scored": _rescore,
    "the tie-break aspect's scores cleared": _clear_tie_break_aspect,
    "a sheet deleted": _delete_a_sheet,
    "a conflict declared with a kecamatan": _declare_with_participant,
    "a conflict declared with a regency": _declare_with_regency,
    "conflicts lifted": (_declare_with_participant, _lift_conflicts),
    "an assessor's home regency moved": _move_home_regency,
    "home regencies cleared": _clear_home_regency,
    "a participant's kecamatan changed": _move_kecamatan,
    "another tie-break aspect chosen": _choose_another_tie_break,
    "the tie-break aspect dropped": _drop_the_tie_break,
    "the tie-break aspect renamed in one stage": _rename_the_tie_break_aspect,
    "the median chosen instead of the mean": _choose_the_median,
    "z-scores chosen instead of the mean": _choose_z_scores,
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_stage_figures_follow_the_change(generated, change):
    prepare, change = CHANGES[change] if isinstance(CHANGES[change], tuple) else (None, CHANGES[change])
    if prepare:
        prepare(generated)
    before = totals.recomputed_stats(generated.stages.all())
    change(generated)
    generated.refresh_from_db()
    assert totals.recomputed_stats(generated.stages.all()) != before  # the change matters to the figures
    assert_stats_kept(generated)


def test_scores_written_in_bulk_leave_the_figures_kept(generated):
    stage = generated.stages.get(order=1)
    sheets = ScoreSheet.objects.filter(stage=stage)
    indicators = list(Indicator.objects.filter(aspect__stage=stage))
    with totals.bulk_scores(sheets):
        Score.objects.filter(sheet__in=sheets).delete()
        Score.objects.bulk_create(
            Score(sheet=sheet, indicator=indicator, value=indicator.scale_max)
            for sheet in sheets
            for indicator in indicators
        )
    assert_stats_kept(generated)
    assert all(math.isclose(s.mean, 100) for s in StageStats.objects.filter(stage=stage))


def _triggers_named(name):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname = %s", [name])
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name = %s", [name])
        return cursor.fetchall()


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_an_existing_database_its_stored_scores(generated):
    """A database whose figures were kept before migration 0022 (no stored score, the edition trigger under its old
    name): going forward stores every score, and the edition's aggregation is followed from then on."""
    executor = MigrationExecutor(connection)
    executor.migrate([("assessments", "0021_rescore_in_one_write")])
    with connection.cursor() as cursor:  # the edition trigger as migration 0020 installed it until then
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION assessments_stats_tie_break() RETURNS trigger AS $$ BEGIN RETURN NULL; END; $$"
                " LANGUAGE plpgsql"
            )
            cursor.execute(
                f"CREATE TRIGGER assessments_stats_tie_break AFTER UPDATE ON {totals.EDITIONS}"
                " FOR EACH ROW EXECUTE FUNCTION assessments_stats_tie_break()"
            )
        else:
            cursor.execute(
                f"CREATE TRIGGER assessments_stats_tie_break AFTER UPDATE ON {totals.EDITIONS} BEGIN SELECT 1; END"
            )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert not _triggers_named("assessments_stats_tie_break")
    assert not StageStats.objects.filter(stage__edition=generated, score__isnull=True).exists()
    assert_stats_kept(generated)
    _choose_the_median(generated)
    generated.refresh_from_db()
    assert_stats_kept(generated)
