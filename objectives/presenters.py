"""What a detail page shows of a component, each link filtered by access."""

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _

from objectives import access
from objectives.models import (
    STATUS_SUBJECTS,
    Change,
    Indicator,
    Milestone,
    Objective,
    Process,
    Programme,
    Project,
)

# Per model: the linked components a detail page lists, as
# (heading, linked model, lookup from the linked model to the component).
RELATIONS = {
    Objective: [
        (_("Operational objectives"), Objective, "parent"),
        (_("Contributes to"), Objective, "contributions"),
        (_("Contributions from"), Objective, "contributes_to"),
        (_("Projects"), Project, "objectives"),
        (_("Processes"), Process, "objectives"),
        (_("Indicators"), Indicator, "objectives"),
    ],
    Project: [
        (_("Objectives"), Objective, "projects"),
        (_("Programmes"), Programme, "projects"),
    ],
    Process: [(_("Objectives"), Objective, "processes")],
    Programme: [(_("Projects"), Project, "programmes")],
    Indicator: [(_("Objectives"), Objective, "indicators")],
    Milestone: [],
}

COMMON_FIELDS = [
    "code",
    "title",
    "description",
    "responsible",
    "confidentiality",
    "reporting_frequency",
]
OWN_FIELDS = {
    Objective: ["level", "parent", "legislature", "structure_element"],
    Project: ["start_date", "end_date"],
    Process: ["valid_from", "valid_until", "is_imported"],
    Programme: ["is_government_wide"],
    Indicator: [
        "kind",
        "unit",
        "source",
        "calculation_method",
        "direction",
        "baseline_value",
        "baseline_year",
    ],
    Milestone: [
        "code",
        "title",
        "description",
        "project",
        "due_date",
        "assignee",
        "completed_on",
        "reporting_frequency",
    ],
}


def _field_rows(component):
    names = OWN_FIELDS[type(component)]
    if type(component) is not Milestone:
        names = COMMON_FIELDS + names
    rows = []
    for name in names:
        field = component._meta.get_field(name)
        display = getattr(component, f"get_{name}_display", None)
        value = display() if display else getattr(component, name)
        rows.append((field.verbose_name, value))
    return rows


def _linked(user, component):
    sections = []
    for heading, model, lookup in RELATIONS[type(component)]:
        items = list(
            access.visible(user, model)
            .filter(**{lookup: component})
            .select_related("lead_organisation")
            .order_by("code")
        )
        sections.append({"heading": heading, "items": items})
    return sections


def component_context(user, component):
    model = type(component)
    status_reports = []
    if model._meta.model_name in STATUS_SUBJECTS:
        status_reports = component.status_reports.select_related("author")
    changes = Change.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_id=component.pk
    ).select_related("actor")
    context = {
        "component": component,
        "model_name": model._meta.verbose_name,
        "fields": _field_rows(component),
        "linked": _linked(user, component),
        "status_reports": list(status_reports),
        "changes": list(changes),
    }
    if model is Milestone:
        context["organisations"] = list(component.project.organisations.all())
    else:
        context["organisations"] = list(component.organisations.all())
    if model is Project:
        context["milestones"] = list(
            component.milestones.select_related("assignee").order_by("due_date")
        )
    if model is Indicator:
        context["measurements"] = list(component.measurements.order_by("period_start"))
        context["targets"] = list(component.targets.order_by("period_start"))
    return context
