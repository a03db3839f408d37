"""Public results of published editions (namespace "results", under /hasil/)."""

from django.urls import path

from assessments.views.public import results as views
from assessments.views.public.verification import EditionVerificationView

app_name = "results"
urlpatterns = [
    path("", views.HistoryView.as_view(), name="history"),
    path("<int:edition_pk>/", views.EditionResultsView.as_view(), name="edition_results"),
    path("<int:edition_pk>/verifikasi/", EditionVerificationView.as_view(), name="edition_verification"),
    path("<int:edition_pk>/peringkat.csv", views.ResultsCsvView.as_view(), name="edition_csv"),
    path("<int:edition_pk>/peringkat.xlsx", views.ResultsExcelView.as_view(), name="edition_xlsx"),
    path("<int:edition_pk>/foto/<int:award_pk>/", views.WinnerPhotoView.as_view(), name="winner_photo"),
]
