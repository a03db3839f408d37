"""Score entry rules: opening sheets, saving values, history, versions, submitting and reopening."""

import threading
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, connections, transaction

from assessments.domain import scoring
from assessments.models import (
    Assignment,
    Conflict,
    EditionAssessor,
    Indicator,
    Score,
    ScoreChange,
    ScoreSheet,
    SheetEvent,
    StageEntry,
)
from sp2k.accounts.models import Role

WEB = ScoreChange.Source.WEB


@pytest.fixture
def setup(edition, participants, assessor, province_admin, make_user, jatim):
    """Edition in assessment; desk stage (0–100) with all six participants; two assessors assigned to all."""
    edition.state = "assessment"
    edition.save()
    stage = edition.stages.get(order=1)
    field_visit = edition.stages.get(order=3)  # rubric levels 1–5
    other = make_user("penilai-jpip", Role.ASSESSOR, province=jatim)
    for user in (assessor, other):
        EditionAssessor.objects.create(edition=edition, user=user)
    for participant in participants:
        StageEntry.objects.create(stage=stage, participant=participant)
        StageEntry.objects.create(stage=field_visit, participant=participant)
        for user in (assessor, other):
            Assignment.objects.create(stage=stage, assessor=user, participant=participant)
            Assignment.objects.create(stage=field_visit, assessor=user, participant=participant)
    by_code = {p.district_id: p for p in participants}
    return SimpleNamespace(
        edition=edition,
        stage=stage,
        field_visit=field_visit,
        assessor=assessor,
        other=other,
        admin=province_admin,
        rogojampi=by_code["35.10.13"],
        taman=by_code["35.15.13"],  # Sidoarjo: the assessor's home regency
        participants=participants,
        indicators=list(Indicator.objects.filter(aspect__stage=stage).order_by("aspect__order", "order")),
        rubric=list(Indicator.objects.filter(aspect__stage=field_visit).order_by("aspect__order", "order")),
    )


@pytest.fixture
def sheet(setup):
    return scoring.open_sheet(setup.stage, setup.rogojampi, setup.assessor)


def save(sheet, indicator, value, comment="", by=None, **kwargs):
    return scoring.save_score(
        sheet, indicator, value, comment, by=by or sheet.assessor, source=WEB, ip="10.0.0.1", **kwargs
    )


def fill(sheet, indicators, value="80"):
    for indicator in indicators:
        save(sheet, indicator, value)


# --- opening ---


def test_open_sheet_creates_once(setup):
    first = scoring.open_sheet(setup.stage, setup.rogojampi, setup.assessor)
    again = scoring.open_sheet(setup.stage, setup.rogojampi, setup.assessor)
    assert first.pk == again.pk
    assert ScoreSheet.objects.count() == 1


def test_open_sheet_refused_on_home_regency_conflict(setup):
    with pytest.raises(PermissionDenied):
        scoring.open_sheet(setup.stage, setup.taman, setup.assessor)
    assert not ScoreSheet.objects.exists()


def test_open_sheet_refused_on_declared_conflict(setup):
    Conflict.objects.create(edition=setup.edition, assessor=setup.other, participant=setup.rogojampi, reason="Kerabat")
    with pytest.raises(PermissionDenied):
        scoring.open_sheet(setup.stage, setup.rogojampi, setup.other)


def test_open_sheet_refused_without_assignment_or_stage_entry(setup, make_user, jatim):
    outsider = make_user("penilai-lain", Role.ASSESSOR, province=jatim)
    with pytest.raises(PermissionDenied):
        scoring.open_sheet(setup.stage, setup.rogojampi, outsider)
    presentation = setup.edition.stages.get(order=2)
    Assignment.objects.create(stage=presentation, assessor=setup.assessor, participant=setup.rogojampi)
    with pytest.raises(PermissionDenied):  # assigned, but Rogojampi did not reach that stage
        scoring.open_sheet(presentation, setup.rogojampi, setup.assessor)


