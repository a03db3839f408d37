from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessments.domain import assignments
from assessments.domain.conflicts import assignments_without_conflict
from assessments.models import Assignment, Conflict, Edition, EditionAssessor, Participant, ScoreSheet, StageEntry
from assessments.queries import stages as selectors
from districts.models import District, Regency
from sp2k.accounts.models import Role


@pytest.fixture
def desk(edition):
    return edition.stages.order_by("order").first()


@pytest.fixture
def panel(edition, assessor, make_user, jatim):
    """Three assessors of the edition: ``assessor`` (home Sidoarjo), one from Banyuwangi, one without."""
    banyuwangi_one = make_user("penilai-banyuwangi", Role.ASSESSOR, province=jatim, regency_id="35.10")
    free_one = make_user("penilai-jpip", Role.ASSESSOR, province=jatim)
    for user in (assessor, banyuwangi_one, free_one):
        assignments.add_assessor(edition, user)
    return [assessor, banyuwangi_one, free_one]


def _pairs(stage):
    return set(Assignment.objects.filter(stage=stage).values_list("assessor_id", "participant_id"))


def test_assign_all_skips_home_regency_and_declared_conflicts(edition, desk, participants, panel):
    assessor, banyuwangi_one, free_one = panel
    rogojampi, taman, *_rest = participants
    assignments.declare_conflict(free_one, participants[2], "Pernah menjadi konsultan kecamatan ini")
    added = assignments.assign_all(desk)
    pairs = _pairs(desk)
    assert added == 3 * 6 - 3
    assert (assessor.pk, taman.pk) not in pairs
    assert (banyuwangi_one.pk, rogojampi.pk) not in pairs
    assert (free_one.pk, participants[2].pk) not in pairs
    assert assignments.assign_all(desk) == 0  # nothing twice


def test_first_stage_uses_accepted_participants_then_its_entries(edition, desk, participants, panel):
    Participant.objects.filter(pk=participants[0].pk).update(status="rejected", decision_reason="x")
    assert {p.pk for p in selectors.stage_participants(desk)} == {p.pk for p in participants[1:]}
    StageEntry.objects.create(stage=desk, participant=participants[3])
    assert [p.pk for p in selectors.stage_participants(desk)] == [participants[3].pk]
    later = edition.stages.order_by("order")[1]
    assert list(selectors.stage_participants(later)) == []


def test_only_assessors_of_the_province_can_be_added(edition, make_user, jabar, regency_admin):
    jabar_assessor = make_user("penilai-itb", Role.ASSESSOR, province=jabar)
    for user in (jabar_assessor, regency_admin):
        with pytest.raises(ValidationError):
            assignments.add_assessor(edition, user)
    assert not EditionAssessor.objects.exists()


def test_declared_conflict_needs_a_reason_and_excludes(edition, desk, participants, panel):
    assessor, banyuwangi_one, _free = panel
    rogojampi = participants[0]
    with pytest.raises(ValidationError):
        assignments.declare_conflict(assessor, rogojampi, " ")
    assignments.set_assignment(desk, assessor, rogojampi, True)
    assignments.declare_conflict(assessor, rogojampi, "Saudara kandung bekerja di sana")
    assert not assignments_without_conflict(desk).filter(assessor=assessor, participant=rogojampi).exists()
    with pytest.raises(ValidationError, match="conflict"):
        assignments.set_assignment(desk, banyuwangi_one, rogojampi, True)  # home regency
    Assignment.objects.filter(assessor=assessor).delete()
    with pytest.raises(ValidationError, match="conflict"):
        assignments.set_assignment(desk, assessor, rogojampi, True)


def test_unassigning_an_opened_sheet_is_refused(edition, desk, participants, panel):
    _assessor, _banyuwangi_one, free_one = panel
    assignments.set_assignment(desk, free_one, participants[0], True)
    ScoreSheet.objects.create(stage=desk, assessor=free_one, participant=participants[0])
    with pytest.raises(ValidationError):
        assignments.set_assignment(desk, free_one, participants[0], False)
    assert Assignment.objects.filter(assessor=free_one).exists()


def test_removing_an_assessor_removes_its_assignments(edition, desk, participants, panel):
    free_one = panel[2]
    assignments.assign_all(desk)
    assignments.remove_assessor(edition, free_one)
    assert not Assignment.objects.filter(assessor=free_one).exists()
    assert not EditionAssessor.objects.filter(user=free_one).exists()


# --- k per participant ---


