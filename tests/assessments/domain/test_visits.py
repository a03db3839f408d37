"""The field-visit schedule's rules: who is visited, who goes, no one in two places at once, every move
kept and told to everyone concerned."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessments.domain import visits
from assessments.models import Edition, FieldVisit, FieldVisitChange, Stage
from districts.models import District
from sp2k.accounts.models import Role
from sp2k.notices.models import Notice
from tests.factories import (
    AssessorFactory,
    ConflictFactory,
    EditionAssessorFactory,
    EditionFactory,
    ParticipantFactory,
    StageEntryFactory,
    StageFactory,
)

DAY = datetime.date(2022, 10, 10)
NINE, NOON, ONE, FOUR = (datetime.time(h) for h in (9, 12, 13, 16))


@pytest.fixture
def schedule(jatim, rogojampi, taman):
    """An edition under assessment: a desk stage and a field-visit stage with Rogojampi and Taman
    shortlisted; three assessors of the edition (one from Banyuwangi, Rogojampi's regency)."""
    edition = EditionFactory(province=jatim, state=Edition.State.ASSESSMENT)
    desk = StageFactory(edition=edition, order=1)
    field_stage = StageFactory(edition=edition, order=2, kind=Stage.Kind.FIELD_VISIT)
    a = ParticipantFactory(edition=edition, district=rogojampi)
    b = ParticipantFactory(edition=edition, district=taman)
    for participant in (a, b):
        StageEntryFactory(stage=desk, participant=participant)
        StageEntryFactory(stage=field_stage, participant=participant)
    malang, batu, banyuwangi = (
        AssessorFactory(province=jatim, full_name=name, regency_id=code)
        for name, code in (("Ani Malang", "35.73"), ("Budi Batu", "35.79"), ("Cici Banyuwangi", "35.10"))
    )
    for user in (malang, batu, banyuwangi):
        EditionAssessorFactory(edition=edition, user=user)
    return {
        "edition": edition,
        "desk": desk,
        "stage": field_stage,
        "a": a,
        "b": b,
        "malang": malang,
        "batu": batu,
        "banyuwangi": banyuwangi,
    }


def plan(s, by, participant="a", day=DAY, start=NINE, end=None, team=("malang",), **kwargs):
    return visits.plan_visit(
        s["stage"],
        s[participant],
        date=day,
        starts_at=start,
        ends_at=end,
        assessors=[s[name] for name in team],
        by=by,
        **kwargs,
    )


def test_province_plans_a_visit_with_its_date_time_and_team(schedule, province_admin):
    visit = plan(schedule, province_admin, team=("malang", "batu"), meeting_place="Pendopo Kecamatan")
    visit.refresh_from_db()
    assert (visit.date, visit.starts_at, visit.meeting_place) == (DAY, NINE, "Pendopo Kecamatan")
    assert {u.full_name for u in visit.assessors.all()} == {"Ani Malang", "Budi Batu"}
    assert not visit.changes.exists()


def test_only_a_field_visit_stage_has_visits(schedule, province_admin):
    with pytest.raises(ValidationError, match="Only a field-visit stage"):
        visits.plan_visit(
            schedule["desk"],
            schedule["a"],
            date=DAY,
            starts_at=NINE,
            assessors=[schedule["malang"]],
            by=province_admin,
        )


def test_only_kecamatan_shortlisted_into_the_stage_are_visited(schedule, province_admin, regions):
    bumiaji = District.objects.get(code="35.79.03")
    outsider = ParticipantFactory(edition=schedule["edition"], district=bumiaji)
    StageEntryFactory(stage=schedule["desk"], participant=outsider)  # desk only: not shortlisted
    with pytest.raises(ValidationError, match="not in this stage"):
        visits.plan_visit(
            schedule["stage"], outsider, date=DAY, starts_at=NINE, assessors=[schedule["malang"]], by=province_admin
        )
    assert not FieldVisit.objects.exists()


def test_the_team_is_of_the_edition_without_conflict_of_interest(schedule, province_admin, jatim):
    stranger = AssessorFactory(province=jatim)
    with pytest.raises(ValidationError, match="not an assessor of this edition"):
        visits.plan_visit(
            schedule["stage"], schedule["a"], date=DAY, starts_at=NINE, assessors=[stranger], by=province_admin
        )
    # Home regency: Banyuwangi's assessor never visits Rogojampi (Banyuwangi)...
    with pytest.raises(ValidationError, match="conflict of interest"):
        plan(schedule, province_admin, team=("banyuwangi",))
    # ... and a declared conflict counts too.
    ConflictFactory(participant=schedule["b"], assessor=schedule["batu"])
    with pytest.raises(ValidationError, match="conflict of interest"):
        plan(schedule, province_admin, participant="b", team=("batu",))
    with pytest.raises(ValidationError, match="at least one assessor"):
        plan(schedule, province_admin, team=())
    assert not FieldVisit.objects.exists()


def test_date_within_the_stage_and_end_after_start(schedule, province_admin):
    with pytest.raises(ValidationError, match="within the stage's dates"):
        plan(schedule, province_admin, day=datetime.date(2022, 11, 30))
    with pytest.raises(ValidationError, match="end after it starts"):
        plan(schedule, province_admin, start=NOON, end=NINE)


def test_no_assessor_is_on_two_visits_at_the_same_time(schedule, province_admin):
    plan(schedule, province_admin, start=NINE, end=NOON)
    with pytest.raises(ValidationError, match="two visits at the same time"):
        plan(schedule, province_admin, participant="b", start=datetime.time(11), end=FOUR)
    # The afternoon is free: the same assessor goes to Taman after Rogojampi.
    plan(schedule, province_admin, participant="b", start=ONE, end=FOUR)
    assert FieldVisit.objects.count() == 2


def test_a_visit_without_an_end_takes_the_rest_of_its_day(schedule, province_admin):
    plan(schedule, province_admin, start=NINE)
    with pytest.raises(ValidationError, match="rest of its day"):
        plan(schedule, province_admin, participant="b", start=FOUR)
    plan(schedule, province_admin, participant="b", day=DAY + datetime.timedelta(days=1), start=NINE)


def test_two_plans_saved_together_may_not_overlap_either(schedule, province_admin):
    s = schedule
    plans = [
        visits.VisitPlan(s["a"], DAY, NINE, [s["malang"]]),
        visits.VisitPlan(s["b"], DAY, NOON, [s["malang"], s["batu"]]),
    ]
    with pytest.raises(ValidationError, match="Ani Malang would be on two visits"):
        visits.plan_visits(s["stage"], plans, province_admin)
    assert not FieldVisit.objects.exists()  # all or none


def test_moving_a_visit_out_of_the_way_of_another_is_allowed(schedule, province_admin):
    """Re-planning both visits at once (swapping their times) is checked against the new times only."""
    s = schedule
    plan(s, province_admin, start=NINE, end=NOON)
    plan(s, province_admin, participant="b", start=ONE, end=FOUR)
    visits.plan_visits(
        s["stage"],
        [
            visits.VisitPlan(s["a"], DAY, ONE, [s["malang"]], FOUR),
            visits.VisitPlan(s["b"], DAY, NINE, [s["malang"]], NOON),
        ],
        province_admin,
    )
    assert FieldVisit.objects.get(participant=s["a"]).starts_at == ONE


def test_nothing_moves_once_the_results_are_final(schedule, province_admin):
    plan(schedule, province_admin)
    Edition.objects.filter(pk=schedule["edition"].pk).update(state=Edition.State.FINAL)
    schedule["stage"].refresh_from_db()
    with pytest.raises(ValidationError, match="results are final"):
        plan(schedule, province_admin, start=NOON)


def test_only_the_edition_s_province_admin_plans(schedule, other_province_admin, camat):
    for user in (other_province_admin, camat):
        with pytest.raises(ValidationError, match="Only the province admin"):
            plan(schedule, user)


def test_planning_tells_the_kecamatan_its_regency_and_the_team(
    schedule, province_admin, camat, operator, regency_admin, other_regency_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        plan(schedule, province_admin, team=("malang",))
    told = {n.recipient for n in Notice.objects.all()}
    assert told == {camat, operator, regency_admin, schedule["malang"]}
    notice = Notice.objects.get(recipient=camat)
    assert notice.kind == Notice.Kind.FIELD_VISIT
    assert "Rogojampi" in notice.subject
    assert notice.link == reverse("dashboard")


def test_moving_a_visit_records_what_it_was_and_tells_everyone_with_those_taken_off(
    schedule, province_admin, camat, operator, regency_admin, django_capture_on_commit_callbacks
):
    s = schedule
    plan(s, province_admin, team=("malang",))
    Notice.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        plan(s, province_admin, day=DAY + datetime.timedelta(days=2), start=NOON, team=("batu",), reason="Hujan")
    change = FieldVisitChange.objects.get()
    assert (change.old_date, change.old_starts_at) == (DAY, NINE)
    assert (change.new_date, change.new_starts_at) == (DAY + datetime.timedelta(days=2), NOON)
    assert (change.old_assessors, change.new_assessors) == (["Ani Malang"], ["Budi Batu"])
    assert change.reason == "Hujan" and change.by == province_admin
    told = {n.recipient for n in Notice.objects.all()}
    assert told == {camat, operator, regency_admin, s["malang"], s["batu"]}  # Ani, taken off, hears too
    notice = Notice.objects.get(recipient=s["malang"])
    assert notice.subject.startswith("Field visit moved: Kecamatan Rogojampi")
    assert "Hujan" in notice.text


def test_saving_an_unchanged_visit_records_nothing_and_tells_no_one(
    schedule, province_admin, camat, django_capture_on_commit_callbacks
):
    plan(schedule, province_admin)
    Notice.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        plan(schedule, province_admin)
    assert not FieldVisitChange.objects.exists()
    assert not Notice.objects.exists()


def test_a_new_meeting_place_is_told_but_is_not_a_move(
    schedule, province_admin, camat, django_capture_on_commit_callbacks
):
    plan(schedule, province_admin)
    with django_capture_on_commit_callbacks(execute=True):
        plan(schedule, province_admin, meeting_place="Balai Desa Gitik")
    assert not FieldVisitChange.objects.exists()
    assert "Balai Desa Gitik" in Notice.objects.get(recipient=camat).text


def test_inactive_accounts_are_not_told(schedule, province_admin, camat, django_capture_on_commit_callbacks):
    camat.is_active = False
    camat.save(update_fields=["is_active"])
    with django_capture_on_commit_callbacks(execute=True):
        plan(schedule, province_admin)
    assert not Notice.objects.filter(recipient=camat).exists()
    assert Notice.objects.filter(recipient__role=Role.ASSESSOR).count() == 1
