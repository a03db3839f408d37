"""Replay and tamper evidence (issue 15): the results rebuilt from the score history alone, the history's hash chain.

The edition is scored through the score sheet's own save (so its history is the real one), submitted, made
FINAL, awarded and published. Then someone with database access changes a score, deletes, inserts or edits a
history row behind the application's back (on PostgreSQL lifting the append-only guard first, as such an
attacker would), and the replay names the participant and the row. On SQLite too (no guard there).
"""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from assessments.domain import awards, chain, ranking, replay, scoring, workflow
from assessments.domain.rowhash import change_hash
from assessments.models import (
    Edition,
    Indicator,
    PublishedHistory,
    ResultsVerification,
    Score,
    ScoreChange,
    ScoreSheet,
)
from tests.assessments.domain.test_scoring import setup  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db
WEB = ScoreChange.Source.WEB
# Field-visit rubric levels per participant (in the fixture's order) and aspect position: distinct totals.
LEVELS = [(5, 5, 5), (5, 5, 4), (4, 4, 4), (3, 3, 3), (2, 2, 2), (1, 1, 2)]


def save(sheet, indicator, value, comment=""):
    return scoring.save_score(sheet, indicator, value, comment, by=sheet.assessor, source=WEB, ip="10.0.0.1")


@pytest.fixture
def published(setup):  # noqa: F811 - the fixture imported above
    """The setup's edition scored through the sheets (each participant by the assessors without a conflict;
    Rogojampi's first desk score typed twice: 60, then 75 with a comment), FINAL, awarded and published."""
    aspects = {a.pk: i for i, a in enumerate(setup.field_visit.aspects.order_by("order"))}
    for number, participant in enumerate(setup.participants):
        for assessor in (setup.assessor, setup.other):
            if assessor.regency_id and assessor.regency_id == participant.district.regency_id:
                continue
            desk = scoring.open_sheet(setup.stage, participant, assessor)
            for indicator in setup.indicators:
                save(desk, indicator, str(90 - 5 * number))
            visit = scoring.open_sheet(setup.field_visit, participant, assessor)
            for indicator in setup.rubric:
                save(visit, indicator, str(LEVELS[number][aspects[indicator.aspect_id]]))
    rogojampi = ScoreSheet.objects.get(stage=setup.stage, participant=setup.rogojampi, assessor=setup.assessor)
    save(rogojampi, setup.indicators[0], "60")
    save(rogojampi, setup.indicators[0], "75", "Dokumen lengkap — “ok”")
    for sheet in ScoreSheet.objects.filter(stage__edition=setup.edition):
        scoring.submit_sheet(sheet, sheet.assessor)
    Edition.objects.filter(pk=setup.edition.pk).update(state=Edition.State.FINAL)
    setup.edition.refresh_from_db()
    awards.ensure_default_categories(setup.edition)
    awards.confirm_awards(setup.edition, setup.admin)
    workflow.publish(setup.edition, setup.admin)
    setup.edition.refresh_from_db()
    setup.sheet = rogojampi
    return setup


def kinds(outcome):
    return {d.kind for d in outcome.differences}


def of_kind(outcome, kind):
    return [d for d in outcome.differences if d.kind == kind]


def as_attacker(sql, params=()):
    """Run ``sql`` the way someone with database access would: on PostgreSQL past the append-only guard."""
    table = ScoreChange._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The deferred foreign-key checks first: a table with pending trigger events cannot be altered.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER assessments_scorechange_append_only")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER assessments_scorechange_append_only")


# --- the chain --------------------------------------------------------------------------------------