@pytest.fixture
def big_stage(edition, desk, make_user, jatim):
    """30 participants from 30 regencies of Jawa Timur; 7 assessors, 4 of them with a home regency there."""
    regencies = list(Regency.objects.filter(province=jatim).order_by("code")[:30])
    for regency in regencies:
        district = District.objects.filter(regency=regency).order_by("code").first()
        Participant.objects.create(edition=edition, district=district, status="accepted")
    people = []
    for i in range(7):
        home = regencies[i * 3] if i < 4 else None
        user = make_user(f"penilai-{i}", Role.ASSESSOR, province=jatim, regency=home)
        assignments.add_assessor(edition, user)
        people.append(user)
    return desk


def _spread(proposal):
    per_participant = Counter(p for _a, p in proposal.pairs)
    loads = [load for _assessor, load in proposal.loads()]
    return per_participant, loads


def test_k_per_participant_is_even_and_respects_conflicts(big_stage):
    proposal = assignments.propose_k_per_participant(big_stage, 3, seed=7)
    per_participant, loads = _spread(proposal)
    assert len(per_participant) == 30 and set(per_participant.values()) == {3}
    assert sum(loads) == 90 and max(loads) - min(loads) <= 1
    participants = {p.pk: p for p in proposal.participants}
    assessors = {a.pk: a for a in proposal.assessors}
    for assessor_id, participant_id in proposal.pairs:
        assert assessors[assessor_id].regency_id != participants[participant_id].district.regency_id
    assert not proposal.short


def test_proposal_is_deterministic_and_not_saved_until_applied(big_stage):
    first = assignments.propose_k_per_participant(big_stage, 3, seed=1)
    again = assignments.propose_k_per_participant(big_stage, 3, seed=1)
    assert first.pairs == again.pairs and first.fingerprint == again.fingerprint
    assert not Assignment.objects.exists()
    assignments.apply_proposal(first)
    assert _pairs(big_stage) == set(first.pairs)


def test_applying_replaces_earlier_assignments_but_keeps_opened_sheets(big_stage):
    assignments.assign_all(big_stage)
    kept = Assignment.objects.order_by("pk").first()
    ScoreSheet.objects.create(stage=big_stage, assessor=kept.assessor, participant=kept.participant)
    proposal = assignments.propose_k_per_participant(big_stage, 2, seed=3)
    assert (kept.assessor_id, kept.participant_id) in proposal.pairs
    assignments.apply_proposal(proposal)
    counts = Counter(Assignment.objects.filter(stage=big_stage).values_list("participant_id", flat=True))
    assert set(counts.values()) == {2}


def test_evenness_holds_with_a_declared_conflict_and_reports_shortfall(big_stage, edition):
    target = edition.participants.order_by("pk").first()
    for user in assignments.edition_assessors(edition):
        if user.regency_id != target.district.regency_id:
            Conflict.objects.create(edition=edition, assessor=user, participant=target, reason="uji")
    proposal = assignments.propose_k_per_participant(big_stage, 2, seed=0)
    assert [p.pk for p in proposal.short] == [target.pk]
    assert not any(p == target.pk for _a, p in proposal.pairs)
    loads = [load for _assessor, load in proposal.loads()]
    assert max(loads) - min(loads) <= 1


# --- pages ---


def _matrix_url(edition, stage):
    return reverse("assessments:assignment_matrix", args=[edition.pk, stage.pk])


def _auto_url(edition, stage):
    return reverse("assessments:auto_assign", args=[edition.pk, stage.pk])


