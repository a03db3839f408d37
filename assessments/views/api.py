"""The read-only open data API: published editions and their results, paginated, as JSON.

Scores are strings with exactly 2 decimals ("82.50"): the same figures as the results page and the
downloads, without the rounding surprises of binary floating point in JSON readers.

Every answer carries the format's version (``api_version``, header ``X-API-Version``) and the licence (a
``Link: <…>; rel="license"`` header); the data answers also carry the licence and the data's version
(``data_version``, the publication's time) in their body, the method of the ranking and caching headers
(``ETag`` and ``Last-Modified`` from the publication, ``Cache-Control: public``; a matching
``If-None-Match``/``If-Modified-Since`` answers 304 without building the answer). A query parameter the
endpoint does not know, given twice or with an invalid value is refused (400 naming it and the parameters
the endpoint accepts), never ignored.
"""

import hashlib
import re

from django.core.paginator import EmptyPage, Paginator
from django.db.models import Prefetch
from django.http import Http404, JsonResponse
from django.urls import reverse
from django.views import View

from assessments.domain import exports
from assessments.models import Stage
from assessments.queries import results as selectors
from assessments.views.public.results import PublishedEditionMixin, not_modified, open_data_headers
from sp2k.permissions import PermissionRequiredMixin

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
PAGINATION_PARAMETERS = ("page", "page_size")
_PROVINCE_CODE = re.compile(r"^\d{2}$")
_YEAR = re.compile(r"^\d{4}$")


class BadRequest(Exception):
    def __init__(self, parameter, message):
        super().__init__(message)
        self.parameter = parameter


def _positive_int(raw, name, default):
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(name, f"'{name}' must be a whole number.") from None
    if value < 1:
        raise BadRequest(name, f"'{name}' must be 1 or more.")
    return value


def _score(value):
    return None if value is None else f"{value:.2f}"


def _etag(*parts):
    text = ":".join(str(part) for part in (exports.API_VERSION, *parts))
    return '"' + hashlib.sha256(text.encode()).hexdigest()[:32] + '"'


def _json(data, status=200):
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    return open_data_headers(response)


def _not_found():
    return _json({"api_version": exports.API_VERSION, "detail": "Not found."}, status=404)


