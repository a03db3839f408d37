"""`load_demo` gives every role something real to see and do, tells a true story, and can run twice.

Each test loads the whole demo (about 15 s on PostgreSQL), so each asserts several points of one story.
"""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from assessments.domain.ranking import final_ranking, stage_ranking
from assessments.models import (
    Award,
    Decree,
    Edition,
    EvidenceFile,
    FieldVisit,
    Participant,
    ScoreChange,
    ScoreSheet,
    Stage,
    StageEntry,
)
from districts.models import DistrictProfile
from sp2k.accounts.models import Role, User
from sp2k.notices.models import Notice


@pytest.fixture
def demo(regions):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def _example():
    return Edition.objects.get(name="SP2K Jawa Timur 2022 (contoh)")


def _current():
    return Edition.objects.filter(is_demo=True, state=Edition.State.ASSESSMENT).get()


def test_demo_builds_the_2022_results_of_the_governors_decree(demo):
    edition = _example()
    assert edition.state == Edition.State.PUBLISHED and edition.is_demo
    assert edition.participants.count() == 30
    ranked = [row.participant.district.name for row in final_ranking(edition)[:5]]
    assert ranked == ["Rogojampi", "Taman", "Tongas", "Bumiaji", "Pamekasan"]
    awards = list(Award.objects.filter(category__edition=edition).order_by("category__order"))
    assert [a.participant.district.name for a in awards] == ranked
    assert all(a.confirmed_at for a in awards)
    assert EvidenceFile.objects.filter(participant__edition=edition).exists()
    # The decree's number and date are the real ones, its signatory a fictional governor.
    decree = Decree.objects.get(edition=edition)
    assert decree.number == "188/966/KPTS/013/2022" and decree.date == datetime.date(2022, 12, 21)
    assert "KHOFIFAH" not in decree.signatory_name.upper() and "CONTOH" in decree.signatory_name.upper()
    # One presentation sheet disagrees with the panel: the ranking flags it.
    presentation = edition.stages.get(kind=Stage.Kind.PRESENTATION)
    rows = stage_ranking(presentation)
    flagged = [row for row in rows if row.disagreement]
    assert len(flagged) == 1 and flagged[0].outliers == 1
    # Far from the shortlist: the field visits still went to the five best of the presentations.
    assert flagged[0].rank > 5
    field_visit = edition.stages.get(kind=Stage.Kind.FIELD_VISIT)
    assert set(field_visit.entries.values_list("participant_id", flat=True)) == {r.participant.pk for r in rows[:5]}
    # The camat is a person on the profile, so letters do not read "Camat Rogojampi (Camat Rogojampi …)".
    for profile in DistrictProfile.objects.filter(district_id__in=["35.10.13", "35.15.13", "32.04.09"]):
        assert not profile.camat_name.lower().startswith("camat") and "(contoh)" in profile.camat_name


@pytest.fixture
def committed_demo(transactional_db, regions):
    """The demo loaded as on a server: each step commits, so the notices sent after a commit exist."""
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_the_2022_example_happened_in_2022(committed_demo, client, indonesian):
    edition = _example()
    moves = {t.to_state: timezone.localtime(t.at).date() for t in edition.transitions.all()}
    assert all(day.year == 2022 for day in moves.values())
    page = client.get(reverse("results:edition_results", args=[edition.pk])).content.decode()
    # Published on the day of the award ceremony (domain brief).
    assert "dipublikasikan Rabu, 28 Desember 2022" in page
    stages = list(edition.stages.order_by("order"))
    presented = {timezone.localtime(s.submitted_at).date() for s in ScoreSheet.objects.filter(stage=stages[1])}
    assert presented == {datetime.date(2022, 11, day) for day in (2, 3, 4)}
    visits = list(FieldVisit.objects.filter(stage=stages[2]).order_by("date"))
    assert len(visits) == 5 and all(v.assessors.exists() for v in visits)
    assert visits[0].participant.district.name == "Tongas" and visits[0].date == datetime.date(2022, 11, 16)
    assert visits[-1].date <= datetime.date(2022, 11, 25)
    on_the_day = {
        timezone.localtime(s.submitted_at).date() == s.participant.visits.get().date
        for s in ScoreSheet.objects.filter(stage=stages[2]).select_related("participant")
    }
    assert on_the_day == {True}
    stamped = [
        *Participant.objects.filter(edition=edition).values_list("nominated_at", "decided_at"),
        *ScoreChange.objects.filter(sheet__stage__edition=edition).values_list("at"),
        *EvidenceFile.objects.filter(participant__edition=edition).values_list("uploaded_at"),
        *Award.objects.filter(category__edition=edition).values_list("confirmed_at"),
        *StageEntry.objects.filter(stage__edition=edition).values_list("advanced_at"),
        *FieldVisit.objects.filter(stage__edition=edition).values_list("planned_at"),
    ]
    assert {timezone.localtime(moment).year for row in stamped for moment in row} == {2022}
    # Its notices (visits planned, results published) are dated then and already e-mailed: the worker sends
    # none of them today.
    old = Notice.objects.filter(subject__contains=edition.name)
    assert old.exists() and not old.exclude(created__year=2022).exists() and not old.filter(emailed_at=None).exists()


