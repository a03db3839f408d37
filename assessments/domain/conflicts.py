"""Conflicts of interest: the one rule of who must not score whom.

An assessor conflicts automatically with every kecamatan of its home regency, with any participant it
declared a conflict with, and with every kecamatan of a regency it declared a conflict with (its government
is the assessor's institution or employer: a conflict by institution). The rule is written here once, in
two forms: for one pair (``has_conflict``, ``conflict_pairs`` for many at once) and as database conditions
on rows that have an ``assessor`` and a ``participant`` (assignments, sheets), so that lists, rankings and
reminders filter in the database.
"""

from collections import defaultdict

from django.db.models import BooleanField, Exists, ExpressionWrapper, F, OuterRef, Q

from assessments.models import Assignment, Conflict


def is_home_regency_conflict(assessor, participant):
    return bool(assessor.regency_id) and assessor.regency_id == participant.district.regency_id


def has_conflict(assessor, participant):
    """Whether the assessor must not score the participant."""
    return (
        is_home_regency_conflict(assessor, participant)
        or Conflict.objects.filter(assessor=assessor)
        .filter(
            Q(participant=participant)
            | Q(regency_id=participant.district.regency_id, edition_id=participant.edition_id)
        )
        .exists()
    )


def declared_pairs(assessor_ids, participants):
    """The (assessor pk, participant pk) pairs among ``assessor_ids`` × ``participants`` (participants with their
    district loaded) that a declared conflict covers, by kecamatan or by regency (one query)."""
    assessor_ids = list(assessor_ids)
    participants = list(participants)
    if not assessor_ids or not participants:
        return set()
    by_regency = defaultdict(list)
    for participant in participants:
        by_regency[(participant.edition_id, participant.district.regency_id)].append(participant.pk)
    pairs = set()
    rows = Conflict.objects.filter(assessor_id__in=assessor_ids).filter(
        Q(participant_id__in=[participant.pk for participant in participants])
        | Q(regency_id__in={regency_id for _edition_id, regency_id in by_regency})
    )
    for assessor_id, participant_id, edition_id, regency_id in rows.values_list(
        "assessor_id", "participant_id", "edition_id", "regency_id"
    ):
        if participant_id is not None:
            pairs.add((assessor_id, participant_id))
        else:
            pairs.update((assessor_id, pk) for pk in by_regency.get((edition_id, regency_id), ()))
    return pairs


def conflict_pairs(assessors, participants):
    """The (assessor pk, participant pk) pairs of ``assessors`` × ``participants`` (participants with their
    district loaded) that have a conflict: ``has_conflict`` for many pairs at once, in one query."""
    assessor_ids = [assessor.pk for assessor in assessors]
    participant_ids = [participant.pk for participant in participants]
    pairs = {
        (assessor.pk, participant.pk)
        for assessor in assessors
        for participant in participants
        if is_home_regency_conflict(assessor, participant)
    }
    if assessor_ids and participant_ids:
        pairs |= declared_pairs(assessor_ids, participants)
    return pairs


def home_regency_conflict():
    """The condition: the row's participant lies in its assessor's home regency."""
    return Q(assessor__regency_id=F("participant__district__regency_id"))


def declared_conflict():
    """The condition: the row's assessor declared a conflict with its participant, or with its participant's
    regency in the participant's edition."""
    return Exists(
        Conflict.objects.filter(assessor=OuterRef("assessor")).filter(
            Q(participant=OuterRef("participant"))
            | Q(
                regency_id=OuterRef("participant__district__regency_id"), edition_id=OuterRef("participant__edition_id")
            )
        )
    )


def with_conflict_flags(rows):
    """The rows annotated with ``home_conflict`` and ``declared_conflict`` (booleans)."""
    return rows.annotate(
        home_conflict=ExpressionWrapper(home_regency_conflict(), output_field=BooleanField()),
        declared_conflict=declared_conflict(),
    )


def is_flagged_conflict(row):
    """Whether a row of ``with_conflict_flags`` has a conflict (no query)."""
    return bool(row.home_conflict or row.declared_conflict)


def without_conflicts(rows):
    """The rows that count: neither opened, counted nor "missing" when their assessor has a conflict."""
    return rows.exclude(home_regency_conflict()).exclude(declared_conflict())


def assignments_without_conflict(stage):
    """The stage's assignments whose assessor has no conflict of interest."""
    return without_conflicts(Assignment.objects.filter(stage=stage))