class ApiView(PermissionRequiredMixin, View):
    permission_required = "portal.view_public"
    http_method_names = ["get", "head", "options"]
    parameters = PAGINATION_PARAMETERS  # the query parameters this endpoint understands

    def check_parameters(self):
        params = self.request.GET
        unknown = sorted(set(params) - set(self.parameters))
        if unknown:
            raise BadRequest(
                unknown[0],
                f"Unknown query parameter(s): {', '.join(unknown)}. This endpoint accepts: "
                f"{', '.join(self.parameters)}.",
            )
        for name in self.parameters:
            if len(params.getlist(name)) > 1:
                raise BadRequest(name, f"'{name}' is given more than once.")

    def validators(self):
        """(ETag, Last-Modified) of the data this request answers."""
        raise NotImplementedError

    def data_version(self, last_modified):
        return last_modified.isoformat() if last_modified else None

    def pagination(self):
        """(page number, page size) asked for by ``page`` and ``page_size`` (the size capped at MAX_PAGE_SIZE)."""
        params = self.request.GET
        page_number = _positive_int(params.get("page"), "page", 1)
        size = min(_positive_int(params.get("page_size"), "page_size", DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE)
        return page_number, size

    def paginate(self, queryset):
        """The page asked for by ``page`` and ``page_size`` and its links."""
        params = self.request.GET
        page_number, size = self.pagination()
        paginator = Paginator(queryset, size)
        try:
            page = paginator.page(page_number)  # page 1 of an empty list is an empty page, not an error
        except EmptyPage:
            raise Http404 from None

        def link(number):
            query = params.copy()
            query["page"] = number
            query["page_size"] = size
            return self.request.build_absolute_uri(f"{self.request.path}?{query.urlencode()}")

        meta = {
            "count": paginator.count,
            "next": link(page.next_page_number()) if page.has_next() else None,
            "previous": link(page.previous_page_number()) if page.has_previous() else None,
        }
        return list(page.object_list), meta

    def get(self, request, *args, **kwargs):
        try:
            self.check_parameters()
            self.pagination()
            etag, last_modified = self.validators()
            if unchanged := not_modified(request, etag, last_modified):
                return unchanged
            data = self.data()
        except BadRequest as error:
            return _json(
                {
                    "api_version": exports.API_VERSION,
                    "detail": str(error),
                    "parameter": error.parameter,
                    "allowed_parameters": list(self.parameters),
                },
                status=400,
            )
        except Http404:
            return _not_found()
        body = {
            "api_version": exports.API_VERSION,
            "data_version": self.data_version(last_modified),
            "licence": exports.LICENCE,
            "region_names_licence": exports.REGION_NAMES_LICENCE,
            **data,
        }
        return open_data_headers(_json(body), etag, last_modified)

    def handle_no_permission(self):
        return _not_found()

    def absolute(self, name, *args):
        return self.request.build_absolute_uri(reverse(name, args=args))

    def edition_data(self, edition, stages):
        return {
            "id": edition.pk,
            "name": edition.name,
            "year": edition.year,
            "province": {"code": edition.province.code, "name": edition.province.name},
            "published_at": edition.published_at.isoformat() if edition.published_at else None,
            "participants": edition.participant_count,
            "method": exports.method(edition, stages),
            "licence": exports.open_data_terms(edition),
            "results": self.absolute("api:edition_results", edition.pk),
            "page": self.absolute("results:edition_results", edition.pk),
            "csv": self.absolute("results:edition_csv", edition.pk),
            "xlsx": self.absolute("results:edition_xlsx", edition.pk),
        }


class EditionListApiView(ApiView):
    """GET /api/editions/: the published editions, newest first within each province.

    ``province`` (a province code of two digits, e.g. 35) and ``year`` (four digits) filter them; a filter
    nothing matches answers an empty list.
    """

    parameters = ("province", "year", *PAGINATION_PARAMETERS)

    def filters(self):
        params = self.request.GET
        province = params.get("province")
        if province is not None and not _PROVINCE_CODE.match(province):
            raise BadRequest("province", "'province' must be a province code of two digits, e.g. 35.")
        year = params.get("year")
        if year is not None and not _YEAR.match(year):
            raise BadRequest("year", "'year' must be a year of four digits, e.g. 2026.")
        return {"province_code": province, "year": None if year is None else int(year)}

    def validators(self):
        published, last = selectors.open_data_version(**self.filters())
        return _etag(self.request.GET.urlencode(), last, *published), last

    def data(self):
        stages = Prefetch("stages", queryset=Stage.objects.order_by("order"))
        editions, meta = self.paginate(selectors.open_data_editions(**self.filters()).prefetch_related(stages))
        return {
            "filters": {key: value for key, value in self.filters().items() if value is not None},
            **meta,
            "results": [self.edition_data(edition, list(edition.stages.all())) for edition in editions],
        }


class EditionResultsApiView(PublishedEditionMixin, ApiView):
    """GET /api/editions/<id>/results/: the edition's ranking, one row per participant."""

    def dispatch(self, request, *args, **kwargs):
        try:
            self.edition  # noqa: B018 - a missing or unpublished edition answers JSON 404 before anything else
        except Http404:
            return _not_found()
        return super().dispatch(request, *args, **kwargs)

    def validators(self):
        edition = self.edition
        return _etag(self.request.GET.urlencode(), edition.pk, edition.published_at), edition.published_at

    def data(self):
        results, meta = self.paginate(selectors.results_queryset(self.edition))
        rows = selectors.result_rows(self.edition, results)
        assessors = selectors.counted_assessors(self.edition, [row.participant_id for row in rows])
        return {
            "edition": self.edition_data(self.edition, selectors.stages_of(self.edition)),
            **meta,
            "results": [
                {
                    "rank": row.rank,
                    "tie": row.shared,
                    "kecamatan": {"code": row.district.code, "name": row.district.name},
                    "regency": {"code": row.regency.code, "name": row.regency.name},
                    "stage_scores": [
                        {
                            "stage": stage.name,
                            "order": stage.order,
                            "score": _score(score),
                            "assessors": assessors.get((row.participant_id, stage.pk), 0),
                        }
                        for stage, score in row.stage_scores
                    ],
                    "final_score": _score(row.final_score),
                    "award": "; ".join(row.awards) or None,
                }
                for row in rows
            ],
        }