def test_the_database_and_the_replay_compute_the_same_hash_for_every_writer(published):
    """The score sheet's save (one statement on PostgreSQL), a cleared value, a comment with any characters,
    and a row written by the ORM without version or hash (an import): each gets the hash Python computes."""
    sheet = published.sheet
    ScoreSheet.objects.filter(pk=sheet.pk).update(status=ScoreSheet.Status.DRAFT)
    Edition.objects.filter(pk=published.edition.pk).update(state=Edition.State.ASSESSMENT)
    sheet = ScoreSheet.objects.get(pk=sheet.pk)
    save(sheet, published.indicators[1], "", "dikosongkan | sengaja\n🙂")
    ScoreChange.objects.create(
        sheet=sheet, indicator=published.indicators[2], new_value=Decimal("12.5"), by=sheet.assessor, source="import"
    )
    previous = None
    for row in ScoreChange.objects.filter(sheet=sheet).order_by("pk"):
        expected = change_hash(
            row.sheet_id, row.indicator_id, row.new_value, row.new_comment, row.version, row.by_id, row.at,
            row.source, previous,
        )  # fmt: skip
        assert len(row.row_hash) == 64 and row.row_hash == expected
        previous = row.row_hash
    versions = list(ScoreChange.objects.filter(sheet=sheet, indicator=published.indicators[0]).values_list("version"))
    assert versions == [(1,), (2,), (3,)]  # 80 → 60 → 75 on Rogojampi's first indicator: the score's versions
    assert Score.objects.get(sheet=sheet, indicator=published.indicators[0]).version == 3


def test_the_published_edition_matches_and_keeps_its_head_hashes(published):
    outcome = replay.verify(published.edition)
    assert outcome.matches, [(d.kind, d.participant, d.row) for d in outcome.differences]
    assert outcome.rows == ScoreChange.objects.filter(sheet__stage__edition=published.edition).count() > 100
    kept = PublishedHistory.objects.get(edition=published.edition)
    assert kept.root_hash == outcome.root_hash == outcome.published_root_hash
    assert kept.sheets == ScoreSheet.objects.filter(stage__edition=published.edition).count()
    # The replayed rankings are the rankings the portal shows.
    for stage in published.edition.stages.all():
        shown = [(r.participant.pk, r.rank, r.score) for r in ranking.stage_ranking(stage)]
        assert [(r.participant.pk, r.rank, r.score) for r in ranking.stage_ranking(stage, ranking.HISTORY)] == shown


def test_a_score_changed_directly_is_named_with_its_participant_and_row(published):
    sheet, indicator = published.sheet, published.indicators[0]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Score._meta.db_table} SET value = 100 WHERE sheet_id = %s AND indicator_id = %s",  # noqa: S608
            [sheet.pk, indicator.pk],
        )
    outcome = replay.verify(published.edition)
    assert not outcome.matches
    [changed] = of_kind(outcome, "score")
    latest = ScoreChange.objects.filter(sheet=sheet, indicator=indicator).latest("pk")
    assert (changed.participant, changed.indicator, changed.row) == (
        "Rogojampi (Kabupaten Banyuwangi)",
        indicator.name,
        latest.pk,
    )
    assert (changed.expected, changed.found) == ("75.0000 (v3)", "100.0000 (v3)")
    assert changed.stage == published.stage.name and changed.assessor
    # The maintained totals followed the score (the triggers), so the rankings shown differ from the replay.
    assert "stage_ranking" in kinds(outcome)


def test_a_deleted_history_row_is_named(published):
    sheet, indicator = published.sheet, published.indicators[0]
    first, second, third = ScoreChange.objects.filter(sheet=sheet, indicator=indicator).order_by("pk")
    after = ScoreChange.objects.filter(sheet=sheet, pk__gt=second.pk).order_by("pk").first()
    as_attacker(f"DELETE FROM {ScoreChange._meta.db_table} WHERE id = %s", [second.pk])  # noqa: S608
    outcome = replay.verify(published.edition)
    broken = of_kind(outcome, "chain")
    assert [(d.participant, d.row) for d in broken] == [("Rogojampi (Kabupaten Banyuwangi)", after.pk)]
    [gap] = of_kind(outcome, "version")
    assert (gap.row, gap.indicator, gap.expected, gap.found) == (third.pk, indicator.name, "2", "3")


def test_a_deleted_last_row_shows_against_the_stored_score_and_the_published_head(published):
    sheet = published.sheet
    last = ScoreChange.objects.filter(sheet=sheet).latest("pk")
    as_attacker(f"DELETE FROM {ScoreChange._meta.db_table} WHERE id = %s", [last.pk])  # noqa: S608
    outcome = replay.verify(published.edition)
    [score] = of_kind(outcome, "score")
    assert score.participant == "Rogojampi (Kabupaten Banyuwangi)" and score.row < last.pk
    [head] = of_kind(outcome, "head")
    assert (head.participant, head.sheet) == ("Rogojampi (Kabupaten Banyuwangi)", sheet.pk)


