"""The competition's URLs, one module per area, all under the "assessments" namespace."""

from django.urls import include, path

app_name = "assessments"
urlpatterns = [
    path("", include("assessments.urls.editions")),
    path("", include("assessments.urls.participants")),
    path("", include("assessments.urls.sheets")),
    path("", include("assessments.urls.ranking")),
    path("", include("assessments.urls.evidence")),
    path("", include("assessments.urls.awards")),
    path("", include("assessments.urls.visits")),
    path("", include("assessments.urls.comments")),
    path("", include("assessments.urls.verification")),
]
