"""The standard reports, as plain data that every renderer shares.

Each report is a function of the requesting user, the report's parameters
and the day it is made, and returns a ``Report``: a title, what it is about,
and sections of facts, tables and charts. Everything is read through
``objectives.access`` for that user, so a report in any format holds exactly
what the user may see on the pages. Each report runs a fixed number of
queries, whatever the number of milestones, measurements or objectives.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Subquery, Value
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from objectives import access, budget, transitions
from objectives.cascades import (
    cascade_order,
    code_key,
    current_legislature,
    in_organisation,
)
from objectives.charts import format_number, indicator_chart
from objectives.models import (
    Indicator,
    Legislature,
    Lens,
    Measurement,
    Milestone,
    Objective,
    Process,
    Project,
    StatusReport,
    Target,
)
from objectives.periods import QUARTERLY, Period
from objectives.status import with_latest_status

# What a cell holds, which each renderer shows its own way.
TEXT, NUMBER, DATE, STATUS, BOOLEAN = "text", "number", "date", "status", "boolean"


class ReportUnavailable(Exception):
    """The report's subject does not exist or the user may not see it."""


@dataclass
class Column:
    label: Any
    kind: str = TEXT
    # Width in characters of the spreadsheet column.
    width: int = 16


@dataclass
class Row:
    cells: list
    # How far the first cell is indented in a cascade.
    depth: int = 0


@dataclass
class Table:
    columns: list
    rows: list = field(default_factory=list)


@dataclass
class Fact:
    label: Any
    value: Any
    kind: str = TEXT


@dataclass
class Chart:
    title: str
    svg: str


@dataclass
class Section:
    """A part of a report: facts or a table, with charts; one sheet in Excel."""

    key: str
    heading: str
    facts: list = field(default_factory=list)
    table: Table | None = None
    charts: list = field(default_factory=list)
    # Shown when the section has nothing to show.
    empty: Any = ""
    description: str = ""


@dataclass
class Report:
    kind: str
    title: str
    # The entity and the period the report is about, in every page header.
    subject: str
    period: str
    generated_at: datetime.datetime
    sections: list = field(default_factory=list)
    # "document": a cover, contents and a page per section, in portrait;
    # "table": one table in landscape under a short heading (smartlists).
    layout: str = "document"
    # Spreadsheet exports put a quote before text that reads as a formula.
    neutralises_text: bool = False
    # On the cover of a validated plan report: who validated it, and when.
    validation: str = ""


def _as_of(today):
    return _("as of %(day)s") % {"day": date_format(today)}


def _status_cell(row):
    return {"colour": row.status_colour, "explanation": row.status_explanation or ""}


def _person(person):
    return person.full_name if person is not None else ""


def _visible_one(user, model, public_id, related=()):
    """The ``model`` with ``public_id`` as ``user`` sees it, with its latest
    status where it has one; ``ReportUnavailable`` when it cannot."""
    rows = access.visible(user, model).select_related(*related)
    if model is not Indicator:
        rows = with_latest_status(rows)
    try:
        found = rows.filter(public_id=public_id).first() if public_id else None
    except ValidationError:
        found = None
    if found is None:
        raise ReportUnavailable(
            _("The subject of this report does not exist or you may not see it.")
        )
    return found


def subject_of(user, kind, identifier):
    """What a report of ``kind`` about ``identifier`` is about, for ``user``:
    a project, an indicator, an organisation or a lens. 404 when invisible."""
    if kind == "entity":
        return access.get_organisation(user, identifier)
    if kind == "transition":
        return access.get_transition(user, identifier)
    models = {"project": Project, "indicator": Indicator, "lens": Lens, "plan": Lens}
    if kind == "budget":
        return access.get_policy_domain(user, identifier)
    model = models.get(kind)
    if model is None:
        raise Http404("No such report.")
    return access.get_for_user(user, model, identifier)


def default_period(today):
    """The period an entity report is about unless one is chosen."""
    return Period.of(QUARTERLY, today)


# Project ------------------------------------------------------------------


