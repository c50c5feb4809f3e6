"""What a detail page shows of a component, each link filtered by access.

One builder per component type. Each runs a fixed number of queries whatever
the number of links, status reports, milestones or measurements: the linked
sections come from ``objectives.linked``, their items with their latest
status in the same query.
"""

import datetime
from itertools import groupby

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q, prefetch_related_objects
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from objectives import access, budget, evidence, linked
from objectives.charts import format_number, indicator_chart
from objectives.models import (
    STATUS_SUBJECTS,
    Change,
    Indicator,
    Milestone,
    Objective,
    ObjectiveSuccession,
    Person,
    Process,
    Programme,
    Project,
    StatusReport,
)
from objectives.periods import Period

# Foreign keys read in the same query as the component itself.
RELATED = {
    Objective: ("lead_organisation", "responsible", "legislature", "structure_element"),
    Project: ("lead_organisation", "responsible"),
    Process: ("lead_organisation", "responsible"),
    Programme: ("lead_organisation", "responsible"),
    Indicator: ("lead_organisation", "responsible"),
    Milestone: ("project__lead_organisation", "assignee"),
}

# The fields listed under "Details", after the responsible person.
DETAIL_FIELDS = {
    Objective: ["level", "legislature", "structure_element"],
    Project: ["start_date", "end_date"],
    Process: ["valid_from", "valid_until", "is_imported"],
    Programme: ["is_government_wide"],
    Indicator: ["kind", "unit", "source", "calculation_method", "direction"],
    Milestone: ["due_date", "completed_on"],
}
COMMON_FIELDS = ["confidentiality", "reporting_frequency"]

# Colours in the order a summary lists them; None is "no status".
COLOUR_ORDER = [*StatusReport.Colour.values, None]

# Keys of the change history that are not fields of the changed model.
CHANGE_LABELS = {
    "shared_with": _("shared with"),
    "period": _("period"),
}

# The change history shows the newest changes; older ones stay in the admin.
CHANGES_SHOWN = 50

COMPONENT_TYPES = {Objective, Project, Milestone, Process, Programme, Indicator}
# What the history shows instead of a component the page does not list.
WITHHELD = _("a component not shown here")


def component_context(user, component):
    """The template context of ``component``'s detail page for ``user``."""
    model = type(component)
    model_key = model._meta.model_name
    context = {
        "component": component,
        # The editing hooks expect ``model_name``, as it has always been.
        "model_name": model._meta.verbose_name,
        "model_key": model_key,
        "sections_template": f"objectives/includes/_detail_{model_key}.html",
        "fields": _fields(component),
        **_organisations(component),
    }
    if model_key in STATUS_SUBJECTS:
        context.update(_status(component))
    context.update(BUILDERS[model](user, component))
    context.update(
        evidence.detail_context(user, component, context, timezone.localdate())
    )
    context.update(_changes(component, _shown_names(context)))
    return context


# Fields ---------------------------------------------------------------------


def _fields(component):
    model = type(component)
    rows = [_field_row(component, name) for name in _field_names(model)]
    if model is Indicator:
        rows.append(_baseline_row(indicator=component))
    return rows


def _field_names(model):
    names = DETAIL_FIELDS[model]
    if model is Milestone:
        return ["assignee", *names, "reporting_frequency"]
    return ["responsible", *names, *COMMON_FIELDS]


def _field_row(component, name):
    """A field as people read it: its label, its value and how to show it."""
    field = component._meta.get_field(name)
    value = getattr(component, name)
    kind = "text"
    if field.choices:
        value = getattr(component, f"get_{name}_display")()
    elif isinstance(field, models.BooleanField):
        kind = "bool"
    elif isinstance(field, models.DateField):
        kind = "date"
    elif isinstance(field, models.DecimalField) and value is not None:
        value = format_number(value)
    elif field.is_relation and value is not None:
        if isinstance(value, Person):
            kind = "person"
        elif hasattr(value, "get_absolute_url"):
            kind = "link"
    return {"name": name, "label": field.verbose_name, "value": value, "kind": kind}


def _organisations(component):
    owner = component.project if isinstance(component, Milestone) else component
    # Kept on the component: the permission questions of the page ask again.
    prefetch_related_objects([owner], "organisations")
    organisations = sorted(
        owner.organisations.all(),
        key=lambda o: (o.pk != owner.lead_organisation_id, o.name),
    )
    return {
        "organisations": organisations,
        "lead_organisation": owner.lead_organisation,
    }


