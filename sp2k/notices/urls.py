from django.urls import path

from sp2k.notices import views

app_name = "notices"
urlpatterns = [
    path("", views.NoticeListView.as_view(), name="list"),
    path("dibaca/", views.NoticeMarkReadView.as_view(), name="mark_read"),
]
