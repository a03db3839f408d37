from django.contrib import admin
from django.urls import include, path

from sp2k.accounts.views import DashboardView

from . import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("dasbor/", DashboardView.as_view(), name="dashboard"),
    path("tentang/", views.AboutView.as_view(), name="about"),
    path("akun/", include("sp2k.accounts.urls")),
    path("wilayah/", include("districts.urls")),
    path("kompetisi/", include("assessments.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
