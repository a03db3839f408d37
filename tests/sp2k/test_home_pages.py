"""Every role's home page lists what that person must do next, with the real figures of a small
scenario, in a fixed number of queries; every link of its menu and home page opens for that role."""

import datetime
import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from assessments.models import Edition, EvidenceFile, Participant, ScoreSheet
from districts.models import District
from tests.factories import (
    AspectFactory,
    AssessorFactory,
    AssignmentFactory,
    EditionAssessorFactory,
    EditionFactory,
    IndicatorFactory,
    ParticipantFactory,
    ScoreSheetFactory,
    StageEntryFactory,
    StageFactory,
)

DESK_ENDS = datetime.date(2026, 12, 15)


def _evidence(participant, indicator, by):
    return EvidenceFile.objects.create(
        participant=participant,
        indicator=indicator,
        file=ContentFile(b"%PDF-1.4 bukti", name="bukti.pdf"),
        original_name="bukti.pdf",
        kind=EvidenceFile.Kind.PDF,
        content_type="application/pdf",
        size=14,
        sha256="0" * 64,
        uploaded_by=by,
    )


def build_world(jatim, rogojampi, assessor, camat, regency_admin, extra=1):
    """SP2K Jawa Timur 2026 under assessment (desk stage, two indicators asking for evidence) with
    Rogojampi and ``extra`` more kecamatan of Banyuwangi, scored by ``assessor`` and ``extra`` more
    assessors: Rogojampi has one file and one submitted sheet. SP2K Jawa Timur 2027 takes nominations
    (two per regency): Rogojampi nominated, awaiting a decision."""
    edition = EditionFactory(
        province=jatim,
        name="SP2K Jawa Timur 2026",
        year=2026,
        state=Edition.State.ASSESSMENT,
        evidence_deadline=timezone.make_aware(datetime.datetime(2026, 12, 31, 16, 0)),
    )
    stage = StageFactory(
        edition=edition, order=1, name="Penilaian administrasi (desk)", starts_on=None, ends_on=DESK_ENDS
    )
    aspect = AspectFactory(stage=stage)
    required = [IndicatorFactory(aspect=aspect, requires_evidence=True, weight=50) for _ in range(2)]
    IndicatorFactory(aspect=aspect, weight=0)  # asks for no evidence: not on the checklist
    others = District.objects.filter(regency_id="35.10").exclude(code=rogojampi.code).order_by("code")[:extra]
    participants = [ParticipantFactory(edition=edition, district=d) for d in [rogojampi, *others]]
    assessors = [assessor, *(AssessorFactory(province=jatim) for _ in range(extra))]
    for a in assessors:
        EditionAssessorFactory(edition=edition, user=a)
    for p in participants:
        StageEntryFactory(stage=stage, participant=p)
        for a in assessors:
            AssignmentFactory(stage=stage, assessor=a, participant=p)
    ScoreSheetFactory(
        stage=stage,
        assessor=assessor,
        participant=participants[0],
        status=ScoreSheet.Status.SUBMITTED,
        submitted_at=timezone.now(),
    )
    ScoreSheetFactory(stage=stage, assessor=assessors[-1], participant=participants[-1])
    _evidence(participants[0], required[0], camat)
    nominations = EditionFactory(
        province=jatim, name="SP2K Jawa Timur 2027", year=2027, state=Edition.State.NOMINATION, nomination_quota=2
    )
    StageFactory(edition=nominations, order=1, starts_on=datetime.date(2027, 3, 1), ends_on=datetime.date(2027, 3, 31))
    nominee = ParticipantFactory(
        edition=nominations, district=rogojampi, status=Participant.Status.NOMINATED, nominated_by=regency_admin
    )
    return {
        "edition": edition,
        "stage": stage,
        "participants": participants,
        "nominations": nominations,
        "nominee": nominee,
        "assessors": assessors,
    }


@pytest.fixture
def world(jatim, rogojampi, assessor, camat, regency_admin):
    return build_world(jatim, rogojampi, assessor, camat, regency_admin)


def home(client, user):
    client.force_login(user)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.content.decode())


def test_camat_reads_its_checklist_so_far_its_deadline_and_where_to_upload(client, world, camat):
    page = home(client, camat)
    entry = world["participants"][0]
    assert "SP2K Jawa Timur 2026" in page
    assert "Evidence: 1 of 2 indicators" in page
    assert 'max="2" value="1"' in page
    assert "1 indicator still without evidence" in page
    assert "deadline" in page and "2026" in page
    assert reverse("assessments:evidence_checklist", args=[entry.pk]) in page
    assert "Upload evidence" in page
    # The 2027 nomination awaits a decision and asks for no evidence yet.
    assert "SP2K Jawa Timur 2027" in page
    assert reverse("kecamatan:own") in page


def test_regency_admin_reads_its_quota_where_to_nominate_and_its_kecamatan_evidence(client, world, regency_admin):
    page = home(client, regency_admin)
    nominations = world["nominations"]
    assert "Nominations: 1 of 2 used." in page
    assert 'max="2" value="1"' in page
    assert reverse("assessments:participant_list", args=[nominations.pk]) in page
    assert "Nominate a kecamatan" in page
    assert "Nominations close when the assessment starts (planned" in page
    # Its kecamatan in the edition under assessment, with their evidence so far.
    assert "Rogojampi" in page
    assert "Evidence: 1 of 2 indicators" in page
    assert "Evidence: 0 of 2 indicators" in page  # the other kecamatan of Banyuwangi


