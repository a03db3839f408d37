from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from assessments.models import Edition
from districts.models import District
from sp2k.accounts.models import Role, User
from sp2k.demo.accounts import create_demo_accounts, create_regency_admins
from sp2k.demo.awards import create_demo_awards
from sp2k.demo.competition import (
    DEMO_EDITION_NAME,
    build_example_edition,
    build_open_edition,
    demo_participant_codes,
    set_nominators,
)
from sp2k.demo.documents import create_demo_decree
from sp2k.demo.evidence import create_current_evidence, create_demo_evidence
from sp2k.demo.kecamatan import create_demo_profiles_and_innovations
from sp2k.demo.timeline import date_example_edition


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
        # The same password as the accounts above (its hash reused: hashing takes half a second each time).
        password_hash = User.objects.get(username="admin").password
        regency_admins = create_regency_admins({code[:5] for code in demo_participant_codes("35")}, password_hash)
        names = sorted(user.username for user in regency_admins.values())
        self.stdout.write(
            f"  Regency admins who nominate their kecamatan ({len(names)}, same password): {', '.join(names)}"
        )

        innovations = create_demo_profiles_and_innovations()
        self.stdout.write(f"Kecamatan profiles and innovations: {innovations} example innovations.")

        admin = User.objects.get(username="panitia-jatim")
        assessors = list(User.objects.filter(is_demo=True, role=Role.ASSESSOR, province_id="35").order_by("username"))
        edition = build_example_edition(admin, assessors, regency_admins)
        if edition is None:
            self.stdout.write("Example competition already there (left as it is).")
        else:
            self.stdout.write(self.style.WARNING(f"Example competition created: {edition.name} (example data)."))
        finished = Edition.objects.get(province_id="35", name=DEMO_EDITION_NAME)
        set_nominators(finished, regency_admins)
        create_demo_evidence(finished)
        create_demo_decree(finished)
        create_demo_awards(finished, admin)
        date_example_edition(finished)
        open_edition = build_open_edition(admin, assessors, regency_admins=regency_admins)
        if open_edition is not None:
            self.stdout.write(
                self.style.WARNING(f"Competition in progress created: {open_edition.name} (example data).")
            )
        current = Edition.objects.filter(province_id="35", year=timezone.localdate().year, is_demo=True).first()
        if current is not None:
            set_nominators(current, regency_admins)
            files = create_current_evidence(current)
            if files:
                self.stdout.write(f"Evidence uploaded in {current.name}: {files} example files.")
