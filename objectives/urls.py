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
    # Browsing: home, entity overview, lenses and search.
    path("", browse.home, name="home"),
    path(
        "organisations/<str:ovo_number>/",
        browse.organisation_detail,
        name="organisation_detail",
    ),
    path("lenses/", browse.lens_list, name="lens_list"),
    path("lenses/<uuid:public_id>/", browse.lens_detail, name="lens_detail"),
    path("search/", browse.search_results, name="search"),
    path(
        "objectives/<uuid:public_id>/beneath/",
        browse.objective_beneath,
        name="objective_beneath",
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
