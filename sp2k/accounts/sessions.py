"""The portal's session store: Django's database sessions, with the session read by a compiled statement.

Every signed-in request reads its session first; building that query through the ORM each time cost more
than running it. The rows, their expiry and everything else are Django's own (``SESSION_ENGINE``).
"""

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from sp2k.compiled_queries import CompiledQuery

_SESSION_BY_KEY = CompiledQuery("session_by_key", lambda key: Session.objects.filter(session_key=key), kinds=(str,))


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        rows = _SESSION_BY_KEY.all(self.session_key)
        # Expired sessions are not read (as Django's own store, which asks for them in the query).
        if rows and rows[0].expire_date > timezone.now():
            return rows[0]
        self._session_key = None
        return None
