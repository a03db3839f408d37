"""Rankings: a stage's, the final one, and how one participant's score was made; advancing the top N."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from assessments.domain import advancing, ranking
from assessments.models import Participant
from assessments.queries import sheets
from assessments.views.lookups import EditionMixin, ParticipantMixin, StageAdvanceMixin, StageMixin
from sp2k.paging import paginate
from sp2k.permissions import PermissionRequiredMixin


class StageRankingView(StageMixin, PermissionRequiredMixin, TemplateView):
    permission_required = "assessments.view_ranking"
    template_name = "assessments/ranking/stage_ranking.html"
    permission_object = "edition"
    public_when_published = True

    def get_context_data(self, **kwargs):
        stage, user = self.stage, self.request.user
        can_advance = user.has_perm("assessments.advance_stage", stage.edition)
        paged = paginate(self.request, ranking.stage_ranking(stage))
        rows = paged["page_obj"].object_list
        show_evidence_flags = user.has_perm("assessments.view_evidence_flags", stage.edition)
        if show_evidence_flags:
            rows = sheets.with_evidence_flags(rows, stage)
        context = {
            **paged,
            "stage": stage,
            "edition": stage.edition,
            "rows": rows,
            "show_evidence_flags": show_evidence_flags,
            "outlier_points": ranking.OUTLIER_POINTS,
            "can_advance": can_advance,
            # Once the results are final the shortlist is history: shown, no longer moved or reverted.
            "can_move": can_advance and not stage.edition.results_final,
        }
        if can_advance:
            context.update(
                next_stage=advancing.next_stage(stage),
                active_advance=advancing.active_advance(stage),
                default_n=stage.advance_count or 1,
            )
        return super().get_context_data(**context, **kwargs)


class StageAdvanceView(StageMixin, PermissionRequiredMixin, View):
    permission_required = "assessments.advance_stage"
    http_method_names = ["post"]
    permission_object = "edition"

    def post(self, request, stage_pk):
        try:
            n = int(request.POST.get("n", ""))
        except ValueError:
            n = None
        try:
            result = advancing.advance_top_n(self.stage, n, request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("%(count)d participants go on to the next stage.") % {"count": len(result.advanced)}
            )
            if result.tied_at_cut:
                messages.warning(
                    request,
                    _("%(extra)d more than %(n)d, because they tie at the cut.")
                    % {"extra": result.tied_at_cut, "n": n},
                )
        return redirect("assessments:stage_ranking", stage_pk=self.stage.pk)


class StageAdvanceRevertView(StageAdvanceMixin, PermissionRequiredMixin, View):
    permission_required = "assessments.advance_stage"
    http_method_names = ["post"]

    def post(self, request, advance_pk):
        try:
            advancing.revert_advance(self.advance, request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The advance was reverted."))
        return redirect("assessments:stage_ranking", stage_pk=self.advance.from_stage_id)


class FinalRankingView(EditionMixin, PermissionRequiredMixin, TemplateView):
    permission_required = "assessments.view_ranking"
    template_name = "assessments/ranking/final_ranking.html"
    public_when_published = True

    def get_context_data(self, **kwargs):
        rows = ranking.final_ranking(self.edition)
        stages = [stage for stage, _score in rows[0].stage_scores] if rows else []
        paged = paginate(self.request, rows)
        return super().get_context_data(
            edition=self.edition,
            rows=paged["page_obj"].object_list,
            stages=stages,
            can_verify=self.request.user.has_perm("assessments.verify_results", self.edition),
            **paged,
            **kwargs,
        )


class ParticipantExplanationView(ParticipantMixin, PermissionRequiredMixin, TemplateView):
    permission_required = "assessments.view_ranking"
    template_name = "assessments/ranking/participant_explanation.html"
    permission_object = "edition"
    public_when_published = True

    def get_participants(self):
        return super().get_participants().filter(status=Participant.Status.ACCEPTED)

    def get_context_data(self, **kwargs):
        explanation = ranking.explain(self.participant)
        show_names = self.request.user.has_perm("assessments.view_assessor_names", self.participant.edition)
        return super().get_context_data(explanation=explanation, show_names=show_names, **kwargs)
