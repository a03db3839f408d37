from itertools import groupby

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from districts.models.regions import Regency
from sp2k.accounts import selectors, services
from sp2k.accounts.models import ROLE_SCOPE, Role, User

# Roles a province admin can give, in the order the form offers them.
CREATABLE_ROLES = [Role.REGENCY_ADMIN, Role.CAMAT, Role.DISTRICT_OPERATOR, Role.ASSESSOR, Role.PROVINCE_ADMIN]


class LoginForm(AuthenticationForm):
    """Django's login form, with a failed-login message that names the fields once.

    Django's own message puts the username field's label into the sentence ("a correct %(username)s and
    password"), and its Indonesian catalogue also writes "nama pengguna" around it: the field was named twice.
    """

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Please enter a correct username and password. Note that both fields may be case-sensitive."
        ),
    }


class AdminLoginForm(AdminAuthenticationForm):
    """The technical administration's login form, with the same one-naming message as ``LoginForm``."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": _(
            "Please enter the correct username and password for a staff account. Note that both fields may be "
            "case-sensitive."
        ),
    }


class DistrictsByRegencyIterator(ModelChoiceIterator):
    """The kecamatan grouped under their regency (optgroups): 666 names are findable that way."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for regency, districts in groupby(self.queryset, key=lambda district: district.regency):
            yield (regency.name, [self.choice(district) for district in districts])


class DistrictChoiceField(forms.ModelChoiceField):
    iterator = DistrictsByRegencyIterator


class AccountCreateForm(forms.ModelForm):
    """A new account in the admin's province: the scope choices hold only that province's regions."""

    class Meta:
        model = User
        fields = ["username", "full_name", "role", "regency", "district", "email", "phone", "nip", "institution"]
        help_texts = {
            "username": _("Letters, digits and @/./+/-/_ only, e.g. camat-rogojampi."),
            "email": _("If given, the activation link is also sent to this address."),
        }

    def __init__(self, *args, province, **kwargs):
        self.province = province
        super().__init__(*args, **kwargs)
        self.instance.province = None
        self.fields["role"].choices = [("", "---------")] + [(role.value, role.label) for role in CREATABLE_ROLES]
        self.fields["role"].required = True
        self.fields["regency"].queryset = selectors.province_regencies(province.code)
        self.fields["regency"].help_text = _(
            "For a regency admin: its kabupaten/kota. For an assessor: the home regency, whose kecamatan "
            "the assessor will not score (optional)."
        )
        self.fields["district"] = DistrictChoiceField(
            queryset=selectors.province_districts(province.code),
            required=False,
            label=_("kecamatan"),
            help_text=_("For a camat or a kecamatan operator."),
        )
        self.fields["full_name"].required = True

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        needed = ROLE_SCOPE.get(role)
        # The form shows every scope field; drop those the role does not take so a stray choice
        # left in the form does not make an otherwise valid account invalid.
        if role and role != Role.ASSESSOR and needed != "regency":
            cleaned["regency"] = None
        if role and needed != "district":
            cleaned["district"] = None
        if needed == "province":
            self.instance.province = self.province
        return cleaned


class AccountUpdateForm(forms.ModelForm):
    """Name, contact and status; the role and its region stay as created."""

    class Meta:
        model = User
        fields = ["full_name", "email", "phone", "nip", "institution", "is_active"]
        help_texts = {"is_active": _("An inactive account cannot log in. Accounts are never deleted.")}


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    role = forms.ChoiceField(label=_("Role"), required=False, choices=[("", _("All roles")), *Role.choices])


class ActivationAwarePasswordResetForm(PasswordResetForm):
    """Also sends the link to active accounts that have not chosen a password yet.

    Accounts created by an admin start with an unusable password; Django's form would skip them,
    leaving an owner who lost the activation mail no way in.
    """

    def get_users(self, email):
        email_field = User.get_email_field_name()
        return (
            user
            for user in User._default_manager.filter(**{f"{email_field}__iexact": email, "is_active": True})
            if user.email and user.email.lower() == email.lower()
        )


class BulkAccountsForm(forms.Form):
    """Which accounts a bulk creation makes: the roles, and all regencies of the province or some."""

    ALL = "all"
    SOME = "some"

    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=[(role.value, role.label) for role in services.BULK_ROLES],
        initial=[role.value for role in services.BULK_DEFAULT_ROLES],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        error_messages={"required": _("Choose at least one role.")},
    )
    scope = forms.ChoiceField(
        label=_("Regions"),
        choices=[(ALL, _("All regencies and cities of the province")), (SOME, _("Only the regencies chosen below"))],
        initial=ALL,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    regencies = forms.ModelMultipleChoiceField(
        label=_("Regencies and cities"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, province, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regencies"].queryset = Regency.objects.filter(province=province).order_by("name")

    def clean(self):
        data = super().clean()
        if data.get("scope") == self.SOME and not data.get("regencies"):
            self.add_error("regencies", _("Choose at least one regency or city."))
        return data

    def plan_arguments(self):
        """The keyword arguments of ``services.plan_bulk_accounts`` for the valid choices."""
        data = self.cleaned_data
        return {
            "roles": tuple(Role(value) for value in data["roles"]),
            "regencies": list(data["regencies"]) if data["scope"] == self.SOME else None,
        }


class HomeRegencyForm(forms.Form):
    """An assessor's home regency: its kecamatan are the ones it never scores (conflict of interest)."""

    regency = forms.ModelChoiceField(
        queryset=None,
        label=_("Home regency"),
        required=False,
        empty_label=_("No home regency"),
        help_text=_("The assessor never scores the kecamatan of its home regency."),
    )

    def __init__(self, *args, account, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regency"].queryset = selectors.province_regencies(account.province_id)
        self.fields["regency"].initial = account.regency_id
