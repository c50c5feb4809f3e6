"""The rows of a smartlist, read for the person who looks at it.

Every row comes from ``access.visible(viewer, model)``: a list shared with
an organisation shows each member what that member may see, never what its
owner sees. A list costs a fixed number of queries whatever its length: the
rows with their status and related names in one, and one more for each
column of many values (organisations, lenses), read for all rows at once.
"""

from collections import defaultdict

from django.db.models import F, OuterRef, Q, Subquery
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from objectives import access
from objectives.cascades import in_organisation
from objectives.charts import format_number
from objectives.models import (
    Lens,
    LensEntry,
    Measurement,
    Objective,
    Programme,
    Project,
    StatusReport,
)
from objectives.status import with_latest_status
from reporting.reports import BOOLEAN, DATE, NUMBER, STATUS, Column, Row, Table
from reporting.smartlists.catalogue import (
    COLUMNS_BY_KEY,
    colour_choices,
    colour_rank,
)

# Links from an objective to what realises or measures it.
OBJECTIVE_LINKS = {
    "project": (Objective.projects.through, "project_id"),
    "process": (Objective.processes.through, "process_id"),
    "indicator": (Objective.indicators.through, "indicator_id"),
}


def _linked_to_objectives(kind, objective_ids):
    """A filter on rows of ``kind`` linked to the objectives ``objective_ids``
    (a subquery): the objectives themselves, what realises or measures them,
    the milestones of those projects and the programmes bundling them."""
    if kind.key == "objective":
        return Q(pk__in=objective_ids)
    if kind.key in OBJECTIVE_LINKS:
        through, column = OBJECTIVE_LINKS[kind.key]
        return Q(
            pk__in=through.objects.filter(objective_id__in=objective_ids).values(column)
        )
    through, column = OBJECTIVE_LINKS["project"]
    projects = through.objects.filter(objective_id__in=objective_ids).values(column)
    if kind.key == "milestone":
        return Q(project_id__in=projects)
    bundled = Programme.projects.through.objects.filter(project_id__in=projects)
    return Q(pk__in=bundled.values("programme_id"))


def _in_organisation(kind, organisation):
    """The lead organisation is always among a component's organisations."""
    if kind.is_milestone:
        projects = Project.objects.filter(in_organisation(Project, organisation))
        return Q(project__in=projects.values("pk"))
    return in_organisation(kind.model, organisation)


def _date_range(kind, day_from, day_until):
    start, end = kind.dates
    if start == end:
        found = Q()
        if day_from:
            found &= Q(**{f"{start}__gte": day_from})
        if day_until:
            found &= Q(**{f"{start}__lte": day_until})
        return found
    # An open end is open: a project without an end date still runs.
    found = Q(**{f"{start}__isnull": False}) | Q(**{f"{end}__isnull": False})
    if day_from:
        found &= Q(**{f"{end}__gte": day_from}) | Q(**{f"{end}__isnull": True})
    if day_until:
        found &= Q(**{f"{start}__lte": day_until}) | Q(**{f"{start}__isnull": True})
    return found


def _contains(text):
    return (
        Q(code__icontains=text)
        | Q(title__icontains=text)
        | Q(description__icontains=text)
    )


def filtered(rows, kind, filters):
    """``rows`` of ``kind`` narrowed by the cleaned ``filters``."""
    if not filters.get("include_archived"):
        rows = rows.filter(is_archived=False)
    if filters.get("organisation"):
        rows = rows.filter(_in_organisation(kind, filters["organisation"]))
    if filters.get("lens"):
        entries = LensEntry.objects.filter(lens=filters["lens"])
        objective_ids = entries.filter(objective__isnull=False).values("objective_id")
        rows = rows.filter(_linked_to_objectives(kind, objective_ids))
    if filters.get("legislature"):
        objective_ids = Objective.objects.filter(
            legislature=filters["legislature"]
        ).values("pk")
        rows = rows.filter(_linked_to_objectives(kind, objective_ids))
    if filters.get("colour") == "none":
        rows = rows.filter(status_colour__isnull=True)
    elif filters.get("colour"):
        rows = rows.filter(status_colour=filters["colour"])
    if filters.get("responsible"):
        rows = rows.filter(**{kind.responsible_field: filters["responsible"]})
    if kind.dates and (filters.get("date_from") or filters.get("date_until")):
        rows = rows.filter(
            _date_range(kind, filters.get("date_from"), filters.get("date_until"))
        )
    if filters.get("text"):
        rows = rows.filter(_contains(filters["text"]))
    return rows


