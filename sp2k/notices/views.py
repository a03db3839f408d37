from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import ngettext
from django.views.generic import ListView, View

from sp2k.notices import services
from sp2k.notices.models import Notice
from sp2k.permissions import PermissionRequiredMixin


class NoticeListView(PermissionRequiredMixin, ListView):
    """My notices: everything the portal sent me, newest first."""

    permission_required = "notices.view_own_notices"
    template_name = "notices/notice_list.html"
    context_object_name = "notices"
    paginate_by = 25

    def get_queryset(self):
        return Notice.objects.of(self.request.user).order_by("-created", "-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["unread"] = Notice.objects.of(self.request.user).unread().count()
        return context


class NoticeMarkReadView(PermissionRequiredMixin, View):
    """POST: mark one notice (``notice``) or all of mine read."""

    permission_required = "notices.view_own_notices"
    http_method_names = ["post"]

    def post(self, request):
        ids = [value for value in request.POST.getlist("notice") if value.isdigit()]
        changed = services.mark_read(request.user, ids or None)
        if not ids:
            messages.success(
                request,
                ngettext("%(count)d notice marked as read.", "%(count)d notices marked as read.", changed)
                % {"count": changed},
            )
        page = request.POST.get("page", "")
        if page.isdigit() and page != "1":
            return redirect(f"{reverse('notices:list')}?page={page}")
        return redirect("notices:list")
