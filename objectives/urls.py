from django.urls import path

from objectives.models import (
    Indicator,
    Milestone,
    Objective,
    Process,
    Programme,
    Project,
)
from objectives.views import browse, components

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
    path("", browse.home, name="home"),
    path(
        "organisations/<str:ovo_number>/",
        browse.organisation_detail,
        name="organisation_detail",
    ),
    *(
        path(
            f"{prefix}/<uuid:public_id>/",
            components.component_detail,
            {"model": model},
            name=f"{model._meta.model_name}_detail",
        )
        for prefix, model in DETAIL_PAGES
    ),
]
