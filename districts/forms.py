"""Forms of the kecamatan's side: its profile, its innovations, their figures and photos."""

import re

from django import forms
from django.core.validators import MaxValueValidator, URLValidator
from django.utils.translation import gettext_lazy as _

from districts.domain.images import ACCEPT_ATTRIBUTE, clean_image
from districts.models import (
    DistrictProfile,
    Innovation,
    InnovationCategory,
    InnovationFigure,
    InnovationPhoto,
    Province,
    Regency,
)

MAX_FIGURES = 8


class WholeNumberField(forms.IntegerField):
    """A whole number typed as digits only.

    Django's IntegerField drops a trailing ".000", so "1.000" (one thousand, written the Indonesian
    way) would be stored as 1: refuse it instead, with Django's "Enter a whole number." message.
    """

    re_decimal = re.compile(r"(?!)")  # matches nothing: no decimal tail is ever removed


class ImageInput(forms.FileInput):
    """A file input that opens the camera or gallery on a phone and offers only photos.

    Not the clearable input: it shows the stored file's random name, which means nothing to a camat.
    """

    def __init__(self, attrs=None):
        super().__init__({"accept": ACCEPT_ATTRIBUTE, **(attrs or {})})


class CleanImageMixin:
    """Replace an uploaded image by its checked, re-encoded copy (see districts.images)."""

    def _clean_upload(self, field):
        upload = self.cleaned_data.get(field)
        # An unchanged or cleared field arrives as the stored file or False: nothing to check.
        if not upload or not hasattr(upload, "content_type"):
            return upload
        return clean_image(upload)


class DistrictProfileForm(CleanImageMixin, forms.ModelForm):
    class Meta:
        model = DistrictProfile
        fields = [
            "camat_name",
            "camat_nip",
            "address",
            "phone",
            "email",
            "area_km2",
            "population",
            "office_photo",
            "description",
        ]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 5}),
            "office_photo": ImageInput,
            "camat_nip": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
            "population": forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
            "area_km2": forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "min": "0.01"}),
        }
        field_classes = {"population": WholeNumberField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # People write NIPs grouped ("19780512 200312 1 003"); the field's own length check comes after.
        self.fields["camat_nip"].max_length = None
        self.fields["camat_nip"].validators = [
            v for v in self.fields["camat_nip"].validators if not hasattr(v, "limit_value")
        ]
        self.fields["camat_nip"].widget.attrs.pop("maxlength", None)
        self.fields["office_photo"].help_text = _("JPEG, PNG or WebP, at most 10 MB.")
        # The PostgreSQL column's limit, checked on every database (SQLite has none).
        self.fields["population"].validators.append(MaxValueValidator(2_147_483_647))

    def clean_camat_nip(self):
        return re.sub(r"[\s.\-]", "", self.cleaned_data["camat_nip"])

    remove_office_photo = forms.BooleanField(label=_("Remove the current photo"), required=False)

    def clean_office_photo(self):
        return self._clean_upload("office_photo")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("remove_office_photo") and not self.files.get("office_photo"):
            cleaned["office_photo"] = False  # the model field clears the file on False
        return cleaned


class HttpURLField(forms.URLField):
    default_validators = [URLValidator(schemes=["http", "https"])]


class InnovationForm(forms.ModelForm):
    video_url = HttpURLField(
        label=_("Video link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("Optional: a link to a video, e.g. on YouTube."),
        widget=forms.URLInput(attrs={"inputmode": "url", "placeholder": "https://"}),
    )

    class Meta:
        model = Innovation
        fields = [
            "name",
            "category",
            "status",
            "start_year",
            "problem",
            "idea",
            "how_it_works",
            "partners",
            "results",
            "beneficiaries",
            "video_url",
            "is_published",
        ]
        widgets = {
            "problem": forms.Textarea(attrs={"rows": 4}),
            "idea": forms.Textarea(attrs={"rows": 4}),
            "how_it_works": forms.Textarea(attrs={"rows": 5}),
            "partners": forms.Textarea(attrs={"rows": 3}),
            "results": forms.Textarea(attrs={"rows": 5}),
            "start_year": forms.NumberInput(attrs={"inputmode": "numeric"}),
        }
        field_classes = {"start_year": WholeNumberField}

    def __init__(self, *args, district, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.district = district

    def _get_validation_exclusions(self):
        # The kecamatan is set by the view, not a form field: keep it so the unique-name check runs.
        exclude = super()._get_validation_exclusions()
        exclude.discard("district")
        return exclude


class InnovationFigureForm(forms.ModelForm):
    class Meta:
        model = InnovationFigure
        fields = ["label", "value", "unit", "text"]
        widgets = {"value": forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Extra rows may stay empty; a row with anything in it needs a label (checked in clean).
        self.fields["label"].required = False

    def clean(self):
        cleaned = super().clean()
        given = cleaned.get("value") is not None or cleaned.get("text") or cleaned.get("unit")
        if not cleaned.get("label") and (given or self.instance.pk):
            self.add_error("label", _("Say what was measured."))
        elif cleaned.get("label") and cleaned.get("value") is None and not cleaned.get("text"):
            self.add_error("value", _("Give the figure a value or a text."))
        return cleaned


InnovationFigureFormSet = forms.inlineformset_factory(
    Innovation,
    InnovationFigure,
    form=InnovationFigureForm,
    extra=2,
    max_num=MAX_FIGURES,
    validate_max=True,
    can_delete=True,
)


class InnovationPhotoForm(CleanImageMixin, forms.ModelForm):
    class Meta:
        model = InnovationPhoto
        fields = ["image", "caption"]
        widgets = {"image": ImageInput}
        help_texts = {"image": _("JPEG, PNG or WebP, at most 10 MB.")}

    def clean_image(self):
        return self._clean_upload("image")


class CatalogueFilterForm(forms.Form):
    """The public catalogue's search box and filters (GET). An invalid value is an error the page shows (it
    lists nothing then), never silently dropped."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    province = forms.ModelChoiceField(
        label=_("Province"),
        queryset=Province.objects.none(),
        required=False,
        empty_label=_("All provinces"),
        error_messages={"invalid_choice": _("Choose one of the listed provinces.")},
    )
    regency = forms.ModelChoiceField(
        label=_("Regency or city"),
        queryset=Regency.objects.none(),
        required=False,
        empty_label=_("All regencies"),
        error_messages={"invalid_choice": _("Choose one of the listed regencies (of the chosen province).")},
    )
    year = forms.TypedChoiceField(
        label=_("Start year"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("Choose one of the listed years.")},
    )
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        error_messages={"invalid_choice": _("Choose one of the listed categories.")},
    )

    def __init__(self, *args, provinces, regencies, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = provinces
        self.fields["regency"].queryset = regencies
        self.fields["year"].choices = [("", _("All years"))] + [(y, y) for y in years]
        self.fields["category"].choices = [("", _("All categories")), *InnovationCategory.choices]
        self.fields["q"].widget.input_type = "search"
        self.fields["q"].widget.attrs["placeholder"] = _("Words from the name, problem, idea or results")

    def filters(self):
        """The filters given, as a dict (empty when none was given); call only on a valid form."""
        return {key: value for key, value in self.cleaned_data.items() if value not in (None, "")}

    @property
    def more_filters_invalid(self):
        """An error in a filter behind 'Filter by region, year, category' (so that the page opens them)."""
        return bool(set(self.errors) - {"q"})
