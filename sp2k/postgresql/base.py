import select

from django.db.backends.postgresql.base import DatabaseWrapper as PostgreSQLDatabaseWrapper
from psycopg2.extensions import TRANSACTION_STATUS_INERROR, TRANSACTION_STATUS_UNKNOWN

# Where Django's SELECT 1 would fail without the server being gone: a failed transaction, or a broken link.
UNUSABLE_STATUSES = (TRANSACTION_STATUS_INERROR, TRANSACTION_STATUS_UNKNOWN)


class DatabaseWrapper(PostgreSQLDatabaseWrapper):
    def is_usable(self):
        """Whether the kept connection can serve the next request, answered without asking the server.

        Django's check (``CONN_HEALTH_CHECKS``) sends ``SELECT 1`` at the start of every request that reuses a
        connection: one round trip more for every score saved. An idle connection has nothing to read unless
        the server ended it (a restart, a terminated backend, a crash): its last message or the end of the
        socket is then waiting. So anything to read, or an error, means "unusable" and Django connects anew.
        """
        if self.connection.closed or self.connection.get_transaction_status() in UNUSABLE_STATUSES:
            return False
        try:
            readable, _writable, failed = select.select([self.connection], [], [self.connection], 0)
        except (OSError, ValueError):
            return False
        return not readable and not failed
