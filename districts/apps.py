from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DistrictsConfig(AppConfig):
    name = "districts"
    verbose_name = _("Regions")

    def ready(self):
        # The kecamatan's profile and innovations are registered apart from the region tables' admin.
        from . import admin_kecamatan  # noqa: F401
