from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.models import AwardCategory


class CategoryForm(forms.ModelForm):
    """An award category: its name and, for an award of the ranking, its place (empty: special award)."""

    class Meta:
        model = AwardCategory
        fields = ["name", "rank"]
        labels = {"rank": _("Place in the final ranking")}
        help_texts = {"rank": _("Leave empty for a special award that the panel gives by choice.")}


class ChoiceForm(forms.Form):
    """The admin's choice of a participant for a category (a tie at its place, or a special award).

    ``candidates`` are the participants allowed (already loaded, with their kecamatan and regency):
    the form adds no query of its own however many ties the page shows.
    """

    participant = forms.TypedChoiceField(label=_("Participant"), coerce=int)
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text=_("Recorded with the choice, e.g. the panel's decision at its meeting."),
    )

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {p.pk: p for p in candidates}
        # An empty first choice: nobody is chosen by merely sending the form.
        self.fields["participant"].choices = [("", "—")] + [
            (p.pk, f"{p.district.name} — {p.district.regency.name}") for p in candidates
        ]

    def clean_participant(self):
        return self.candidates[self.cleaned_data["participant"]]


class PublishForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "I understand that the results become public at once and no longer change, unless the publication is "
            "withdrawn."
        ),
        required=True,
    )


class WithdrawPublicationForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown on the public results page, with the date of the withdrawal."),
    )
    confirm = forms.BooleanField(
        label=_(
            "I understand that the results leave the public pages, the downloads and the API, and that the decree "
            "and certificates are withdrawn."
        ),
        required=True,
    )