def test_demo_has_a_competition_in_progress_for_assessors_and_kecamatan(demo, client, indonesian):
    edition = _current()
    desk = edition.stages.order_by("order").first()
    assessor = User.objects.get(username="penilai-unair")
    assert desk.assignments.filter(assessor=assessor).count() == 30
    # The Sidoarjo assessor is never assigned Taman (conflict of interest).
    assert not desk.assignments.filter(assessor__username="penilai-sidoarjo", participant__district_id="35.15.13")
    assert not ScoreSheet.objects.filter(stage=desk).exists()
    # Kecamatan have uploaded evidence (PDFs and photos) through their own accounts; Taman has submitted.
    files = EvidenceFile.objects.filter(participant__edition=edition).select_related("uploaded_by", "participant")
    assert {"Rogojampi", "Taman", "Tongas", "Bumiaji"} <= {f.participant.district.name for f in files}
    assert {"pdf", "png"} <= {f.original_name.rsplit(".", 1)[-1] for f in files}
    assert all(f.uploaded_by.district_id == f.participant.district_id for f in files)
    assert {f.uploaded_by.role for f in files} == {Role.DISTRICT_OPERATOR}
    assert all(f.uploaded_at < timezone.now() for f in files)
    assert edition.participants.get(district_id="35.15.13").submission.submitted_at is not None
    rogojampi = edition.participants.get(district_id="35.10.13")
    client.force_login(User.objects.get(username="camat-rogojampi"))
    page = client.get(reverse("assessments:evidence_checklist", args=[rogojampi.pk])).content.decode()
    assert "Profil kecamatan Rogojampi.pdf" in page
    # Each kecamatan was nominated by its regency's admin, in both editions.
    for each in (_example(), edition):
        participants = Participant.objects.filter(edition=each).select_related("nominated_by", "district")
        assert participants.count() == 30
        assert all(p.nominated_by.role == Role.REGENCY_ADMIN for p in participants)
        assert all(p.nominated_by.regency_id == p.district.regency_id for p in participants)
    assert User.objects.get(username="pemkot-batu").regency_id == "35.79"
    client.force_login(User.objects.get(username="panitia-jatim"))
    page = client.get(reverse("assessments:participant_list", args=[edition.pk])).content.decode()
    assert "oleh Bagian Pemerintahan Kabupaten Banyuwangi" in page and "oleh —" not in page
    # Its history reads in order: nominations opened, kecamatan nominated, decided, then the desk stage opened.
    moves = {t.to_state: t.at for t in edition.transitions.all()}
    for participant in edition.participants.all():
        assert moves[Edition.State.NOMINATION] < participant.nominated_at < participant.decided_at
        assert participant.decided_at < moves[Edition.State.ASSESSMENT] < timezone.now()


def test_demo_accounts_cover_every_role_and_loading_twice_changes_nothing(demo):
    roles = set(User.objects.filter(is_demo=True).values_list("role", flat=True))
    assert set(Role.values) <= roles
    # Every demo account, assessors first, has a fictional address (example.org never delivers).
    assert User.objects.filter(is_demo=True, role=Role.ASSESSOR).count() >= 7
    assert all(e.endswith("@example.org") for e in User.objects.filter(is_demo=True).values_list("email", flat=True))

    def state():
        return (
            User.objects.count(),
            Edition.objects.count(),
            ScoreSheet.objects.count(),
            EvidenceFile.objects.count(),
            FieldVisit.objects.count(),
            list(_example().transitions.values_list("at", flat=True)),
            list(Notice.objects.order_by("pk").values_list("created", flat=True)),
            User.objects.get(username="penilai-bappeda").password,
        )

    before = state()
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert state() == before
