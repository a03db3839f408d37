from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from sp2k.accounts.forms import AdminLoginForm
from sp2k.accounts.models import User

# Django's own failed-login message names the username field twice in Indonesian.
admin.site.login_form = AdminLoginForm


class AccountCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "full_name", "email", "role", "province", "regency", "district")


class AccountChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Django's user admin, for the custom fields: one role and its region instead of first/last name."""

    form = AccountChangeForm
    add_form = AccountCreationForm
    list_display = ("username", "full_name", "role", "region", "is_active", "is_demo", "last_login")
    list_filter = ("role", "is_active", "is_staff", "is_superuser", "is_demo")
    search_fields = ("username", "full_name", "email", "nip")
    ordering = ("username",)
    # Raw ids keep the pages light with 7,285 kecamatan and do not depend on the region admin.
    raw_id_fields = ("province", "regency", "district")
    list_select_related = ("province", "regency", "district__regency")
    readonly_fields = ("last_login", "date_joined", "is_demo")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("full_name", "email", "phone", "nip", "institution")}),
        (_("Role and region"), {"fields": ("role", "province", "regency", "district")}),
        (
            _("Permissions"),
            {
                "fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions"),
                "classes": ("collapse",),
            },
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined", "is_demo")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "full_name",
                    "email",
                    "role",
                    "province",
                    "regency",
                    "district",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )

    @admin.display(description=_("region"))
    def region(self, obj):
        return obj.scope_label or "—"
