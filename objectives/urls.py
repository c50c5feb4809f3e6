from django.urls import path

from objectives import views
from objectives.models import (
    Indicator,
    Milestone,
    Objective,
    Process,
    Programme,
    Project,
)

app_name = "objectives"

# The detail page of each component type: (URL prefix, model).
DETAIL_PAGES = [
    ("objectives", Objective),
    ("projects", Project),
    ("milestones", Milestone),
    ("processes", Process),
    ("programmes", Programme),
    ("indicators", Indicator),
]

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "organisations/<str:ovo_number>/",
        views.organisation_detail,
        name="organisation_detail",
    ),
    *(
        path(
            f"{prefix}/<uuid:public_id>/",
            views.component_detail,
            {"model": model},
            name=f"{model._meta.model_name}_detail",
        )
        for prefix, model in DETAIL_PAGES
    ),
]
