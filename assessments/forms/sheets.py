"""Forms of the score sheet screens."""

from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.domain.spreadsheets import MAX_UPLOAD_BYTES


class ScoreSaveForm(forms.Form):
    """One indicator's field pair as the sheet posts it on every change (value checked by scoring)."""

    value = forms.CharField(required=False, max_length=40, strip=True)
    comment = forms.CharField(required=False, max_length=5000, strip=True)
    version = forms.IntegerField(required=False, min_value=0)


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for reopening"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text=_("Recorded with your name; the assessor sees it."),
    )


class ExcelUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Filled-in Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("The file downloaded from this page, filled in. At most %(mb)s MB.") % {
            "mb": MAX_UPLOAD_BYTES // (1024 * 1024)
        }

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is too large (at most %(mb)s MB)."), params={"mb": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return upload
