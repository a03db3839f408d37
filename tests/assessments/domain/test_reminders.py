from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from assessments.domain import assignments, reminders
from assessments.models import Assignment, Conflict, Edition, ReminderLog, ScoreSheet, StageAdvance
from sp2k.accounts.models import Role
from sp2k.notices.models import Notice


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def running(edition, participants, assessor, make_user, jatim, today):
    """Edition in assessment; the desk stage closes in 2 days; two assessors assigned to everyone.

    ``assessor`` (home Sidoarjo) is also assigned to Taman (35.15.13), a conflict that must never count.
    """
    edition.state = Edition.State.ASSESSMENT
    edition.reminder_days = 3
    edition.save()
    desk = edition.stages.order_by("order").first()
    desk.starts_on, desk.ends_on = today - timedelta(days=10), today + timedelta(days=2)
    desk.save()
    assessor.email = "unair@example.org"
    assessor.save()
    other = make_user("penilai-jpip", Role.ASSESSOR, province=jatim)
    other.email = "jpip@example.org"
    other.save()
    for user in (assessor, other):
        assignments.add_assessor(edition, user)
        Assignment.objects.bulk_create(Assignment(stage=desk, assessor=user, participant=p) for p in participants)
    return desk, assessor, other


def _submit(stage, assessor, participant):
    ScoreSheet.objects.create(
        stage=stage, assessor=assessor, participant=participant, status="submitted", submitted_at=timezone.now()
    )


def test_email_lists_exactly_the_missing_sheets(running, participants):
    desk, assessor, other = running
    rogojampi, taman, third, *_rest = participants
    _submit(desk, assessor, rogojampi)
    ScoreSheet.objects.create(stage=desk, assessor=assessor, participant=third)  # a draft is still missing
    Conflict.objects.create(edition=desk.edition, assessor=assessor, participant=participants[3], reason="uji")
    for participant in participants:
        _submit(desk, other, participant)

    assert reminders.send_reminders(edition=desk.edition) == 1
    (message,) = mail.outbox
    assert message.to == ["unair@example.org"]
    expected = {participants[2], participants[4], participants[5]}
    for participant in participants:
        district = participant.district  # two participants are called Taman: tell them by their regency
        listed = f"Kecamatan {district.name} ({district.regency.name})" in message.body
        assert listed == (participant in expected), participant.district.name
    assert desk.name in message.body and "3" in message.subject


def test_no_email_when_everything_is_submitted_or_not_in_assessment(running, participants):
    desk, assessor, other = running
    for user in (assessor, other):
        for participant in participants:
            _submit(desk, user, participant)
    assert reminders.send_reminders(edition=desk.edition) == 0
    ScoreSheet.objects.all().delete()
    Edition.objects.filter(pk=desk.edition.pk).update(state=Edition.State.FINAL)
    assert reminders.send_reminders() == 0
    assert mail.outbox == []


def test_assessor_without_email_gets_the_notice_but_no_mail(running):
    desk, assessor, _other = running
    assessor.email = ""
    assessor.save()
    assert reminders.send_reminders(stage=desk) == 2
    assert [m.to for m in mail.outbox] == [["jpip@example.org"]]
    assert Notice.objects.filter(recipient=assessor, kind=Notice.Kind.SHEETS_REMINDER).count() == 1


def test_a_reminder_is_a_notice_linking_to_the_sheets(running, settings):
    desk, assessor, _other = running
    settings.SITE_URL = "https://sp2k.example.go.id"
    reminders.send_reminders(stage=desk)
    notice = Notice.objects.get(recipient=assessor)
    assert notice.link == reverse("assessments:my_sheets")
    assert desk.name in notice.text
    body = next(m.body for m in mail.outbox if m.to == [assessor.email])
    assert "https://sp2k.example.go.id" + reverse("assessments:my_sheets") in body


def test_command_sends_once_per_day_per_assessor_and_stage(running, today):
    desk, _assessor, _other = running
    call_command("send_reminders")
    assert len(mail.outbox) == 2
    call_command("send_reminders")
    assert len(mail.outbox) == 2  # already reminded today
    assert ReminderLog.objects.filter(automatic=True, sent_on=today).count() == 2
    assert reminders.send_due_reminders(today=today + timedelta(days=1)) == 2


