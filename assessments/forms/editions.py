"""Forms for editions, their stages and criteria."""

from django import forms
from django.forms import inlineformset_factory
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from assessments.domain.configuration import EDITION_FIELDS
from assessments.domain.criteria import tie_break_aspect_names, tie_break_problem
from assessments.domain.editions import copy_sources, rubric_level_problems, suggested_copy_name, weight_total
from assessments.models import Aspect, Edition, Indicator, RubricLevel, Stage
from districts.forms import WholeNumberField
from districts.models import Province

SETTINGS_FIELDS = list(EDITION_FIELDS)
WHOLE_NUMBER_FIELDS = {name: WholeNumberField for name in ("nomination_quota", "evidence_max_mb", "reminder_days")}
MAX_NOMINATION_QUOTA = 1000  # the configuration import's limit


def _clean_quota(form):
    quota = form.cleaned_data.get("nomination_quota")
    if quota is not None and quota > MAX_NOMINATION_QUOTA:
        raise forms.ValidationError(
            _("Ensure this value is less than or equal to %(max)s."), params={"max": MAX_NOMINATION_QUOTA}
        )
    return quota


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _unique_name(province, name, exclude_pk=None):
    others = Edition.objects.filter(province=province, name=name)
    if exclude_pk:
        others = others.exclude(pk=exclude_pk)
    if others.exists():
        raise forms.ValidationError(_("An edition of this name already exists in the province."), code="unique")


class EditionCreateForm(forms.ModelForm):
    """A new edition: empty, or a copy of an older edition of the same province."""

    copy_from = forms.ModelChoiceField(
        queryset=Edition.objects.none(),
        required=False,
        label=_("Copy from"),
        empty_label=_("— start empty —"),
        help_text=_(
            "Copying takes that edition's settings, stages and criteria (the settings below are then not used); "
            "its dates move to the new year."
        ),
    )

    class Meta:
        model = Edition
        # No tie-break aspect yet: a new edition has no aspect to choose from (it is chosen in the settings).
        fields = ["name", "year", *[name for name in SETTINGS_FIELDS if name != "tie_break_aspect"]]
        field_classes = WHOLE_NUMBER_FIELDS

    clean_nomination_quota = _clean_quota

    def __init__(self, *args, province=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.province = province
        if province is None:  # a superuser picks the province
            self.fields = {
                "province": forms.ModelChoiceField(Province.objects.order_by("name"), label=_("province")),
                **self.fields,
            }
            self.fields["copy_from"].queryset = Edition.objects.select_related("province")
        else:
            self.fields["copy_from"].queryset = copy_sources(province)
        self.order_fields(["province", "name", "year", "copy_from"])

    def clean(self):
        cleaned = super().clean()
        province = self.province or cleaned.get("province")
        source = cleaned.get("copy_from")
        if province and source and source.province_id != province.pk:
            self.add_error("copy_from", _("Only an edition of the same province can be copied."))
        if province and cleaned.get("name"):
            try:
                _unique_name(province, cleaned["name"])
            except forms.ValidationError as error:
                self.add_error("name", error)
        cleaned["province"] = province
        return cleaned


class EditionCopyForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=200)
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)

    def __init__(self, *args, source, **kwargs):
        self.source = source
        year = source.year + 1
        kwargs["initial"] = {"name": suggested_copy_name(source, year), "year": year, **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)

    def clean_name(self):
        _unique_name(self.source.province_id, self.cleaned_data["name"])
        return self.cleaned_data["name"]


class EditionSettingsForm(forms.ModelForm):
    class Meta:
        model = Edition
        fields = ["name", *SETTINGS_FIELDS]
        field_classes = WHOLE_NUMBER_FIELDS

    tie_break_aspect = forms.ChoiceField(
        label=capfirst(Edition._meta.get_field("tie_break_aspect").verbose_name),
        required=False,
        help_text=_(
            "After the last stage's score (and the previous stage's, if chosen below), ties are broken by the "
            "higher score on this aspect."
        ),
    )

    clean_nomination_quota = _clean_quota

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.aspect_names = tie_break_aspect_names(self.instance)
        choices = [("", _("— none: equal scores share the rank —"))] + [(name, name) for name in self.aspect_names]
        current = self.instance.tie_break_aspect
        if current and current not in self.aspect_names:
            # Shown as it is, so that the admin sees what is stored; saving it again is refused.
            choices.append((current, _("%(name)s (not an aspect of this edition)") % {"name": current}))
        self.fields["tie_break_aspect"].choices = choices
        self.order_fields(["name", *SETTINGS_FIELDS])

    def clean_name(self):
        _unique_name(self.instance.province_id, self.cleaned_data["name"], exclude_pk=self.instance.pk)
        return self.cleaned_data["name"]

    def clean_tie_break_aspect(self):
        name = self.cleaned_data["tie_break_aspect"]
        # A stale choice can stay only while the formula is locked (the domain refuses any change then).
        if name and name not in self.aspect_names and self.instance.criteria_editable:
            edition = Edition(tie_break_aspect=name)
            raise forms.ValidationError(tie_break_problem(edition, self.aspect_names))
        return name


