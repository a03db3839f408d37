"""Reads of the field-visit schedule: the planning table of a stage, and the visits on the home pages.

Each read is a fixed number of queries whatever the number of visits (the teams are prefetched).
"""

from dataclasses import dataclass

from django.db.models import Count, Prefetch
from django.utils import timezone

from assessments.models import Edition, FieldVisit, FieldVisitChange, Stage, StageEntry
from sp2k.accounts.models import User


@dataclass
class VisitRow:
    """One line of a stage's planning table: a participant of the stage and its visit, if planned."""

    participant: object
    visit: FieldVisit | None

    @property
    def team_ids(self):
        return {user.pk for user in self.visit.assessors.all()} if self.visit else set()


def _with_team(queryset):
    return queryset.prefetch_related(
        Prefetch("assessors", queryset=User.objects.order_by("full_name", "username"))
    ).annotate(change_count=Count("changes", distinct=True))


def stage_visit_rows(stage):
    """Every participant of the stage (by kecamatan name) with its visit: 3 queries."""
    visits = {visit.participant_id: visit for visit in _with_team(FieldVisit.objects.filter(stage=stage))}
    entries = (
        StageEntry.objects.filter(stage=stage)
        .select_related("participant__district__regency")
        .order_by("participant__district__name", "participant__district_id")
    )
    return [VisitRow(entry.participant, visits.get(entry.participant_id)) for entry in entries]


def _upcoming(queryset, today):
    return _with_team(
        queryset.filter(date__gte=today)
        .exclude(stage__edition__state__in=Edition.RESULTS_FINAL_STATES)
        .select_related("stage__edition", "participant__district__regency")
        .order_by("date", "starts_at", "pk")
    )


def district_visits(district_id, today=None):
    """The coming field visits of a kecamatan (its camat's and operators' home page): 2 queries."""
    today = today or timezone.localdate()
    return list(_upcoming(FieldVisit.objects.filter(participant__district_id=district_id), today))


def regency_visits(regency_id, today=None):
    """The coming field visits to the kecamatan of a regency (its regency admins' home page): 2 queries."""
    today = today or timezone.localdate()
    return list(_upcoming(FieldVisit.objects.filter(participant__district__regency_id=regency_id), today))


def assessor_visits(user, today=None):
    """(today's visits, later ones) of an assessor's teams (the assessor's home page): 2 queries."""
    today = today or timezone.localdate()
    visits = list(_upcoming(FieldVisit.objects.filter(assessors=user), today))
    return [v for v in visits if v.date == today], [v for v in visits if v.date > today]


def visit_changes(visit):
    """A visit's moves, oldest first."""
    return FieldVisitChange.objects.filter(visit=visit).select_related("by").order_by("at", "pk")


def province_visit_stages(province_id):
    """The field-visit stages of the province's editions whose results are not final, each with how many
    of its participants have a visit planned (the province admin's home page): 1 query."""
    return list(
        Stage.objects.filter(edition__province_id=province_id, kind=Stage.Kind.FIELD_VISIT)
        .exclude(edition__state__in=Edition.RESULTS_FINAL_STATES)
        .exclude(edition__state=Edition.State.DRAFT)
        .select_related("edition")
        .annotate(
            entry_count=Count("entries", distinct=True),
            planned_count=Count("visits", distinct=True),
        )
        .order_by("edition__name", "order")
    )
