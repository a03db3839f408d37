"""The decree's settings, entered by the province admin."""

from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.models import Decree


def _lines(text):
    return [line.strip() for line in text.splitlines() if line.strip()]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DecreeForm(forms.ModelForm):
    """Menimbang and Mengingat are one item per line; amounts are "award name = amount" per line."""

    considerations_text = forms.CharField(
        label=_("Considerations (Menimbang)"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One consideration per line, without the letter (a., b., … are added when printing)."),
    )
    legal_bases_text = forms.CharField(
        label=_("Legal bases (Mengingat)"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One legal basis per line, without the number."),
    )
    amounts_text = forms.CharField(
        label=_("Amounts per award (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One line per award: the award's name, “=”, the amount in rupiah, e.g. “Juara I = 50000000”."),
    )

    class Meta:
        model = Decree
        fields = ["number", "title", "place", "date", "signatory_office", "signatory_name", "page_size"]
        widgets = {"date": DateInput(), "title": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, award_names=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.award_names = list(award_names)
        decree = self.instance
        # Optional in the model (a set-up copied from last year waits for them), required to save here.
        self.fields["number"].required = True
        self.fields["date"].required = True
        previous = self._previous_number()
        if previous and not decree.number:
            self.fields["number"].help_text = _(
                "This year's number. Last year's was %(number)s: keep its pattern, change what is new."
            ) % {"number": previous}
        if decree.pk:
            self.fields["considerations_text"].initial = "\n".join(decree.considerations)
            self.fields["legal_bases_text"].initial = "\n".join(decree.legal_bases)
            self.fields["amounts_text"].initial = "\n".join(f"{k} = {v}" for k, v in decree.amounts.items())

    def _previous_number(self):
        """The number of the decree of the edition this one was copied from, if any."""
        edition = self.instance.edition if self.instance.edition_id else None
        source = edition.copied_from if edition is not None else None
        if source is None:
            return ""
        return Decree.objects.filter(edition=source).values_list("number", flat=True).first() or ""

    def clean_amounts_text(self):
        amounts = {}
        for line in _lines(self.cleaned_data["amounts_text"]):
            name, sep, figure = line.rpartition("=")
            name = name.strip()
            digits = figure.strip().replace(".", "").replace(",", "").replace("Rp", "").strip()
            if not sep or not name or not digits.isdigit() or int(digits) <= 0:
                raise forms.ValidationError(
                    _("Write each line as “award name = amount”, e.g. “Juara I = 50000000”: %(line)s"),
                    params={"line": line},
                )
            if self.award_names and name not in self.award_names:
                raise forms.ValidationError(
                    _("“%(name)s” is not an award of this edition (%(names)s)."),
                    params={"name": name, "names": ", ".join(self.award_names)},
                )
            amounts[name] = int(digits)
        return amounts

    def save(self, commit=True):
        decree = super().save(commit=False)
        decree.considerations = _lines(self.cleaned_data["considerations_text"])
        decree.legal_bases = _lines(self.cleaned_data["legal_bases_text"])
        decree.amounts = self.cleaned_data["amounts_text"]
        if commit:
            decree.save()
        return decree


class LetterheadForm(forms.Form):
    """The province's emblem and letterhead (kop surat) for its documents; checked by the domain."""

    emblem = forms.FileField(
        label=_("Emblem"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg"}),
        help_text=_("PNG (best with a transparent background) or JPEG, at most 2 MB. Printed on every document."),
    )
    remove_emblem = forms.BooleanField(label=_("Remove the emblem (print the placeholder)"), required=False)
    letterhead = forms.FileField(
        label=_("Letterhead (kop surat)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg"}),
        help_text=_(
            "The whole heading of a letter as one wide image (emblem, office, address), PNG or JPEG, at most 2 MB. "
            "Printed at the top of the score recaps, champion reports and field visit letters; "
            "the decree and certificates show the emblem."
        ),
    )
    remove_letterhead = forms.BooleanField(label=_("Remove the letterhead (print the heading as text)"), required=False)
