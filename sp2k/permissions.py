from rules.contrib.views import PermissionRequiredMixin as RulesPermissionRequiredMixin


class PermissionRequiredMixin(RulesPermissionRequiredMixin):
    """Base of every portal view: it must name the permission (a rule) it is under.

    A view that names none raises ImproperlyConfigured instead of answering: views fail closed.
    Anonymous visitors refused are sent to the login page; signed-in users refused get 403.

    A view whose URL names a tenant's object (an edition or anything of one) looks it up first, before
    the permission is asked, among the objects the user may see: anything of another province is a 404,
    never a 403 (``assessments.views.lookups``, listed before this mixin).
    """
