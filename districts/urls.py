from django.urls import path

from . import views

app_name = "districts"
urlpatterns = [
    path("", views.ProvinceListView.as_view(), name="province_list"),
    path("cari/", views.SearchView.as_view(), name="search"),
]
