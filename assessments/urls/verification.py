from django.urls import path

from assessments.views.panel import verification as views

urlpatterns = [
    path("<int:edition_pk>/verifikasi-hasil/", views.VerificationView.as_view(), name="results_verification"),
    path(
        "<int:edition_pk>/verifikasi-hasil/mulai/",
        views.VerificationStartView.as_view(),
        name="results_verification_start",
    ),
    path("verifikasi-hasil/<int:pk>/", views.VerificationProgressView.as_view(), name="results_verification_run"),
]
