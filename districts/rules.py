"""Who may see and change a kecamatan's profile and innovations.

Predicates take the kecamatan (a District) or anything that belongs to one: its profile, an
innovation, a photo of an innovation.
"""

import rules

from sp2k.accounts.rules import is_district_account, is_province_admin, is_regency_admin, is_superuser


def _district_code(obj):
    """The kecamatan code an object of this area belongs to (None for anything else)."""
    if obj is None:
        return None
    if hasattr(obj, "innovation_id"):  # a photo or a figure
        obj = obj.innovation
    code = getattr(obj, "district_id", None) or getattr(obj, "code", None)
    return code if isinstance(code, str) and len(code) == 8 else None


@rules.predicate
def is_own_kecamatan(user, obj):
    """The camat or an operator of this very kecamatan."""
    code = _district_code(obj)
    return bool(code and is_district_account(user) and user.district_id == code)


@rules.predicate
def is_regency_admin_of_kecamatan(user, obj):
    code = _district_code(obj)
    return bool(code and is_regency_admin(user) and user.regency_id == code[:5])


@rules.predicate
def is_province_admin_of_kecamatan(user, obj):
    code = _district_code(obj)
    return bool(code and is_province_admin(user) and user.province_id == code[:2])


@rules.predicate
def is_published_innovation(user, obj):
    innovation = getattr(obj, "innovation", obj)
    return bool(getattr(innovation, "is_published", False))


# The regency and province admins of the area read what the kecamatan wrote; they do not edit it.
oversees_kecamatan = is_superuser | is_regency_admin_of_kecamatan | is_province_admin_of_kecamatan
can_view_kecamatan = is_own_kecamatan | oversees_kecamatan

# Object: the District.
rules.add_perm("districts.open_own_kecamatan", is_district_account)
rules.add_perm("districts.view_kecamatan_profile", can_view_kecamatan)
rules.add_perm("districts.change_kecamatan_profile", is_own_kecamatan)
rules.add_perm("districts.view_kecamatan_innovations", can_view_kecamatan)
rules.add_perm("districts.add_kecamatan_innovation", is_own_kecamatan)
# Object: the Innovation (or one of its photos). Published innovations and their photos are public.
rules.add_perm("districts.view_kecamatan_innovation", is_published_innovation | can_view_kecamatan)
rules.add_perm("districts.change_kecamatan_innovation", is_own_kecamatan)
# Object: the DistrictProfile (the office photo is not public).
rules.add_perm("districts.view_kecamatan_office_photo", can_view_kecamatan)

# The Django admin is for the technical operators (superusers) only.
for _model in ("districtprofile", "innovation", "innovationfigure", "innovationphoto"):
    for _action in ("view", "add", "change", "delete"):
        rules.add_perm(f"districts.{_action}_{_model}", is_superuser)
