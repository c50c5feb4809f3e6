from django.urls import path

from objectives.models import (
    Indicator,
    Milestone,
    Objective,
    Process,
    Programme,
    Project,
)
from objectives.views import browse, components, manage

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

# Managing components: create, edit, archive and link (functional
# administrators; contributors edit descriptions).


def _component_routes(prefix, model):
    name = model._meta.model_name
    kwargs = {"model": model}
    routes = [
        path(
            f"{prefix}/<uuid:public_id>/edit/",
            manage.component_edit,
            kwargs,
            name=f"{name}_edit",
        ),
        path(
            f"{prefix}/<uuid:public_id>/description/",
            manage.component_description_edit,
            kwargs,
            name=f"{name}_description_edit",
        ),
        path(
            f"{prefix}/<uuid:public_id>/archive/",
            manage.component_archive,
            {**kwargs, "archived": True},
            name=f"{name}_archive",
        ),
        path(
            f"{prefix}/<uuid:public_id>/restore/",
            manage.component_archive,
            {**kwargs, "archived": False},
            name=f"{name}_restore",
        ),
    ]
    if model is Milestone:
        return routes
    return [
        *routes,
        path(
            f"organisations/<str:ovo_number>/{prefix}/new/",
            manage.component_create,
            kwargs,
            name=f"{name}_create",
        ),
        path(
            f"{prefix}/<uuid:public_id>/links/",
            manage.component_links,
            kwargs,
            name=f"{name}_links",
        ),
        path(
            f"{prefix}/<uuid:public_id>/links/<slug:kind>/",
            manage.component_link_picker,
            kwargs,
            name=f"{name}_link_picker",
        ),
        path(
            f"{prefix}/<uuid:public_id>/links/<slug:kind>/add/",
            manage.component_link,
            kwargs,
            name=f"{name}_link",
        ),
        path(
            f"{prefix}/<uuid:public_id>/links/<slug:kind>/remove/",
            manage.component_unlink,
            kwargs,
            name=f"{name}_unlink",
        ),
    ]


urlpatterns += [
    path(
        "projects/<uuid:public_id>/milestones/new/",
        manage.milestone_create,
        name="milestone_create",
    ),
    *(
        route
        for prefix, model in DETAIL_PAGES
        for route in _component_routes(prefix, model)
    ),
]