def project_report(user, parameters, today):
    """A project with its milestones (status, overdue) and status history.

    Five queries: the project, its organisations, the objectives it
    realises, its milestones and its status reports.
    """
    project = _visible_one(
        user, Project, parameters.get("id"), ("lead_organisation", "responsible")
    )
    organisations = list(project.organisations.order_by("name"))
    objectives = sorted(
        access.visible(user, Objective).filter(projects=project, is_archived=False),
        key=cascade_order,
    )
    milestones = list(
        with_latest_status(
            access.visible(user, Milestone)
            .filter(project=project, is_archived=False)
            .select_related("assignee")
        ).order_by("due_date", "code")
    )
    history = list(
        project.status_reports.select_related("author").order_by(
            "-period_start", "-created_at"
        )
    )

    overdue = [m for m in milestones if m.completed_on is None and m.due_date < today]
    facts = [
        Fact(_("Code"), project.code),
        Fact(_("Title"), project.title),
        Fact(_("Lead organisation"), project.lead_organisation.name),
        Fact(_("Organisations"), ", ".join(o.name for o in organisations)),
        Fact(_("Responsible person"), _person(project.responsible)),
        Fact(_("Start date"), project.start_date, DATE),
        Fact(_("End date"), project.end_date, DATE),
        Fact(_("Status"), _status_cell(project), STATUS),
        Fact(_("Realises"), "; ".join(str(o) for o in objectives)),
        Fact(_("Milestones"), len(milestones), NUMBER),
        Fact(
            _("Milestones completed"),
            sum(m.completed_on is not None for m in milestones),
            NUMBER,
        ),
        Fact(_("Milestones overdue"), len(overdue), NUMBER),
    ]
    milestone_table = Table(
        [
            Column(_("Code"), width=10),
            Column(_("Milestone"), width=40),
            Column(_("Due date"), DATE, 12),
            Column(_("Completed on"), DATE, 12),
            Column(_("Assignee"), width=24),
            Column(_("Status"), STATUS, 14),
            Column(_("Explanation"), width=50),
            Column(_("Overdue"), BOOLEAN, 10),
        ],
        [
            Row(
                [
                    m.code,
                    m.title,
                    m.due_date,
                    m.completed_on,
                    _person(m.assignee),
                    _status_cell(m),
                    m.status_explanation or "",
                    m in overdue,
                ]
            )
            for m in milestones
        ],
    )
    history_table = Table(
        [
            Column(_("Period"), width=10),
            Column(_("Period start"), DATE, 12),
            Column(_("Status"), STATUS, 14),
            Column(_("Explanation"), width=60),
            Column(_("Author"), width=24),
            Column(_("Reported on"), DATE, 12),
        ],
        [
            Row(
                [
                    report.period.label,
                    report.period_start,
                    {"colour": report.colour, "explanation": ""},
                    report.explanation,
                    str(report.author) if report.author else "",
                    timezone.localdate(report.created_at),
                ]
            )
            for report in history
        ],
    )
    return Report(
        kind="project",
        title=str(project),
        subject=project.lead_organisation.name,
        period=_as_of(today),
        generated_at=timezone.now(),
        sections=[
            Section(
                "project", _("Project"), facts=facts, description=project.description
            ),
            Section(
                "milestones",
                _("Milestones"),
                table=milestone_table,
                empty=_("No milestones that you may see."),
            ),
            Section(
                "status-history",
                _("Status history"),
                table=history_table,
                empty=_("No status reported yet."),
            ),
        ],
    )


# Indicator ----------------------------------------------------------------


def _chart(indicator, measurements, targets, element_id):
    svg = indicator_chart(
        title=str(indicator),
        unit=indicator.unit,
        measurements=[(m.period, m.value) for m in measurements],
        targets=[(t.period, t.value) for t in targets],
        baseline=indicator.baseline_value,
        baseline_year=indicator.baseline_year,
        direction=str(indicator.get_direction_display()),
        element_id=element_id,
    )
    # The chart module escapes every text and attribute it writes.
    return Chart(str(indicator), mark_safe(svg))


def _with_periods(entries):
    for entry in entries:
        entry.period = Period(entry.period_start, entry.period_end)
    return entries


