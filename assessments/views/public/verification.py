"""The public verification page of a published edition: how its results can be checked, and the replay's outcome."""

from django.views.generic import TemplateView

from assessments.queries.verification import verification_page
from assessments.views.public.results import PublishedEditionMixin


class EditionVerificationView(PublishedEditionMixin, TemplateView):
    template_name = "results/verification.html"

    def get_context_data(self, **kwargs):
        page = verification_page(self.edition, published=True)
        return super().get_context_data(edition=self.edition, page=page, **kwargs)
