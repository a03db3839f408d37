"""Reads shared by the whole competition app. Area-specific reads live in their own modules."""

from django.db.models import Exists, OuterRef

from assessments.models import Participant, Stage, StageEntry


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
