from django.urls import path

from assessments.views.panel import evidence as views

urlpatterns = [
    path("data-dukung/", views.MyEvidenceView.as_view(), name="evidence_home"),
    path("peserta/<int:participant_pk>/data-dukung/", views.ChecklistView.as_view(), name="evidence_checklist"),
    path(
        "peserta/<int:participant_pk>/data-dukung/indikator/<int:indicator_pk>/unggah/",
        views.UploadView.as_view(),
        name="evidence_upload",
    ),
    path("peserta/<int:participant_pk>/data-dukung/kirim/", views.SubmitView.as_view(), name="evidence_submit"),
    path(
        "peserta/<int:participant_pk>/data-dukung/inovasi/",
        views.PresentedInnovationsView.as_view(),
        name="entry_innovations",
    ),
    path("peserta/<int:participant_pk>/data-dukung/perpanjang/", views.ExtendView.as_view(), name="evidence_extend"),
    path(
        "tahap/<int:stage_pk>/peserta/<int:participant_pk>/data-dukung.zip",
        views.StageZipView.as_view(),
        name="evidence_zip",
    ),
    path("data-dukung/<uuid:token>/unduh/", views.DownloadView.as_view(), name="evidence_download"),
    path("data-dukung/<uuid:token>/lihat/", views.InlineView.as_view(), name="evidence_inline"),
    path("data-dukung/<uuid:token>/pratinjau/", views.PreviewView.as_view(), name="evidence_preview"),
    path("data-dukung/<uuid:token>/halaman/<int:page>.png", views.PageView.as_view(), name="evidence_page"),
    path("data-dukung/<uuid:token>/ganti/", views.ReplaceView.as_view(), name="evidence_replace"),
    path("data-dukung/<uuid:token>/ubah/", views.UpdateView.as_view(), name="evidence_update"),
    path("data-dukung/<uuid:token>/tarik/", views.WithdrawView.as_view(), name="evidence_withdraw"),
]
