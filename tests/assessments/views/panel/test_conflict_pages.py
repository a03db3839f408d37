"""The pages of conflicts that arise during assessment: by regency, replacements, the short list."""

import pytest
from django.urls import reverse

from assessments.domain import assignments
from assessments.models import Assignment, Conflict, Participant
from districts.models import District, Regency
from sp2k.accounts.models import Role


@pytest.fixture
def desk(edition):
    return edition.stages.order_by("order").first()


@pytest.fixture
def panel(edition, assessor, make_user, jatim):
    banyuwangi_one = make_user("penilai-banyuwangi", Role.ASSESSOR, province=jatim, regency_id="35.10")
    free_one = make_user("penilai-jpip", Role.ASSESSOR, province=jatim, full_name="Dr. Bebas")
    for user in (assessor, banyuwangi_one, free_one):
        assignments.add_assessor(edition, user)
    return [assessor, banyuwangi_one, free_one]


def test_an_assessor_declares_a_conflict_with_a_whole_regency(client, edition, participants, panel, banyuwangi):
    free_one = panel[2]
    client.force_login(free_one)
    url = reverse("assessments:conflict_declare", args=[edition.pk])
    response = client.post(url, {"regency": banyuwangi.pk, "participant": participants[1].pk, "reason": "x"})
    assert "Choose either one kecamatan or one regency or city." in response.content.decode()
    response = client.post(url, {"regency": banyuwangi.pk, "reason": "Saya pegawai Pemkab Banyuwangi"}, follow=True)
    page = response.content.decode()
    assert Conflict.objects.get(assessor=free_one).regency == banyuwangi
    assert "every kecamatan" in page and banyuwangi.name in page


@pytest.fixture
def big_stage(edition, desk, make_user, jatim):
    regencies = list(Regency.objects.filter(province=jatim).order_by("code")[:30])
    for regency in regencies:
        Participant.objects.create(
            edition=edition, district=District.objects.filter(regency=regency).first(), status="accepted"
        )
    for i in range(7):
        user = make_user(f"penilai-{i}", Role.ASSESSOR, province=jatim, regency=regencies[i * 3] if i < 4 else None)
        assignments.add_assessor(edition, user)
    assignments.apply_proposal(assignments.propose_k_per_participant(desk, 3, seed=7))
    return desk


def test_the_matrix_lists_who_is_short_of_an_assessor_in_fixed_queries(
    client, province_admin, edition, big_stage, django_assert_max_num_queries
):
    client.force_login(province_admin)
    url = reverse("assessments:assignment_matrix", args=[edition.pk, big_stage.pk])
    client.get(url)
    with django_assert_max_num_queries(25):
        page = client.get(url).content.decode()
    assert "short of an assessor" not in page
    assignment = Assignment.objects.filter(stage=big_stage).order_by("pk")[4]
    assignments.declare_conflict(assignment.assessor, assignment.participant, "Keluarga")
    for extra in Assignment.objects.filter(stage=big_stage).order_by("pk")[10:14]:
        assignments.declare_conflict(extra.assessor, extra.participant, "Keluarga")
    with django_assert_max_num_queries(25):
        page = client.get(url).content.decode()
    assert "short of an assessor" in page
    assert assignment.participant.district.name in page
    assert reverse("assessments:assessor_replacements", args=[edition.pk]) in page


def test_the_province_sees_the_replacements_then_applies_them(
    client, province_admin, edition, big_stage, django_assert_max_num_queries
):
    assignment = Assignment.objects.filter(stage=big_stage).order_by("pk")[4]
    assignments.declare_conflict(assignment.assessor, assignment.participant, "Keluarga")
    before = set(Assignment.objects.values_list("assessor_id", "participant_id"))
    client.force_login(province_admin)
    url = reverse("assessments:assessor_replacements", args=[edition.pk])
    client.get(url)
    with django_assert_max_num_queries(30):
        response = client.get(url)
    plan = response.context["plan"]
    [replacement] = plan.replacements
    page = response.content.decode()
    assert str(assignment.assessor) in page and str(replacement.coming) in page
    assert set(Assignment.objects.values_list("assessor_id", "participant_id")) == before  # a preview only
    response = client.post(url, {"fingerprint": "stale"}, follow=True)
    assert "changed meanwhile" in response.content.decode()
    client.post(url, {"fingerprint": plan.fingerprint})
    after = set(Assignment.objects.values_list("assessor_id", "participant_id"))
    assert before ^ after == {
        (assignment.assessor_id, assignment.participant_id),
        (replacement.coming.pk, assignment.participant_id),
    }
    assert "no assessor came into conflict" in client.get(url).content.decode()


def test_other_roles_cannot_apply_replacements(client, edition, panel, camat):
    url = reverse("assessments:assessor_replacements", args=[edition.pk])
    for user in (panel[0], camat):
        client.force_login(user)
        assert client.post(url, {}).status_code in (403, 404)
