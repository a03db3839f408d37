"""The field-visit schedule of a stage and its notice letters (the province admin's)."""

from django.urls import path

from assessments.views.panel import visits as views

urlpatterns = [
    path("tahap/<int:stage_pk>/tinjau-lapang/", views.StageVisitsView.as_view(), name="stage_visits"),
    path(
        "tahap/<int:stage_pk>/tinjau-lapang/<int:visit_pk>/surat/",
        views.VisitLetterView.as_view(),
        name="visit_letter",
    ),
]