def indicator_report(user, parameters, today):
    """An indicator's series against its targets: a chart and a table.

    Four queries: the indicator, the objectives it measures, its
    measurements and its targets.
    """
    indicator = _visible_one(
        user, Indicator, parameters.get("id"), ("lead_organisation", "responsible")
    )
    objectives = sorted(
        access.visible(user, Objective).filter(indicators=indicator, is_archived=False),
        key=cascade_order,
    )
    measurements = _with_periods(
        list(
            access.visible(user, Measurement)
            .filter(indicator=indicator)
            .order_by("period_start")
        )
    )
    targets = _with_periods(
        list(
            access.visible(user, Target)
            .filter(indicator=indicator)
            .order_by("period_start")
        )
    )

    facts = [
        Fact(_("Code"), indicator.code),
        Fact(_("Title"), indicator.title),
        Fact(_("Lead organisation"), indicator.lead_organisation.name),
        Fact(_("Responsible person"), _person(indicator.responsible)),
        Fact(_("Type"), indicator.get_kind_display()),
        Fact(_("Unit"), indicator.unit),
        Fact(_("Source"), indicator.source),
        Fact(_("Calculation method"), indicator.calculation_method),
        Fact(_("Direction"), indicator.get_direction_display()),
        Fact(_("Baseline"), indicator.baseline_value, NUMBER),
        Fact(_("Baseline year"), indicator.baseline_year, NUMBER),
        Fact(_("Measures"), "; ".join(str(o) for o in objectives)),
    ]
    return Report(
        kind="indicator",
        title=str(indicator),
        subject=indicator.lead_organisation.name,
        period=_as_of(today),
        generated_at=timezone.now(),
        sections=[
            Section(
                "indicator",
                _("Indicator"),
                facts=facts,
                description=indicator.description,
            ),
            Section(
                "series",
                _("Measurements against targets"),
                table=_series_table(measurements, targets),
                charts=[_chart(indicator, measurements, targets, "chart-series")],
                empty=_("No measurements or targets yet."),
            ),
        ],
    )


def _series_table(measurements, targets):
    """One row per period, measurement beside target, in time order."""
    rows = {}
    for entry in measurements:
        rows.setdefault(entry.period, {})["measurement"] = entry
    for entry in targets:
        rows.setdefault(entry.period, {})["target"] = entry
    table = Table(
        [
            Column(_("Period"), width=10),
            Column(_("From"), DATE, 12),
            Column(_("To"), DATE, 12),
            Column(_("Measurement"), NUMBER, 14),
            Column(_("Target"), NUMBER, 14),
            Column(_("Difference"), NUMBER, 14),
            Column(_("Note"), width=50),
        ]
    )
    for period in sorted(rows, key=lambda p: (p.end, -p.start.toordinal())):
        measurement = rows[period].get("measurement")
        target = rows[period].get("target")
        value = measurement.value if measurement else None
        goal = target.value if target else None
        difference = value - goal if value is not None and goal is not None else None
        table.rows.append(
            Row(
                [
                    period.label,
                    period.start,
                    period.end,
                    value,
                    goal,
                    difference,
                    measurement.note if measurement else "",
                ]
            )
        )
    return table


# Entity -------------------------------------------------------------------

BENEATH = [
    ("project", Project, Objective.projects.through, gettext_lazy("project")),
    ("process", Process, Objective.processes.through, gettext_lazy("process")),
    ("indicator", Indicator, Objective.indicators.through, gettext_lazy("indicator")),
]


def with_status_in_period(queryset, period):
    """Annotate ``status_colour`` and ``status_explanation`` of the newest
    report of each row whose period lies in ``period`` or contains it (a
    yearly report for a quarter, the last monthly one of a quarter)."""
    subject = queryset.model._meta.model_name
    reports = StatusReport.objects.filter(
        **{subject: OuterRef("pk")},
        period_start__lte=period.end,
        period_end__gte=period.start,
    ).order_by("-period_start", "-created_at")
    return queryset.annotate(
        status_colour=Subquery(reports.values("colour")[:1]),
        status_explanation=Subquery(reports.values("explanation")[:1]),
    )


def _links(objective_ids, names):
    """{name: {objective id: [linked ids]}} of the link tables ``names``, in
    one query."""
    parts = [
        through.objects.filter(objective_id__in=objective_ids).values_list(
            "objective_id", f"{name}_id", Value(name)
        )
        for name, _model, through, _label in BENEATH
        if name in names
    ]
    links = {name: defaultdict(list) for name in names}
    for objective_id, linked_id, name in parts[0].union(*parts[1:], all=True):
        links[name][objective_id].append(linked_id)
    return links


def _latest_measurement(indicators, day):
    """Annotate each indicator with its newest measurement up to ``day``."""
    newest = Measurement.objects.filter(
        indicator=OuterRef("pk"), period_end__lte=day
    ).order_by("-period_start")
    return indicators.annotate(
        measured_value=Subquery(newest.values("value")[:1]),
        measured_from=Subquery(newest.values("period_start")[:1]),
        measured_to=Subquery(newest.values("period_end")[:1]),
    )


