from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.models import Participant
from districts.models import Regency


class NominateForm(forms.Form):
    district = forms.ModelChoiceField(queryset=None, label=_("Kecamatan"), empty_label=_("Choose a kecamatan"))

    def __init__(self, *args, districts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts


class DecideForm(forms.Form):
    ACCEPT = "accept"
    REJECT = "reject"

    decision = forms.ChoiceField(choices=[(ACCEPT, _("Accept")), (REJECT, _("Reject"))], label=_("Decision"))
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when rejecting; the regency sees it."),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == self.REJECT and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason for rejecting this nomination."))
        return data

    @property
    def accept(self):
        return self.cleaned_data["decision"] == self.ACCEPT


class AddAssessorForm(forms.Form):
    user = forms.ModelChoiceField(queryset=None, label=_("Assessor"), empty_label=_("Choose an assessor account"))

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = candidates
        self.fields["user"].label_from_instance = lambda user: (
            f"{user} — {user.regency.name}" if user.regency_id else str(user)
        )


class AutoAssignForm(forms.Form):
    k = forms.IntegerField(label=_("Assessors per participant"), min_value=1, max_value=50, initial=3)
    seed = forms.IntegerField(
        label=_("Variant"),
        min_value=0,
        max_value=1_000_000,
        initial=1,
        required=False,
        help_text=_("Another number gives another, equally even, spread."),
    )

    def clean_seed(self):
        return self.cleaned_data.get("seed") or 0


class ConflictForm(forms.Form):
    """A conflict with one kecamatan, or with a whole regency or city (its government is the assessor's
    institution or employer): exactly one of the two."""

    participant = forms.ModelChoiceField(
        queryset=None, label=_("Kecamatan"), required=False, empty_label=_("Choose a kecamatan")
    )
    regency = forms.ModelChoiceField(
        queryset=None,
        label=_("Or a whole regency or city"),
        required=False,
        empty_label=_("Choose a regency or city"),
        help_text=_("When its government is your institution or employer: every kecamatan of it, in this edition."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("E.g. a relative works there, or you advised this kecamatan."),
    )

    def __init__(self, *args, edition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = (
            Participant.objects.filter(edition=edition)
            .exclude(status__in=Participant.INACTIVE_STATUSES)
            .select_related("district__regency")
            .order_by("district__name")
        )
        self.fields["participant"].label_from_instance = lambda p: f"{p.district.name} — {p.district.regency.name}"
        self.fields["regency"].queryset = Regency.objects.filter(province_id=edition.province_id).order_by("name")

    def clean(self):
        cleaned = super().clean()
        if not self.errors and bool(cleaned.get("participant")) == bool(cleaned.get("regency")):
            raise forms.ValidationError(_("Choose either one kecamatan or one regency or city."))
        return cleaned


class BulkDecideForm(forms.Form):
    """Accept or reject the ticked nominations of an edition in one step."""

    participants = forms.ModelMultipleChoiceField(
        queryset=None,
        label=_("Nominations"),
        error_messages={"required": _("Tick at least one nomination.")},
    )
    decision = forms.ChoiceField(
        choices=[(DecideForm.ACCEPT, _("Accept")), (DecideForm.REJECT, _("Reject"))], label=_("Decision")
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000)

    def __init__(self, *args, edition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = Participant.objects.filter(edition=edition).select_related(
            "district__regency"
        )

    def clean(self):
        data = super().clean()
        if data.get("decision") == DecideForm.REJECT and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason for rejecting these nominations."))
        return data

    @property
    def accept(self):
        return self.cleaned_data["decision"] == DecideForm.ACCEPT


class EnterParticipantsForm(forms.Form):
    """The province admin enters kecamatan of one regency as participants."""

    districts = forms.ModelMultipleChoiceField(
        queryset=None,
        label=_("Kecamatan"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one kecamatan.")},
    )

    def __init__(self, *args, districts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["districts"].queryset = districts