# Status and history -----------------------------------------------------------


def _status(component):
    """The latest status, and the history grouped per period, newest first.

    A later report of the same period is a correction: it is the one shown,
    with the earlier ones folded under it.
    """
    # The newest first; a correction made in the same instant as the report
    # it corrects still comes first.
    reports = list(
        component.status_reports.select_related("author").order_by(
            "-period_start", "-created_at", "-pk"
        )
    )
    # A correction made after its period was closed marks the report it
    # replaces, which stays in the timeline.
    by_pk = {report.pk: report for report in reports}
    for report in reports:
        if report.corrects_id in by_pk:
            by_pk[report.corrects_id].corrected_by = report
    periods = []
    for _key, group in groupby(reports, key=lambda r: (r.period_start, r.period_end)):
        current, *earlier = group
        periods.append({"report": current, "earlier": earlier})
    return {"latest_status": reports[0] if reports else None, "status_periods": periods}


def _shown_names(context):
    """The names of the linked components the page lists, on the page or a
    section's further pages: the only ones the change history may name."""
    return {
        str(item)
        for section in context["sections"].values()
        if section.spec.kind == linked.COMPONENTS
        for item in section.items
    }


def _changes(component, shown_names):
    rows = list(
        Change.objects.filter(
            content_type=ContentType.objects.get_for_model(component),
            object_id=component.pk,
        ).select_related("actor")[: CHANGES_SHOWN + 1]
    )
    model = type(component)
    changes = [
        {
            "change": change,
            "fields": [
                _change_field(model, name, values, shown_names)
                for name, values in sorted(change.changes.items())
            ],
        }
        for change in rows[:CHANGES_SHOWN]
    ]
    return {"changes": changes, "more_changes": len(rows) > CHANGES_SHOWN}


def _change_field(model, name, values, shown_names):
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        field = None
    old, new = (list(values) + [None, None])[:2]
    if _names_components(model, name, field):
        old, new = _withheld(old, shown_names), _withheld(new, shown_names)
    return {
        "label": _change_label(model, name, field),
        "old": _change_value(field, old),
        "new": _change_value(field, new),
    }


def _names_components(model, name, field):
    """Whether the values of ``name`` are components, which the reader may
    not be allowed to see."""
    if field is not None:
        return field.is_relation and field.related_model in COMPONENT_TYPES
    try:
        return apps.get_model(model._meta.app_label, name) in COMPONENT_TYPES
    except LookupError:
        return False


def _withheld(value, shown_names):
    """``value`` with every component the page does not list replaced.

    The history keeps names, not references; a name is shown only when the
    page itself lists that component to this reader.
    """
    if value is None:
        return None
    if isinstance(value, list):
        return [_withheld(item, shown_names) for item in value]
    return value if value in shown_names else WITHHELD


def _change_label(model, name, field):
    if field is not None:
        verbose_name = getattr(field, "verbose_name", None)
        return verbose_name or field.related_model._meta.verbose_name_plural
    if name in CHANGE_LABELS:
        return CHANGE_LABELS[name]
    try:
        # A link recorded on its target names the linking model.
        return apps.get_model(model._meta.app_label, name)._meta.verbose_name
    except LookupError:
        return name.replace("_", " ")


def _change_value(field, value):
    """A value of the change history as text, or None for an empty one."""
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if field is not None and getattr(field, "choices", None):
        return dict(field.choices).get(value, value)
    if isinstance(field, models.DateField) and not isinstance(
        field, models.DateTimeField
    ):
        try:
            return date_format(datetime.date.fromisoformat(str(value)))
        except ValueError:
            return value
    if isinstance(field, models.DecimalField):
        return format_number(value)
    return value


# Linked components ----------------------------------------------------------


def _linked(user, component):
    """Every linked section of ``component``; each section's shown items
    also under its own name, as the templates and the history read them."""
    # Templates name a section by its key with underscores for hyphens.
    found = {
        key.replace("-", "_"): section
        for key, section in linked.sections(user, component).items()
    }
    return {"sections": found, **{k: s.shown for k, s in found.items()}}


def _objective(user, objective):
    context = _linked(user, objective)
    parent = context.pop("parent")
    context["parent"] = parent[0] if parent else None
    context["parent_list"] = parent
    context["budget"] = budget.element_budget(objective.structure_element)
    context.update(_successions(user, objective))
    return context