def _cascade_table():
    return Table(
        [
            Column(_("Type"), width=24),
            Column(_("Code"), width=12),
            Column(_("Title"), width=50),
            Column(_("Status"), STATUS, 14),
            Column(_("Explanation"), width=60),
            Column(_("Responsible person"), width=24),
        ]
    )


def _component_row(kind_label, row, depth):
    if isinstance(row, Indicator):
        status = ""
        if row.measured_value is not None:
            period = Period(row.measured_from, row.measured_to)
            status = _("Latest measurement %(period)s: %(value)s %(unit)s") % {
                "period": period.label,
                "value": format_number(row.measured_value),
                "unit": row.unit,
            }
        cells = [kind_label, row.code, row.title, None, status]
    else:
        cells = [kind_label, row.code, row.title, _status_cell(row)]
        cells.append(row.status_explanation or "")
    return Row([*cells, _person(row.responsible)], depth)


def entity_report(user, parameters, today):
    """An entity's cascade in one period: its objectives with the status of
    that period and the projects, processes and indicators beneath them.

    Seven queries: the organisation, the legislatures, the objectives, the
    link tables and one per kind of component beneath.
    """
    try:
        organisation = access.get_organisation(user, parameters.get("id", ""))
    except Http404:
        raise ReportUnavailable(_("This organisation does not exist.")) from None
    period = Period.parse(parameters.get("period") or default_period(today).label)
    legislature = current_legislature(list(Legislature.objects.all()), period.end)

    objectives = list(
        with_status_in_period(
            access.visible(user, Objective)
            .filter(
                in_organisation(Objective, organisation),
                legislature=legislature,
                is_archived=False,
            )
            .select_related("responsible"),
            period,
        )
    )
    objectives.sort(key=cascade_order)
    links = _links([o.pk for o in objectives], [name for name, *_rest in BENEATH])
    beneath = {}
    for name, model, _through, _label in BENEATH:
        ids = {pk for linked in links[name].values() for pk in linked}
        rows = access.visible(user, model).filter(pk__in=ids, is_archived=False)
        rows = rows.select_related("responsible")
        if model is Indicator:
            rows = _latest_measurement(rows, period.end)
        else:
            rows = with_status_in_period(rows, period)
        beneath[name] = {row.pk: row for row in rows}

    children = defaultdict(list)
    for objective in objectives:
        children[objective.parent_id].append(objective)
    shown = {objective.pk for objective in objectives}
    sections = [
        Section(
            "summary",
            _("Summary"),
            facts=_entity_facts(organisation, legislature, period, objectives, beneath),
        )
    ]
    for objective in objectives:
        if objective.parent_id in shown:
            continue
        table = _cascade_table()
        _add_branch(table, objective, 0, children, links, beneath, set())
        sections.append(
            Section(f"objective-{objective.pk}", str(objective), table=table)
        )
    if len(sections) == 1:
        sections.append(
            Section(
                "cascade",
                _("Cascade"),
                empty=_("No objectives that you may see in this period."),
            )
        )
    return Report(
        kind="entity",
        title=organisation.name,
        subject=organisation.name,
        period=period.label,
        generated_at=timezone.now(),
        sections=sections,
    )


def _entity_facts(organisation, legislature, period, objectives, beneath):
    counts = {colour: 0 for colour in StatusReport.Colour.values}
    for objective in objectives:
        if objective.status_colour in counts:
            counts[objective.status_colour] += 1
    facts = [
        Fact(_("Organisation"), organisation.name),
        Fact(_("OVO number"), organisation.ovo_number),
        Fact(_("Legislature"), legislature.name if legislature else ""),
        Fact(_("Period"), period.label),
        Fact(_("Objectives"), len(objectives), NUMBER),
    ]
    for name, model, _through, _label in BENEATH:
        label = str(model._meta.verbose_name_plural).capitalize()
        facts.append(Fact(label, len(beneath[name]), NUMBER))
    for colour, label in StatusReport.Colour.choices:
        facts.append(
            Fact(
                _("Objectives: %(colour)s") % {"colour": label},
                counts[colour],
                NUMBER,
            )
        )
    return facts


