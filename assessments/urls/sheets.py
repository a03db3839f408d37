from django.urls import path

from assessments.views.panel import sheets as views

urlpatterns = [
    path("lembar/", views.MySheetsView.as_view(), name="my_sheets"),
    path("lembar/<int:sheet_pk>/", views.SheetView.as_view(), name="sheet"),
    path("lembar/sw.js", views.SheetWorkerView.as_view(), name="sheet_worker"),
    path("lembar/<int:sheet_pk>/nilai/<int:indicator_pk>/", views.ScoreSaveView.as_view(), name="score_save"),
    path("lembar/<int:sheet_pk>/kirim/", views.SheetSubmitView.as_view(), name="sheet_submit"),
    path("lembar/<int:sheet_pk>/buka-kembali/", views.SheetReopenView.as_view(), name="sheet_reopen"),
    path("tahap/<int:stage_pk>/peserta/<int:participant_pk>/nilai/", views.SheetOpenView.as_view(), name="sheet_open"),
    path("tahap/<int:stage_pk>/kirim-semua/", views.StageSubmitAllView.as_view(), name="stage_submit_all"),
    path("tahap/<int:stage_pk>/progres/", views.StageProgressView.as_view(), name="stage_progress"),
    path("tahap/<int:stage_pk>/excel/", views.StageExcelUploadView.as_view(), name="stage_excel_upload"),
    path("tahap/<int:stage_pk>/excel/unduh/", views.StageExcelDownloadView.as_view(), name="stage_excel_download"),
    path(
        "peserta/<int:participant_pk>/riwayat-nilai/",
        views.ParticipantHistoryView.as_view(),
        name="participant_history",
    ),
]
