from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from assessments.domain.reminders import send_due_reminders


class Command(BaseCommand):
    help = (
        "E-mail assessors their unfinished score sheets for stages closing within the edition's reminder days. "
        "Run it daily (cron or the task worker); it reminds about a stage at most once a day per assessor."
    )

    def handle(self, *args, **options):
        sent = send_due_reminders()
        self.stdout.write(_("%(count)d reminder e-mails sent.") % {"count": sent})