def _add_branch(table, objective, depth, children, links, beneath, seen):
    seen.add(objective.pk)
    table.rows.append(
        Row(
            [
                objective.get_level_display().capitalize(),
                objective.code,
                objective.title,
                _status_cell(objective),
                objective.status_explanation or "",
                _person(objective.responsible),
            ],
            depth,
        )
    )
    for name, _model, _through, label in BENEATH:
        found = beneath[name]
        rows = [found[pk] for pk in links[name][objective.pk] if pk in found]
        for row in sorted(rows, key=lambda row: code_key(row.code)):
            table.rows.append(_component_row(str(label).capitalize(), row, depth + 1))
    for child in children[objective.pk]:
        if child.pk not in seen:
            _add_branch(table, child, depth + 1, children, links, beneath, seen)


# Lens ---------------------------------------------------------------------


def _with_status(rows, period):
    """The latest status of each row, or with ``period`` the status of that
    period."""
    return (
        with_latest_status(rows)
        if period is None
        else with_status_in_period(rows, period)
    )


def _lens_with_objectives(user, parameters, period=None):
    """The lens of a report, its numbered entries, and the objectives they
    refer to that ``user`` may see, with their latest status (or that of
    ``period``): three queries."""
    try:
        lens = access.get_for_user(user, Lens, parameters.get("id"))
    except (Http404, ValidationError):
        raise ReportUnavailable(
            _("The subject of this report does not exist or you may not see it.")
        ) from None
    numbered = lens.numbered_entries()
    referenced = {entry.objective_id for *_n, entry in numbered if entry.objective_id}
    objectives = {
        o.pk: o
        for o in _with_status(
            access.visible(user, Objective)
            .filter(pk__in=referenced)
            .select_related("lead_organisation", "responsible"),
            period,
        )
    }
    return lens, numbered, objectives


def _lens_document(kind, lens, sections, today):
    return Report(
        kind=kind,
        title=lens.name,
        subject=lens.organisation.name if lens.organisation else _("Government-wide"),
        period=_as_of(today),
        generated_at=timezone.now(),
        sections=sections,
    )


def lens_report(user, parameters, today):
    """A lens's numbered cascade: each objective and its projects with their
    latest status and explanation, and its indicators with their charts.

    Eight queries: the lens, its entries, the objectives, the link tables,
    the projects, the indicators, their measurements and their targets. An
    entry whose objective the user may not see is left out, with whatever
    the lens numbers under it, as on the lens page.
    """
    lens, numbered, objectives = _lens_with_objectives(user, parameters)
    links = _links(list(objectives), ["project", "indicator"])
    projects = _beneath_rows(user, Project, links["project"])
    indicators = _beneath_rows(user, Indicator, links["indicator"])
    series = _series_of(user, indicators)

    sections, left_out, current = [], set(), None
    for number, depth, entry in numbered:
        if entry.parent_id in left_out or (
            entry.objective_id and entry.objective_id not in objectives
        ):
            left_out.add(entry.pk)
            continue
        objective = objectives.get(entry.objective_id)
        if depth == 0:
            heading = f"{number} {entry.heading or objective}"
            current = Section(f"entry-{entry.pk}", heading, table=_lens_table())
            sections.append(current)
        beneath = (links, projects, indicators, series)
        _add_lens_entry(current, number, depth, entry, objective, beneath)
    if not sections:
        sections.append(
            Section("entries", _("Entries"), empty=_("No entries that you may see."))
        )
    return _lens_document("lens", lens, sections, today)


def _lens_table():
    return Table(
        [
            Column(_("Number"), width=8),
            Column(_("Type"), width=22),
            Column(_("Code"), width=12),
            Column(_("Title"), width=50),
            Column(_("Organisation"), width=24),
            Column(_("Status"), STATUS, 14),
            Column(_("Explanation"), width=60),
        ]
    )


def _beneath_rows(user, model, links, period=None):
    ids = {pk for linked in links.values() for pk in linked}
    rows = access.visible(user, model).filter(pk__in=ids, is_archived=False)
    rows = rows.select_related("lead_organisation")
    if model is not Indicator:
        rows = _with_status(rows, period)
    return {row.pk: row for row in rows}


def _series_of(user, indicators):
    """{indicator id: (measurements, targets)} in two queries."""
    found = defaultdict(lambda: ([], []))
    for index, model in enumerate((Measurement, Target)):
        entries = access.visible(user, model).filter(indicator_id__in=list(indicators))
        for entry in _with_periods(list(entries.order_by("period_start"))):
            found[entry.indicator_id][index].append(entry)
    return found


