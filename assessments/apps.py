from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _

from assessments.domain.rowhash import register_sqlite_functions


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Competitions")

    def ready(self):
        # SQLite's history trigger computes each row's hash with this Python function (``domain.chain``).
        connection_created.connect(register_sqlite_functions, dispatch_uid="assessments_row_hash")
