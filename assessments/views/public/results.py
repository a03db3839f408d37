"""Public results: the history of published editions, one edition's results, its downloads.

An edition that is not published does not exist here: every page answers 404 for it, to everyone
(the province admin previews the results on its own awards and ranking pages).
"""

from django.http import Http404, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.functional import cached_property
from django.utils.http import http_date
from django.utils.text import slugify
from django.views import View
from django.views.generic import TemplateView

from assessments.domain import exports
from assessments.models import Award, Edition
from assessments.queries import results as selectors
from districts.models import DistrictProfile
from sp2k.files import serve_image
from sp2k.paging import paginate
from sp2k.permissions import PermissionRequiredMixin

# How long a reader (or a proxy) may reuse published data without asking again (it changes only when
# the publication is withdrawn or published again, which the ETag and Last-Modified then tell).
OPEN_DATA_CACHE_SECONDS = 300


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
    """The results of a published edition; once its publication is withdrawn (and until it is published
    again), a page saying so, with the reason and the date."""

    template_name = "results/edition_results.html"

    @cached_property
    def withdrawal(self):
        """Asked only of an edition that is not published (a published one costs no query more)."""
        try:
            self.edition  # noqa: B018 - looks the published edition up (Http404 when it is not)
        except Http404:
            return selectors.withdrawn_publication(self.kwargs["edition_pk"])
        return None

    def get_permission_required(self):
        if self.withdrawal is not None:
            return ["assessments.view_publication_withdrawal"]
        return super().get_permission_required()

    def get_permission_object(self):
        return self.withdrawal if self.withdrawal is not None else super().get_permission_object()

    def get_template_names(self):
        return ["results/edition_withdrawn.html"] if self.withdrawal is not None else super().get_template_names()

    def get_context_data(self, **kwargs):
        if self.withdrawal is not None:
            return super().get_context_data(edition=self.withdrawal.edition, withdrawal=self.withdrawal, **kwargs)
        edition = self.edition
        # The ranking (and its chart) a page at a time: the page's rows only are read.
        paged = paginate(self.request, selectors.results_queryset(edition))
        rows = selectors.result_rows(edition, paged["page_obj"].object_list)
        return super().get_context_data(
            edition=edition,
            stages=selectors.stages_of(edition),
            rows=rows,
            **paged,
            winners=selectors.winners(edition),
            chart=selectors.score_chart(rows),
            **kwargs,
        )


def _download_name(edition, extension):
    return f"hasil-{slugify(edition.name)}.{extension}"


def open_data_headers(response, etag=None, last_modified=None):
    """What every answer of open data carries: the licence (a Link header, RFC 8288), the data format's
    version (X-API-Version) and, for published data, ETag, Last-Modified (a datetime or None) and
    Cache-Control: public."""
    response["Link"] = f'<{exports.LICENCE["url"]}>; rel="license"'
    response["X-API-Version"] = exports.API_VERSION
    if etag:
        response["ETag"] = etag
        if last_modified:
            response["Last-Modified"] = http_date(last_modified.timestamp())
        patch_cache_control(response, public=True, max_age=OPEN_DATA_CACHE_SECONDS)
    return response


def not_modified(request, etag, last_modified):
    """A 304 (or 412) with the open data's headers when the client already holds this version, else None:
    asked before the answer is built, so a revalidation costs no more than the validators."""
    timestamp = int(last_modified.timestamp()) if last_modified else None  # HTTP dates have whole seconds
    conditional = get_conditional_response(request, etag=etag, last_modified=timestamp)
    return None if conditional is None else open_data_headers(conditional, etag, last_modified)


def cache_headers(request, response, etag, last_modified):
    """The open data's headers on an answer of published data; a 304 instead when the client holds it."""
    return not_modified(request, etag, last_modified) or open_data_headers(response, etag, last_modified)


class ResultsCsvView(PublishedEditionMixin, View):
    """The ranking for machines: fixed English column names, the assessors counted per stage, the licence
    and caching headers like the API."""

    def get(self, request, *args, **kwargs):
        edition = self.edition
        published = edition.published_at.timestamp() if edition.published_at else 0
        etag = f'"csv-{exports.API_VERSION}-{edition.pk}-{published:.0f}"'
        if unchanged := not_modified(request, etag, edition.published_at):
            return unchanged
        counts = selectors.counted_assessors(edition)
        body = exports.results_csv(selectors.stages_of(edition), selectors.result_rows(edition), counts)
        response = HttpResponse(body, content_type="text/csv; charset=utf-8; header=present")
        response["Content-Disposition"] = f'attachment; filename="{_download_name(edition, "csv")}"'
        return open_data_headers(response, etag, edition.published_at)


class ResultsExcelView(PublishedEditionMixin, View):
    def get(self, request, *args, **kwargs):
        edition = self.edition
        body = exports.results_xlsx(edition, selectors.stages_of(edition), selectors.result_rows(edition))
        response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="{_download_name(edition, "xlsx")}"'
        response["Vary"] = "Accept-Language, Cookie"  # the workbook speaks the reader's language
        return open_data_headers(response)


class WinnerPhotoView(PublishedEditionMixin, View):
    """A winner's office photo: shown on the results page once published (it is not public otherwise)."""

    def get(self, request, *args, **kwargs):

        try:
            profile = selectors.winner_office_photo(self.edition.pk, self.kwargs["award_pk"])
        except (Award.DoesNotExist, DistrictProfile.DoesNotExist):
            raise Http404 from None
        return serve_image(profile.office_photo, public=True)
