from django.urls import path

from districts.views import kecamatan as views

app_name = "catalogue"
urlpatterns = [
    path("", views.CatalogueView.as_view(), name="list"),
    path("<int:pk>/", views.CatalogueDetailView.as_view(), name="detail"),
    path("foto/<int:pk>/", views.PhotoView.as_view(), name="photo"),
]
