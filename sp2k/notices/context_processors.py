from django.utils.functional import SimpleLazyObject

from sp2k.notices.services import unread_count


def notices(request):
    """The navbar's count of unread notices, counted only when a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notices": SimpleLazyObject(lambda: unread_count(user))}
