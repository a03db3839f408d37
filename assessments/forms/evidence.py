"""Forms of the evidence (data dukung) pages. The file checks themselves live in ``evidence.py``."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.domain.evidence import ACCEPT, MAX_CAPTION, MAX_FILES_PER_UPLOAD
from districts.queries.kecamatan import innovations_of


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        # Empty files are refused per file by evidence.inspect_file(), with its own message.
        super().__init__(*args, allow_empty_file=True, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class UploadForm(forms.Form):
    files = MultipleFileField(
        label=_("Files"),
        help_text=_("PDF, JPEG, PNG, XLSX or DOCX; up to %(count)d files at once.") % {"count": MAX_FILES_PER_UPLOAD},
        widget=MultipleFileInput(attrs={"accept": ACCEPT}),
    )
    caption = forms.CharField(
        label=_("Caption"),
        max_length=MAX_CAPTION,
        required=False,
        help_text=_("A short description, e.g. “SK Tim Inovasi 2022”."),
    )


class ReplaceForm(forms.Form):
    file = forms.FileField(
        label=_("New version"), allow_empty_file=True, widget=forms.ClearableFileInput(attrs={"accept": ACCEPT})
    )
    caption = forms.CharField(
        label=_("Caption"), max_length=MAX_CAPTION, required=False, help_text=_("Empty: keep the current caption.")
    )


class UpdateForm(forms.Form):
    caption = forms.CharField(label=_("Caption"), max_length=MAX_CAPTION, required=False)
    is_public = forms.BooleanField(
        label=_("Public after the results are published"),
        required=False,
        help_text=_("Anyone may then download it, e.g. from the innovation catalogue."),
    )


class SubmitForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I have checked the evidence. After sending it can no longer be changed."), required=True
    )


class ExtendForm(forms.Form):
    until = forms.DateTimeField(
        label=_("New deadline for this kecamatan"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_until(self):
        until = self.cleaned_data["until"]
        if until <= timezone.now():
            raise forms.ValidationError(_("The new deadline must be in the future."))
        return until


class PresentedInnovationsForm(forms.Form):
    """Which of the kecamatan's innovations the entry presents to the assessors."""

    innovations = forms.ModelMultipleChoiceField(
        label=_("Innovations presented in this competition"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, participant, **kwargs):

        super().__init__(*args, **kwargs)
        field = self.fields["innovations"]
        field.queryset = innovations_of(participant.district)
        field.initial = list(participant.presented_innovations.values_list("pk", flat=True))
