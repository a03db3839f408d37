"""Reads about accounts: who an admin may manage, and what each role's dashboard shows."""

from django.db.models import Case, Count, Q, Value, When

from districts.models.regions import District, Province, Regency
from sp2k.accounts.models import DISTRICT_ROLES, Role, User

ACCOUNT_RELATED = ("province", "regency__province", "district__regency")
# Lists show the roles in the Role enum's order (committee first), not alphabetically.
ROLE_ORDER = Case(*(When(role=role.value, then=Value(index)) for index, role in enumerate(Role)), default=Value(99))


def manageable_users(user):
    """The accounts a user may list and edit: a province admin its own province's, a superuser all."""
    if not user.is_authenticated or not user.is_active:
        return User.objects.none()
    if user.is_superuser:
        return User.objects.all()
    if user.role == Role.PROVINCE_ADMIN and user.province_id:
        return User.objects.in_province(user.province_id)
    return User.objects.none()


def user_list(user, *, role="", query=""):
    """The account list page's rows, with what each row shows already joined (one query per page)."""
    users = manageable_users(user).select_related(*ACCOUNT_RELATED)
    if role:
        users = users.filter(role=role)
    if query:
        users = users.filter(Q(full_name__icontains=query) | Q(username__icontains=query))
    return users.order_by(ROLE_ORDER, "username")


def role_counts(users):
    """Number of accounts per role in one aggregate query, with every role present (zeros included)."""
    counts = users.aggregate(**{role.value: Count("pk", filter=Q(role=role.value)) for role in Role})
    return [(role, counts[role.value]) for role in Role]


def province_regencies(province_code):
    return Regency.objects.filter(province_id=province_code).order_by("code")


def province_districts(province_code):
    return District.objects.filter(regency__province_id=province_code).select_related("regency").order_by("code")


def province_dashboard(user):
    province = user.province
    accounts = User.objects.in_province(province.code)
    return {
        "province": province,
        "regency_count": Regency.objects.filter(province=province).count(),
        "district_count": District.objects.filter(regency__province=province).count(),
        "accounts_by_role": role_counts(accounts),
        "inactive_count": accounts.filter(is_active=False).count(),
    }


def regency_dashboard(user):
    regency = Regency.objects.select_related("province").get(pk=user.regency_id)
    districts = list(regency.districts.order_by("code"))
    # The scope foreign keys have no reverse accessor (related_name="+"), so accounts are grouped here.
    by_district = {}
    for account in User.objects.filter(district__regency=regency).order_by("role", "full_name"):
        by_district.setdefault(account.district_id, []).append(account)
    for district in districts:
        district.account_list = by_district.get(district.code, [])
    return {
        "regency": regency,
        "districts": districts,
        "regency_accounts": User.objects.filter(regency=regency, role=Role.REGENCY_ADMIN).order_by("full_name"),
    }


def district_dashboard(user):
    district = District.objects.select_related("regency__province").get(pk=user.district_id)
    return {
        "district": district,
        "district_accounts": User.objects.filter(district=district, role__in=DISTRICT_ROLES).order_by(
            "role", "full_name"
        ),
    }


def assessor_dashboard(user):
    """The assessor's province and home regency; ``sp2k.dashboards`` adds what it has to score."""
    return {"province": user.province, "home_regency": user.regency}


def superuser_dashboard(user):
    return {"province_count": Province.objects.count(), "user_count": User.objects.count()}