def test_an_inserted_row_is_named(published):
    """A row slipped in through the database (its hash even computed by the trigger) changes the replayed score:
    the stored score differs from it, and the sheet's head differs from the one kept at publication."""
    sheet, indicator = published.sheet, published.indicators[3]
    inserted = ScoreChange.objects.create(
        sheet=sheet, indicator=indicator, old_value=None, new_value=Decimal(100), by=sheet.assessor, source="admin"
    )
    outcome = replay.verify(published.edition)
    [score] = of_kind(outcome, "score")
    assert (score.participant, score.indicator, score.row) == (
        "Rogojampi (Kabupaten Banyuwangi)",
        indicator.name,
        inserted.pk,
    )
    [head] = of_kind(outcome, "head")
    assert head.sheet == sheet.pk
    assert {"stage_ranking", "final_ranking", "published"} & kinds(outcome)


def test_an_inserted_row_with_a_made_up_hash_breaks_the_chain(published):
    """A row inserted with the trigger out of the way carries whatever hash the attacker wrote."""
    sheet, indicator = published.sheet, published.indicators[3]
    inserted = ScoreChange.objects.create(
        sheet=sheet, indicator=indicator, new_value=Decimal(80), by=sheet.assessor, source="admin"
    )
    as_attacker(f"UPDATE {ScoreChange._meta.db_table} SET row_hash = %s WHERE id = %s", ["0" * 64, inserted.pk])  # noqa: S608
    outcome = replay.verify(published.edition)
    assert [(d.participant, d.row) for d in of_kind(outcome, "chain")] == [
        ("Rogojampi (Kabupaten Banyuwangi)", inserted.pk)
    ]


def test_an_edited_history_value_is_named_even_when_rehashed(published):
    sheet, indicator = published.sheet, published.indicators[0]
    rows = list(ScoreChange.objects.filter(sheet=sheet).order_by("pk"))
    target = next(r for r in rows if r.indicator_id == indicator.pk)  # the first change: 80
    table = ScoreChange._meta.db_table
    as_attacker(f"UPDATE {table} SET new_value = 95 WHERE id = %s", [target.pk])  # noqa: S608
    outcome = replay.verify(published.edition)
    assert [(d.participant, d.row) for d in of_kind(outcome, "chain")] == [
        ("Rogojampi (Kabupaten Banyuwangi)", target.pk)
    ]
    # Re-hashed by someone who knows the method: then the next row of the sheet no longer follows from it.
    previous = rows[rows.index(target) - 1].row_hash if rows.index(target) else None
    forged = change_hash(
        target.sheet_id, target.indicator_id, Decimal(95), target.new_comment, target.version, target.by_id,
        target.at, target.source, previous,
    )  # fmt: skip
    as_attacker(f"UPDATE {table} SET row_hash = %s WHERE id = %s", [forged, target.pk])  # noqa: S608
    outcome = replay.verify(published.edition)
    following = rows[rows.index(target) + 1]
    assert [(d.participant, d.row) for d in of_kind(outcome, "chain")] == [
        ("Rogojampi (Kabupaten Banyuwangi)", following.pk)
    ]


# --- the command, the job and the pages ------------------------------------------------------------------


def test_the_command_says_matches_or_lists_the_differences(published):
    out = io.StringIO()
    call_command("verify_results", str(published.edition.pk), stdout=out)
    assert out.getvalue().strip().endswith("matches")
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {Score._meta.db_table} SET value = 1 WHERE id = %s", [Score.objects.first().pk])  # noqa: S608
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_code:
        call_command("verify_results", published.edition.name, stdout=out)
    assert exit_code.value.code == 1
    assert "Stored score differs from the history" in out.getvalue() and "history row" in out.getvalue()


