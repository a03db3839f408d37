from django.urls import path

from assessments.views.panel import editions as views

STAGE = "<int:edition_pk>/tahap/<int:stage_pk>/"
ASPECT = STAGE + "aspek/<int:aspect_pk>/"
INDICATOR = ASPECT + "indikator/<int:indicator_pk>/"

urlpatterns = [
    path("", views.EditionListView.as_view(), name="edition_list"),
    path("baru/", views.EditionCreateView.as_view(), name="edition_create"),
    path("<int:edition_pk>/", views.EditionDetailView.as_view(), name="edition_detail"),
    path("<int:edition_pk>/status/", views.EditionTransitionView.as_view(), name="edition_transition"),
    path("<int:edition_pk>/pengaturan/", views.EditionSettingsView.as_view(), name="edition_settings"),
    path("<int:edition_pk>/salin/", views.EditionCopyView.as_view(), name="edition_copy"),
    path("<int:edition_pk>/ekspor/", views.EditionExportView.as_view(), name="edition_export"),
    path("<int:edition_pk>/impor/", views.EditionImportView.as_view(), name="edition_import"),
    path("<int:edition_pk>/hapus/", views.EditionDeleteView.as_view(), name="edition_delete"),
    path("<int:edition_pk>/tahap/baru/", views.StageCreateView.as_view(), name="stage_create"),
    path(STAGE + "kriteria/", views.StageCriteriaView.as_view(), name="stage_criteria"),
    path(STAGE + "hapus/", views.StageDeleteView.as_view(), name="stage_delete"),
    path(STAGE + "salin-kriteria/", views.StageCriteriaCopyView.as_view(), name="stage_criteria_copy"),
    path(STAGE + "aspek/baru/", views.AspectFormView.as_view(), name="aspect_create"),
    path(ASPECT, views.AspectFormView.as_view(), name="aspect_edit"),
    path(ASPECT + "hapus/", views.CriteriaItemDeleteView.as_view(), name="aspect_delete"),
    path(ASPECT + "indikator/baru/", views.IndicatorFormView.as_view(), name="indicator_create"),
    path(INDICATOR, views.IndicatorFormView.as_view(), name="indicator_edit"),
    path(INDICATOR + "hapus/", views.CriteriaItemDeleteView.as_view(), name="indicator_delete"),
]
