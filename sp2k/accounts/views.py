from django.views.generic import TemplateView

from sp2k.permissions import PermissionRequiredMixin


class DashboardView(PermissionRequiredMixin, TemplateView):
    permission_required = "portal.view_dashboard"
    template_name = "accounts/dashboard.html"


class UserListView(PermissionRequiredMixin, TemplateView):
    permission_required = "accounts.manage_users"
    template_name = "accounts/user_list.html"
