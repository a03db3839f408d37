from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from assessments.domain.reminders import send_due_reminders


class Command(BaseCommand):
    help = (
        "Remind assessors of their unfinished score sheets (stages closing within the edition's reminder days or "
        "closed with sheets missing), at most once a day per assessor and stage. `manage.py run_schedule` runs "
        "this by itself; this command is for a one-off run."
    )

    def handle(self, *args, **options):
        sent = send_due_reminders()
        self.stdout.write(_("%(count)d assessors reminded.") % {"count": sent})
