"""The read-only open data API of published results (namespace "api", under /api/)."""

from django.urls import path

from assessments.views import api as views

app_name = "api"
urlpatterns = [
    path("editions/", views.EditionListApiView.as_view(), name="editions"),
    path("editions/<int:edition_pk>/results/", views.EditionResultsApiView.as_view(), name="edition_results"),
]
