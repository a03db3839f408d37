from django.urls import path

from assessments.views.panel import conflicts as conflict_views
from assessments.views.panel import participants as views

urlpatterns = [
    path("<int:edition_pk>/peserta/", views.ParticipantListView.as_view(), name="participant_list"),
    path("<int:edition_pk>/peserta/usulkan/", views.NominateView.as_view(), name="nominate"),
    path(
        "<int:edition_pk>/peserta/<int:participant_pk>/keputusan/",
        views.ParticipantDecideView.as_view(),
        name="participant_decide",
    ),
    path(
        "<int:edition_pk>/peserta/keputusan/",
        views.ParticipantBulkDecideView.as_view(),
        name="participant_bulk_decide",
    ),
    path("<int:edition_pk>/peserta/tambah/", views.ParticipantEnterView.as_view(), name="participant_enter"),
    path(
        "<int:edition_pk>/peserta/<int:participant_pk>/tarik/",
        views.NominationWithdrawView.as_view(),
        name="nomination_withdraw",
    ),
    path("<int:edition_pk>/penilai/", views.AssessorListView.as_view(), name="assessor_list"),
    path("<int:edition_pk>/penilai/tambah/", views.AssessorAddView.as_view(), name="assessor_add"),
    path("<int:edition_pk>/penilai/<int:user_pk>/hapus/", views.AssessorRemoveView.as_view(), name="assessor_remove"),
    path(
        "<int:edition_pk>/tahap/<int:stage_pk>/penugasan/",
        views.AssignmentMatrixView.as_view(),
        name="assignment_matrix",
    ),
    path(
        "<int:edition_pk>/tahap/<int:stage_pk>/penugasan/otomatis/",
        views.AutoAssignView.as_view(),
        name="auto_assign",
    ),
    path(
        "<int:edition_pk>/penugasan/pengganti/",
        conflict_views.ReplacementView.as_view(),
        name="assessor_replacements",
    ),
    path("<int:edition_pk>/pengingat/", views.SendRemindersView.as_view(), name="send_reminders"),
    path("<int:edition_pk>/konflik/", views.ConflictDeclareView.as_view(), name="conflict_declare"),
]
