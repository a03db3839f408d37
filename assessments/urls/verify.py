"""Public verification of printed documents: /verifikasi/<code>/ (namespace "verify")."""

from django.urls import path

from assessments.views.public import verify as views

app_name = "verify"
urlpatterns = [
    path("<str:code>/", views.VerifyView.as_view(), name="document"),
]