def test_province_admin_reads_each_edition_state_progress_and_what_blocks_its_next_step(
    client, world, province_admin, assessor
):
    page = home(client, province_admin)
    assert "SP2K Jawa Timur 2026" in page and "SP2K Jawa Timur 2027" in page
    # 2 participants × 2 assessors; one submitted, one in progress, two not started.
    assert "1 of 4 sheets submitted · 1 in progress · 2 not started" in page
    assert 'max="4" value="1"' in page
    # Per assessor: the first has submitted one of its two.
    assert re.search(rf"{assessor.full_name}</td> <td [^>]*>1/2</td>", page)
    assert reverse("assessments:stage_progress", args=[world["stage"].pk]) in page
    # What blocks the next steps, from the workflow's own checks.
    assert "Before “Make the results final”:" in page
    assert "1 score sheet(s) are still in progress." in page
    assert "Before “Start the assessment”:" in page
    assert "1 nomination(s) still await a decision." in page
    assert reverse("assessments:participant_list", args=[world["nominations"].pk]) in page


def test_assessor_reads_its_due_dates_and_a_link_to_each_stage_sheets(client, world, assessor):
    page = home(client, assessor)
    stage = world["stage"]
    assert "1 of 2 sheets submitted" in page
    assert "1 sheet left to submit" in page
    assert "15 December 2026" in page or "Dec. 15, 2026" in page
    assert f"{reverse('assessments:my_sheets')}#stage-{stage.pk}-title" in page


def test_technical_admin_reaches_the_administration_accounts_and_competitions(client, superuser):
    page = home(client, superuser)
    for url in (reverse("admin:index"), reverse("accounts:user_list"), reverse("assessments:edition_list")):
        assert url in page


@pytest.mark.parametrize("role", ["province_admin", "regency_admin", "camat", "assessor"])
def test_home_pages_cost_the_same_queries_whatever_the_numbers(
    role, request, client, jatim, rogojampi, assessor, camat, regency_admin, django_assert_max_num_queries
):
    """Four kecamatan and five assessors cost what one of each costs (workflow checks included)."""
    user = request.getfixturevalue(role)
    client.force_login(user)
    build_world(jatim, rogojampi, assessor, camat, regency_admin, extra=1)
    # The regency admin and the camat: one more for the coming field visits of their kecamatan, one more for
    # the criteria open for their comments.
    limits = {"province_admin": 30, "regency_admin": 18, "camat": 14, "assessor": 12}
    with django_assert_max_num_queries(limits[role]) as small:
        client.get(reverse("dashboard"))
    edition = Edition.objects.get(name="SP2K Jawa Timur 2026")
    stage = edition.stages.get()
    more = District.objects.filter(regency_id="35.10").order_by("-code")[:3]
    new_assessors = [AssessorFactory(province=jatim) for _ in range(3)]
    for a in new_assessors:
        EditionAssessorFactory(edition=edition, user=a)
    for district in more:
        participant = ParticipantFactory(edition=edition, district=district)
        StageEntryFactory(stage=stage, participant=participant)
        for a in [assessor, *new_assessors]:
            AssignmentFactory(stage=stage, assessor=a, participant=participant)
            ScoreSheetFactory(stage=stage, assessor=a, participant=participant)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("dashboard"))


LINK = re.compile(r'href="(/[^"#?]*)[^"]*"')


@pytest.mark.parametrize("role", ["province_admin", "regency_admin", "camat", "operator", "assessor", "superuser"])
def test_every_link_of_the_menu_and_home_page_opens_for_that_role(role, request, client, world):
    """No link a role is shown answers 403 or 404 (nor sends it to the login page)."""
    user = request.getfixturevalue(role)
    client.force_login(user)
    page = client.get(reverse("dashboard")).content.decode()
    links = sorted({url for url in LINK.findall(page) if not url.startswith(("/static/", "/media/"))})
    assert len(links) > 5
    wrong = []
    for url in links:
        response = client.get(url, follow=True)  # "My kecamatan" redirects to the kecamatan's own page
        if (
            response.status_code != 200
            or response.redirect_chain
            and reverse("accounts:login") in response.redirect_chain[-1][0]
        ):
            wrong.append(f"{url}: {response.status_code} {response.redirect_chain}")
    assert not wrong, wrong


def test_regency_admin_finds_the_competitions_in_its_menu_and_reaches_the_nominations(client, world, regency_admin):
    client.force_login(regency_admin)
    page = client.get(reverse("dashboard")).content.decode()
    assert reverse("assessments:edition_list") in page
    listing = client.get(reverse("assessments:edition_list"))
    assert listing.status_code == 200
    content = listing.content.decode()
    assert reverse("assessments:participant_list", args=[world["nominations"].pk]) in content
    assert f'href="{reverse("assessments:edition_detail", args=[world["nominations"].pk])}"' not in content
    nominations = client.get(reverse("assessments:participant_list", args=[world["nominations"].pk]))
    assert nominations.status_code == 200
    # Its breadcrumb leads only where it may go: the list, not the edition's admin page.
    detail = reverse("assessments:edition_detail", args=[world["nominations"].pk])
    assert f'href="{detail}"' not in nominations.content.decode()


def test_a_refusal_is_a_page_of_the_portal_that_leads_home(client, camat):
    client.force_login(camat)
    response = client.get(reverse("assessments:edition_list"))
    assert response.status_code == 403
    content = response.content.decode()
    assert "You may not open this page" in content
    assert reverse("dashboard") in content