class CriteriaCopyForm(forms.Form):
    source = forms.ModelChoiceField(
        queryset=Stage.objects.none(),
        label=_("Copy the criteria of"),
        help_text=_("Its aspects, indicators and rubric levels replace this stage's; the stage's own settings stay."),
    )
    confirm = forms.BooleanField(
        label=_("I understand that this stage's current aspects and indicators are replaced."),
    )

    def __init__(self, *args, sources, replaces=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = sources
        if not replaces:  # the stage has no criteria yet: nothing to confirm
            del self.fields["confirm"]
        self.fields["source"].label_from_instance = lambda stage: f"{stage.edition.name} · {stage.order}. {stage.name}"


class ConfigurationImportForm(forms.Form):
    file = forms.FileField(
        label=_("Configuration file"),
        help_text=_("A .json, .yaml or .yml file exported from this portal (at most 1 MB)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".json,.yaml,.yml"}),
    )


class TransitionForm(forms.Form):
    to_state = forms.ChoiceField(choices=Edition.State.choices)


class _OrderedForm(forms.ModelForm):
    """Order unique among siblings: checked here because the form does not include the parent field."""

    def siblings(self):
        raise NotImplementedError

    def clean_order(self):
        order = self.cleaned_data["order"]
        others = self.siblings().filter(order=order)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("Another item at this level already has this order."))
        return order

    def weight_note(self):
        """The sum of the other weights at this level and what this weight needs to be for 100."""
        others = self.siblings()
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        total = weight_total(others.values_list("weight", flat=True))
        return {"others": total, "needed": 100 - total}


class StageForm(_OrderedForm):
    class Meta:
        model = Stage
        fields = ["order", "name", "kind", "starts_on", "ends_on", "weight", "advance_count"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}

    def __init__(self, *args, edition, **kwargs):
        self.edition = edition
        super().__init__(*args, **kwargs)
        self.instance.edition = edition

    def siblings(self):
        return Stage.objects.filter(edition=self.edition)


class AspectForm(_OrderedForm):
    class Meta:
        model = Aspect
        fields = ["order", "name", "weight"]

    def __init__(self, *args, stage, **kwargs):
        self.stage = stage
        super().__init__(*args, **kwargs)
        self.instance.stage = stage

    def siblings(self):
        return Aspect.objects.filter(stage=self.stage)


class IndicatorForm(_OrderedForm):
    class Meta:
        model = Indicator
        fields = ["order", "name", "description", "weight", "scale", "scale_min", "scale_max", "requires_evidence"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, aspect, **kwargs):
        self.aspect = aspect
        super().__init__(*args, **kwargs)
        self.instance.aspect = aspect

    def siblings(self):
        return Indicator.objects.filter(aspect=self.aspect)


class BaseRubricLevelFormSet(forms.BaseInlineFormSet):
    """Levels of a rubric indicator; checked against the indicator's scale once that form is valid."""

    def check_against(self, indicator_form):
        if not indicator_form.is_valid() or not self.is_valid():
            return
        scale = indicator_form.cleaned_data["scale"]
        levels = [
            {"value": form.cleaned_data["value"], "label": form.cleaned_data.get("label", "")}
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if scale == Indicator.Scale.NUMERIC:
            if levels:
                self._non_form_errors.append(
                    _("A numeric indicator has no rubric levels: remove them or choose rubric.")
                )
            return
        low, high = indicator_form.cleaned_data["scale_min"], indicator_form.cleaned_data["scale_max"]
        for problem in rubric_level_problems(levels, low, high, _("Rubric")):
            self._non_form_errors.append(problem)


RubricLevelFormSet = inlineformset_factory(
    Indicator,
    RubricLevel,
    formset=BaseRubricLevelFormSet,
    fields=["value", "label", "description"],
    widgets={"description": forms.Textarea(attrs={"rows": 2})},
    # One empty row; "Add a level" (static/js/formset.js) adds as many as the scale needs.
    extra=1,
    can_delete=True,
)
