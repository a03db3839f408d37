"""``manage.py verify_results EDITION``: replay an edition's results from its score history and compare.

EDITION is the edition's id or its exact name. Prints "matches" (exit 0) or every difference, each naming the
participant, the sheet (stage and assessor), the indicator and the history row (exit 1). See
``assessments.domain.replay``.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from assessments.domain import replay
from assessments.models import Edition


class Command(BaseCommand):
    help = "Replay an edition's results from the score history and compare them with the stored and published ones."

    def add_arguments(self, parser):
        parser.add_argument("edition", help="The edition's id or exact name.")

    def handle(self, *args, edition, **options):
        found = Edition.objects.filter(pk=int(edition)) if edition.isdigit() else Edition.objects.filter(name=edition)
        edition = found.first()
        if edition is None:
            raise CommandError("No such edition: give its id or exact name.")
        started = time.perf_counter()
        outcome = replay.verify(edition)
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"{edition}: {outcome.rows} history rows of {outcome.sheets} sheets replayed in {seconds:.1f} s; "
            f"root hash {outcome.root_hash}"
        )
        if outcome.published_root_hash:
            self.stdout.write(f"root hash kept at publication: {outcome.published_root_hash}")
        if outcome.matches:
            self.stdout.write(self.style.SUCCESS("matches"))
            return
        self.stdout.write(self.style.ERROR(f"{outcome.count} difference(s):"))
        for d in outcome.differences:
            where = " · ".join(
                part
                for part in (
                    d.participant,
                    d.stage,
                    d.assessor and f"assessor {d.assessor}",
                    d.sheet and f"sheet {d.sheet}",
                    d.indicator,
                    d.row and f"history row {d.row}",
                )
                if part
            )
            self.stdout.write(f"- {d.label}: {where}: history says {d.expected}, found {d.found}")
        if outcome.count > len(outcome.differences):
            self.stdout.write(f"… and {outcome.count - len(outcome.differences)} more.")
        raise SystemExit(1)
