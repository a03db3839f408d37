"""The read-only open data API: published editions and their results, paginated, as JSON.

Scores are strings with exactly 2 decimals ("82.50"): the same figures as the results page and the
downloads, without the rounding surprises of binary floating point in JSON readers.

Every answer carries the API's version (``api_version``, header ``X-API-Version``); the data answers carry
their licence, the method of the ranking and caching headers (``ETag`` and ``Last-Modified`` from the
publication, ``Cache-Control: public``; a matching ``If-None-Match``/``If-Modified-Since`` answers 304). A
query parameter the endpoint does not know is refused (400 naming it), never ignored.
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
from assessments.views.public.results import PublishedEditionMixin, cache_headers
from sp2k.permissions import PermissionRequiredMixin

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
PAGINATION_PARAMETERS = ("page", "page_size")
_PROVINCE_CODE = re.compile(r"^\d{2}$")


class BadRequest(Exception):
    pass


def _positive_int(raw, name, default):
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"'{name}' must be a whole number.") from None
    if value < 1:
        raise BadRequest(f"'{name}' must be 1 or more.")
    return value


def _score(value):
    return None if value is None else f"{value:.2f}"


def _etag(*parts):
    text = ":".join(str(part) for part in (exports.API_VERSION, *parts))
    return '"' + hashlib.sha256(text.encode()).hexdigest()[:32] + '"'


def _json(data, status=200):
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    response["X-API-Version"] = exports.API_VERSION
    return response


class ApiView(PermissionRequiredMixin, View):
    permission_required = "portal.view_public"
    http_method_names = ["get", "head", "options"]
    parameters = PAGINATION_PARAMETERS  # the query parameters this endpoint understands

    def check_parameters(self):
        unknown = sorted(set(self.request.GET) - set(self.parameters))
        if unknown:
            raise BadRequest(
                f"Unknown query parameter(s): {', '.join(unknown)}. This endpoint accepts: "
                f"{', '.join(self.parameters)}."
            )

    def validators(self):
        """(ETag, Last-Modified) of the data this request answers."""
        raise NotImplementedError

    def paginate(self, queryset):
        """The page asked for by ``page`` and ``page_size`` (at most MAX_PAGE_SIZE) and its links."""
        params = self.request.GET
        page_number = _positive_int(params.get("page"), "page", 1)
        size = min(_positive_int(params.get("page_size"), "page_size", DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE)
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
            etag, last_modified = self.validators()
            data = self.data()
        except BadRequest as error:
            return _json({"detail": str(error)}, status=400)
        except Http404:
            return _json({"detail": "Not found."}, status=404)
        return cache_headers(request, _json({"api_version": exports.API_VERSION, **data}), etag, last_modified)

    def handle_no_permission(self):
        return _json({"detail": "Not found."}, status=404)

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

    ``province`` (a province code, e.g. 35) and ``year`` filter them.
    """

    parameters = ("province", "year", *PAGINATION_PARAMETERS)

    def editions(self):
        params = self.request.GET
        editions = selectors.published_editions()
        if params.get("province"):
            if not _PROVINCE_CODE.match(params["province"]):
                raise BadRequest("'province' must be a province code of two digits, e.g. 35.")
            editions = editions.filter(province__code=params["province"])
        if params.get("year"):
            editions = editions.filter(year=_positive_int(params["year"], "year", None))
        return editions

    def validators(self):
        published = list(self.editions().values_list("pk", "published_at"))
        last = max((at for _pk, at in published if at), default=None)
        return _etag(self.request.GET.urlencode(), *published), last

    def data(self):
        stages = Prefetch("stages", queryset=Stage.objects.order_by("order"))
        editions, meta = self.paginate(self.editions().prefetch_related(stages))
        return {**meta, "results": [self.edition_data(edition, list(edition.stages.all())) for edition in editions]}


class EditionResultsApiView(PublishedEditionMixin, ApiView):
    """GET /api/editions/<id>/results/: the edition's ranking, one row per participant."""

    def dispatch(self, request, *args, **kwargs):
        try:
            self.edition  # noqa: B018 - a missing or unpublished edition answers JSON 404 before anything else
        except Http404:
            return JsonResponse({"detail": "Not found."}, status=404)
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
