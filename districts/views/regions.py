"""Public pages of Indonesia's regions: provinces, regencies, kecamatan, and a kecamatan search."""

from django.core.paginator import Paginator
from django.views.generic import DetailView, ListView, TemplateView

from assessments.queries.results import results_of_district
from districts.queries import regions as selectors
from districts.queries.kecamatan import published_innovations_of
from sp2k.permissions import PermissionRequiredMixin


class ProvinceListView(PermissionRequiredMixin, ListView):
    permission_required = "portal.view_public"
    template_name = "districts/province_list.html"
    context_object_name = "provinces"

    def get_queryset(self):
        return selectors.provinces_with_counts()


class RegionDetailView(PermissionRequiredMixin, DetailView):
    """A region page looked up by its official code (404 for unknown codes)."""

    permission_required = "portal.view_public"
    slug_field = slug_url_kwarg = "code"

    def get_object(self, queryset=None):
        # The permission check and DetailView.get both ask for the object: fetch it once.
        if not hasattr(self, "_object"):
            self._object = super().get_object(queryset)
        return self._object


class ProvinceDetailView(RegionDetailView):
    template_name = "districts/province_detail.html"
    context_object_name = "province"

    def get_queryset(self):
        return selectors.province_detail()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            regencies=selectors.regencies_of(self.object), totals=selectors.province_totals(self.object), **kwargs
        )


class RegencyDetailView(RegionDetailView):
    template_name = "districts/regency_detail.html"
    context_object_name = "regency"

    def get_queryset(self):
        return selectors.regency_detail()

    def get_context_data(self, **kwargs):
        return super().get_context_data(districts=selectors.districts_of(self.object), **kwargs)


class DistrictDetailView(RegionDetailView):
    template_name = "districts/district_detail.html"
    context_object_name = "district"

    def get_queryset(self):
        return selectors.district_detail()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            villages=selectors.villages_of(self.object),
            district_results=results_of_district(self.object),
            innovations=list(published_innovations_of(self.object)),
            **kwargs,
        )


class SearchView(PermissionRequiredMixin, TemplateView):
    permission_required = "portal.view_public"
    template_name = "districts/search.html"
    paginate_by = 25

    def get_context_data(self, **kwargs):
        query = selectors.normalize_search_query(self.request.GET.get("q"))
        too_long = len(query) > selectors.SEARCH_MAX_LENGTH
        context = super().get_context_data(
            query=query[: selectors.SEARCH_MAX_LENGTH],
            min_length=selectors.SEARCH_MIN_LENGTH,
            max_length=selectors.SEARCH_MAX_LENGTH,
            searched=False,
            too_short=False,
            too_long=too_long,
            **kwargs,
        )
        if too_long:
            return context
        if len(query) < selectors.SEARCH_MIN_LENGTH:
            context["too_short"] = bool(query)
            return context
        paginator = Paginator(selectors.search_districts(query), self.paginate_by)
        page = paginator.get_page(self.request.GET.get("page"))
        context.update(
            searched=True,
            page_obj=page,
            page_range=paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
        )
        return context
