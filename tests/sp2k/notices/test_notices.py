"""Notices: recorded in the portal, e-mailed by the worker with an absolute link, listed and marked read."""

import pytest
from django.core import mail
from django.urls import reverse
from django_tasks import default_task_backend

from sp2k.notices.models import Notice
from sp2k.notices.services import notify, notify_on_commit, send_notice_emails


@pytest.fixture(autouse=True)
def addresses(camat, operator):
    for user in (camat, operator):
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])


def test_notify_records_one_notice_per_person_and_mails_each_with_the_absolute_link(camat, operator, settings):
    settings.SITE_URL = "https://sp2k.example.go.id"
    notices = notify([camat, operator, camat], Notice.Kind.EVIDENCE_DUE, "Evidence due", "Upload it.", "/kompetisi/1/")
    assert len(notices) == 2  # the same person once
    assert Notice.objects.filter(recipient=camat, kind="evidence_due", link="/kompetisi/1/").count() == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted([camat.email, operator.email])
    message = mail.outbox[0]
    assert message.subject == "Evidence due"
    assert "Upload it." in message.body
    assert "https://sp2k.example.go.id/kompetisi/1/" in message.body
    assert Notice.objects.filter(emailed_at__isnull=True).count() == 0


def test_people_without_an_address_get_the_notice_but_no_mail_and_inactive_accounts_nothing(camat, operator):
    camat.email = ""
    camat.save()
    operator.is_active = False
    operator.save()
    notify([camat, operator], Notice.Kind.OTHER, "Hello", "", "/dasbor/")
    assert list(Notice.objects.values_list("recipient__username", flat=True)) == [camat.username]
    assert mail.outbox == []


def test_the_mail_is_queued_as_a_background_task_not_sent_in_the_request(camat, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    notify([camat], Notice.Kind.OTHER, "Hello", "Text", "/dasbor/")
    assert mail.outbox == []
    [result] = default_task_backend.results
    assert result.task.func is send_notice_emails.func
    # The worker sends it once; a second run of the same task sends nothing again.
    assert send_notice_emails.call(*result.args) == 1
    assert send_notice_emails.call(*result.args) == 0
    assert len(mail.outbox) == 1


def test_notify_on_commit_waits_for_the_commit(camat, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify_on_commit([camat], Notice.Kind.OTHER, "Later", "", "/dasbor/")
        assert not Notice.objects.exists()
    assert Notice.objects.get().subject == "Later"


def test_a_link_must_be_a_path_of_the_portal(camat):
    for link in ("https://evil.example/", "//evil.example/x", "kompetisi/1/"):
        with pytest.raises(ValueError):
            notify([camat], Notice.Kind.OTHER, "Hello", "", link)


def test_the_notices_page_lists_mine_only_and_marks_them_read(client, camat, operator):
    notify([camat], Notice.Kind.NOMINATION_DECIDED, "Your nomination was accepted", "Rogojampi", "/dasbor/")
    notify([operator], Notice.Kind.OTHER, "Not for the camat", "", "/dasbor/")
    client.force_login(camat)
    page = client.get(reverse("notices:list"))
    html = page.content.decode()
    assert "Your nomination was accepted" in html and "Not for the camat" not in html
    assert 'href="/dasbor/"' in html
    # The navbar counts the unread notices.
    assert '1<span class="visually-hidden"> unread' in html

    notice = Notice.objects.get(recipient=camat)
    client.post(reverse("notices:mark_read"), {"notice": notice.pk})
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert 'visually-hidden"> unread' not in client.get(reverse("notices:list")).content.decode()


def test_mark_all_read_touches_only_my_notices(client, camat, operator):
    notify([camat, operator], Notice.Kind.OTHER, "For both", "", "/dasbor/")
    other = Notice.objects.get(recipient=operator)
    client.force_login(camat)
    # Someone else's notice id is ignored: a person marks only its own.
    client.post(reverse("notices:mark_read"), {"notice": other.pk})
    assert Notice.objects.get(pk=other.pk).read_at is None
    response = client.post(reverse("notices:mark_read"))
    assert response.status_code == 302
    assert Notice.objects.get(recipient=camat).read_at is not None
    assert Notice.objects.get(pk=other.pk).read_at is None
