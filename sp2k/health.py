"""What the load balancer asks a server before sending it requests (``/readyz/``): can it reach the
database and the file storage? ``/healthz/`` only says the process answers.

No imports from the project: every layer may use it.
"""

import logging

from django.core.files.storage import default_storage
from django.db import connection

logger = logging.getLogger(__name__)

# A name nobody stores: asking whether it exists is one cheap read (a HEAD request on S3), which fails
# when the storage is unreachable or refuses the portal's credentials.
PROBE_NAME = "readiness-probe/none"


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _storage():
    default_storage.exists(PROBE_NAME)


CHECKS = {"database": _database, "storage": _storage}


def readiness():
    """``{name: True/False}`` for each dependency the portal needs to serve requests."""
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
            results[name] = True
        except Exception:  # noqa: BLE001 - whatever fails, the server is not ready; the cause goes to the log
            logger.warning("Readiness check %s failed", name, exc_info=True)
            results[name] = False
    return results