def _successions(user, objective):
    """What succeeded ``objective`` in the next legislature and what it
    continues of the previous one, as far as ``user`` may see: one query."""
    visible = access.visible(user, Objective).values("pk")
    rows = ObjectiveSuccession.objects.filter(
        Q(previous_objective=objective)
        & (Q(next_objective__isnull=True) | Q(next_objective__in=visible))
        | Q(next_objective=objective)
        & (Q(previous_objective__isnull=True) | Q(previous_objective__in=visible))
    ).select_related(
        "previous_objective",
        "next_objective",
        "transition__previous_legislature",
        "transition__next_legislature",
    )
    succeeded_by, continues = [], []
    for row in rows.order_by("pk"):
        if row.previous_objective_id == objective.pk:
            succeeded_by.append(row)
        else:
            continues.append(row)
    return {"succeeded_by": succeeded_by, "continues": continues}


def _project(user, project):
    context = _linked(user, project)
    milestones = context["sections"]["milestones"].items
    context["milestone_progress"] = {
        "total": len(milestones),
        "completed": sum(m.completed_on is not None for m in milestones),
        "overdue": sum(m.is_overdue for m in milestones),
    }
    return context


def _milestone(user, milestone):
    context = _linked(user, milestone)
    projects = context.pop("project")
    today = timezone.localdate()
    return {
        **context,
        "project": projects[0] if projects else None,
        "project_list": projects,
        "is_overdue": milestone.completed_on is None and milestone.due_date < today,
    }


def _process(user, process):
    return _linked(user, process)


def _programme(user, programme):
    context = _linked(user, programme)
    # Every visible project is counted, not only the ones shown.
    counts = {colour: 0 for colour in COLOUR_ORDER}
    for project in context["sections"]["projects"].items:
        counts[project.status_colour] += 1
    context["colour_counts"] = [
        {"colour": colour, "count": count} for colour, count in counts.items()
    ]
    return context


def _indicator(user, indicator):
    context = _linked(user, indicator)
    measurements = list(indicator.measurements.order_by("period_start"))
    targets = list(indicator.targets.order_by("period_start"))
    return {
        **context,
        "latest_measurement": _point(measurements[-1]) if measurements else None,
        "final_target": _point(targets[-1]) if targets else None,
        "series": _series_rows(measurements, targets),
        "chart": _chart(indicator, measurements, targets),
    }


def _point(entry):
    """A measurement or target as shown: its period and its formatted value."""
    return {
        "period": Period(entry.period_start, entry.period_end),
        "value": format_number(entry.value),
    }


def _baseline_row(indicator):
    value = None
    if indicator.baseline_value is not None:
        value = format_number(indicator.baseline_value)
        if indicator.baseline_year:
            value = f"{value} ({indicator.baseline_year})"
    return {"name": "baseline", "label": _("baseline"), "value": value, "kind": "text"}


def _series_rows(measurements, targets):
    """Measurements and targets side by side, one row per period."""
    rows = {}
    for entries, attribute in ((measurements, "measurement"), (targets, "target")):
        for entry in entries:
            period = Period(entry.period_start, entry.period_end)
            row = rows.setdefault(
                period,
                {"period": period, "measurement": None, "target": None, "note": ""},
            )
            row[attribute] = format_number(entry.value)
            if attribute == "measurement":
                row["note"] = entry.note
                row["correction_reason"] = entry.correction_reason
                if entry.value_before_correction is not None:
                    row["before_correction"] = format_number(
                        entry.value_before_correction
                    )
    # A year follows its quarters and months, as a total would.
    return [
        rows[period]
        for period in sorted(rows, key=lambda p: (p.end, -p.start.toordinal()))
    ]


def _chart(indicator, measurements, targets):
    svg = indicator_chart(
        title=str(indicator),
        unit=indicator.unit,
        measurements=[
            (Period(m.period_start, m.period_end), m.value) for m in measurements
        ],
        targets=[(Period(t.period_start, t.period_end), t.value) for t in targets],
        baseline=indicator.baseline_value,
        baseline_year=indicator.baseline_year,
        direction=str(indicator.get_direction_display()),
    )
    # The chart module escapes every text and attribute it writes.
    return mark_safe(svg)


BUILDERS = {
    Objective: _objective,
    Project: _project,
    Milestone: _milestone,
    Process: _process,
    Programme: _programme,
    Indicator: _indicator,
}