def _with_status(rows):
    latest = StatusReport.objects.filter(
        **{rows.model._meta.model_name: OuterRef("pk")}
    ).order_by("-period_start", "-created_at")
    rows = with_latest_status(rows)
    return rows.annotate(status_period_end=Subquery(latest.values("period_end")[:1]))


def _with_latest_measurement(rows):
    newest = Measurement.objects.filter(indicator=OuterRef("pk")).order_by(
        "-period_start"
    )
    return rows.annotate(
        measured_value=Subquery(newest.values("value")[:1]),
        measured_from=Subquery(newest.values("period_start")[:1]),
        measured_to=Subquery(newest.values("period_end")[:1]),
    )


def queryset(viewer, kind, filters):
    """The rows of a list of ``kind`` that ``viewer`` may see, filtered, with
    every value a column may need; one query when evaluated."""
    organisation = kind.organisation_path
    responsible = kind.responsible_field
    rows = access.visible(viewer, kind.model).select_related(organisation, responsible)
    rows = rows.annotate(
        smartlist_organisation_name=F(f"{organisation}__name"),
        smartlist_responsible_last=F(f"{responsible}__last_name"),
        smartlist_responsible_first=F(f"{responsible}__first_name"),
    )
    # Indicators carry no status but a series of measurements.
    add_values = _with_status if kind.has_status else _with_latest_measurement
    rows = add_values(rows)
    if kind.key == "objective":
        rows = rows.select_related("legislature")
    if kind.is_milestone:
        rows = rows.select_related("project")
    return filtered(rows, kind, filters)


def ordered(rows, sort_key):
    """``rows`` in the order of ``sort_key`` ("title" or "-title"), then by
    code and id so that pages never overlap."""
    descending = sort_key.startswith("-")
    column = COLUMNS_BY_KEY[sort_key.lstrip("-")]
    if column.key == "status":
        # Annotated only for this sort: it repeats the status subquery.
        rows = rows.annotate(smartlist_colour_rank=colour_rank())
    expressions = [
        F(name).desc(nulls_last=True) if descending else F(name).asc(nulls_last=True)
        for name in column.order
    ]
    return rows.order_by(*expressions, "code", "pk")


def _many_values(viewer, kind, rows, column_keys):
    """{column key: {row id: [names]}} of the columns with many values per
    row, each in one query over all the rows (a subquery, not a list)."""
    found = {}
    ids = rows.order_by().values("pk")
    if "organisations" in column_keys:
        if kind.is_milestone:
            through = Project.organisations.through
            links = through.objects.filter(
                project_id__in=rows.order_by().values("project_id")
            ).values_list("project_id", "organisation__name")
        else:
            through = kind.model.organisations.through
            owner = f"{kind.model._meta.model_name}_id"
            links = through.objects.filter(**{f"{owner}__in": ids}).values_list(
                owner, "organisation__name"
            )
        found["organisations"] = _grouped(links.order_by("organisation__name"))
    if "lenses" in column_keys:
        # Only the lenses the viewer may see are named.
        links = LensEntry.objects.filter(
            objective_id__in=ids,
            lens__in=access.visible(viewer, Lens).values("pk"),
            lens__is_archived=False,
        ).values_list("objective_id", "lens__name")
        found["lenses"] = _grouped(links.order_by("lens__name").distinct())
    return found


