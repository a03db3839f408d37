"""Admin for the kecamatan's profiles and innovations (technical operators only, see districts/rules.py)."""

from django.contrib import admin

from districts.models import DistrictProfile, Innovation, InnovationFigure, InnovationPhoto


@admin.register(DistrictProfile)
class DistrictProfileAdmin(admin.ModelAdmin):
    list_display = ["district", "camat_name", "updated_at"]
    list_select_related = ["district"]
    search_fields = ["district__name", "^district__code", "camat_name"]
    autocomplete_fields = ["district"]
    readonly_fields = ["updated_at", "updated_by"]


class InnovationFigureInline(admin.TabularInline):
    model = InnovationFigure
    extra = 0


class InnovationPhotoInline(admin.TabularInline):
    model = InnovationPhoto
    extra = 0
    fields = ["image", "caption", "order"]
    readonly_fields = ["image"]  # uploads go through the kecamatan's form, which checks and re-encodes them


@admin.register(Innovation)
class InnovationAdmin(admin.ModelAdmin):
    list_display = ["name", "district", "category", "start_year", "status", "is_published"]
    list_filter = ["is_published", "category", "status"]
    list_select_related = ["district"]
    search_fields = ["name", "district__name", "^district__code"]
    autocomplete_fields = ["district"]
    readonly_fields = ["created_at", "created_by", "updated_at", "updated_by"]
    inlines = [InnovationFigureInline, InnovationPhotoInline]
