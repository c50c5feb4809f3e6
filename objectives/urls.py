from django.urls import path

from objectives import views

app_name = "objectives"
urlpatterns = [
    path("", views.home, name="home"),
    path(
        "organisations/<str:ovo_number>/",
        views.organisation_detail,
        name="organisation_detail",
    ),
    path(
        "objectives/<uuid:public_id>/", views.objective_detail, name="objective_detail"
    ),
    path("projects/<uuid:public_id>/", views.project_detail, name="project_detail"),
    path(
        "milestones/<uuid:public_id>/", views.milestone_detail, name="milestone_detail"
    ),
    path("processes/<uuid:public_id>/", views.process_detail, name="process_detail"),
    path(
        "programmes/<uuid:public_id>/", views.programme_detail, name="programme_detail"
    ),
    path(
        "indicators/<uuid:public_id>/", views.indicator_detail, name="indicator_detail"
    ),
]
