from django.contrib.auth import views as auth_views
from django.urls import path

from sp2k.accounts import views
from sp2k.accounts.forms import LoginForm

app_name = "accounts"
urlpatterns = [
    path(
        "masuk/",
        auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    # Django's LogoutView answers POST only: a link or an image cannot log anybody out.
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("kata-sandi/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "kata-sandi/selesai/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("lupa-kata-sandi/", views.PasswordResetView.as_view(), name="password_reset"),
    path("lupa-kata-sandi/terkirim/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "atur-kata-sandi/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "atur-kata-sandi/selesai/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("pengguna/", views.UserListView.as_view(), name="user_list"),
    path("pengguna/baru/", views.UserCreateView.as_view(), name="user_create"),
    path("pengguna/massal/", views.BulkCreateView.as_view(), name="bulk_create"),
    path("pengguna/<int:pk>/", views.UserDetailView.as_view(), name="user_detail"),
    path("pengguna/<int:pk>/ubah/", views.UserUpdateView.as_view(), name="user_update"),
    path("pengguna/<int:pk>/kabupaten-asal/", views.HomeRegencyView.as_view(), name="user_home_regency"),
    path("pengguna/<int:pk>/nonaktifkan/", views.UserDeactivateView.as_view(), name="user_deactivate"),
]
