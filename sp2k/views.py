from django.views.generic import TemplateView

from .permissions import PermissionRequiredMixin


class HomeView(PermissionRequiredMixin, TemplateView):
    permission_required = "portal.view_public"
    template_name = "home.html"


class AboutView(PermissionRequiredMixin, TemplateView):
    permission_required = "portal.view_public"
    template_name = "about.html"
