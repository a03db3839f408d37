"""The field-visit planning table (one small form per participant) and the notice letter's form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.forms.documents import DateInput


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class AssessorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class VisitRowForm(forms.Form):
    """One row of the planning table; prefixed with the participant's id."""

    date = forms.DateField(label=_("Date"), required=False, widget=DateInput())
    starts_at = forms.TimeField(label=_("Time"), required=False, widget=TimeInput())
    ends_at = forms.TimeField(label=_("Until"), required=False, widget=TimeInput())
    meeting_place = forms.CharField(label=_("Meeting place"), max_length=200, required=False)
    assessors = AssessorChoiceField(
        label=_("Assessors"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, assessors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessors"].queryset = assessors

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
