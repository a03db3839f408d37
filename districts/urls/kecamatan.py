from django.urls import path

from districts.views import kecamatan as views

app_name = "kecamatan"
urlpatterns = [
    path("", views.OwnKecamatanView.as_view(), name="own"),
    path("<str:code>/", views.ProfileView.as_view(), name="profile"),
    path("<str:code>/profil/ubah/", views.ProfileEditView.as_view(), name="profile_edit"),
    path("<str:code>/profil/foto-kantor/", views.OfficePhotoView.as_view(), name="office_photo"),
    path("<str:code>/inovasi/", views.InnovationListView.as_view(), name="innovation_list"),
    path("<str:code>/inovasi/tambah/", views.InnovationFormView.as_view(), name="innovation_add"),
    path("<str:code>/inovasi/<int:pk>/", views.InnovationDetailView.as_view(), name="innovation_detail"),
    path("<str:code>/inovasi/<int:pk>/ubah/", views.InnovationFormView.as_view(), name="innovation_edit"),
    path("<str:code>/inovasi/<int:pk>/foto/", views.InnovationPhotoAddView.as_view(), name="photo_add"),
    path(
        "<str:code>/inovasi/<int:pk>/foto/<int:photo>/hapus/",
        views.InnovationPhotoDeleteView.as_view(),
        name="photo_delete",
    ),
]
