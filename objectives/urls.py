from django.urls import path, register_converter

from objectives.models import (
    Indicator,
    Milestone,
    Objective,
    Process,
    Programme,
    Project,
)
from objectives.views import browse, components, contribute

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
