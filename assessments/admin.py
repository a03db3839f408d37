"""Admin of the competition, for the technical operators (superusers).

Histories (state moves, sheet events, score changes, advances) are append-only: the admin shows
them and nothing else, so that nobody can rewrite what happened. Foreign keys to users and
kecamatan are raw ids: rendering thousands of <option>s would make every page slow.

The admin obeys the competition's rules like every other path: what the domain locks (criteria from
the first score, settings once published) is read-only here, asked through the same predicates; and
what may be written is written through the domain's functions, whose refusal shows on the form
(``DomainCheckedAdmin``) instead of being bypassed.
"""

from django.apps import apps
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from assessments.domain import assignments, criteria
from assessments.models import (
    Aspect,
    Assignment,
    Conflict,
    Edition,
    EditionAssessor,
    EditionTransition,
    Indicator,
    Participant,
    RubricLevel,
    Score,
    ScoreChange,
    ScoreSheet,
    SheetEvent,
    Stage,
    StageAdvance,
    StageEntry,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """An append-only record: viewable, never added, changed or deleted here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class FrozenWithResultsAdmin(admin.ModelAdmin):
    """Rows that make up a ranking (who takes part, who scores whom): read-only once the edition's results
    are final, like every other path to them. ``edition_of`` says which edition a row belongs to."""

    def edition_of(self, obj):
        return obj.edition

    def has_change_permission(self, request, obj=None):
        return (obj is None or not self.edition_of(obj).results_final) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return (obj is None or not self.edition_of(obj).results_final) and super().has_delete_permission(request, obj)


def _checked(form_class, check):
    """``form_class`` whose validation ends with the domain's ``check`` of the instance it would save."""

    class Checked(form_class):
        def _post_clean(self):
            super()._post_clean()
            if self._errors or (getattr(self, "cleaned_data", {}).get("DELETE") and self.instance.pk):
                return
            try:
                check(self.instance)
            except ValidationError as refused:
                self.add_error(None, refused)

    Checked.__name__ = form_class.__name__
    return Checked


def _criteria_editable(obj):
    """Whether the criteria an admin page or inline shows may change (``obj``: stage, aspect or indicator)."""
    if obj is None:
        return True
    stage = obj if isinstance(obj, Stage) else obj.stage if isinstance(obj, Aspect) else obj.aspect.stage
    return stage.criteria_editable


# How the domain writes what the admin's forms and inlines save: model -> (save, delete).
DOMAIN_WRITES = {
    Stage: (criteria.save_stage, criteria.delete_stage),
    Aspect: (criteria.save_criterion, criteria.delete_criterion),
    Indicator: (criteria.save_criterion, criteria.delete_criterion),
    RubricLevel: (criteria.save_criterion, criteria.delete_criterion),
}
DOMAIN_CHECKS = {
    Stage: criteria.check_stage,
    Aspect: criteria.check_criterion,
    Indicator: criteria.check_criterion,
    RubricLevel: criteria.check_criterion,
}


class DomainCheckedAdmin(admin.ModelAdmin):
    """Forms checked by the domain before saving; saves, inline saves and deletions done by the domain."""

    def domain_check(self, obj):
        check = DOMAIN_CHECKS.get(type(obj))
        if check is not None:
            check(obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        return _checked(super().get_form(request, obj, change=change, **kwargs), self.domain_check)

    def save_model(self, request, obj, form, change):
        save, _delete = DOMAIN_WRITES.get(type(obj), (None, None))
        if save is None:
            return super().save_model(request, obj, form, change)
        save(obj)

    def delete_model(self, request, obj):
        _save, delete = DOMAIN_WRITES.get(type(obj), (None, None))
        if delete is None:
            return super().delete_model(request, obj)
        delete(obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    def save_formset(self, request, form, formset, change):
        writes = DOMAIN_WRITES.get(formset.model)
        if writes is None:
            return super().save_formset(request, form, formset, change)
        save, delete = writes
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            delete(obj)
        for obj in instances:
            save(obj)
        formset.save_m2m()


class CheckedInline:
    """An inline whose rows are checked by the domain (the parent admin's ``save_formset`` writes them)."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        check = DOMAIN_CHECKS.get(self.model)
        if check is not None:
            formset.form = _checked(formset.form, check)
        return formset


class CriteriaInline(CheckedInline):
    """Rows of locked criteria (the parent's stage has scores, or the results are final) are read-only."""

    def has_add_permission(self, request, obj=None):
        return _criteria_editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return _criteria_editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _criteria_editable(obj) and super().has_delete_permission(request, obj)


class StageInline(CheckedInline, admin.TabularInline):
    model = Stage
    extra = 0
    fields = ["order", "name", "kind", "starts_on", "ends_on", "weight", "advance_count"]
    show_change_link = True

    # ``obj`` is the edition: stages are added and removed only before the assessment, and nothing
    # of a published edition changes.
    def has_add_permission(self, request, obj=None):
        return (obj is None or obj.in_setup) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return (obj is None or not obj.settings_frozen) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return (obj is None or (obj.in_setup and not obj.has_scores())) and super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not obj.criteria_editable:
            return ["order", "weight"]
        return super().get_readonly_fields(request, obj)


@admin.register(Edition)
class EditionAdmin(DomainCheckedAdmin):
    list_display = ["name", "province", "year", "state", "aggregation", "final_score", "is_demo", "created_at"]
    list_filter = ["state", "province", "year", "is_demo"]
    list_select_related = ["province"]
    search_fields = ["name"]
    raw_id_fields = ["copied_from"]
    autocomplete_fields = ["province"]
    # The state moves only through the workflow, which records each move.
    readonly_fields = ["state", "created_at"]
    inlines = [StageInline]

    def domain_check(self, obj):
        if obj.pk is not None:
            criteria.check_edition_settings(obj)

    def save_model(self, request, obj, form, change):
        if change:
            criteria.save_edition_settings(obj)
        else:
            super().save_model(request, obj, form, change)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and not obj.criteria_editable:
            # How the scores are combined is fixed from the first score.
            fields += [name for name in criteria.FORMULA_FIELDS if name not in fields]
        return fields

    def has_change_permission(self, request, obj=None):
        # A published edition is what was published: read-only.
        return (obj is None or not obj.settings_frozen) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return (obj is None or obj.criteria_editable) and super().has_delete_permission(request, obj)


@admin.register(EditionTransition)
class EditionTransitionAdmin(ReadOnlyAdmin):
    list_display = ["edition", "from_state", "to_state", "by", "at"]
    list_filter = ["to_state", "edition__province"]
    list_select_related = ["edition", "by"]
    search_fields = ["edition__name", "by__username", "by__full_name"]
    date_hierarchy = "at"


class AspectInline(CriteriaInline, admin.TabularInline):
    model = Aspect
    extra = 0
    show_change_link = True


@admin.register(Stage)
class StageAdmin(DomainCheckedAdmin):
    list_display = ["name", "edition", "order", "kind", "starts_on", "ends_on", "weight", "advance_count"]
    list_filter = ["kind", "edition__province", "edition__year"]
    list_select_related = ["edition"]
    search_fields = ["name", "edition__name"]
    raw_id_fields = ["edition"]
    inlines = [AspectInline]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not obj.criteria_editable:
            return ["edition", "order", "weight"]
        return super().get_readonly_fields(request, obj)

    def has_change_permission(self, request, obj=None):
        return (obj is None or not obj.edition.settings_frozen) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        allowed = obj is None or (obj.edition.in_setup and not obj.has_scores())
        return allowed and super().has_delete_permission(request, obj)


class CriteriaAdmin(DomainCheckedAdmin):
    """An aspect, indicator or rubric level: read-only once its stage's criteria are locked."""

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)

    @staticmethod
    def _editable(obj):
        if obj is None:
            return True
        return _criteria_editable(obj.indicator if isinstance(obj, RubricLevel) else obj)


class IndicatorInline(CriteriaInline, admin.TabularInline):
    model = Indicator
    extra = 0
    fields = ["order", "name", "weight", "scale", "scale_min", "scale_max", "requires_evidence"]
    show_change_link = True


@admin.register(Aspect)
class AspectAdmin(CriteriaAdmin):
    list_display = ["name", "stage", "order", "weight"]
    list_filter = ["stage__kind", "stage__edition__province"]
    list_select_related = ["stage__edition"]
    search_fields = ["name", "stage__name", "stage__edition__name"]
    raw_id_fields = ["stage"]
    inlines = [IndicatorInline]


class RubricLevelInline(CriteriaInline, admin.TabularInline):
    model = RubricLevel
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(CriteriaAdmin):
    list_display = ["name", "aspect", "order", "weight", "scale", "scale_min", "scale_max", "requires_evidence"]
    list_filter = ["scale", "requires_evidence", "aspect__stage__kind"]
    list_select_related = ["aspect__stage"]
    search_fields = ["name", "aspect__name"]
    raw_id_fields = ["aspect"]
    inlines = [RubricLevelInline]


@admin.register(RubricLevel)
class RubricLevelAdmin(CriteriaAdmin):
    list_display = ["indicator", "value", "label"]
    list_select_related = ["indicator"]
    search_fields = ["label", "indicator__name"]
    raw_id_fields = ["indicator"]


@admin.register(Participant)
class ParticipantAdmin(FrozenWithResultsAdmin):
    list_display = ["district", "regency", "edition", "status", "nominated_by", "nominated_at", "decided_by"]
    list_filter = ["status", "edition__province", "edition__year"]
    list_select_related = ["district__regency", "edition", "nominated_by", "decided_by"]
    search_fields = ["district__name", "district__code", "district__regency__name", "edition__name"]
    raw_id_fields = ["edition", "district", "nominated_by", "decided_by"]
    readonly_fields = ["nominated_at"]

    @admin.display(description=_("regency"), ordering="district__regency__name")
    def regency(self, obj):
        return obj.district.regency


@admin.register(StageEntry)
class StageEntryAdmin(ReadOnlyAdmin):
    """Entries are made by starting the assessment and by advancing a stage's top N (``domain.advancing``),
    which records who advanced whom; an entry added or removed here would change a ranking unseen."""

    list_display = ["participant", "stage", "advanced_by", "advanced_at"]
    list_filter = ["stage__kind", "stage__edition__province"]
    list_select_related = ["participant__district", "stage", "advanced_by"]
    search_fields = ["participant__district__name", "stage__name"]
    raw_id_fields = ["stage", "participant", "advanced_by"]


@admin.register(StageAdvance)
class StageAdvanceAdmin(ReadOnlyAdmin):
    list_display = ["from_stage", "count", "by", "at", "reverted_by", "reverted_at"]
    list_filter = ["from_stage__edition__province"]
    list_select_related = ["from_stage", "by", "reverted_by"]
    search_fields = ["from_stage__name", "from_stage__edition__name"]


@admin.register(EditionAssessor)
class EditionAssessorAdmin(FrozenWithResultsAdmin):
    list_display = ["user", "edition"]
    list_filter = ["edition__province", "edition__year"]
    list_select_related = ["user", "edition"]
    search_fields = ["user__username", "user__full_name", "edition__name"]
    raw_id_fields = ["edition", "user"]


@admin.register(Assignment)
class AssignmentAdmin(FrozenWithResultsAdmin):
    list_display = ["assessor", "participant", "stage"]
    list_filter = ["stage__kind", "stage__edition__province"]
    list_select_related = ["assessor", "participant__district", "stage"]
    search_fields = ["assessor__username", "assessor__full_name", "participant__district__name"]
    raw_id_fields = ["stage", "assessor", "participant"]

    def edition_of(self, obj):
        return obj.stage.edition


@admin.register(Conflict)
class ConflictAdmin(DomainCheckedAdmin):
    """A conflict is declared through the domain (its sheets are voided with it) and then kept as declared."""

    list_display = ["assessor", "participant", "regency", "edition", "declared_at"]
    list_filter = ["edition__province"]
    list_select_related = ["assessor", "participant__district", "regency", "edition"]
    search_fields = ["assessor__username", "assessor__full_name", "participant__district__name", "reason"]
    raw_id_fields = ["edition", "assessor", "participant", "regency"]

    def domain_check(self, obj):
        if obj.pk is None:
            if (obj.participant_id is None) == (obj.regency_id is None):
                raise ValidationError(_("A conflict is declared with one kecamatan or with one regency."))
            if obj.participant_id is not None and obj.edition_id != obj.participant.edition_id:
                raise ValidationError(_("The participant is not in this edition."))
            assignments.conflict_problems(
                obj.assessor, obj.participant, obj.reason, regency=obj.regency, edition=obj.edition
            )

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        if obj.regency_id is not None:
            declared = assignments.declare_regency_conflict(obj.assessor, obj.edition, obj.regency, obj.reason)
        else:
            declared = assignments.declare_conflict(obj.assessor, obj.participant, obj.reason)
        obj.pk, obj.declared_at = declared.pk, declared.declared_at

    def has_change_permission(self, request, obj=None):
        # What was declared stays as declared (the sheets it voided depend on it).
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Lifting a conflict would count its sheets again: not once they exist or the results are final.
        if obj is not None and (
            obj.edition.results_final
            or ScoreSheet.objects.filter(assessor_id=obj.assessor_id, stage__edition_id=obj.edition_id)
            .filter(
                Q(participant_id=obj.participant_id)
                if obj.participant_id is not None
                else Q(participant__district__regency_id=obj.regency_id)
            )
            .exists()
        ):
            return False
        return super().has_delete_permission(request, obj)


class ScoreInline(admin.TabularInline):
    model = Score
    extra = 0
    fields = ["indicator", "value", "comment", "version", "updated_at"]
    # Scores change only through the sheet (which records each change in ScoreChange).
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ScoreSheet)
class ScoreSheetAdmin(ReadOnlyAdmin):
    """Sheets are opened, submitted and reopened in the portal (``domain.scoring``), which checks the
    assignment, conflicts and the stage's state and records each step as a SheetEvent."""

    list_display = ["participant", "assessor", "stage", "status", "submitted_at"]
    list_filter = ["status", "stage__kind", "stage__edition__province"]
    list_select_related = ["participant__district", "assessor", "stage"]
    search_fields = ["participant__district__name", "assessor__username", "assessor__full_name"]
    raw_id_fields = ["stage", "assessor", "participant"]
    # Submitting and reopening go through the portal, which records them as SheetEvents.
    readonly_fields = ["status", "submitted_at"]
    inlines = [ScoreInline]


@admin.register(SheetEvent)
class SheetEventAdmin(ReadOnlyAdmin):
    list_display = ["sheet", "action", "by", "at", "reason"]
    list_filter = ["action"]
    list_select_related = ["sheet__participant__district", "sheet__assessor", "sheet__stage", "by"]
    search_fields = ["reason", "by__username", "sheet__participant__district__name"]
    date_hierarchy = "at"


@admin.register(Score)
class ScoreAdmin(admin.ModelAdmin):
    list_display = ["sheet", "indicator", "value", "version", "updated_at"]
    list_select_related = ["sheet__participant__district", "sheet__assessor", "sheet__stage", "indicator"]
    search_fields = ["indicator__name", "sheet__participant__district__name", "sheet__assessor__username"]
    raw_id_fields = ["sheet", "indicator"]
    # A score changed here would bypass its history; the value is shown, not edited.
    readonly_fields = ["sheet", "indicator", "value", "comment", "version", "updated_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ScoreChange)
class ScoreChangeAdmin(ReadOnlyAdmin):
    list_display = ["sheet", "indicator", "old_value", "new_value", "by", "at", "source", "ip_address"]
    list_filter = ["source"]
    list_select_related = ["sheet__participant__district", "sheet__assessor", "sheet__stage", "indicator", "by"]
    search_fields = ["indicator__name", "by__username", "sheet__participant__district__name"]
    date_hierarchy = "at"


# Models other areas add later get a plain, read-only admin until they are given a proper one here.
for _model in apps.get_app_config("assessments").get_models():
    if not admin.site.is_registered(_model):
        admin.site.register(_model, ReadOnlyAdmin)
