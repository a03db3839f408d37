"""Issue 12: what the portal tells people by itself: the scheduler's "evidence due" notices (once a day per
edition, across restarts) and the reminders, and the notices of an edition's moves and of assignments."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from assessments.domain import assignments, workflow
from assessments.domain.scheduled import notify_evidence_due, participants_missing_evidence, run_due_jobs
from assessments.models import Edition, EvidenceFile, Indicator
from sp2k.accounts.models import Role
from sp2k.notices.models import Notice, ScheduledRun

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def collecting(edition, participants, camat, operator, other_camat, today):
    """Nominations open, the evidence deadline in 2 days (reminder days: 3); Rogojampi (camat and operator)
    has every required file but one, Taman (other_camat) none."""
    edition.state = Edition.State.NOMINATION
    edition.reminder_days = 3
    edition.evidence_deadline = timezone.now() + timedelta(days=2)
    edition.save()
    for user in (camat, operator, other_camat):
        user.email = f"{user.username}@example.org"
        user.save()
    required = list(Indicator.objects.filter(aspect__stage__edition=edition, requires_evidence=True))
    assert len(required) > 1
    rogojampi = next(p for p in participants if p.district_id == camat.district_id)
    EvidenceFile.objects.bulk_create(
        EvidenceFile(
            participant=rogojampi,
            indicator=indicator,
            file=f"x/{indicator.pk}.pdf",
            original_name="bukti.pdf",
            kind="pdf",
            content_type="application/pdf",
            size=10,
            sha256="0" * 64,
            uploaded_by=camat,
        )
        for indicator in required[1:]
    )
    return edition, rogojampi, len(required)


def test_evidence_due_tells_each_lacking_kecamatan_what_is_missing_with_a_link(
    collecting, camat, operator, other_camat
):
    edition, rogojampi, required = collecting
    missing = {p.district_id: p.required - p.covered for p in participants_missing_evidence(edition)}
    assert missing[rogojampi.district_id] == 1
    assert missing[other_camat.district_id] == required

    assert notify_evidence_due() >= 3
    notice = Notice.objects.get(recipient=camat, kind=Notice.Kind.EVIDENCE_DUE)
    assert notice.link == reverse("assessments:evidence_home")
    assert "1 indicator" in notice.text and edition.name in notice.subject
    assert Notice.objects.filter(recipient=operator, kind=Notice.Kind.EVIDENCE_DUE).exists()
    assert f"{required} indicators" in Notice.objects.get(recipient=other_camat).text
    assert {m.to[0] for m in mail.outbox} >= {camat.email, operator.email, other_camat.email}


def test_evidence_due_is_sent_once_a_day_across_restarts_and_only_near_the_deadline(collecting, camat, today):
    edition, *_rest = collecting
    call_command("run_schedule", "--once")
    sent = Notice.objects.filter(kind=Notice.Kind.EVIDENCE_DUE).count()
    assert sent and ScheduledRun.objects.get(day=today, scope=f"edition:{edition.pk}").sent == sent
    call_command("run_schedule", "--once")  # a restart the same day
    assert run_due_jobs()["evidence_due"] == 0
    assert Notice.objects.filter(kind=Notice.Kind.EVIDENCE_DUE).count() == sent
    assert notify_evidence_due(today + timedelta(days=1)) == sent  # the next day again
    assert notify_evidence_due(today - timedelta(days=3)) == 0  # 5 days before: too early


def test_no_evidence_due_once_complete_or_past_the_deadline(collecting, participants):
    edition, *_rest = collecting
    Edition.objects.filter(pk=edition.pk).update(evidence_deadline=timezone.now() - timedelta(hours=1))
    assert notify_evidence_due() == 0
    assert not Notice.objects.exists()


def test_opening_nominations_tells_the_regency_admins_with_a_link_to_nominate(
    edition, province_admin, regency_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        workflow.move_edition(edition, Edition.State.NOMINATION, by=province_admin)
    notice = Notice.objects.get(recipient=regency_admin)
    assert notice.kind == Notice.Kind.NOMINATIONS_OPEN
    assert notice.link == reverse("assessments:participant_list", args=[edition.pk])


def test_assigning_sheets_tells_the_assessors_once(
    edition, participants, assessor, make_user, jatim, province_admin, django_capture_on_commit_callbacks
):
    other = make_user("penilai-lain", Role.ASSESSOR, province=jatim)
    workflow.move_edition(edition, Edition.State.NOMINATION, by=province_admin)
    workflow.move_edition(edition, Edition.State.ASSESSMENT, by=province_admin)
    for user in (assessor, other):
        assignments.add_assessor(edition, user)
    desk = edition.stages.order_by("order").first()
    with django_capture_on_commit_callbacks(execute=True):
        assert assignments.assign_all(desk)
    assert set(Notice.objects.filter(kind=Notice.Kind.SHEETS_ASSIGNED).values_list("recipient", flat=True)) == {
        assessor.pk,
        other.pk,
    }
    assert Notice.objects.filter(kind=Notice.Kind.SHEETS_ASSIGNED).first().link == reverse("assessments:my_sheets")
    with django_capture_on_commit_callbacks(execute=True):
        assert assignments.assign_all(desk) == 0  # nothing new: nobody told again
    assert Notice.objects.filter(kind=Notice.Kind.SHEETS_ASSIGNED).count() == 2


def test_a_person_reads_what_was_sent_to_them_on_the_notices_page(
    client, collecting, camat, other_camat, django_assert_max_num_queries
):
    notify_evidence_due()
    client.force_login(camat)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("notices:list")).content.decode()
    mine = Notice.objects.get(recipient=camat)
    assert mine.subject in page and reverse("assessments:evidence_home") in page
    assert Notice.objects.get(recipient=other_camat).text not in page  # another kecamatan's notice
