"""The province admin's documents: /dokumen/… (namespace "documents")."""

from django.urls import path

from assessments.views.panel import documents as views

app_name = "documents"
urlpatterns = [
    path("<int:edition_pk>/", views.DocumentsView.as_view(), name="edition"),
    path("<int:edition_pk>/keputusan/", views.DecreeFormView.as_view(), name="decree_form"),
    path("<int:edition_pk>/cetak/", views.IssueView.as_view(), name="issue"),
    path("<int:edition_pk>/kop-surat/", views.LetterheadView.as_view(), name="letterhead"),
    path("<int:edition_pk>/tugas/", views.JobStartView.as_view(), name="job_start"),
    path("berkas/<int:pk>/", views.DownloadView.as_view(), name="download"),
    path("berkas/<int:pk>/tarik/", views.WithdrawView.as_view(), name="withdraw"),
    path("tugas/<int:pk>/", views.JobProgressView.as_view(), name="job"),
    path("tugas/<int:pk>/unduh/", views.JobDownloadView.as_view(), name="job_download"),
]
