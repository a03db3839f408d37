"""Reads shared by the whole competition app. Area-specific reads live in their own modules."""

from django.db.models import Exists, F, OuterRef

from .models import Assignment, Conflict, Edition, Participant, Stage, StageEntry


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


def without_conflicts(rows):
    """The rows (assignments, sheets: anything with ``assessor`` and ``participant``) that count.

    An assessor conflicts automatically with every kecamatan of its home regency, and with any
    participant it declared a conflict with; such rows are neither opened, counted nor "missing".
    """
    declared = Conflict.objects.filter(assessor=OuterRef("assessor"), participant=OuterRef("participant"))
    return rows.exclude(assessor__regency_id=F("participant__district__regency_id")).exclude(Exists(declared))


def assignments_without_conflict(stage):
    """The stage's assignments whose assessor has no conflict of interest."""
    return without_conflicts(Assignment.objects.filter(stage=stage))


def is_first_stage(stage):
    return not Stage.objects.filter(edition_id=stage.edition_id, order__lt=stage.order).exists()


def stage_participants(stage):
    """Who takes part in a stage: the accepted participants with an entry in it.

    The first stage, before its entries exist (they are made when the assessment starts), holds every
    accepted participant of the edition.
    """
    accepted = Participant.objects.filter(edition_id=stage.edition_id, status=Participant.Status.ACCEPTED)
    entries = StageEntry.objects.filter(stage=stage)
    if is_first_stage(stage) and not entries.exists():
        return accepted
    return accepted.filter(Exists(entries.filter(participant=OuterRef("pk"))))
