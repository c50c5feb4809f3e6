from django.urls import path, register_converter

from objectives.models import (
    Indicator,
    Milestone,
    Objective,
    Process,
    Programme,
    Project,
)
from objectives.views import (
    browse,
    budget,
    closing,
    components,
    contribute,
    cycle,
    lenses_manage,
    manage,
    members,
    refusals,
    transitions,
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


# Contribute: a status report, a milestone update, a measurement -------------


class StatusSubjectConverter:
    """The URL prefix of a component type that takes status reports, as its
    model; reversed from the model or one of its rows."""

    models = {
        prefix: model
        for prefix, model in DETAIL_PAGES
        if model not in (Milestone, Indicator)
    }
    regex = "|".join(models)

    def to_python(self, value):
        return self.models[value]

    def to_url(self, value):
        model = value if isinstance(value, type) else type(value)
        for prefix, candidate in self.models.items():
            if candidate is model:
                return prefix
        raise ValueError(f"{model.__name__} takes no status reports here.")


register_converter(StatusSubjectConverter, "status_subject")

urlpatterns += [
    path(
        "<status_subject:model>/<uuid:public_id>/status/",
        contribute.status_report,
        name="status_report",
    ),
    path(
        "milestones/<uuid:public_id>/update/",
        contribute.milestone_update,
        name="milestone_update",
    ),
    path(
        "indicators/<uuid:public_id>/measurements/new/",
        contribute.measurement_record,
        name="measurement_record",
    ),
]


# Closed periods and corrections ---------------------------------------------

urlpatterns += [
    path(
        "organisations/<str:identifier>/closed-periods/",
        closing.closed_periods,
        {"kind": "organisation"},
        name="organisation_closed_periods",
    ),
    path(
        "lenses/<uuid:identifier>/closed-periods/",
        closing.closed_periods,
        {"kind": "lens"},
        name="lens_closed_periods",
    ),
    path(
        "closed-periods/<uuid:public_id>/reopen/",
        closing.closure_reopen,
        name="closure_reopen",
    ),
    path(
        "<status_subject:model>/<uuid:public_id>/status/correct/",
        closing.status_correct,
        name="status_correct",
    ),
    path(
        "milestones/<uuid:public_id>/status/correct/",
        closing.status_correct,
        {"model": Milestone},
        name="milestone_status_correct",
    ),
    path(
        "indicators/<uuid:public_id>/measurements/correct/",
        closing.measurement_correct,
        name="measurement_correct",
    ),
]

# Linked sections: every item of a section of a detail page, a page at a time
# (htmx swaps the fragment in; without JavaScript it is a page of its own).


class ComponentConverter:
    """The URL prefix of a component type, as its model; reversed from the
    model or one of its rows."""

    models = dict(DETAIL_PAGES)
    regex = "|".join(models)

    def to_python(self, value):
        return self.models[value]

    def to_url(self, value):
        model = value if isinstance(value, type) else type(value)
        for prefix, candidate in self.models.items():
            if candidate is model:
                return prefix
        raise ValueError(f"{model.__name__} has no detail page.")


register_converter(ComponentConverter, "component")

urlpatterns += [
    path(
        "<component:model>/<uuid:public_id>/linked/<slug:section>/",
        components.linked_section,
        name="linked_section",
    ),
]


# The reporting cycle: what I owe, the calendars, an entity's completion.

urlpatterns += [
    path("owed/", cycle.owed_list, name="owed_list"),
    path("owed/<slug:kind>/<uuid:public_id>/", cycle.owed_fill, name="owed_fill"),
    path("reporting-calendar/", cycle.reporting_calendar, name="reporting_calendar"),
    path(
        "lenses/<uuid:public_id>/calendar/",
        cycle.lens_calendar_edit,
        name="lens_calendar_edit",
    ),
    path(
        "lenses/<uuid:public_id>/calendar/deadlines/",
        cycle.lens_deadline_set,
        name="lens_deadline_set",
    ),
    path(
        "lenses/<uuid:public_id>/calendar/deadlines/remove/",
        cycle.lens_deadline_remove,
        name="lens_deadline_remove",
    ),
    path("completion/", cycle.completion, name="completion"),
    path("completion/remind/", cycle.completion_remind, name="completion_remind"),
]

# The log of refused access (global administrators).
urlpatterns += [
    path("refused-access/", refusals.refusal_list, name="refusal_list"),
]

# The budget behind policy: structure elements and budget articles.
urlpatterns += [
    path("budget/", budget.budget_domain_list, name="budget_domain_list"),
    path(
        "organisations/<str:ovo_number>/budget/",
        budget.budget_domain_detail,
        name="budget_domain_detail",
    ),
    path(
        "organisations/<str:ovo_number>/budget/elements/new/",
        budget.structure_element_create,
        name="structure_element_create",
    ),
    path(
        "organisations/<str:ovo_number>/budget/articles/new/",
        budget.budget_article_create,
        name="budget_article_create",
    ),
    path(
        "structure-elements/<uuid:public_id>/",
        budget.structure_element_detail,
        name="structure_element_detail",
    ),
    path(
        "structure-elements/<uuid:public_id>/edit/",
        budget.structure_element_edit,
        name="structure_element_edit",
    ),
    path(
        "structure-elements/<uuid:public_id>/archive/",
        budget.structure_element_archive,
        {"archived": True},
        name="structure_element_archive",
    ),
    path(
        "structure-elements/<uuid:public_id>/restore/",
        budget.structure_element_archive,
        {"archived": False},
        name="structure_element_restore",
    ),
    path(
        "structure-elements/<uuid:public_id>/objectives/add/",
        budget.structure_element_objective_add,
        name="structure_element_objective_add",
    ),
    path(
        "structure-elements/<uuid:public_id>/objectives/remove/",
        budget.structure_element_objective_remove,
        name="structure_element_objective_remove",
    ),
    path(
        "budget-articles/<uuid:public_id>/",
        budget.budget_article_detail,
        name="budget_article_detail",
    ),
    path(
        "budget-articles/<uuid:public_id>/edit/",
        budget.budget_article_edit,
        name="budget_article_edit",
    ),
]

# Legislature transitions: map an entity's objectives onto the next
# legislature (administrators), and the matrix of both (members).
urlpatterns += [
    path(
        "organisations/<str:ovo_number>/transitions/",
        transitions.transition_list,
        name="transition_list",
    ),
    path(
        "organisations/<str:ovo_number>/transitions/new/",
        transitions.transition_create,
        name="transition_create",
    ),
    path(
        "transitions/<uuid:public_id>/",
        transitions.transition_detail,
        name="transition_detail",
    ),
    path(
        "transitions/<uuid:public_id>/map/",
        transitions.transition_map,
        name="transition_map",
    ),
    path(
        "transitions/<uuid:public_id>/copy/",
        transitions.transition_copy,
        name="transition_copy",
    ),
    path(
        "transitions/<uuid:public_id>/new-objectives/",
        transitions.transition_mark_new,
        name="transition_mark_new",
    ),
    path(
        "transitions/<uuid:public_id>/clear/",
        transitions.transition_clear,
        name="transition_clear",
    ),
    path(
        "transitions/<uuid:public_id>/apply/",
        transitions.transition_apply,
        name="transition_apply",
    ),
    path(
        "transitions/<uuid:public_id>/matrix/",
        transitions.transition_matrix,
        name="transition_matrix",
    ),
]
