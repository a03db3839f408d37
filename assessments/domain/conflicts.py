"""Conflicts of interest: the one rule of who must not score whom.

An assessor conflicts automatically with every kecamatan of its home regency, and with any participant
it declared a conflict with. The rule is written here once, in two forms: for one pair (``has_conflict``)
and as database conditions on rows that have an ``assessor`` and a ``participant`` (assignments,
sheets), so that lists, rankings and reminders filter in the database.
"""

from django.db.models import BooleanField, Exists, ExpressionWrapper, F, OuterRef, Q

from assessments.models import Assignment, Conflict


def is_home_regency_conflict(assessor, participant):
    return bool(assessor.regency_id) and assessor.regency_id == participant.district.regency_id


def has_conflict(assessor, participant):
    """Whether the assessor must not score the participant."""
    return (
        is_home_regency_conflict(assessor, participant)
        or Conflict.objects.filter(assessor=assessor, participant=participant).exists()
    )


def home_regency_conflict():
    """The condition: the row's participant lies in its assessor's home regency."""
    return Q(assessor__regency_id=F("participant__district__regency_id"))


def declared_conflict():
    """The condition: the row's assessor declared a conflict with its participant."""
    return Exists(Conflict.objects.filter(assessor=OuterRef("assessor"), participant=OuterRef("participant")))


def with_conflict_flags(rows):
    """The rows annotated with ``home_conflict`` and ``declared_conflict`` (booleans)."""
    return rows.annotate(
        home_conflict=ExpressionWrapper(home_regency_conflict(), output_field=BooleanField()),
        declared_conflict=declared_conflict(),
    )


def without_conflicts(rows):
    """The rows that count: neither opened, counted nor "missing" when their assessor has a conflict."""
    return rows.exclude(home_regency_conflict()).exclude(declared_conflict())


def assignments_without_conflict(stage):
    """The stage's assignments whose assessor has no conflict of interest."""
    return without_conflicts(Assignment.objects.filter(stage=stage))