def test_publication_runs_the_replay_in_the_background_and_records_its_outcome(published):
    """The tests' task backend runs the job at once: publishing has replayed the published edition."""
    run = ResultsVerification.objects.get(edition=published.edition)
    assert (run.status, run.published, run.matches, run.difference_count, run.done) == ("done", True, True, 0, 100)
    assert run.root_hash == PublishedHistory.objects.get(edition=published.edition).root_hash


def test_a_replay_saves_its_progress_as_it_goes(published):
    run = ResultsVerification.objects.create(edition=published.edition, total=100)
    seen, original = [], run.save

    def save_seen(*args, **kwargs):
        seen.append(run.done)
        original(*args, **kwargs)

    run.save = save_seen
    replay.run_verification(run)
    assert seen[0] == 0 and 70 in seen and seen[-1] == 100 and run.matches


def test_the_province_page_shows_a_running_replay_then_its_outcome(client, published, django_assert_max_num_queries):
    client.force_login(published.admin)
    url = reverse("assessments:results_verification", args=[published.edition.pk])
    running = ResultsVerification.objects.create(edition=published.edition, total=100, done=40)
    page = client.get(url).content.decode()
    assert "Replaying the history" in page and "every 1s" in page and 'value="40"' in page
    progress = client.get(reverse("assessments:results_verification_run", args=[running.pk])).content.decode()
    assert "every 1s" in progress
    response = client.post(reverse("assessments:results_verification_start", args=[published.edition.pk]))
    assert response.status_code == 302
    with django_assert_max_num_queries(20):
        page = client.get(url).content.decode()
    assert "Matches." in page and PublishedHistory.objects.get(edition=published.edition).root_hash in page
    assert "Equal final scores are separated" in page
    assert url in client.get(reverse("assessments:final_ranking", args=[published.edition.pk])).content.decode()


def test_the_public_page_shows_the_method_rules_outcome_and_root_hash(client, published):
    results = client.get(reverse("results:edition_results", args=[published.edition.pk])).content.decode()
    url = reverse("results:edition_verification", args=[published.edition.pk])
    assert url in results
    page = client.get(url).content.decode()
    assert "Matches." in page
    assert PublishedHistory.objects.get(edition=published.edition).root_hash in page
    assert "SHA-256" in page and "Inovasi (IKI)" in page
    # After tampering, a new replay says so publicly — without naming the assessors.
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Score._meta.db_table} SET value = 100 WHERE sheet_id = %s AND indicator_id = %s",  # noqa: S608
            [published.sheet.pk, published.indicators[0].pk],
        )
    replay.start_verification(published.edition)
    page = client.get(url).content.decode()
    assert "differences found" in page and "Rogojampi" in page
    assert published.assessor.get_full_name() not in page


def test_a_withdrawn_publication_drops_its_heads_and_publishing_again_keeps_new_ones(published):
    workflow.withdraw_publication(published.edition, published.admin, "Koreksi nilai")
    assert not PublishedHistory.objects.filter(edition=published.edition).exists()
    awards.confirm_awards(published.edition, published.admin)
    workflow.publish(published.edition, published.admin)
    assert replay.verify(published.edition).matches
    assert chain.current_heads(published.edition)


def test_rows_of_another_indicator_stage_are_replayed_per_edition(published, make_user):
    """Only the edition's own history is replayed: the indicators of its stages."""
    ids = set(Indicator.objects.filter(aspect__stage__edition=published.edition).values_list("pk", flat=True))
    rows = ScoreChange.objects.filter(sheet__stage__edition=published.edition)
    assert set(rows.values_list("indicator_id", flat=True)) <= ids


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_existing_history_rows_their_versions_and_hashes(published):
    """History written before migration 0018 (no version, no hash) is filled by it, the heads of the published
    editions are kept, and the replay matches."""
    executor = MigrationExecutor(connection)
    executor.migrate([("assessments", "0017_sheet_totals")])
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    rows = ScoreChange.objects.filter(sheet__stage__edition=published.edition)
    assert not rows.filter(row_hash="").exists() and not rows.filter(version__isnull=True).exists()
    outcome = replay.verify(published.edition)
    # The edition published before the migration: its heads as they stood then are kept to compare with.
    assert outcome.matches and outcome.published_root_hash == outcome.root_hash
