"""Admin of the competition, for the technical operators (superusers).

Histories (state moves, sheet events, score changes, advances) are append-only: the admin shows
them and nothing else, so that nobody can rewrite what happened. Foreign keys to users and
kecamatan are raw ids: rendering thousands of <option>s would make every page slow.
"""

from django.apps import apps
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

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


class StageInline(admin.TabularInline):
    model = Stage
    extra = 0
    fields = ["order", "name", "kind", "starts_on", "ends_on", "weight", "advance_count"]
    show_change_link = True


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    list_display = ["name", "province", "year", "state", "aggregation", "final_score", "is_demo", "created_at"]
    list_filter = ["state", "province", "year", "is_demo"]
    list_select_related = ["province"]
    search_fields = ["name"]
    raw_id_fields = ["copied_from"]
    autocomplete_fields = ["province"]
    # The state moves only through the workflow, which records each move.
    readonly_fields = ["state", "created_at"]
    inlines = [StageInline]


@admin.register(EditionTransition)
class EditionTransitionAdmin(ReadOnlyAdmin):
    list_display = ["edition", "from_state", "to_state", "by", "at"]
    list_filter = ["to_state", "edition__province"]
    list_select_related = ["edition", "by"]
    search_fields = ["edition__name", "by__username", "by__full_name"]
    date_hierarchy = "at"


class AspectInline(admin.TabularInline):
    model = Aspect
    extra = 0
    show_change_link = True


@admin.register(Stage)
class StageAdmin(admin.ModelAdmin):
    list_display = ["name", "edition", "order", "kind", "starts_on", "ends_on", "weight", "advance_count"]
    list_filter = ["kind", "edition__province", "edition__year"]
    list_select_related = ["edition"]
    search_fields = ["name", "edition__name"]
    raw_id_fields = ["edition"]
    inlines = [AspectInline]


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    fields = ["order", "name", "weight", "scale", "scale_min", "scale_max", "requires_evidence"]
    show_change_link = True


@admin.register(Aspect)
class AspectAdmin(admin.ModelAdmin):
    list_display = ["name", "stage", "order", "weight"]
    list_filter = ["stage__kind", "stage__edition__province"]
    list_select_related = ["stage__edition"]
    search_fields = ["name", "stage__name", "stage__edition__name"]
    raw_id_fields = ["stage"]
    inlines = [IndicatorInline]


class RubricLevelInline(admin.TabularInline):
    model = RubricLevel
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["name", "aspect", "order", "weight", "scale", "scale_min", "scale_max", "requires_evidence"]
    list_filter = ["scale", "requires_evidence", "aspect__stage__kind"]
    list_select_related = ["aspect__stage"]
    search_fields = ["name", "aspect__name"]
    raw_id_fields = ["aspect"]
    inlines = [RubricLevelInline]


@admin.register(RubricLevel)
class RubricLevelAdmin(admin.ModelAdmin):
    list_display = ["indicator", "value", "label"]
    list_select_related = ["indicator"]
    search_fields = ["label", "indicator__name"]
    raw_id_fields = ["indicator"]


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
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
class StageEntryAdmin(admin.ModelAdmin):
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
class EditionAssessorAdmin(admin.ModelAdmin):
    list_display = ["user", "edition"]
    list_filter = ["edition__province", "edition__year"]
    list_select_related = ["user", "edition"]
    search_fields = ["user__username", "user__full_name", "edition__name"]
    raw_id_fields = ["edition", "user"]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["assessor", "participant", "stage"]
    list_filter = ["stage__kind", "stage__edition__province"]
    list_select_related = ["assessor", "participant__district", "stage"]
    search_fields = ["assessor__username", "assessor__full_name", "participant__district__name"]
    raw_id_fields = ["stage", "assessor", "participant"]


@admin.register(Conflict)
class ConflictAdmin(admin.ModelAdmin):
    list_display = ["assessor", "participant", "edition", "declared_at"]
    list_filter = ["edition__province"]
    list_select_related = ["assessor", "participant__district", "edition"]
    search_fields = ["assessor__username", "assessor__full_name", "participant__district__name", "reason"]
    raw_id_fields = ["edition", "assessor", "participant"]


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
class ScoreSheetAdmin(admin.ModelAdmin):
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
