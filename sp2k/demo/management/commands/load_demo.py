from django.core.management.base import BaseCommand, CommandError

from assessments.models import Edition
from districts.models import District
from sp2k.accounts.models import Role, User
from sp2k.demo.accounts import create_demo_accounts
from sp2k.demo.awards import create_demo_awards
from sp2k.demo.competition import DEMO_EDITION_NAME, build_example_edition, build_open_edition
from sp2k.demo.documents import create_demo_decree
from sp2k.demo.evidence import create_demo_evidence
from sp2k.demo.kecamatan import create_demo_profiles_and_innovations


class Command(BaseCommand):
    help = "Create the demo data (accounts for each role, example competition). Idempotent; for trying the portal only."

    def handle(self, *args, **options):
        if not District.objects.filter(code="35.10.13").exists():
            raise CommandError("Load the regions first: python manage.py load_regions")
        rows = create_demo_accounts()
        self.stdout.write(self.style.WARNING("DEMO accounts (example data, not for production):"))
        width = max(len(r[0]) for r in rows)
        for username, password, role, scope in rows:
            self.stdout.write(f"  {username:<{width}}  {password}  {role} — {scope}")

        innovations = create_demo_profiles_and_innovations()
        self.stdout.write(f"Kecamatan profiles and innovations: {innovations} example innovations.")

        admin = User.objects.get(username="panitia-jatim")
        assessors = list(User.objects.filter(is_demo=True, role=Role.ASSESSOR, province_id="35").order_by("username"))
        edition = build_example_edition(admin, assessors)
        if edition is None:
            self.stdout.write("Example competition already there (left as it is).")
        else:
            self.stdout.write(self.style.WARNING(f"Example competition created: {edition.name} (example data)."))
        finished = Edition.objects.get(province_id="35", name=DEMO_EDITION_NAME)
        create_demo_evidence(finished)
        create_demo_awards(finished, admin)
        create_demo_decree(finished)
        open_edition = build_open_edition(admin, assessors)
        if open_edition is not None:
            self.stdout.write(
                self.style.WARNING(f"Competition in progress created: {open_edition.name} (example data).")
            )
