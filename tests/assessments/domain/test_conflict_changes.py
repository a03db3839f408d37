"""Conflicts of interest that arise during assessment: by regency (institution), replacements, home regency."""

from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from assessments.domain import assignments
from assessments.domain.conflicts import conflict_pairs, has_conflict, with_conflict_flags, without_conflicts
from assessments.models import Assignment, Conflict, Participant, ScoreSheet
from districts.models import District, Regency
from sp2k.accounts.models import HomeRegencyChange, Role
from sp2k.notices.models import Notice


@pytest.fixture
def desk(edition):
    return edition.stages.order_by("order").first()


@pytest.fixture
def panel(edition, assessor, make_user, jatim):
    """Three assessors: ``assessor`` (home Sidoarjo), one from Banyuwangi, one without a home regency."""
    banyuwangi_one = make_user("penilai-banyuwangi", Role.ASSESSOR, province=jatim, regency_id="35.10")
    free_one = make_user("penilai-jpip", Role.ASSESSOR, province=jatim)
    for user in (assessor, banyuwangi_one, free_one):
        assignments.add_assessor(edition, user)
    return [assessor, banyuwangi_one, free_one]


def _pairs(stage):
    return set(Assignment.objects.filter(stage=stage).values_list("assessor_id", "participant_id"))


# --- by regency (institution) ---


def test_a_conflict_with_a_regency_covers_each_of_its_kecamatan(edition, desk, participants, panel, banyuwangi):
    free_one = panel[2]
    rogojampi, taman, *_rest = participants
    other = Participant.objects.create(
        edition=edition, district=District.objects.filter(regency=banyuwangi).exclude(pk=rogojampi.district_id)[0]
    )
    assignments.declare_regency_conflict(free_one, edition, banyuwangi, "Saya pegawai Pemkab Banyuwangi")
    assert has_conflict(free_one, rogojampi) and has_conflict(free_one, other)
    assert not has_conflict(free_one, taman)
    assignments.assign_all(desk)
    pairs = _pairs(desk)
    assert (free_one.pk, rogojampi.pk) not in pairs and (free_one.pk, taman.pk) in pairs
    assert (free_one.pk, rogojampi.pk) in conflict_pairs(panel, list(edition.participants.select_related("district")))


def test_the_database_rules_count_a_regency_conflict(edition, desk, participants, panel, banyuwangi):
    free_one = panel[2]
    rogojampi = participants[0]
    Assignment.objects.create(stage=desk, assessor=free_one, participant=rogojampi)
    ScoreSheet.objects.create(stage=desk, assessor=free_one, participant=rogojampi)
    assignments.declare_regency_conflict(free_one, edition, banyuwangi, "Konsultan Pemkab")
    row = with_conflict_flags(Assignment.objects.filter(assessor=free_one)).get()
    assert row.declared_conflict
    assert not without_conflicts(ScoreSheet.objects.filter(assessor=free_one)).exists()


def test_a_regency_conflict_is_refused_twice_or_outside_the_province(edition, panel, banyuwangi):
    free_one = panel[2]
    assignments.declare_regency_conflict(free_one, edition, banyuwangi, "Pegawai Pemkab")
    with pytest.raises(ValidationError):
        assignments.declare_regency_conflict(free_one, edition, banyuwangi, "Lagi")
    with pytest.raises(ValidationError):
        assignments.declare_regency_conflict(free_one, edition, Regency.objects.get(code="32.73"), "Bandung")
    with pytest.raises(ValidationError):
        assignments.declare_regency_conflict(free_one, edition, banyuwangi, " ")


