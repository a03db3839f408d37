"""Which editions a person may see."""

from assessments.models import Edition
from sp2k.accounts.models import Role


def editions_visible_to(user):
    """Editions a user may see inside the portal: its province's (admins) or its own (assessors).

    Provinces are separate tenants: nothing of another province is ever returned.
    """

    if not user.is_authenticated:
        return Edition.objects.published()
    if user.is_superuser:
        return Edition.objects.all()
    if user.role == Role.PROVINCE_ADMIN:
        return Edition.objects.filter(province_id=user.province_id)
    if user.role == Role.ASSESSOR:
        return Edition.objects.filter(assessors__user=user)
    province = user.scope_province_id
    return Edition.objects.filter(province_id=province).announced() if province else Edition.objects.none()
