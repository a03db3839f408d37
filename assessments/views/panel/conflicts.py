"""Conflicts of interest that arise during assessment: the replacements of the assessors concerned."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from assessments.domain import assignments
from assessments.views.lookups import EditionMixin
from sp2k.permissions import PermissionRequiredMixin


class ReplacementView(EditionMixin, PermissionRequiredMixin, TemplateView):
    """GET: per stage, who leaves (a conflict of interest) and who comes in; nothing saved.
    POST: recompute the same plan and apply it, if nothing changed since it was shown."""

    permission_required = "assessments.manage_assessors"
    template_name = "assessments/participants/replacements.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            plan=assignments.propose_replacements(self.edition), locked=self.edition.results_final, **kwargs
        )

    def post(self, request, *args, **kwargs):
        plan = assignments.propose_replacements(self.edition)
        if request.POST.get("fingerprint") != plan.fingerprint:
            messages.warning(request, _("Assignments or conflicts changed meanwhile; check the new replacements."))
            return redirect("assessments:assessor_replacements", edition_pk=self.edition.pk)
        try:
            count = assignments.apply_replacements(plan)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("assessments:assessor_replacements", edition_pk=self.edition.pk)
        messages.success(request, _("%(count)d replacement assessors were assigned.") % {"count": count})
        return redirect("assessments:assessor_replacements", edition_pk=self.edition.pk)
