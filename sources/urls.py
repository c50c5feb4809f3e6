from django.urls import path

from sources import views

app_name = "sources"

urlpatterns = [
    path("", views.run_list, name="run_list"),
    path("<str:source>/start/", views.run_start, name="run_start"),
    path("runs/<uuid:public_id>/", views.run_detail, name="run_detail"),
    path("runs/<uuid:public_id>/status/", views.run_status, name="run_status"),
]
