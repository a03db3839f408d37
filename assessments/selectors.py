"""Reads shared by the whole competition app. Area-specific reads live in their own modules."""

from django.db.models import Exists, F, OuterRef

from .models import Assignment, Conflict, Edition, Participant


def editions_visible_to(user):
    """Editions a user may see inside the portal: its province's (admins) or its own (assessors).

    Provinces are separate tenants: nothing of another province is ever returned.
    """
    from sp2k.accounts.models import Role

    if not user.is_authenticated:
        return Edition.objects.filter(state=Edition.State.PUBLISHED)
    if user.is_superuser:
        return Edition.objects.all()
    if user.role == Role.PROVINCE_ADMIN:
        return Edition.objects.filter(province_id=user.province_id)
    if user.role == Role.ASSESSOR:
        return Edition.objects.filter(assessors__user=user)
    province = user.scope_province_id
    return (
        Edition.objects.filter(province_id=province).exclude(state=Edition.State.DRAFT)
        if province
        else Edition.objects.none()
    )


def has_conflict(assessor, participant):
    """Whether the assessor must not score the participant."""
    if assessor.regency_id and assessor.regency_id == participant.district.regency_id:
        return True
    return Conflict.objects.filter(assessor=assessor, participant=participant).exists()


def assignments_without_conflict(stage):
    """The stage's assignments that count: those whose assessor has no conflict of interest.

    An assessor conflicts automatically with every kecamatan of its home regency, and with any
    participant it declared a conflict with; such sheets are neither opened nor "missing".
    """
    declared = Conflict.objects.filter(assessor=OuterRef("assessor"), participant=OuterRef("participant"))
    return (
        Assignment.objects.filter(stage=stage)
        .exclude(assessor__regency_id=F("participant__district__regency_id"))
        .exclude(Exists(declared))
    )


def accepted_participants(edition):
    return Participant.objects.filter(edition=edition, status=Participant.Status.ACCEPTED)