def test_matrix_marks_conflicts_and_toggles_a_cell(client, province_admin, edition, desk, participants, panel):
    assessor = panel[0]
    client.force_login(province_admin)
    page = client.get(_matrix_url(edition, desk)).content.decode()
    taman_row = page[page.index(f'id="p{participants[1].pk}"') :].split("</tr>")[0]
    assert "matrix-conflict" in taman_row and f'data-pair="{assessor.pk}-{participants[1].pk}"' not in taman_row
    rogojampi = participants[0]
    response = client.post(
        _matrix_url(edition, desk), {"pair": f"{assessor.pk}-{rogojampi.pk}", "assigned": "on"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and "checked" in response.content.decode()
    assert _pairs(desk) == {(assessor.pk, rogojampi.pk)}
    taman = participants[1]
    response = client.post(
        _matrix_url(edition, desk), {"pair": f"{assessor.pk}-{taman.pk}", "assigned": "on"}, HTTP_HX_REQUEST="true"
    )
    assert "conflict" in response.content.decode()
    assert _pairs(desk) == {(assessor.pk, rogojampi.pk)}
    client.post(_matrix_url(edition, desk), {"pair": f"{assessor.pk}-{rogojampi.pk}"}, HTTP_HX_REQUEST="true")
    assert _pairs(desk) == set()


def test_matrix_query_count_does_not_grow(client, province_admin, big_stage, edition, django_assert_max_num_queries):
    assignments.assign_all(big_stage)
    client.force_login(province_admin)
    with django_assert_max_num_queries(20):
        response = client.get(_matrix_url(edition, big_stage))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("data-pair=") == 30 * 7 - 4  # four assessors each have one home-regency participant
    assert page.count('class="matrix-conflict"') == 4 + 2  # and the legend


def test_proposal_page_shows_then_saves(client, province_admin, big_stage, edition):
    client.force_login(province_admin)
    response = client.post(_auto_url(edition, big_stage), {"mode": "propose", "k": 3, "seed": 5})
    assert response.status_code == 200 and "fingerprint" in response.content.decode()
    assert not Assignment.objects.exists()
    fingerprint = response.context["proposal"].fingerprint
    response = client.post(_auto_url(edition, big_stage), {"mode": "apply", "k": 3, "seed": 5, "fingerprint": "stale"})
    assert not Assignment.objects.exists()  # changed or tampered: shown again, not saved
    client.post(_auto_url(edition, big_stage), {"mode": "apply", "k": 3, "seed": 5, "fingerprint": fingerprint})
    assert Assignment.objects.count() == 90


def test_assign_everyone_button(client, province_admin, edition, desk, participants, panel):
    client.force_login(province_admin)
    client.post(_auto_url(edition, desk), {"mode": "all"})
    assert Assignment.objects.count() == 3 * 6 - 2


def test_assessor_list_adds_and_removes(client, province_admin, edition, assessor):
    client.force_login(province_admin)
    url = reverse("assessments:assessor_list", args=[edition.pk])
    assert "Penilai Unair" in client.get(url).content.decode()  # offered
    client.post(reverse("assessments:assessor_add", args=[edition.pk]), {"user": assessor.pk})
    assert EditionAssessor.objects.filter(edition=edition, user=assessor).exists()
    page = client.get(url).content.decode()
    assert "Kabupaten Sidoarjo" in page  # its home regency
    client.post(reverse("assessments:assessor_remove", args=[edition.pk, assessor.pk]))
    assert not EditionAssessor.objects.exists()


def test_assessor_declares_a_conflict(client, edition, participants, panel):
    assessor = panel[0]
    edition.state = Edition.State.ASSESSMENT
    edition.save()
    client.force_login(assessor)
    url = reverse("assessments:conflict_declare", args=[edition.pk])
    response = client.post(url, {"participant": participants[0].pk, "reason": ""})
    assert response.status_code == 200 and not Conflict.objects.exists()
    client.post(url, {"participant": participants[0].pk, "reason": "Mantan pegawai kecamatan ini"})
    conflict = Conflict.objects.get()
    assert (conflict.assessor, conflict.participant) == (assessor, participants[0])
    assert "Mantan pegawai" in client.get(url).content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("province_admin", 200),
        ("superuser", 200),
        ("regency_admin", 403),
        ("camat", 403),
        ("assessor", 403),  # an assessor of the edition, but it does not manage it
        ("other_province_admin", 404),
    ],
)
def test_management_pages_access(client, request, edition, desk, participants, panel, who, status):
    edition.state = Edition.State.NOMINATION
    edition.save()
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("assessments:assessor_list", args=[edition.pk])).status_code == status
    assert client.get(_matrix_url(edition, desk)).status_code == status
    assert client.post(_auto_url(edition, desk), {"mode": "all"}).status_code == (302 if status == 200 else status)
    assert Assignment.objects.exists() == (status == 200)


def test_other_province_cannot_change_assignments_or_declare(
    client, edition, desk, participants, panel, other_province_admin, make_user, jabar
):
    client.force_login(other_province_admin)
    pair = f"{panel[2].pk}-{participants[0].pk}"
    assert client.post(_matrix_url(edition, desk), {"pair": pair, "assigned": "on"}).status_code == 404
    assert client.post(reverse("assessments:assessor_add", args=[edition.pk]), {"user": panel[0].pk}).status_code == 404
    jabar_assessor = make_user("penilai-itb", Role.ASSESSOR, province=jabar)
    client.force_login(jabar_assessor)
    url = reverse("assessments:conflict_declare", args=[edition.pk])
    assert client.post(url, {"participant": participants[0].pk, "reason": "x"}).status_code == 404
    assert not Assignment.objects.exists() and not Conflict.objects.exists()
