"""Public results: the history of published editions, one edition's results, its downloads.

An edition that is not published does not exist here: every page answers 404 for it, to everyone
(the province admin previews the results on its own awards and ranking pages).
"""

from django.http import Http404, HttpResponse
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.views import View
from django.views.generic import TemplateView

from assessments.domain import exports
from assessments.models import Award, Edition
from assessments.queries import results as selectors
from districts.models import DistrictProfile
from sp2k.files import serve_image
from sp2k.permissions import PermissionRequiredMixin


class PublishedEditionMixin(PermissionRequiredMixin):
    permission_required = "assessments.view_results"

    @cached_property
    def edition(self):
        try:
            return selectors.published_edition(self.kwargs["edition_pk"])
        except Edition.DoesNotExist:
            raise Http404 from None

    def get_permission_object(self):
        return self.edition


class HistoryView(PermissionRequiredMixin, TemplateView):
    permission_required = "portal.view_public"
    template_name = "results/history.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(editions=list(selectors.published_editions()), **kwargs)


class EditionResultsView(PublishedEditionMixin, TemplateView):
    template_name = "results/edition_results.html"

    def get_context_data(self, **kwargs):
        edition = self.edition
        rows = selectors.result_rows(edition)
        return super().get_context_data(
            edition=edition,
            stages=selectors.stages_of(edition),
            rows=rows,
            winners=selectors.winners(edition),
            chart=selectors.score_chart(rows),
            **kwargs,
        )


def _download_name(edition, extension):
    return f"hasil-{slugify(edition.name)}.{extension}"


class ResultsCsvView(PublishedEditionMixin, View):
    def get(self, request, *args, **kwargs):
        edition = self.edition
        body = exports.results_csv(selectors.stages_of(edition), selectors.result_rows(edition))
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{_download_name(edition, "csv")}"'
        return response


class ResultsExcelView(PublishedEditionMixin, View):
    def get(self, request, *args, **kwargs):
        edition = self.edition
        body = exports.results_xlsx(edition, selectors.stages_of(edition), selectors.result_rows(edition))
        response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="{_download_name(edition, "xlsx")}"'
        return response


class WinnerPhotoView(PublishedEditionMixin, View):
    """A winner's office photo: shown on the results page once published (it is not public otherwise)."""

    def get(self, request, *args, **kwargs):

        try:
            profile = selectors.winner_office_photo(self.edition.pk, self.kwargs["award_pk"])
        except (Award.DoesNotExist, DistrictProfile.DoesNotExist):
            raise Http404 from None
        return serve_image(profile.office_photo, public=True)
