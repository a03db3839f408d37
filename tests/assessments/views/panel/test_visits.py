"""The field-visit schedule's pages: the province plans every visit of a stage on one page, prints the
notice letter to the camat; the camat, the regency and the assessors find their visits on their home page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.domain import visits
from assessments.models import Document, Edition, FieldVisit, FieldVisitChange, Stage
from districts.models import District
from tests.factories import (
    AssessorFactory,
    EditionAssessorFactory,
    EditionFactory,
    ParticipantFactory,
    StageEntryFactory,
    StageFactory,
)

NINE, NOON = datetime.time(9), datetime.time(12)


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def world(jatim, rogojampi, taman, today):
    """SP2K Jawa Timur 2026 under assessment; its field-visit stage (no dates) shortlists Rogojampi and
    Taman; two assessors of the edition, one of them from Banyuwangi (Rogojampi's regency)."""
    edition = EditionFactory(province=jatim, name="SP2K Jawa Timur 2026", year=2026, state=Edition.State.ASSESSMENT)
    desk = StageFactory(edition=edition, order=1, starts_on=None, ends_on=None)
    stage = StageFactory(
        edition=edition, order=2, kind=Stage.Kind.FIELD_VISIT, name="Tinjau lapang", starts_on=None, ends_on=None
    )
    a = ParticipantFactory(edition=edition, district=rogojampi)
    b = ParticipantFactory(edition=edition, district=taman)
    for participant in (a, b):
        StageEntryFactory(stage=stage, participant=participant)
    ani = AssessorFactory(province=jatim, full_name="Ani Malang", regency_id="35.73")
    cici = AssessorFactory(province=jatim, full_name="Cici Banyuwangi", regency_id="35.10")
    for user in (ani, cici):
        EditionAssessorFactory(edition=edition, user=user)
    return {"edition": edition, "desk": desk, "stage": stage, "a": a, "b": b, "ani": ani, "cici": cici}


def schedule_url(world):
    return reverse("assessments:stage_visits", args=[world["stage"].pk])


def test_the_province_reaches_the_schedule_from_the_edition_page_and_its_home(client, province_admin, world):
    client.force_login(province_admin)
    url = schedule_url(world)
    assert url in client.get(reverse("assessments:edition_detail", args=[world["edition"].pk])).content.decode()
    home = client.get(reverse("dashboard")).content.decode()
    assert url in home
    assert "0 of 2 visits planned" in home


def test_the_schedule_lists_the_shortlisted_kecamatan_and_marks_a_conflict(client, province_admin, world):
    client.force_login(province_admin)
    page = client.get(schedule_url(world)).content.decode()
    assert "Kecamatan Rogojampi" in page and "Kecamatan Taman" in page
    # Cici (Banyuwangi) cannot tick Rogojampi (Banyuwangi), but can tick Taman.
    a, b, cici = world["a"].pk, world["b"].pk, world["cici"].pk
    assert f'name="p{a}-assessors" value="{cici}" id="id_p{a}-assessors_{cici}" disabled>' in page
    assert f'name="p{b}-assessors" value="{cici}" id="id_p{b}-assessors_{cici}">' in page


def test_only_a_field_visit_stage_has_a_schedule(client, province_admin, world):
    client.force_login(province_admin)
    assert client.get(reverse("assessments:stage_visits", args=[world["desk"].pk])).status_code == 404


def post_rows(client, world, rows, reason=""):
    data = {"reason": reason}
    for key, (day, start, team) in rows.items():
        prefix = f"p{world[key].pk}"
        data.update({f"{prefix}-date": day, f"{prefix}-starts_at": start, f"{prefix}-ends_at": ""})
        data[f"{prefix}-meeting_place"] = ""
        data[f"{prefix}-assessors"] = [world[name].pk for name in team]
    return client.post(schedule_url(world), data)


def test_the_province_plans_and_moves_visits_on_one_page(
    client, province_admin, world, today, camat, django_capture_on_commit_callbacks
):
    client.force_login(province_admin)
    day = (today + datetime.timedelta(days=3)).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        response = post_rows(client, world, {"a": (day, "09:00", ["ani"]), "b": ("", "", [])})
    assert response.status_code == 302
    visit = FieldVisit.objects.get()  # Taman left blank: not planned yet
    assert (visit.participant, visit.starts_at) == (world["a"], NINE)
    page = client.get(schedule_url(world)).content.decode()
    assert "1 visit saved." in page
    later = (today + datetime.timedelta(days=4)).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        post_rows(client, world, {"a": (later, "12:00", ["ani"]), "b": ("", "", [])}, reason="Camat ke Surabaya")
    change = FieldVisitChange.objects.get()
    assert change.reason == "Camat ke Surabaya" and change.new_starts_at == NOON
    assert camat.notices.filter(subject__startswith="Field visit moved").exists()
    assert "moved once" in client.get(schedule_url(world)).content.decode()


def test_a_refused_plan_shows_why_and_keeps_what_was_typed(client, province_admin, world, today):
    client.force_login(province_admin)
    day = (today + datetime.timedelta(days=3)).isoformat()
    response = post_rows(client, world, {"a": (day, "09:00", ["ani"]), "b": (day, "10:00", ["ani"])})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ani Malang would be on two visits at the same time" in page
    assert f'value="{day}"' in page
    assert not FieldVisit.objects.exists()


def test_the_schedule_page_costs_the_same_queries_whatever_the_number_of_visits(
    client, province_admin, world, today, django_assert_max_num_queries, jatim
):
    client.force_login(province_admin)
    day = today + datetime.timedelta(days=1)
    visits.plan_visit(world["stage"], world["a"], date=day, starts_at=NINE, assessors=[world["ani"]], by=province_admin)
    with django_assert_max_num_queries(20) as small:
        assert client.get(schedule_url(world)).status_code == 200
    more = District.objects.filter(regency_id="35.07").order_by("code")[:4]
    team = [AssessorFactory(province=jatim, regency_id="35.73") for _ in range(3)]
    for user in team:
        EditionAssessorFactory(edition=world["edition"], user=user)
    for i, district in enumerate(more):
        participant = ParticipantFactory(edition=world["edition"], district=district)
        StageEntryFactory(stage=world["stage"], participant=participant)
        visits.plan_visit(
            world["stage"],
            participant,
            date=day + datetime.timedelta(days=i + 1),
            starts_at=NINE,
            assessors=team,
            by=province_admin,
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(schedule_url(world)).status_code == 200


def test_the_province_prints_the_notice_letter_to_the_camat(client, province_admin, world, today, rogojampi):
    client.force_login(province_admin)
    visit = visits.plan_visit(
        world["stage"],
        world["a"],
        date=today + datetime.timedelta(days=5),
        starts_at=NINE,
        assessors=[world["ani"]],
        by=province_admin,
    )
    url = reverse("assessments:visit_letter", args=[world["stage"].pk, visit.pk])
    assert url in client.get(schedule_url(world)).content.decode()
    response = client.post(
        url,
        {
            "number": "005/1234/013/2026",
            "letter_date": today.isoformat(),
            "place": "Surabaya",
            "signatory_office": "Kepala Biro Pemerintahan",
            "signatory_name": "Dr. Contoh, M.Si.",
        },
    )
    assert response.status_code == 302
    letter = Document.objects.get(kind=Document.Kind.VISIT_NOTICE)
    assert letter.facts["district"] == "Rogojampi" and letter.facts["team"] == ["Ani Malang"]
    assert letter.facts["letter_number"] == "005/1234/013/2026" and letter.facts["time_zone"] == "WIB"
    page = client.get(url).content.decode()
    assert reverse("documents:download", args=[letter.pk]) in page
    pdf = client.get(reverse("documents:download", args=[letter.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content if pdf.streaming else [pdf.content]).startswith(b"%PDF")


def test_the_letter_page_shows_the_visit_s_moves(client, province_admin, world, today):
    client.force_login(province_admin)
    s = world
    day = today + datetime.timedelta(days=5)
    visits.plan_visit(s["stage"], s["a"], date=day, starts_at=NINE, assessors=[s["ani"]], by=province_admin)
    visit = visits.plan_visit(
        s["stage"], s["a"], date=day, starts_at=NOON, assessors=[s["ani"]], by=province_admin, reason="Banjir"
    )
    page = client.get(reverse("assessments:visit_letter", args=[s["stage"].pk, visit.pk])).content.decode()
    assert "Moves of this visit" in page and "Banjir" in page


def test_the_camat_operator_regency_and_team_see_the_visit_on_their_home_page(
    client, province_admin, world, today, camat, operator, regency_admin, other_regency_admin
):
    s = world
    visits.plan_visit(
        s["stage"],
        s["a"],
        date=today,
        starts_at=NINE,
        assessors=[s["ani"]],
        by=province_admin,
        meeting_place="Pendopo Rogojampi",
    )
    visits.plan_visit(
        s["stage"],
        s["b"],
        date=today + datetime.timedelta(days=2),
        starts_at=NINE,
        assessors=[s["ani"]],
        by=province_admin,
    )
    for user in (camat, operator):
        client.force_login(user)
        page = client.get(reverse("dashboard")).content.decode()
        assert "Pendopo Rogojampi" in page and "Ani Malang" in page
        assert "Taman" not in page  # another kecamatan's visit
    client.force_login(regency_admin)
    page = client.get(reverse("dashboard")).content.decode()
    assert "Field visits to your kecamatan" in page and "Kecamatan Rogojampi" in page
    client.force_login(other_regency_admin)
    assert "Kecamatan Taman" in client.get(reverse("dashboard")).content.decode()
    client.force_login(s["ani"])
    page = client.get(reverse("dashboard")).content.decode()
    assert "Your field visits" in page
    today_part, coming_part = page.split("Today", 1)[1].split("Coming", 1)
    assert "Kecamatan Rogojampi" in today_part and "Kecamatan Taman" in coming_part
    client.force_login(s["cici"])  # not on any visit
    assert "Your field visits" not in client.get(reverse("dashboard")).content.decode()


def test_past_visits_leave_the_home_pages(client, province_admin, world, today, camat):
    s = world
    visit = visits.plan_visit(s["stage"], s["a"], date=today, starts_at=NINE, assessors=[s["ani"]], by=province_admin)
    FieldVisit.objects.filter(pk=visit.pk).update(date=today - datetime.timedelta(days=1))
    client.force_login(camat)
    assert "Ani Malang" not in client.get(reverse("dashboard")).content.decode()
