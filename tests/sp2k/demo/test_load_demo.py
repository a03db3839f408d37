"""`load_demo` gives every role something real to see and do, and can run twice."""

import pytest
from django.core.management import call_command

from assessments.domain.ranking import final_ranking
from assessments.models import Award, Edition, EvidenceFile, ScoreSheet
from sp2k.accounts.models import Role, User


@pytest.fixture
def demo(regions):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_demo_builds_the_2022_results_of_the_governors_decree(demo):
    edition = Edition.objects.get(name="SP2K Jawa Timur 2022 (contoh)")
    assert edition.state == Edition.State.PUBLISHED and edition.is_demo
    assert edition.participants.count() == 30
    ranked = [row.participant.district.name for row in final_ranking(edition)[:5]]
    assert ranked == ["Rogojampi", "Taman", "Tongas", "Bumiaji", "Pamekasan"]
    awards = list(Award.objects.filter(category__edition=edition).order_by("category__order"))
    assert [a.participant.district.name for a in awards] == ranked
    assert all(a.confirmed_at for a in awards)
    assert EvidenceFile.objects.filter(participant__edition=edition).exists()


def test_demo_has_a_competition_in_progress_for_assessors_and_kecamatan(demo):
    edition = Edition.objects.filter(is_demo=True, state=Edition.State.ASSESSMENT).get()
    desk = edition.stages.order_by("order").first()
    assessor = User.objects.get(username="penilai-unair")
    assert desk.assignments.filter(assessor=assessor).count() == 30
    # The Sidoarjo assessor is never assigned Taman (conflict of interest).
    assert not desk.assignments.filter(assessor__username="penilai-sidoarjo", participant__district_id="35.15.13")
    assert not ScoreSheet.objects.filter(stage=desk).exists()
    assert edition.participants.filter(district_id="35.10.13").exists()


def test_demo_accounts_cover_every_role_and_loading_twice_changes_nothing(demo):
    roles = set(User.objects.filter(is_demo=True).values_list("role", flat=True))
    assert set(Role.values) <= roles
    counts = (User.objects.count(), Edition.objects.count(), ScoreSheet.objects.count(), EvidenceFile.objects.count())
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (
        User.objects.count(),
        Edition.objects.count(),
        ScoreSheet.objects.count(),
        EvidenceFile.objects.count(),
    ) == counts
