from django.views.generic import ListView, TemplateView

from sp2k.permissions import PermissionRequiredMixin

from .models import Province


class ProvinceListView(PermissionRequiredMixin, ListView):
    permission_required = "portal.view_public"
    model = Province
    template_name = "districts/province_list.html"


class SearchView(PermissionRequiredMixin, TemplateView):
    permission_required = "portal.view_public"
    template_name = "districts/search.html"
