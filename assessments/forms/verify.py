"""The public verification page's upload: the PDF someone received, checked and never stored."""

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from assessments.domain.document_checks import MAX_UPLOAD_BYTES


class VerifyUploadForm(forms.Form):
    pdf = forms.FileField(
        label=_("The PDF file you received"),
        help_text=_("Checked here and not kept: the portal stores nothing you upload on this page."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean_pdf(self):
        """The file's bytes (read in memory: the view's upload handler never writes it to disk)."""
        upload = self.cleaned_data["pdf"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is too large: at most %(max)s.") % {"max": filesizeformat(MAX_UPLOAD_BYTES)}
            )
        return upload.read()
