"""The field-visit planning table (one small form per participant) and the notice letter's form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.forms.documents import DateInput


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class VisitRowForm(forms.Form):
    """One row of the planning table; prefixed with the participant's id.

    ``assessors`` is the list of users who may be chosen (read once for the whole table): each row's
    choices come from it, without a query of their own.
    """

    date = forms.DateField(label=_("Date"), required=False, widget=DateInput())
    starts_at = forms.TimeField(label=_("Time"), required=False, widget=TimeInput())
    ends_at = forms.TimeField(label=_("Until"), required=False, widget=TimeInput())
    meeting_place = forms.CharField(label=_("Meeting place"), max_length=200, required=False)
    assessors = forms.TypedMultipleChoiceField(
        label=_("Assessors"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, assessors, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("date", "starts_at", "ends_at", "meeting_place"):
            self.fields[name].widget.attrs["class"] = "form-control"
        self.fields["meeting_place"].widget.attrs["placeholder"] = _("Kecamatan office")
        self.people = {user.pk: user for user in assessors}
        self.fields["assessors"].choices = [(user.pk, str(user)) for user in assessors]

    def clean_assessors(self):
        return [self.people[pk] for pk in self.cleaned_data["assessors"]]

    @property
    def chosen_ids(self):
        """The ids of the assessors ticked (as posted, or as planned)."""
        value = self["assessors"].value() or []
        return {int(pk) for pk in value if str(pk).isdigit()}

    @property
    def is_blank(self):
        data = self.cleaned_data
        return not (data.get("date") or data.get("starts_at") or data.get("assessors"))


class VisitReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for moving visits (told to those concerned)"), max_length=500, required=False
    )


class VisitLetterForm(forms.Form):
    number = forms.CharField(label=_("Letter number"), max_length=100, help_text=_("E.g. 005/1234/013/2022."))
    letter_date = forms.DateField(label=_("Date of the letter"), widget=DateInput())
    place = forms.CharField(label=_("Place"), max_length=100, required=False, help_text=_("E.g. Surabaya."))
    signatory_office = forms.CharField(
        label=_("Signatory's office"), max_length=200, help_text=_("E.g. KEPALA BIRO PEMERINTAHAN.")
    )
    signatory_name = forms.CharField(label=_("Signatory's name"), max_length=200)
