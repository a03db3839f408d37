"""Demo accounts for trying the portal (marked ``is_demo``; never for production).

Every demo account has a fictional e-mail address at example.org (a domain reserved for examples), so
that notices show what would be e-mailed without reaching anyone.
"""

from django.contrib.auth.hashers import make_password
from django.db import transaction

from districts.models import Regency
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
    # Operators of the other 2022 winners: they upload their kecamatan's evidence in the demo.
    ("operator-taman", "Operator Kecamatan Taman", Role.DISTRICT_OPERATOR, "district", "35.15.13", "Kecamatan Taman"),
    (
        "operator-tongas",
        "Operator Kecamatan Tongas",
        Role.DISTRICT_OPERATOR,
        "district",
        "35.13.23",
        "Kecamatan Tongas",
    ),
    (
        "operator-bumiaji",
        "Operator Kecamatan Bumiaji",
        Role.DISTRICT_OPERATOR,
        "district",
        "35.79.02",
        "Kecamatan Bumiaji",
    ),
    (
        "operator-pamekasan",
        "Operator Kecamatan Pamekasan",
        Role.DISTRICT_OPERATOR,
        "district",
        "35.28.04",
        "Kecamatan Pamekasan",
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


EMAIL_DOMAIN = "example.org"


def demo_email(username):
    """The fictional address of a demo account (example.org never delivers mail)."""
    return f"{username.replace('-', '.')}@{EMAIL_DOMAIN}"


def demo_password_hash():
    """The demo password's hash, computed once per run (hashing is slow by design: 0.5 s a time).

    An existing demo account whose hash still matches is reused, so loading twice changes no password.
    """
    existing = User.objects.filter(username="admin", is_demo=True).first()
    if existing is not None and existing.check_password(DEMO_PASSWORD):
        return existing.password
    return make_password(DEMO_PASSWORD)


def regency_admin_username(regency):
    """``pemkab-banyuwangi``, ``pemkot-batu``: the demo regency admin's user name, from the regency's name."""
    prefix = "pemkot" if regency.kind == Regency.Kind.KOTA else "pemkab"
    words = regency.name.split(maxsplit=1)
    name = words[-1] if words[0].lower() in ("kabupaten", "kota") else regency.name
    return f"{prefix}-{'-'.join(name.lower().split())}"


@transaction.atomic
def create_regency_admins(regency_codes, password_hash=None):
    """One demo regency admin per regency (the Bagian Pemerintahan that nominates its kecamatan).

    Returns {regency code: user}. Existing accounts are refreshed, none doubled.
    """
    password_hash = password_hash or demo_password_hash()
    admins = {}
    for regency in Regency.objects.filter(code__in=set(regency_codes)).order_by("code"):
        username = regency_admin_username(regency)
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={
                "full_name": f"Bagian Pemerintahan {regency.name}",
                "role": Role.REGENCY_ADMIN,
                "institution": f"Setda {regency.name}",
                "email": demo_email(username),
                "password": password_hash,
                "is_demo": True,
                "province_id": None,
                "regency_id": regency.code,
                "district_id": None,
            },
        )
        admins[regency.code] = user
    return admins


@transaction.atomic
def create_demo_accounts():
    """Create (or refresh) the demo accounts and a superuser ``admin``; returns rows to print."""
    rows = []
    password_hash = demo_password_hash()
    User.objects.update_or_create(
        username="admin",
        defaults={
            "full_name": "Administrator Teknis (demo)",
            "email": demo_email("admin"),
            "password": password_hash,
            "is_staff": True,
            "is_superuser": True,
            "is_demo": True,
        },
    )
    rows.append(("admin", DEMO_PASSWORD, "superuser", "—"))
    for username, full_name, role, scope_field, scope_code, institution in DEMO_ACCOUNTS:
        scope = {"province_id": None, "regency_id": None, "district_id": None, f"{scope_field}_id": scope_code}
        if username in DEMO_HOME_REGENCY:
            scope["regency_id"] = DEMO_HOME_REGENCY[username]
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={
                "full_name": full_name,
                "role": role,
                "institution": institution,
                "email": demo_email(username),
                "password": password_hash,
                "is_demo": True,
                **scope,
            },
        )
        rows.append((username, DEMO_PASSWORD, role.label, str(user.scope)))
    return rows
