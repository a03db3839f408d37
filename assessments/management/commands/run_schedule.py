import signal
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils import timezone

from assessments.domain.scheduled import run_due_jobs


class Command(BaseCommand):
    help = (
        "The scheduler: every --interval seconds, send what is due (the assessors' reminders of unfinished "
        "score sheets, the kecamatan's 'evidence due' notices), each at most once a day (recorded, so a restart "
        "sends nothing twice). Runs until stopped; --once runs one round (for cron or a systemd timer)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=int, default=None, help="Seconds between rounds.")
        parser.add_argument("--once", action="store_true", help="Run one round and stop.")

    def handle(self, *args, interval=None, once=False, **options):
        interval = max(1, interval or settings.SCHEDULE_INTERVAL_SECONDS)
        self.stopping = False
        if not once:
            signal.signal(signal.SIGTERM, self._stop)
        while True:
            try:
                sent = run_due_jobs()
            except Exception as error:  # noqa: BLE001 - a failed round is reported; the next one tries again
                if once:
                    raise
                self.stderr.write(f"{timezone.now():%Y-%m-%d %H:%M} run_schedule: {error!r}")
            else:
                summary = ", ".join(f"{job}: {count}" for job, count in sent.items())
                self.stdout.write(f"{timezone.now():%Y-%m-%d %H:%M} {summary}")
            if once:
                return
            close_old_connections()  # a long-running process: no stale connection into the next round
            for _second in range(interval):
                if self.stopping:
                    return
                time.sleep(1)

    def _stop(self, *args):
        self.stopping = True