def _add_lens_entry(section, number, depth, entry, objective, beneath):
    links, projects, indicators, series = beneath
    if objective is None:
        section.table.rows.append(
            Row([number, _("Heading"), "", entry.heading, "", None, ""], depth)
        )
        return
    section.table.rows.append(
        Row(
            [
                number,
                objective.get_level_display().capitalize(),
                objective.code,
                objective.title,
                objective.lead_organisation.name,
                _status_cell(objective),
                objective.status_explanation or "",
            ],
            depth,
        )
    )
    linked = [projects[pk] for pk in links["project"][objective.pk] if pk in projects]
    for project in sorted(linked, key=lambda row: code_key(row.code)):
        section.table.rows.append(
            Row(
                [
                    "",
                    _("Project"),
                    project.code,
                    project.title,
                    project.lead_organisation.name,
                    _status_cell(project),
                    project.status_explanation or "",
                ],
                depth + 1,
            )
        )
    measured = [
        indicators[pk] for pk in links["indicator"][objective.pk] if pk in indicators
    ]
    for indicator in sorted(measured, key=lambda row: code_key(row.code)):
        section.table.rows.append(
            Row(
                [
                    "",
                    _("Indicator"),
                    indicator.code,
                    indicator.title,
                    indicator.lead_organisation.name,
                    None,
                    indicator.unit,
                ],
                depth + 1,
            )
        )
        if not any(chart.title == str(indicator) for chart in section.charts):
            measurements, targets = series[indicator.pk]
            element_id = f"chart-{section.key}-{indicator.pk}"
            section.charts.append(_chart(indicator, measurements, targets, element_id))


# Transversal plan -----------------------------------------------------------


def plan_report(user, parameters, today):
    """A transversal plan per entity: the objectives each entity contributes
    to the plan with their status, the status of the projects that realise
    them, and their overdue milestones.

    Six queries: the lens, its entries, the objectives, the objective–project
    links, the projects and their overdue milestones. What the user may not
    see is left out, as on the lens page.

    With a ``period`` parameter ("2026-Q3"), the status is that of the
    period and milestones are overdue as of its last day (or today, while
    it runs); without one, the latest status as of today.
    """
    period = _plan_period(parameters)
    if period is not None:
        today = min(today, period.end)
    lens, numbered, objectives = _lens_with_objectives(user, parameters, period)
    links = _links(list(objectives), ["project"])
    projects = _beneath_rows(user, Project, links["project"], period)
    overdue = defaultdict(list)
    for milestone in (
        access.visible(user, Milestone)
        .filter(
            project_id__in=list(projects),
            due_date__lt=today,
            completed_on__isnull=True,
            is_archived=False,
        )
        .select_related("assignee")
        .order_by("due_date")
    ):
        overdue[milestone.project_id].append(milestone)

    by_entity = defaultdict(list)
    for number, _depth, entry in numbered:
        objective = objectives.get(entry.objective_id)
        if objective is not None:
            by_entity[objective.lead_organisation].append((number, objective))
    sections = [
        _plan_section(organisation, contributions, links, projects, overdue, today)
        for organisation, contributions in sorted(
            by_entity.items(), key=lambda item: item[0].name
        )
    ]
    if not sections:
        sections.append(
            Section(
                "entities",
                _("Contributions"),
                empty=_("No contributions that you may see."),
            )
        )
    report = _lens_document("plan", lens, sections, today)
    if period is not None:
        report.period = period.label
    return report


def _plan_period(parameters):
    label = (parameters.get("period") or "").strip()
    if not label:
        return None
    try:
        return Period.parse(label)
    except ValidationError as error:
        raise ReportUnavailable(error.messages[0]) from None


def _plan_table():
    return Table(
        [
            Column(_("Number"), width=8),
            Column(_("Type"), width=14),
            Column(_("Code"), width=12),
            Column(_("Title"), width=50),
            Column(_("Status"), STATUS, 14),
            Column(_("Explanation"), width=50),
            Column(_("Due date"), DATE, 12),
            Column(_("Days overdue"), NUMBER, 10),
        ]
    )


