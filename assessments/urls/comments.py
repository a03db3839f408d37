from django.urls import path

from assessments.views.panel import comments as views

urlpatterns = [
    path("komentar-kriteria/", views.CommentRoundListView.as_view(), name="comment_rounds"),
    path("<int:edition_pk>/komentar-kriteria/", views.CriteriaCommentView.as_view(), name="criteria_comments"),
    path("<int:edition_pk>/komentar-kriteria/buka/", views.CommentRoundOpenView.as_view(), name="comment_round_open"),
    path(
        "<int:edition_pk>/komentar-kriteria/tutup/", views.CommentRoundCloseView.as_view(), name="comment_round_close"
    ),
]
