"""The portal's authentication backend: Django's ModelBackend, with the signed-in account read by a compiled
statement (every signed-in request reads it right after its session)."""

from django.contrib.auth.backends import ModelBackend

from sp2k.accounts.models import User
from sp2k.compiled_queries import CompiledQuery

_ACCOUNT_BY_PK = CompiledQuery("account_by_pk", lambda pk: User._default_manager.filter(pk=pk))


class AccountBackend(ModelBackend):
    def get_user(self, user_id):
        try:
            rows = _ACCOUNT_BY_PK.all(int(user_id))
        except (TypeError, ValueError):  # not an account number: no account
            return None
        return rows[0] if rows and self.user_can_authenticate(rows[0]) else None
