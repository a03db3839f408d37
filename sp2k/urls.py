from django.contrib import admin
from django.urls import include, path

from sp2k.accounts.views import DashboardView

from . import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("dasbor/", DashboardView.as_view(), name="dashboard"),
    path("tentang/", views.AboutView.as_view(), name="about"),
    path("healthz/", views.HealthView.as_view(), name="healthz"),
    path("akun/", include("sp2k.accounts.urls")),
    path("wilayah/", include("districts.urls")),
    path("kecamatan/", include("districts.urls_kecamatan")),
    path("inovasi/", include("districts.urls_catalogue")),
    path("kompetisi/", include("assessments.urls")),
    path("dokumen/", include("assessments.urls_documents")),
    path("verifikasi/", include("assessments.urls_verify")),
    path("hasil/", include("assessments.urls_results")),
    path("api/", include("assessments.urls_api")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler500 = "sp2k.views.server_error"