def _plan_section(organisation, contributions, links, projects, overdue, today):
    table = _plan_table()
    counts = defaultdict(int)
    for number, objective in contributions:
        table.rows.append(
            Row(
                [
                    number,
                    _("Objective"),
                    objective.code,
                    objective.title,
                    _status_cell(objective),
                    objective.status_explanation or "",
                    None,
                    None,
                ]
            )
        )
        linked = [
            projects[pk] for pk in links["project"][objective.pk] if pk in projects
        ]
        for project in sorted(linked, key=lambda row: code_key(row.code)):
            counts[project.status_colour or "none"] += 1
            table.rows.append(
                Row(
                    [
                        "",
                        _("Project"),
                        project.code,
                        project.title,
                        _status_cell(project),
                        project.status_explanation or "",
                        project.end_date,
                        None,
                    ],
                    1,
                )
            )
            for milestone in overdue[project.pk]:
                counts["overdue"] += 1
                table.rows.append(
                    Row(
                        [
                            "",
                            _("Overdue milestone"),
                            milestone.code,
                            milestone.title,
                            None,
                            str(milestone.assignee or ""),
                            milestone.due_date,
                            (today - milestone.due_date).days,
                        ],
                        2,
                    )
                )
    facts = [
        Fact(_("Contributions"), len(contributions), NUMBER),
        Fact(
            _("Projects"), sum(v for k, v in counts.items() if k != "overdue"), NUMBER
        ),
        Fact(_("Projects off track"), counts["red"], NUMBER),
        Fact(_("Projects at risk"), counts["orange"], NUMBER),
        Fact(_("Overdue milestones"), counts["overdue"], NUMBER),
    ]
    return Section(
        f"entity-{organisation.ovo_number}",
        organisation.name,
        facts=facts,
        table=table,
    )


# Budget follows policy -------------------------------------------------------


def _budget_year(parameters):
    try:
        year = int(str(parameters.get("year", "")).strip())
        budget.check_year(year)
    except ValueError:
        raise ReportUnavailable(_("Give a budget year such as 2026.")) from None
    except ValidationError as error:
        raise ReportUnavailable(error.messages[0]) from None
    return year


def budget_report(user, parameters, today):
    """Budget follows policy: per structure element of a policy domain, its
    budget articles with their amount in one budget year, and the objectives
    under it of the legislature in force on 1 July of that year that
    ``user`` may see, with their latest status.

    Six queries: the policy domain, the legislatures, the elements, their
    articles, the amounts of the year, and the objectives.
    """
    year = _budget_year(parameters)
    try:
        domain = access.get_policy_domain(user, parameters.get("id", ""))
    except Http404:
        raise ReportUnavailable(_("This policy domain does not exist.")) from None
    legislatures = list(Legislature.objects.all())
    legislature = current_legislature(legislatures, datetime.date(year, 7, 1))

    elements = budget.domain_elements(domain, year=year)
    objectives = defaultdict(list)
    if legislature is not None:
        rows = (
            access.visible(user, Objective)
            .filter(
                structure_element__in=[element.pk for element in elements],
                legislature=legislature,
                is_archived=False,
            )
            .select_related("lead_organisation")
        )
        for objective in with_latest_status(rows):
            objectives[objective.structure_element_id].append(objective)

    sections = [_budget_summary(domain, year, legislature, elements, objectives)]
    sections += [
        _budget_section(element, sorted(objectives[element.pk], key=cascade_order))
        for element in elements
    ]
    return Report(
        kind="budget",
        title=_("Budget follows policy: %(domain)s %(year)s")
        % {"domain": domain.name, "year": year},
        subject=domain.name,
        period=_("budget year %(year)s") % {"year": year},
        generated_at=timezone.now(),
        sections=sections,
    )


def _budget_summary(domain, year, legislature, elements, objectives):
    articles = {a.pk: a for element in elements for a in element.budget_articles.all()}
    total = sum(
        (amount.amount for a in articles.values() for amount in a.amounts.all()),
        Decimal(0),
    )
    facts = [
        Fact(_("Policy domain"), domain.name),
        Fact(_("Budget year"), year, NUMBER),
        Fact(_("Legislature"), legislature.name if legislature else ""),
        Fact(_("Structure elements"), len(elements), NUMBER),
        Fact(_("Budget articles"), len(articles), NUMBER),
        Fact(_("Total amount (euro)"), total, NUMBER),
        Fact(_("Objectives"), sum(len(rows) for rows in objectives.values()), NUMBER),
    ]
    empty = _("This policy domain has no structure elements yet.")
    return Section("summary", _("Summary"), facts=facts, empty=empty)


