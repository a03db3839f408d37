from rules.contrib.views import PermissionRequiredMixin as RulesPermissionRequiredMixin


class PermissionRequiredMixin(RulesPermissionRequiredMixin):
    """Base of every portal view: it must name the permission (a rule) it is under.

    A view that names none raises ImproperlyConfigured instead of answering: views fail closed.
    Anonymous visitors refused are sent to the login page; signed-in users refused get 403.
    """