def test_command_waits_until_the_reminder_days_and_goes_on_after_the_stage_while_sheets_are_missing(
    running, participants, today
):
    desk, assessor, other = running
    assert reminders.send_due_reminders(today=today - timedelta(days=2)) == 0  # 4 days before closing
    assert reminders.send_due_reminders(today=today + timedelta(days=2)) == 2  # the last day
    assert reminders.send_due_reminders(today=today + timedelta(days=3)) == 2  # closed, sheets still missing
    for participant in participants:
        _submit(desk, other, participant)
    assert reminders.send_due_reminders(today=today + timedelta(days=4)) == 1  # only who still owes sheets
    assert len(mail.outbox) == 5


def test_manual_reminders_are_not_limited_by_the_daily_rule(running):
    desk, _assessor, _other = running
    reminders.send_due_reminders()
    assert reminders.send_reminders(edition=desk.edition) == 2
    assert len(mail.outbox) == 4


def test_fixed_number_of_queries(running, make_user, jatim, participants, django_assert_max_num_queries):
    desk, *_people = running
    for i in range(8):
        user = make_user(f"penilai-extra-{i}", Role.ASSESSOR, province=jatim, email=f"x{i}@example.org")
        Assignment.objects.bulk_create(Assignment(stage=desk, assessor=user, participant=p) for p in participants)
    with django_assert_max_num_queries(11):  # + the notices and their e-mails (sent here by the test worker)
        assert reminders.send_due_reminders() == 10
    assert Notice.objects.count() == 10


# --- the button ---


def test_province_admin_sees_who_gets_what_then_sends_and_a_second_click_is_refused(client, running, province_admin):
    desk, assessor, other = running
    client.force_login(province_admin)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    url = reverse("assessments:send_reminders", args=[desk.edition.pk])
    page = client.get(url).content.decode()
    assert "2 assessors get a notice" in page and assessor.email in page and other.email in page
    assert mail.outbox == []  # asking shows, it does not send

    response = client.post(url)
    assert response.status_code == 302
    assert len(mail.outbox) == 2
    assert any("2 assessors were reminded" in str(m) for m in get_messages(response.wsgi_request))
    log = ReminderLog.objects.filter(automatic=False).first()
    assert log.sent_by == province_admin

    # Three clicks send once: the button waits MANUAL_REMINDER_HOURS (recorded in the log).
    for _click in range(2):
        response = client.post(url)
        assert any("already sent by hand" in str(m) for m in get_messages(response.wsgi_request))
    assert len(mail.outbox) == 2
    assert "already sent by hand" in client.get(url).content.decode()
    # The stage's own button is limited the same way, and frees itself after the hours.
    assert reminders.manual_refusal(desk.edition, desk)
    ReminderLog.objects.update(sent_at=timezone.now() - timedelta(hours=13))
    assert reminders.manual_refusal(desk.edition, desk) is None
    client.post(url, {"stage": desk.pk})
    assert len(mail.outbox) == 4


@pytest.mark.parametrize(("who", "status"), [("assessor", 403), ("regency_admin", 403), ("other_province_admin", 404)])
def test_others_cannot_send_reminders(client, request, running, who, status):
    desk, *_people = running
    client.force_login(request.getfixturevalue(who))
    assert client.post(reverse("assessments:send_reminders", args=[desk.edition.pk])).status_code == status
    assert mail.outbox == []


def test_the_stage_button_shows_only_that_stage(client, running, province_admin):
    desk, *_people = running
    client.force_login(province_admin)
    url = reverse("assessments:send_reminders", args=[desk.edition.pk])
    assert client.get(url, {"stage": desk.pk}).status_code == 200
    assert client.get(url, {"stage": 999999}).status_code == 404
    assert client.get(url, {"stage": "x"}).status_code == 404
    assert mail.outbox == []


def test_a_stage_whose_shortlist_went_on_is_no_longer_reminded(running, participants, province_admin):
    """Its scores are frozen by the advance: a reminder to submit would ask for what cannot be done."""
    desk, assessor, other = running
    assert reminders.unfinished_assignments(stage=desk).exists()
    StageAdvance.objects.create(from_stage=desk, count=5, by=province_admin)
    assert not reminders.unfinished_assignments(stage=desk).exists()
    assert reminders.send_reminders(edition=desk.edition) == 0
    assert mail.outbox == []
