from django.urls import path

from districts.views import regions as views

app_name = "districts"
urlpatterns = [
    path("", views.ProvinceListView.as_view(), name="province_list"),
    path("cari/", views.SearchView.as_view(), name="search"),
    path("provinsi/<str:code>/", views.ProvinceDetailView.as_view(), name="province_detail"),
    path("kabupaten/<str:code>/", views.RegencyDetailView.as_view(), name="regency_detail"),
    path("kecamatan/<str:code>/", views.DistrictDetailView.as_view(), name="district_detail"),
]
