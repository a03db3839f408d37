"""Conflicts of interest: the one rule of who must not score whom."""

from django.db.models import Exists, F, OuterRef

from assessments.models import Assignment, Conflict


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
