"""Demo accounts for trying the portal (marked ``is_demo``; never for production)."""

from django.db import transaction

from sp2k.accounts.models import Role, User

DEMO_PASSWORD = "demo-sp2k-2022"  # noqa: S105 - printed by load_demo, for demo accounts only

# username, full name, role, scope field, scope code, institution
DEMO_ACCOUNTS = [
    (
        "panitia-jatim",
        "Panitia SP2K Biro Pemerintahan Jawa Timur",
        Role.PROVINCE_ADMIN,
        "province",
        "35",
        "Biro Pemerintahan dan Otonomi Daerah Setdaprov Jawa Timur",
    ),
    (
        "pemkab-banyuwangi",
        "Bagian Pemerintahan Kabupaten Banyuwangi",
        Role.REGENCY_ADMIN,
        "regency",
        "35.10",
        "Setda Kabupaten Banyuwangi",
    ),
    ("camat-rogojampi", "Camat Rogojampi", Role.CAMAT, "district", "35.10.13", "Kecamatan Rogojampi"),
    (
        "operator-rogojampi",
        "Operator Kecamatan Rogojampi",
        Role.DISTRICT_OPERATOR,
        "district",
        "35.10.13",
        "Kecamatan Rogojampi",
    ),
    ("penilai-bappeda", "Penilai Bappeda Jawa Timur", Role.ASSESSOR, "province", "35", "Bappeda Provinsi Jawa Timur"),
    ("penilai-organisasi", "Penilai Biro Organisasi", Role.ASSESSOR, "province", "35", "Biro Organisasi Setdaprov"),
    ("penilai-dpmd", "Penilai DPMD Jawa Timur", Role.ASSESSOR, "province", "35", "Dinas PMD Provinsi Jawa Timur"),
    (
        "penilai-pemerintahan",
        "Penilai Biro Pemerintahan",
        Role.ASSESSOR,
        "province",
        "35",
        "Biro Pemerintahan dan Otonomi Daerah",
    ),
    ("penilai-unair", "Penilai Universitas Airlangga", Role.ASSESSOR, "province", "35", "Universitas Airlangga"),
    ("penilai-jpip", "Penilai JPIP", Role.ASSESSOR, "province", "35", "Jawa Pos Institute of Pro-Otonomi (JPIP)"),
    ("penilai-sidoarjo", "Penilai asal Sidoarjo", Role.ASSESSOR, "province", "35", "Universitas Airlangga"),
    (
        "panitia-jabar",
        "Panitia Provinsi Jawa Barat",
        Role.PROVINCE_ADMIN,
        "province",
        "32",
        "Biro Pemerintahan dan Kerja Sama Setda Jawa Barat",
    ),
]
# The Sidoarjo assessor shows the automatic conflict of interest with Taman (Kabupaten Sidoarjo).
DEMO_HOME_REGENCY = {"penilai-sidoarjo": "35.15"}


@transaction.atomic
def create_demo_accounts():
    """Create (or refresh) the demo accounts and a superuser ``admin``; returns rows to print."""
    rows = []
    admin, _ = User.objects.update_or_create(
        username="admin",
        defaults={"full_name": "Administrator Teknis (demo)", "is_staff": True, "is_superuser": True, "is_demo": True},
    )
    admin.set_password(DEMO_PASSWORD)
    admin.save()
    rows.append(("admin", DEMO_PASSWORD, "superuser", "—"))
    for username, full_name, role, scope_field, scope_code, institution in DEMO_ACCOUNTS:
        scope = {"province_id": None, "regency_id": None, "district_id": None, f"{scope_field}_id": scope_code}
        if username in DEMO_HOME_REGENCY:
            scope["regency_id"] = DEMO_HOME_REGENCY[username]
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={"full_name": full_name, "role": role, "institution": institution, "is_demo": True, **scope},
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        rows.append((username, DEMO_PASSWORD, role.label, str(user.scope)))
    return rows
