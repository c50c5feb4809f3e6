from django.urls import path

from objectives.models import (
    Indicator,
    Milestone,
    Objective,
    Process,
    Programme,
    Project,
)
from objectives.views import browse, components, lenses_manage, members

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
    # Lens building and the members of an organisation (lensadmin).
    path("lenses/new/", lenses_manage.lens_create, name="lens_create"),
    path(
        "lenses/<uuid:public_id>/build/",
        lenses_manage.lens_build,
        name="lens_build",
    ),
    path(
        "lenses/<uuid:public_id>/build/objectives/",
        lenses_manage.lens_objective_search,
        name="lens_objective_search",
    ),
    path(
        "lenses/<uuid:public_id>/build/objectives/add/",
        lenses_manage.lens_objective_add,
        name="lens_objective_add",
    ),
    path(
        "lenses/<uuid:public_id>/build/headings/add/",
        lenses_manage.lens_heading_add,
        name="lens_heading_add",
    ),
    path(
        "lenses/<uuid:public_id>/build/move/",
        lenses_manage.lens_entry_move,
        name="lens_entry_move",
    ),
    path(
        "lenses/<uuid:public_id>/build/remove/",
        lenses_manage.lens_entry_remove,
        name="lens_entry_remove",
    ),
    path(
        "lenses/<uuid:public_id>/edit/",
        lenses_manage.lens_update,
        name="lens_update",
    ),
    path(
        "lenses/<uuid:public_id>/coordinators/",
        lenses_manage.lens_coordinator_search,
        name="lens_coordinator_search",
    ),
    path(
        "lenses/<uuid:public_id>/coordinators/add/",
        lenses_manage.lens_coordinator_change,
        {"adding": True},
        name="lens_coordinator_add",
    ),
    path(
        "lenses/<uuid:public_id>/coordinators/remove/",
        lenses_manage.lens_coordinator_change,
        {"adding": False},
        name="lens_coordinator_remove",
    ),
    path(
        "lenses/<uuid:public_id>/archive/",
        lenses_manage.lens_archive,
        name="lens_archive",
    ),
    path(
        "organisations/<str:ovo_number>/members/",
        members.member_list,
        name="member_list",
    ),
    path(
        "organisations/<str:ovo_number>/members/people/",
        members.member_person_search,
        name="member_person_search",
    ),
    path(
        "organisations/<str:ovo_number>/members/grant/",
        members.member_grant,
        name="member_grant",
    ),
    path(
        "organisations/<str:ovo_number>/members/change/",
        members.member_change,
        name="member_change",
    ),
    path(
        "organisations/<str:ovo_number>/members/end/",
        members.member_end,
        name="member_end",
    ),
]
