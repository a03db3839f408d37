"""Advance the top N: pass a stage's best participants on to the next stage, and undo it.

The first stage's participants are all accepted participants (``selectors.stage_participants``), so
nothing has to be created for it; ``ensure_first_stage_entries`` exists for screens or exports that
want explicit rows. Later stages hold exactly the ``StageEntry`` rows made here.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.domain.awards import withdraw_on_change
from assessments.domain.ranking import stage_ranking
from assessments.models import Participant, Score, Stage, StageAdvance, StageEntry
from assessments.queries.stages import is_first_stage


@dataclass
class AdvanceResult:
    advance: StageAdvance
    advanced: list  # the participants passed on, best first
    tied_at_cut: int  # how many more than n were taken because they tie at the cut


def next_stage(stage):
    return Stage.objects.filter(edition_id=stage.edition_id, order__gt=stage.order).order_by("order").first()


def active_advance(stage):
    """The stage's advance that is still in force (not reverted), if any."""
    return StageAdvance.objects.filter(from_stage=stage, reverted_at__isnull=True).order_by("-at", "-pk").first()


def _next_stage_has_scores(stage):
    return Score.objects.filter(sheet__stage=stage, value__isnull=False).exists()


def advance_top_n(stage, n, by):
    """Put the top ``n`` of the stage's ranking into the next stage, and record it.

    Ties at the cut are all taken (ranks 1, 2, 3, 3 with n = 3 pass on four); the result says how
    many extra that made. Refused when there is no next stage, the next stage already has
    participants, the results are final, or nobody in the stage has a counted score.
    """
    if n is None or n < 1:
        raise ValidationError(_("Say how many participants go on (at least 1)."))
    with transaction.atomic():
        # Lock the stage so two admins clicking at once cannot both advance.
        stage = Stage.objects.select_for_update().select_related("edition").get(pk=stage.pk)
        if stage.edition.results_final:
            raise ValidationError(_("The results of this edition are final; participants can no longer be moved."))
        target = next_stage(stage)
        if target is None:
            raise ValidationError(_("This is the last stage: there is no stage to advance to."))
        if StageEntry.objects.filter(stage=target).exists():
            raise ValidationError(
                _("Stage “%(stage)s” already has participants. Revert the earlier advance first.") % {"stage": target}
            )
        ranked = [row for row in stage_ranking(stage) if row.rank is not None]
        if not ranked:
            raise ValidationError(_("Nobody in this stage has a submitted score yet."))
        chosen = [row.participant for row in ranked if row.rank <= n]
        advance = StageAdvance.objects.create(from_stage=stage, count=n, by=by)
        StageEntry.objects.bulk_create(StageEntry(stage=target, participant=p, advanced_by=by) for p in chosen)
        withdraw_on_change(
            stage.edition,
            by,
            _("The top %(n)s of stage “%(stage)s” went on to “%(target)s”.")
            % {"n": n, "stage": stage, "target": target},
        )
    return AdvanceResult(advance=advance, advanced=chosen, tied_at_cut=max(0, len(chosen) - n))


def revert_advance(advance, by):
    """Undo an advance: remove the next stage's participants. Only while the next stage has no scores."""
    with transaction.atomic():
        advance = StageAdvance.objects.select_for_update().select_related("from_stage__edition").get(pk=advance.pk)
        stage = advance.from_stage
        if advance.reverted_at is not None:
            raise ValidationError(_("This advance has already been reverted."))
        if stage.edition.results_final:
            raise ValidationError(_("The results of this edition are final; participants can no longer be moved."))
        target = next_stage(stage)
        if target is not None:
            if _next_stage_has_scores(target):
                raise ValidationError(
                    _("Stage “%(stage)s” already has scores, so this advance can no longer be reverted.")
                    % {"stage": target}
                )
            later = next_stage(target)
            if later is not None and StageEntry.objects.filter(stage=later).exists():
                raise ValidationError(
                    _("Participants have already gone on from “%(stage)s”; revert that advance first.")
                    % {"stage": target}
                )
            StageEntry.objects.filter(stage=target).delete()
        advance.reverted_by = by
        advance.reverted_at = timezone.now()
        advance.save(update_fields=["reverted_by", "reverted_at"])
        withdraw_on_change(stage.edition, by, _("The advance from stage “%(stage)s” was reverted.") % {"stage": stage})
    return advance


def ensure_first_stage_entries(edition, by=None):
    """Create the missing StageEntry rows of the first stage for the accepted participants (idempotent)."""
    first = edition.stages.order_by("order").first()
    if first is None or not is_first_stage(first):
        return 0
    accepted = Participant.objects.filter(edition=edition, status=Participant.Status.ACCEPTED).exclude(
        stage_entries__stage=first
    )
    created = StageEntry.objects.bulk_create(StageEntry(stage=first, participant=p, advanced_by=by) for p in accepted)
    return len(created)
