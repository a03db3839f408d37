"""Reads about assessors: what each one has to score, stage by stage."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef

from assessments.domain.conflicts import without_conflicts
from assessments.models import Assignment, Edition, ScoreSheet, Stage, StageEntry


@dataclass
class StageWorkload:
    stage: Stage
    assigned: int  # sheets the assessor must score (conflicts of interest left out)
    started: int
    submitted: int

    @property
    def edition(self):
        return self.stage.edition

    @property
    def remaining(self):
        return self.assigned - self.submitted


def assessor_workload(assessor):
    """The stages the assessor scores in, each with its counts; in two queries, whatever the numbers.

    Only editions past their draft count, and only participants that take part in the stage.
    """
    entries = StageEntry.objects.filter(stage=OuterRef("stage"), participant=OuterRef("participant"))
    sheets = ScoreSheet.objects.filter(
        stage=OuterRef("stage"), assessor=OuterRef("assessor"), participant=OuterRef("participant")
    )
    counts = (
        without_conflicts(Assignment.objects.filter(assessor=assessor))
        .filter(Exists(entries))
        .filter(stage__edition__in=Edition.objects.announced())
        .values("stage")
        .annotate(
            assigned=Count("pk"),
            started=Count("pk", filter=Exists(sheets)),
            submitted=Count("pk", filter=Exists(sheets.filter(status=ScoreSheet.Status.SUBMITTED))),
        )
    )
    by_stage = {row["stage"]: row for row in counts}
    stages = (
        Stage.objects.filter(pk__in=by_stage)
        .select_related("edition")
        .order_by("-edition__year", "edition__name", "order")
    )
    return [
        StageWorkload(
            stage=stage,
            assigned=by_stage[stage.pk]["assigned"],
            started=by_stage[stage.pk]["started"],
            submitted=by_stage[stage.pk]["submitted"],
        )
        for stage in stages
    ]
