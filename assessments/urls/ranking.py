from django.urls import path

from assessments.views.panel import ranking as views

urlpatterns = [
    path("tahap/<int:stage_pk>/peringkat/", views.StageRankingView.as_view(), name="stage_ranking"),
    path("tahap/<int:stage_pk>/loloskan/", views.StageAdvanceView.as_view(), name="stage_advance"),
    path("loloskan/<int:advance_pk>/batalkan/", views.StageAdvanceRevertView.as_view(), name="stage_advance_revert"),
    path("<int:edition_pk>/peringkat/", views.FinalRankingView.as_view(), name="final_ranking"),
    path(
        "peserta/<int:participant_pk>/penjelasan/",
        views.ParticipantExplanationView.as_view(),
        name="participant_explanation",
    ),
]