# --- values ---


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("85", Decimal("85")),
        ("85,5", Decimal("85.5")),
        (" 85.25 ", Decimal("85.25")),
        ("0", Decimal("0")),
        ("100", Decimal("100")),
        ("", None),
    ],
)
def test_accepted_values(sheet, setup, typed, stored):
    result = save(sheet, setup.indicators[0], typed, "catatan" if stored is None else "")
    assert Score.objects.get(pk=result.score.pk).value == stored


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("100,5", "out_of_range"),
        ("-1", "out_of_range"),
        ("abc", "not_a_number"),
        ("1.000,5", "not_a_number"),
        ("85,555", "too_precise"),
        ("NaN", "not_a_number"),
        ("Infinity", "not_a_number"),
        ("1e3", "not_a_number"),
    ],
)
def test_refused_values_save_nothing(sheet, setup, typed, code):
    with pytest.raises(scoring.ScoringError) as refused:
        save(sheet, setup.indicators[0], typed)
    assert refused.value.code == code
    assert not Score.objects.filter(value__isnull=False).exists()
    assert not ScoreChange.objects.exists()


def test_out_of_range_message_names_the_scale(sheet, setup):
    with pytest.raises(scoring.ScoringError) as refused:
        save(sheet, setup.indicators[0], "150")
    assert "0" in refused.value.message and "100" in refused.value.message


def test_rubric_values_must_be_levels(setup):
    sheet = scoring.open_sheet(setup.field_visit, setup.rogojampi, setup.assessor)
    indicator = setup.rubric[0]
    assert save(sheet, indicator, "4").score.value == Decimal(4)
    for bad in ("3,5", "6", "0"):
        with pytest.raises(scoring.ScoringError):
            save(sheet, indicator, bad)
    assert Score.objects.get(sheet=sheet, indicator=indicator).value == Decimal(4)


def test_indicator_of_another_stage_refused(sheet, setup):
    with pytest.raises(scoring.ScoringError) as refused:
        save(sheet, setup.rubric[0], "3")
    assert refused.value.code == "wrong_stage"


def test_saving_refused_outside_assessment(sheet, setup):
    setup.edition.state = "final"
    setup.edition.save()
    with pytest.raises(scoring.ScoringError) as refused:
        save(sheet, setup.indicators[0], "50")
    assert refused.value.code == "not_assessment"


# --- history and versions ---


def test_history_records_changes_only(sheet, setup):
    indicator = setup.indicators[0]
    first = save(sheet, indicator, "70", "cukup")
    assert first.changed and first.score.version == 1
    same = save(sheet, indicator, "70,00", "cukup")
    assert not same.changed and same.score.version == 1
    second = save(sheet, indicator, "75", "lebih baik")
    assert second.score.version == 2
    changes = list(ScoreChange.objects.order_by("pk"))
    assert [(c.old_value, c.new_value) for c in changes] == [(None, Decimal(70)), (Decimal(70), Decimal(75))]
    assert [(c.old_comment, c.new_comment) for c in changes] == [("", "cukup"), ("cukup", "lebih baik")]
    assert {(c.by_id, c.source, c.ip_address) for c in changes} == {(setup.assessor.pk, "web", "10.0.0.1")}


def test_comment_only_change_is_recorded(sheet, setup):
    save(sheet, setup.indicators[0], "70")
    save(sheet, setup.indicators[0], "70", "ada bukti foto")
    assert ScoreChange.objects.count() == 2
    assert ScoreChange.objects.last().new_comment == "ada bukti foto"


def test_version_conflict_refuses_and_returns_current(sheet, setup):
    indicator = setup.indicators[0]
    save(sheet, indicator, "60")  # version 1: both browser tabs saw this
    save(sheet, indicator, "65", expected_version=1)  # tab A → version 2
    with pytest.raises(scoring.ScoreConflict) as conflict:
        save(sheet, indicator, "90", expected_version=1)  # tab B, stale
    assert conflict.value.current.value == Decimal(65)
    assert conflict.value.current.version == 2
    assert Score.objects.get(sheet=sheet, indicator=indicator).value == Decimal(65)
    assert ScoreChange.objects.count() == 2


def test_first_save_expects_version_zero(sheet, setup):
    assert save(sheet, setup.indicators[0], "60", expected_version=0).score.version == 1


