"""The province's verification page: replay the edition's results from the score history (a background job)."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from assessments.domain import replay
from assessments.models import ResultsVerification
from assessments.queries.verification import verification_page
from assessments.views.lookups import EditionMixin, EditionObjectMixin
from sp2k.permissions import PermissionRequiredMixin


class VerificationView(EditionMixin, PermissionRequiredMixin, TemplateView):
    permission_required = "assessments.verify_results"
    template_name = "assessments/verification/edition.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(page=verification_page(self.edition), **kwargs)


class VerificationStartView(EditionMixin, PermissionRequiredMixin, View):
    permission_required = "assessments.verify_results"
    http_method_names = ["post"]

    def post(self, request, edition_pk):
        replay.start_verification(self.edition, request.user)
        messages.success(request, _("The replay has started; its progress is shown below."))
        return redirect(reverse("assessments:results_verification", args=[self.edition.pk]) + "#replay")


class VerificationProgressView(EditionObjectMixin, PermissionRequiredMixin, TemplateView):
    """A replay's progress and, once done, its outcome; htmx polls it every second while it runs."""

    permission_required = "assessments.verify_results"
    template_name = "assessments/verification/_run.html"

    @cached_property
    def run(self):
        return self.find(ResultsVerification.objects.select_related("edition__province"), pk=self.kwargs["pk"])

    @cached_property
    def edition(self):
        return self.run.edition

    def get_context_data(self, **kwargs):
        differences = replay.differences_of(self.run) if self.run.is_done else []
        return super().get_context_data(run=self.run, differences=differences, show_assessors=True, **kwargs)
