from django.contrib import admin

from sp2k.notices.models import Notice


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    """Read-only: the technical operators see what was sent to whom (notices are written by the portal)."""

    list_display = ["created", "recipient", "kind", "subject", "read_at", "emailed_at"]
    list_filter = ["kind"]
    search_fields = ["subject", "recipient__username", "recipient__full_name"]
    list_select_related = ["recipient"]
    date_hierarchy = "created"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