# --- submit and reopen ---


def test_submit_needs_every_indicator(sheet, setup):
    fill(sheet, setup.indicators[:-1])
    with pytest.raises(scoring.ScoringError) as refused:
        scoring.submit_sheet(sheet, setup.assessor)
    assert setup.indicators[-1].name in refused.value.message
    assert setup.indicators[0].name not in refused.value.message
    sheet.refresh_from_db()
    assert sheet.status == "draft"


def test_submit_locks_the_sheet(sheet, setup):
    fill(sheet, setup.indicators)
    scoring.submit_sheet(sheet, setup.assessor)
    sheet.refresh_from_db()
    assert sheet.status == "submitted" and sheet.submitted_at
    assert SheetEvent.objects.get(sheet=sheet).action == "submit"
    with pytest.raises(scoring.ScoringError) as refused:
        save(sheet, setup.indicators[0], "10")
    assert refused.value.code == "submitted"
    assert Score.objects.get(sheet=sheet, indicator=setup.indicators[0]).value == Decimal(80)
    with pytest.raises(scoring.ScoringError):
        scoring.submit_sheet(sheet, setup.assessor)


def test_reopen_only_by_province_admin_with_reason(sheet, setup, other_province_admin):
    fill(sheet, setup.indicators)
    scoring.submit_sheet(sheet, setup.assessor)
    for user in (setup.assessor, other_province_admin):
        with pytest.raises(PermissionDenied):
            scoring.reopen_sheet(sheet, user, "salah ketik")
    with pytest.raises(scoring.ScoringError) as refused:
        scoring.reopen_sheet(sheet, setup.admin, "   ")
    assert refused.value.code == "reason_required"
    scoring.reopen_sheet(sheet, setup.admin, "Salah ketik pada indikator 2")
    sheet.refresh_from_db()
    assert sheet.status == "draft" and sheet.submitted_at is None
    event = SheetEvent.objects.get(sheet=sheet, action="reopen")
    assert (event.by, event.reason) == (setup.admin, "Salah ketik pada indikator 2")
    assert save(sheet, setup.indicators[0], "81").changed


# --- PostgreSQL: concurrency and the append-only history ---


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_lose_nothing(setup):
    sheet = scoring.open_sheet(setup.stage, setup.rogojampi, setup.assessor)
    indicator = setup.indicators[0]
    errors = []
    barrier = threading.Barrier(20)

    def worker(i):
        try:
            barrier.wait()
            save(sheet, indicator, str(50 + i), f"thread {i}")
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    changes = list(ScoreChange.objects.filter(sheet=sheet, indicator=indicator).order_by("at", "pk"))
    assert len(changes) == 20
    assert len({c.new_value for c in changes}) == 20
    # Each change starts from the value the previous one left: no save was lost in between.
    for before, after in zip(changes, changes[1:], strict=False):
        assert after.old_value == before.new_value
    score = Score.objects.get(sheet=sheet, indicator=indicator)
    assert score.value == changes[-1].new_value
    assert score.version == 20


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_first_saves_of_a_new_score(setup):
    """Two threads creating the same Score row at once: the unique constraint and the lock keep both."""
    sheet = scoring.open_sheet(setup.stage, setup.rogojampi, setup.assessor)
    indicator = setup.indicators[1]
    barrier = threading.Barrier(8)
    errors = []

    def worker(i):
        try:
            barrier.wait()
            save(sheet, indicator, str(10 + i))
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Score.objects.filter(sheet=sheet, indicator=indicator).count() == 1
    assert ScoreChange.objects.filter(sheet=sheet, indicator=indicator).count() == 8


@pytest.mark.postgres_only
def test_history_is_append_only_in_postgresql(sheet, setup):
    save(sheet, setup.indicators[0], "70")
    change = ScoreChange.objects.get()
    for attempt in (
        lambda: ScoreChange.objects.filter(pk=change.pk).update(new_value=99),
        lambda: ScoreChange.objects.filter(pk=change.pk).delete(),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            attempt()
    assert ScoreChange.objects.get().new_value == Decimal(70)
    assert connection.vendor == "postgresql"