def test_a_conflict_names_exactly_one_kecamatan_or_one_regency(edition, participants, panel, banyuwangi):
    for subject in ({}, {"participant": participants[0], "regency": banyuwangi}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Conflict.objects.create(edition=edition, assessor=panel[2], reason="x", **subject)


# --- re-running the assignment, replacements ---


@pytest.fixture
def big_stage(edition, desk, make_user, jatim):
    """30 participants from 30 regencies; 7 assessors, 4 with a home regency among them; 3 per participant."""
    regencies = list(Regency.objects.filter(province=jatim).order_by("code")[:30])
    for regency in regencies:
        district = District.objects.filter(regency=regency).order_by("code").first()
        Participant.objects.create(edition=edition, district=district, status="accepted")
    for i in range(7):
        user = make_user(f"penilai-{i}", Role.ASSESSOR, province=jatim, regency=regencies[i * 3] if i < 4 else None)
        assignments.add_assessor(edition, user)
    assignments.apply_proposal(assignments.propose_k_per_participant(desk, 3, seed=7))
    assert Assignment.objects.filter(stage=desk).count() == 90
    return desk


def _declare_on_one_assignment(stage):
    assignment = Assignment.objects.filter(stage=stage).order_by("pk")[5]
    ScoreSheet.objects.create(stage=stage, assessor=assignment.assessor, participant=assignment.participant)
    assignments.declare_conflict(assignment.assessor, assignment.participant, "Kakak saya sekretaris camat")
    return assignment


@pytest.mark.parametrize("seed", [7, 3])
def test_rerunning_the_assignment_after_one_conflict_moves_one_of_90(big_stage, seed):
    before = _pairs(big_stage)
    conflicted = _declare_on_one_assignment(big_stage)
    proposal = assignments.propose_k_per_participant(big_stage, 3, seed=seed)
    assert (proposal.added, proposal.removed) == (1, 1)
    assert assignments.apply_proposal(proposal) == (1, 1)
    after = _pairs(big_stage)
    assert before - after == {(conflicted.assessor_id, conflicted.participant_id)}
    assert len(after - before) == 1
    assert set(Counter(p for _a, p in after).values()) == {3}


def test_a_participant_short_of_an_assessor_gets_the_least_loaded_free_one(
    big_stage, edition, django_capture_on_commit_callbacks
):
    before = _pairs(big_stage)
    conflicted = _declare_on_one_assignment(big_stage)
    short = assignments.participants_short_of_assessors(big_stage)
    assert [(p.pk, [a.pk for a in leaving]) for p, leaving in short] == [
        (conflicted.participant_id, [conflicted.assessor_id])
    ]
    plan = assignments.propose_replacements(edition)
    [(stage, [replacement])] = plan.stages
    assert stage == big_stage and replacement.leaving == conflicted.assessor
    coming = replacement.coming
    assert not has_conflict(coming, conflicted.participant)
    assert (coming.pk, conflicted.participant_id) not in before
    loads = Counter(a for a, _p in before)
    free = [
        a
        for a in assignments.edition_assessors(edition)
        if (a.pk, conflicted.participant_id) not in before and not has_conflict(a, conflicted.participant)
    ]
    assert loads[coming.pk] == min(loads[a.pk] for a in free)
    assert Assignment.objects.filter(stage=big_stage).count() == 90  # nothing saved yet
    with django_capture_on_commit_callbacks(execute=True):
        assert assignments.apply_replacements(plan) == 1
    # The incoming assessor is told, with a link to its sheets; nobody else is.
    assert [(n.recipient, n.kind, n.link) for n in Notice.objects.all()] == [
        (coming, Notice.Kind.SHEETS_ASSIGNED, reverse("assessments:my_sheets"))
    ]
    assert _pairs(big_stage) ^ before == {
        (conflicted.assessor_id, conflicted.participant_id),
        (coming.pk, conflicted.participant_id),
    }
    assert assignments.participants_short_of_assessors(big_stage) == []
    assert assignments.propose_replacements(edition).stages == []


def test_a_replacement_plan_says_when_nobody_is_free(edition, desk, participants, panel):
    assessor, banyuwangi_one, free_one = panel
    taman = participants[1]  # Sidoarjo: ``assessor`` has its home there
    Assignment.objects.create(stage=desk, assessor=banyuwangi_one, participant=taman)
    Assignment.objects.create(stage=desk, assessor=free_one, participant=taman)
    assignments.declare_conflict(free_one, taman, "Mantan staf kecamatan")
    plan = assignments.propose_replacements(edition)
    assert [(r.leaving, r.coming) for r in plan.replacements] == [(free_one, None)]
    assert plan.unfilled


# --- home regency ---


def test_changing_the_home_regency_is_recorded_and_brings_its_conflicts(
    edition, desk, participants, panel, province_admin, banyuwangi, sidoarjo
):
    free_one = panel[2]
    rogojampi, taman, *_rest = participants
    assignments.assign_all(desk)
    ScoreSheet.objects.create(stage=desk, assessor=free_one, participant=rogojampi)
    effects = assignments.home_regency_change_effects(free_one, banyuwangi)
    assert [a.participant for a in effects.assignments] == [rogojampi]
    assert [s.participant for s in effects.sheets] == [rogojampi]
    assert not has_conflict(free_one, rogojampi)

    assignments.change_home_regency(free_one, banyuwangi, changed_by=province_admin)
    free_one.refresh_from_db()
    assert free_one.regency == banyuwangi and has_conflict(free_one, rogojampi)
    assert [(p, [a.pk for a in leaving]) for p, leaving in assignments.participants_short_of_assessors(desk)] == [
        (rogojampi, [free_one.pk])
    ]
    assignments.change_home_regency(free_one, sidoarjo, changed_by=province_admin)
    history = list(assignments.home_regency_history(free_one))
    assert [(h.old_regency, h.new_regency, h.changed_by) for h in history] == [
        (banyuwangi, sidoarjo, province_admin),
        (None, banyuwangi, province_admin),
    ]
    lifted = assignments.home_regency_change_effects(free_one, None).lifted
    assert [a.participant for a in lifted] == [taman]


def test_a_home_regency_change_is_refused_when_it_changes_nothing_or_leaves_the_province(
    panel, province_admin, sidoarjo, regency_admin
):
    assessor = panel[0]
    with pytest.raises(ValidationError):
        assignments.change_home_regency(assessor, sidoarjo, changed_by=province_admin)
    with pytest.raises(ValidationError):
        assignments.change_home_regency(assessor, Regency.objects.get(code="32.73"), changed_by=province_admin)
    with pytest.raises(ValidationError):
        assignments.change_home_regency(regency_admin, sidoarjo, changed_by=province_admin)
    assert not HomeRegencyChange.objects.exists()