def _budget_table():
    return Table(
        [
            Column(_("Type"), width=16),
            Column(_("Code"), width=16),
            Column(_("Title"), width=50),
            Column(_("Organisation"), width=24),
            Column(_("Amount (euro)"), NUMBER, 18),
            Column(_("Status"), STATUS, 14),
            Column(_("Explanation"), width=50),
        ]
    )


def _budget_section(element, objectives):
    table = _budget_table()
    total = Decimal(0)
    for article in element.budget_articles.all():
        amounts = [amount.amount for amount in article.amounts.all()]
        amount = amounts[0] if amounts else None
        total += amount or 0
        table.rows.append(
            Row(
                [_("Budget article"), article.code, article.title, "", amount, None, ""]
            )
        )
    if element.budget_articles.all():
        table.rows.append(Row([_("Total"), "", "", "", total, None, ""]))
    for objective in objectives:
        table.rows.append(
            Row(
                [
                    objective.get_level_display().capitalize(),
                    objective.code,
                    objective.title,
                    objective.lead_organisation.name,
                    None,
                    _status_cell(objective),
                    objective.status_explanation or "",
                ]
            )
        )
    return Section(
        f"element-{element.code}",
        str(element),
        table=table,
        description=element.description,
        empty=_("No budget articles and no objectives that you may see."),
    )


def smartlist_report(user, parameters, today):
    """A smartlist as ``user`` sees it (see ``reporting.smartlists``)."""
    # The smartlist catalogue builds on this module's table classes.
    from reporting.smartlists.report import smartlist_report as build

    return build(user, parameters, today)


# Legislature transition ---------------------------------------------------


def transition_report(user, parameters, today):
    """The matrix of a legislature transition: the old cascade, the kind of
    each succession and the new cascade, with the new objectives that
    continue none. Four queries: the transition, the old and the new
    objectives and the successions."""
    try:
        transition = access.get_transition(user, parameters.get("id"))
    except (Http404, ValidationError):
        raise ReportUnavailable(
            _("The subject of this report does not exist or you may not see it.")
        ) from None
    lines = transitions.matrix(user, transition)

    def side(objective):
        if objective is None:
            return ["", "", ""]
        return [objective.code, objective.title, objective.get_level_display()]

    table = Table(
        [
            Column(_("Previous code"), width=12),
            Column(_("Previous objective"), width=45),
            Column(_("Previous level"), width=14),
            Column(_("Kind"), width=14),
            Column(_("Next code"), width=12),
            Column(_("Next objective"), width=45),
            Column(_("Next level"), width=14),
            Column(_("Note"), width=40),
        ],
        [
            Row(
                [
                    *side(line.previous),
                    str(line.get_kind_display()),
                    *side(line.following),
                    line.note,
                ],
                max(line.previous_depth or line.following_depth, 1) - 1,
            )
            for line in lines
        ],
    )
    counts = defaultdict(int)
    for line in lines:
        counts[str(line.get_kind_display())] += 1
    facts = [
        Fact(_("Organisation"), transition.organisation.name),
        Fact(_("Previous legislature"), str(transition.previous_legislature)),
        Fact(_("Next legislature"), str(transition.next_legislature)),
        Fact(_("Status"), transition.get_status_display()),
        Fact(
            _("Applied on"),
            transition.applied_at and timezone.localdate(transition.applied_at),
            DATE,
        ),
        *(Fact(label.capitalize(), count, NUMBER) for label, count in counts.items()),
    ]
    return Report(
        kind="transition",
        title=_("Previous and current objective structure"),
        subject=transition.organisation.name,
        period=f"{transition.previous_legislature} → {transition.next_legislature}",
        generated_at=timezone.now(),
        sections=[
            Section("summary", _("Summary"), facts=facts),
            Section(
                "matrix",
                _("Matrix"),
                table=table,
                empty=_("No objectives that you may see."),
            ),
        ],
    )


REPORTS = {
    "transition": transition_report,
    "smartlist": smartlist_report,
    "project": project_report,
    "indicator": indicator_report,
    "entity": entity_report,
    "lens": lens_report,
    "plan": plan_report,
    "budget": budget_report,
}


def build_report(user, kind, parameters, today):
    """The report of ``kind`` with ``parameters`` as ``user`` may see it."""
    return REPORTS[kind](user, parameters, today)
