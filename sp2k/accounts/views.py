from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import CreateView, DetailView, ListView, TemplateView, UpdateView, View
from django.views.generic.detail import SingleObjectMixin

from assessments.domain import assignments
from districts.models import Province
from sp2k import throttle
from sp2k.accounts import selectors, services
from sp2k.accounts.forms import (
    AccountCreateForm,
    AccountUpdateForm,
    ActivationAwarePasswordResetForm,
    BulkAccountsForm,
    HomeRegencyForm,
    UserFilterForm,
)
from sp2k.accounts.models import Role
from sp2k.client_address import client_ip
from sp2k.permissions import PermissionRequiredMixin

# Shown once, on the page right after creation; kept in the session between the redirect and that page.
SESSION_ACTIVATION_KEY = "accounts_new_activation"


# Django's own authentication views, pointed at the namespaced URL names.


class PasswordChangeView(auth_views.PasswordChangeView):
    success_url = reverse_lazy("accounts:password_change_done")


class PasswordResetView(auth_views.PasswordResetView):
    """Sends mail to whoever asks: throttled per client address and per e-mail address (HTTP 429).

    Both are counted whether an account has that address or not, so the answer reveals nothing.
    """

    form_class = ActivationAwarePasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form):
        limit = settings.MAIL_THROTTLE_PER_HOUR
        address = client_ip(self.request) or "unknown"
        email = form.cleaned_data["email"].strip().lower()
        if not (
            throttle.allow("password-reset-address", address, limit)
            and throttle.allow("password-reset-email", email, limit)
        ):
            return self.throttled(limit)
        return super().form_valid(form)

    def throttled(self, limit):
        wait = throttle.seconds_left()
        context = {"limit": limit, "minutes": max(1, (wait + 59) // 60)}
        response = render(self.request, "registration/throttled.html", context, status=429)
        response["Retry-After"] = str(wait)
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("accounts:password_reset_complete")


# Account management by the province admin.


class ProvinceScopedMixin:
    """The province the admin creates accounts in: its own; a superuser names one with ?provinsi=.

    Listed before PermissionRequiredMixin so that its permission object is the one checked.
    """

    @cached_property
    def province(self):
        user = self.request.user
        if user.province_id and not user.is_superuser:
            return user.province
        code = self.request.GET.get("provinsi") or self.request.POST.get("provinsi")
        if user.is_superuser and code:
            return get_object_or_404(Province, code=code)
        if user.is_superuser and user.province_id:
            return user.province
        raise Http404(_("No province to create accounts in."))

    def get_permission_object(self):
        if not self.request.user.has_perm("accounts.manage_users"):
            return None  # refused below without looking up a province
        return self.province


class ManagedAccountMixin:
    """One account the admin manages: outside the admin's province it does not exist (404).

    Listed before PermissionRequiredMixin so that its permission object is the one checked.
    """

    context_object_name = "account"

    def get_queryset(self):
        return selectors.manageable_users(self.request.user).select_related(*selectors.ACCOUNT_RELATED)

    def has_permission(self):
        # Role first, so that anonymous visitors go to the login page and other roles get 403
        # before any lookup; then the account inside the admin's province (else 404).
        return self.request.user.has_perm("accounts.manage_users") and super().has_permission()

    def get_object(self, queryset=None):
        if getattr(self, "_account", None) is None:
            self._account = super().get_object(queryset)
        return self._account

    def get_permission_object(self):
        return self.get_object()


class UserListView(PermissionRequiredMixin, ListView):
    permission_required = "accounts.manage_users"
    template_name = "accounts/user_list.html"
    context_object_name = "accounts"
    paginate_by = 25

    def get_queryset(self):
        self.filter_form = UserFilterForm(self.request.GET or None)
        filters = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        return selectors.user_list(self.request.user, role=filters.get("role", ""), query=filters.get("q", ""))

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter_form=self.filter_form or UserFilterForm(), **kwargs)


class UserCreateView(ProvinceScopedMixin, PermissionRequiredMixin, CreateView):
    permission_required = ("accounts.manage_users", "accounts.create_users_in_province")
    form_class = AccountCreateForm
    template_name = "accounts/user_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "province": self.province}

    def form_valid(self, form):
        account = form.save(commit=False)
        url = services.create_account(account, build_absolute_uri=self.request.build_absolute_uri)
        self.request.session[SESSION_ACTIVATION_KEY] = {"pk": account.pk, "url": url}
        messages.success(self.request, _("The account %(username)s was created.") % {"username": account.username})
        return redirect("accounts:user_detail", pk=account.pk)


class UserDetailView(ManagedAccountMixin, PermissionRequiredMixin, DetailView):
    permission_required = "accounts.view_account"
    template_name = "accounts/user_detail.html"

    def get_context_data(self, **kwargs):
        activation = self.request.session.get(SESSION_ACTIVATION_KEY)
        if activation and activation["pk"] == self.object.pk:
            # The link is shown this once; afterwards only a password reset mail can replace it.
            del self.request.session[SESSION_ACTIVATION_KEY]
        else:
            activation = None
        history = assignments.home_regency_history(self.object) if self.object.role == Role.ASSESSOR else None
        return super().get_context_data(
            activation_url=activation and activation["url"], home_regency_history=history, **kwargs
        )


class UserUpdateView(ManagedAccountMixin, PermissionRequiredMixin, UpdateView):
    permission_required = "accounts.change_account"
    form_class = AccountUpdateForm
    template_name = "accounts/user_update.html"

    def form_valid(self, form):
        try:
            services.update_account(form.save(commit=False), changed_by=self.request.user)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The account was saved."))
        return redirect("accounts:user_detail", pk=self.object.pk)


class HomeRegencyView(ManagedAccountMixin, PermissionRequiredMixin, SingleObjectMixin, TemplateView):
    """An assessor's home regency. GET: the form; with ``preview``, what the change does (nothing saved).
    POST: save it (recorded in the history); its conflicts of interest follow."""

    permission_required = "accounts.change_account"
    template_name = "accounts/home_regency.html"

    def get_queryset(self):
        return super().get_queryset().filter(role=Role.ASSESSOR)

    def get_context_data(self, form=None, **kwargs):
        account = self.object = self.get_object()
        effects = None
        if form is None:
            form = HomeRegencyForm(self.request.GET if "preview" in self.request.GET else None, account=account)
            if form.is_bound and form.is_valid():
                regency = form.cleaned_data["regency"]
                if (regency.pk if regency else None) == account.regency_id:
                    form.add_error("regency", _("This is already the assessor's home regency."))
                else:
                    effects = assignments.home_regency_change_effects(account, regency)
        return super().get_context_data(
            form=form,
            effects=effects,
            new_regency=form.cleaned_data.get("regency") if effects is not None else None,
            history=assignments.home_regency_history(account),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        account = self.get_object()
        form = HomeRegencyForm(request.POST, account=account)
        if form.is_valid():
            try:
                assignments.change_home_regency(account, form.cleaned_data["regency"], changed_by=request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The home regency was saved; conflicts of interest follow it."))
                return redirect("accounts:user_detail", pk=account.pk)
        return self.render_to_response(self.get_context_data(form=form))


class UserDeactivateView(ManagedAccountMixin, PermissionRequiredMixin, SingleObjectMixin, View):
    permission_required = "accounts.change_account"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        account = self.get_permission_object()
        try:
            services.deactivate_account(account, changed_by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The account %(username)s was deactivated.") % {"username": account.username})
        return redirect("accounts:user_detail", pk=account.pk)


class BulkCreateView(ProvinceScopedMixin, PermissionRequiredMixin, TemplateView):
    """GET: what would be created (the confirmation page). POST: create, and answer with the CSV."""

    permission_required = ("accounts.manage_users", "accounts.create_users_in_province")
    template_name = "accounts/bulk_create.html"

    def bulk_form(self, data=None):
        """The choice of roles and regions: from the query (GET) or the body (POST); unbound: the defaults.

        The choice form always sends ``scope`` (a radio), so a choice with every role unticked is bound
        (and refused), never taken for no choice."""
        if data is None and "scope" in self.request.GET:
            data = self.request.GET
        return BulkAccountsForm(data, province=self.province)

    def get_context_data(self, form=None, **kwargs):
        form = form or self.bulk_form()
        plan = None
        if not form.is_bound:
            plan = services.plan_bulk_accounts(self.province)
        elif form.is_valid():
            plan = services.plan_bulk_accounts(self.province, **form.plan_arguments())
        return super().get_context_data(form=form, plan=plan, province=self.province, **kwargs)

    def post(self, request, *args, **kwargs):
        choice = {}
        if "scope" in request.POST:  # without a choice: the default roles in every regency
            form = self.bulk_form(request.POST)
            if not form.is_valid():
                return self.render_to_response(self.get_context_data(form=form), status=422)
            choice = form.plan_arguments()
        rows = services.bulk_create_accounts(self.province, build_absolute_uri=request.build_absolute_uri, **choice)
        created = sum(row.created for row in rows)
        messages.success(
            request,
            _("%(created)d accounts were created and %(skipped)d existing ones skipped; see the downloaded file.")
            % {"created": created, "skipped": len(rows) - created},
        )
        response = HttpResponse(services.bulk_rows_csv(rows), content_type="text/csv; charset=utf-8")
        filename = f"akun-{self.province.code}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "no-store"  # the file holds activation links
        return response
