from django.contrib import admin
from django.urls import include, path

from sp2k import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("dasbor/", views.DashboardView.as_view(), name="dashboard"),
    path("tentang/", views.AboutView.as_view(), name="about"),
    path("healthz/", views.HealthView.as_view(), name="healthz"),
    path("readyz/", views.ReadinessView.as_view(), name="readyz"),
    path("akun/", include("sp2k.accounts.urls")),
    path("pemberitahuan/", include("sp2k.notices.urls")),
    path("wilayah/", include("districts.urls.regions")),
    path("kecamatan/", include("districts.urls.kecamatan")),
    path("inovasi/", include("districts.urls.catalogue")),
    path("kompetisi/", include("assessments.urls")),
    path("dokumen/", include("assessments.urls.documents")),
    path("verifikasi/", include("assessments.urls.verify")),
    path("hasil/", include("assessments.urls.results")),
    path("api/", include("assessments.urls.api")),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("admin/", admin.site.urls),
]

handler400 = "sp2k.views.bad_request"
handler403 = "sp2k.views.permission_denied"
handler404 = "sp2k.views.page_not_found"
handler500 = "sp2k.views.server_error"
