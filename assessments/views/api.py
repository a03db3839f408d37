"""The read-only open data API: published editions and their results, paginated, as JSON.

Scores are strings with exactly 2 decimals ("82.50"): the same figures as the results page and the
downloads, without the rounding surprises of binary floating point in JSON readers.
"""

from django.core.paginator import EmptyPage, Paginator
from django.http import Http404, JsonResponse
from django.urls import reverse
from django.views import View

from assessments.queries import results as selectors
from assessments.views.public.results import PublishedEditionMixin
from sp2k.permissions import PermissionRequiredMixin

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


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


class ApiView(PermissionRequiredMixin, View):
    permission_required = "portal.view_public"
    http_method_names = ["get", "head", "options"]

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
            data = self.data()
        except BadRequest as error:
            return JsonResponse({"detail": str(error)}, status=400)
        except Http404:
            return JsonResponse({"detail": "Not found."}, status=404)
        return JsonResponse(data, json_dumps_params={"ensure_ascii": False})

    def handle_no_permission(self):
        return JsonResponse({"detail": "Not found."}, status=404)

    def absolute(self, name, *args):
        return self.request.build_absolute_uri(reverse(name, args=args))

    def edition_data(self, edition):
        return {
            "id": edition.pk,
            "name": edition.name,
            "year": edition.year,
            "province": {"code": edition.province.code, "name": edition.province.name},
            "published_at": edition.published_at.isoformat() if edition.published_at else None,
            "participants": edition.participant_count,
            "results": self.absolute("api:edition_results", edition.pk),
            "page": self.absolute("results:edition_results", edition.pk),
            "csv": self.absolute("results:edition_csv", edition.pk),
            "xlsx": self.absolute("results:edition_xlsx", edition.pk),
        }


class EditionListApiView(ApiView):
    """GET /api/editions/: the published editions, newest first within each province."""

    def data(self):
        editions, meta = self.paginate(selectors.published_editions())
        return {**meta, "results": [self.edition_data(edition) for edition in editions]}


class EditionResultsApiView(PublishedEditionMixin, ApiView):
    """GET /api/editions/<id>/results/: the edition's ranking, one row per participant."""

    def dispatch(self, request, *args, **kwargs):
        try:
            self.edition  # noqa: B018 - a missing or unpublished edition answers JSON 404 before anything else
        except Http404:
            return JsonResponse({"detail": "Not found."}, status=404)
        return super().dispatch(request, *args, **kwargs)

    def data(self):
        results, meta = self.paginate(selectors.results_queryset(self.edition))
        rows = selectors.result_rows(self.edition, results)
        return {
            "edition": self.edition_data(self.edition),
            **meta,
            "results": [
                {
                    "rank": row.rank,
                    "tie": row.shared,
                    "kecamatan": {"code": row.district.code, "name": row.district.name},
                    "regency": {"code": row.regency.code, "name": row.regency.name},
                    "stage_scores": [
                        {"stage": stage.name, "order": stage.order, "score": _score(score)}
                        for stage, score in row.stage_scores
                    ],
                    "final_score": _score(row.final_score),
                    "award": "; ".join(row.awards) or None,
                }
                for row in rows
            ],
        }