def _grouped(pairs):
    grouped = defaultdict(list)
    for key, name in pairs:
        if name not in grouped[key]:
            grouped[key].append(name)
    return grouped


def _attach(kind, row, many):
    row.smartlist_organisation = (
        row.project.lead_organisation if kind.is_milestone else row.lead_organisation
    )
    row.smartlist_responsible = getattr(row, kind.responsible_field)
    owner_id = row.project_id if kind.is_milestone else row.pk
    row.smartlist_organisations = many.get("organisations", {}).get(owner_id, [])
    row.smartlist_lenses = many.get("lenses", {}).get(row.pk, [])
    return row


def display_cell(value, kind):
    """A value as a page shows it: a status, or text."""
    if kind == STATUS:
        return {"kind": "status", **value}
    if value is None or value == "":
        return {"kind": kind, "text": ""}
    if kind == BOOLEAN:
        return {"kind": kind, "text": _("yes") if value else ""}
    if kind == DATE:
        return {"kind": kind, "text": date_format(value, "SHORT_DATE_FORMAT")}
    if kind == NUMBER:
        return {"kind": kind, "text": format_number(value)}
    return {"kind": kind, "text": str(value)}


def evaluate(viewer, kind, rows, column_keys):
    """A page of ``rows`` (sliced) as the pages show them: per row its
    address and its cells in the order of ``column_keys``."""
    rows = list(rows)
    evaluated = kind.model.objects.filter(pk__in=[row.pk for row in rows])
    many = _many_values(viewer, kind, evaluated, column_keys)
    columns = [COLUMNS_BY_KEY[key] for key in column_keys]
    return [
        {
            "url": _attach(kind, row, many).get_absolute_url(),
            "cells": [display_cell(c.value(row), c.kind) for c in columns],
        }
        for row in rows
    ]


def table(viewer, kind, filters, column_keys, sort_key):
    """The whole list as a report table (for the exports)."""
    rows = ordered(queryset(viewer, kind, filters), sort_key)
    columns = [COLUMNS_BY_KEY[key] for key in column_keys]
    many = _many_values(viewer, kind, rows, column_keys)
    result = Table([Column(c.label, c.kind, c.width) for c in columns])
    for row in rows.iterator(chunk_size=2000):
        _attach(kind, row, many)
        result.rows.append(Row([column.value(row) for column in columns]))
    return result


def describe_filters(filters, kind):
    """The filters of a list in words, for the page and the PDF."""
    parts = []
    if filters.get("organisation"):
        organisation = filters["organisation"]
        parts.append(
            _("Organisation: %(name)s (%(ovo)s)")
            % {"name": organisation.name, "ovo": organisation.ovo_number}
        )
    if filters.get("lens"):
        parts.append(_("Lens: %(name)s") % {"name": filters["lens"].name})
    if filters.get("legislature"):
        parts.append(_("Legislature: %(name)s") % {"name": filters["legislature"].name})
    if filters.get("colour"):
        label = dict(colour_choices())[filters["colour"]]
        parts.append(_("Status: %(colour)s") % {"colour": label})
    if filters.get("responsible"):
        parts.append(
            _("Responsible person: %(name)s")
            % {"name": filters["responsible"].full_name}
        )
    if filters.get("date_from") or filters.get("date_until"):
        parts.append(_date_words(filters))
    if filters.get("text"):
        parts.append(_("Contains “%(text)s”") % {"text": filters["text"]})
    parts.append(
        _("Archived components included")
        if filters.get("include_archived")
        else _("Archived components left out")
    )
    return parts


def _date_words(filters):
    day_from, day_until = filters.get("date_from"), filters.get("date_until")
    if day_from and day_until:
        return _("Dates from %(start)s to %(end)s") % {
            "start": date_format(day_from),
            "end": date_format(day_until),
        }
    if day_from:
        return _("Dates from %(start)s") % {"start": date_format(day_from)}
    return _("Dates until %(end)s") % {"end": date_format(day_until)}
