from django.urls import path

from assessments.views.panel import awards as views

AWARDS = "<int:edition_pk>/penghargaan/"
CATEGORY = AWARDS + "<int:category_pk>/"

urlpatterns = [
    path(AWARDS, views.AwardsView.as_view(), name="awards"),
    path(AWARDS + "bawaan/", views.DefaultCategoriesView.as_view(), name="award_defaults"),
    path(AWARDS + "baru/", views.CategoryAddView.as_view(), name="award_category_add"),
    path(CATEGORY, views.CategoryEditView.as_view(), name="award_category_edit"),
    path(CATEGORY + "geser/", views.CategoryMoveView.as_view(), name="award_category_move"),
    path(CATEGORY + "hapus/", views.CategoryDeleteView.as_view(), name="award_category_delete"),
    path(CATEGORY + "pilih/", views.AwardChooseView.as_view(), name="award_choose"),
    path(AWARDS + "konfirmasi/", views.ConfirmView.as_view(), name="awards_confirm"),
    path(AWARDS + "batalkan-konfirmasi/", views.WithdrawConfirmationView.as_view(), name="awards_withdraw"),
    path("<int:edition_pk>/terbitkan/", views.PublishView.as_view(), name="publish"),
    path("<int:edition_pk>/tarik-publikasi/", views.WithdrawPublicationView.as_view(), name="publication_withdraw"),
]
