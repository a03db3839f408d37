"""The province admin's field-visit schedule of a stage (plan all its visits at once) and the notice letters."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import FormView, TemplateView

from assessments.domain import visits
from assessments.domain.conflicts import conflict_pairs
from assessments.forms.visits import VisitLetterForm, VisitReasonForm, VisitRowForm
from assessments.models import FieldVisit
from assessments.queries.visits import stage_visit_rows, visit_changes
from assessments.views.lookups import StageMixin
from sp2k.permissions import PermissionRequiredMixin


class StageVisitsMixin(StageMixin, PermissionRequiredMixin):
    permission_required = "assessments.plan_visits"

    def get_permission_object(self):
        stage = self.stage
        if stage.kind != stage.Kind.FIELD_VISIT:
            raise Http404
        return stage


@dataclass
class TeamChoice:
    """One assessor's box in a row: ticked or not, and whether a conflict of interest keeps them off."""

    user: object
    checked: bool
    conflict: bool


class StageVisitsView(StageVisitsMixin, TemplateView):
    """The stage's visits, one card per kecamatan: date, time, assessors, meeting place; saved all at once."""

    template_name = "assessments/visits/stage_visits.html"

    @cached_property
    def assessors(self):
        return list(visits.visit_assessors(self.stage))

    def rows(self, data=None):
        rows = stage_visit_rows(self.stage)
        conflicts = conflict_pairs(self.assessors, [row.participant for row in rows])
        for row in rows:
            visit = row.visit
            initial = (
                {
                    "date": visit.date,
                    "starts_at": visit.starts_at,
                    "ends_at": visit.ends_at,
                    "meeting_place": visit.meeting_place,
                    "assessors": sorted(row.team_ids),
                }
                if visit
                else {}
            )
            row.form = VisitRowForm(data, prefix=f"p{row.participant.pk}", initial=initial, assessors=self.assessors)
            chosen = row.form.chosen_ids
            row.team = [
                TeamChoice(user, user.pk in chosen, (user.pk, row.participant.pk) in conflicts)
                for user in self.assessors
            ]
        return rows

    def get_context_data(self, **kwargs):
        kwargs.setdefault("rows", self.rows())
        kwargs.setdefault("reason_form", VisitReasonForm())
        return super().get_context_data(
            stage=self.stage,
            edition=self.stage.edition,
            editable=visits.visits_editable(self.stage),
            has_assessors=bool(self.assessors),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        rows = self.rows(request.POST)
        reason_form = VisitReasonForm(request.POST)
        if not all(row.form.is_valid() for row in rows) or not reason_form.is_valid():
            messages.error(request, _("Check the marked fields."))
            return self.render_to_response(self.get_context_data(rows=rows, reason_form=reason_form))
        plans = []
        for row in rows:
            data = row.form.cleaned_data
            if row.visit is None and row.form.is_blank:
                continue  # not planned yet, and left so
            plans.append(
                visits.VisitPlan(
                    participant=row.participant,
                    date=data["date"],
                    starts_at=data["starts_at"],
                    assessors=list(data["assessors"]),
                    ends_at=data["ends_at"],
                    meeting_place=data["meeting_place"],
                    notes=row.visit.notes if row.visit else "",
                )
            )
        try:
            saved = visits.plan_visits(self.stage, plans, request.user, reason=reason_form.cleaned_data["reason"])
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return self.render_to_response(self.get_context_data(rows=rows, reason_form=reason_form))
        messages.success(
            request,
            ngettext("%(count)d visit saved.", "%(count)d visits saved.", len(saved)) % {"count": len(saved)},
        )
        return redirect("assessments:stage_visits", self.stage.pk)


class VisitLetterView(StageVisitsMixin, FormView):
    """The notice letter to the camat (surat pemberitahuan) of one visit: its number and signatory, then the PDF."""

    template_name = "assessments/visits/visit_letter.html"
    form_class = VisitLetterForm

    @cached_property
    def visit(self):
        return get_object_or_404(
            FieldVisit.objects.select_related("participant__district__regency", "stage__edition__province"),
            stage=self.stage,
            pk=self.kwargs["visit_pk"],
        )

    def get_initial(self):
        return visits.letter_defaults(self.visit)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            stage=self.stage,
            edition=self.stage.edition,
            visit=self.visit,
            letters=visits.letters_of(self.visit),
            changes=visit_changes(self.visit),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            document = visits.issue_visit_notice(self.visit, self.request.user, **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
            return self.form_invalid(form)
        messages.success(
            self.request, _("Letter version %(version)d is ready to download.") % {"version": document.version}
        )
        return redirect("assessments:visit_letter", self.stage.pk, self.visit.pk)
