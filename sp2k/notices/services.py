"""Telling people what happened: ``notify`` records a notice per person and queues its e-mail.

The e-mails are sent by the background worker (django-tasks, ``manage.py db_worker``), never inside the
request: the database backend stores the task in the same transaction as the notices, so both exist
or neither. The competition's write functions call ``notify_on_commit`` so that nothing is announced
for a change that was rolled back.

Notices are written in the portal's language (settings.LANGUAGE_CODE: Indonesian), whatever language
the browser of the person who caused them asked for; pass lazy strings (``format_lazy``) or plain ones.
"""

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

from sp2k.notices.models import Notice

# Mails handed to the mail server per connection round.
BATCH = 100


def _path(link):
    link = str(link or "")
    if link and (not link.startswith("/") or link.startswith("//")):
        raise ValueError(f"A notice links to a path inside the portal, not {link!r}.")
    return link


def notify(users, kind, subject, text, link, *, email=True):
    """Record a notice for each (distinct, active) user and queue the e-mails; returns the notices.

    ``link`` is the path of the page to act on (``/kompetisi/1/``); the e-mail makes it absolute with
    settings.SITE_URL.
    """
    link = _path(link)
    recipients = {}
    for user in users:
        if user is not None and user.is_active and user.pk not in recipients:
            recipients[user.pk] = user
    if not recipients:
        return []
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(str(subject).split())[: Notice._meta.get_field("subject").max_length]
        text = str(text or "")
    now = timezone.now()
    with transaction.atomic():
        notices = Notice.objects.bulk_create(
            [
                Notice(recipient=user, kind=kind, subject=subject, text=text, link=link, created=now)
                for user in recipients.values()
            ]
        )
        ids = [n.pk for n in notices if n.recipient.email]
        if email and ids:
            # The database backend stores the task in this transaction: the worker sees it at commit.
            send_notice_emails.enqueue(ids)
    return notices


def notify_each(messages, kind, link, *, email=True):
    """Record one notice per (user, subject, text) (each person its own text) and queue their e-mails in
    one task: a fixed number of queries however many people. Inactive users are left out."""
    link = _path(link)
    now = timezone.now()
    limit = Notice._meta.get_field("subject").max_length
    with translation.override(settings.LANGUAGE_CODE):
        rows = [
            Notice(
                recipient=user,
                kind=kind,
                subject=" ".join(str(subject).split())[:limit],
                text=str(text or ""),
                link=link,
                created=now,
            )
            for user, subject, text in messages
            if user is not None and user.is_active
        ]
    if not rows:
        return []
    with transaction.atomic():
        notices = Notice.objects.bulk_create(rows)
        ids = [n.pk for n in notices if n.recipient.email]
        if email and ids:
            send_notice_emails.enqueue(ids)
    return notices


def notify_on_commit(users, kind, subject, text, link, *, email=True):
    """``notify`` once the current transaction commits (at once outside one); ``users`` may be a
    queryset, read then."""
    transaction.on_commit(lambda: notify(users, kind, subject, text, link, email=email))


def _message(notice, connection):
    context = {"notice": notice, "url": notice.absolute_link()}
    body = render_to_string("notices/email/notice.txt", context)
    return EmailMessage(notice.subject, body, None, [notice.recipient.email], connection=connection)


@task()
def send_notice_emails(notice_ids):
    """E-mail the notices not e-mailed yet (run by the worker); returns how many went out."""
    sent = 0
    pending = list(
        Notice.objects.filter(pk__in=notice_ids, emailed_at__isnull=True)
        .exclude(recipient__email="")
        .select_related("recipient")
        .order_by("pk")
    )
    with translation.override(settings.LANGUAGE_CODE):
        connection = get_connection()
        for start in range(0, len(pending), BATCH):
            batch = pending[start : start + BATCH]
            sent += connection.send_messages([_message(n, connection) for n in batch]) or 0
            Notice.objects.filter(pk__in=[n.pk for n in batch]).update(emailed_at=timezone.now())
    return sent


def unread_count(user):
    if not user.is_authenticated:
        return 0
    return Notice.objects.of(user).unread().count()


def mark_read(user, notice_ids=None):
    """Mark the user's notices read (all of them, or those given); returns how many changed."""
    qs = Notice.objects.of(user).unread()
    if notice_ids is not None:
        qs = qs.filter(pk__in=notice_ids)
    return qs.update(read_at=timezone.now())
