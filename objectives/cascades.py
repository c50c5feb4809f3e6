"""Cascades: objectives arranged under their entity or their lens, each with
what lies beneath it, as one user may see them."""

import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from objectives import access, evidence
from objectives.filters import NO_STATUS, OverviewFilterForm
from objectives.models import (
    Indicator,
    Legislature,
    Milestone,
    Objective,
    Process,
    Project,
)
from objectives.status import with_latest_status

# What realises or measures an objective: (name, model, link table).
BENEATH = [
    ("project", Project, Objective.projects.through),
    ("process", Process, Objective.processes.through),
    ("indicator", Indicator, Objective.indicators.through),
]
# Operational objectives nest this deep under a strategic one at most; a
# deeper one is shown at the last level rather than lost.
DEEPEST_LEVEL = 3


def code_key(code):
    """Sort key that puts "SD 2" before "SD 10"."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", code)]


def cascade_order(objective):
    return (objective.level != Objective.Level.STRATEGIC, code_key(objective.code))


def current_legislature(legislatures, day):
    """The legislature whose dates contain ``day``, else the latest one.

    ``legislatures`` is ordered newest first, as the model orders them.
    """
    for legislature in legislatures:
        if legislature.start_date <= day <= legislature.end_date:
            return legislature
    return legislatures[0] if legislatures else None


def in_organisation(model, organisation):
    through = model.organisations.through
    owner = f"{model._meta.model_name}_id"
    return Exists(
        through.objects.filter(**{owner: OuterRef("pk")}, organisation=organisation)
    )


def _count(queryset):
    counted = queryset.order_by().values("project").annotate(number=Count("pk"))
    return Coalesce(Subquery(counted.values("number")), Value(0))


def with_milestone_progress(projects):
    """Annotate ``milestones_total`` and ``milestones_done`` in the same query."""
    milestones = Milestone.objects.filter(project=OuterRef("pk"), is_archived=False)
    return projects.annotate(
        milestones_total=_count(milestones),
        milestones_done=_count(milestones.filter(completed_on__isnull=False)),
    )


def component_rows(user, model, queryset_filter, *, with_archived=False):
    """Visible ``model`` rows matching ``queryset_filter``, with their latest
    status (indicators have none), responsible person and lead organisation,
    and for projects their milestone progress. One query."""
    rows = access.visible(user, model).filter(queryset_filter)
    if not with_archived:
        rows = rows.filter(is_archived=False)
    rows = rows.select_related("responsible", "lead_organisation")
    if model is not Indicator:
        rows = with_latest_status(rows)
    if model is Project:
        rows = with_milestone_progress(rows)
    return rows.order_by("code")


def _links(objective_ids):
    """{name: {objective id: [linked ids]}} for the link tables, in one query."""
    parts = [
        through.objects.filter(objective_id__in=objective_ids).values_list(
            "objective_id", f"{name}_id", Value(name)
        )
        for name, _model, through in BENEATH
    ]
    links = {name: defaultdict(list) for name, _model, _through in BENEATH}
    for objective_id, linked_id, name in parts[0].union(*parts[1:], all=True):
        links[name][objective_id].append(linked_id)
    return links


# Entity overview -------------------------------------------------------------


@dataclass
class Branch:
    """An objective with the objectives, projects, processes and indicators
    beneath it. ``is_match`` is false for an objective shown only because
    something beneath it matches the filters."""

    objective: Objective
    depth: int
    is_match: bool = True
    children: list = field(default_factory=list)
    project: list = field(default_factory=list)
    process: list = field(default_factory=list)
    indicator: list = field(default_factory=list)

    @property
    def is_empty(self):
        return not (self.children or self.project or self.process or self.indicator)


@dataclass
class Overview:
    form: OverviewFilterForm
    legislature: Legislature | None
    branches: list
    # Components of the entity that no shown objective links to.
    unplaced: dict
    filters: dict
    match_count: int

    @property
    def has_unplaced(self):
        return any(self.unplaced.values())


def _matches(kind, row, filters):
    """Whether ``row`` passes every filter of the overview form."""
    if filters.get("type", kind) != kind:
        return False
    colour = filters.get("colour")
    if colour and (getattr(row, "status_colour", None) or NO_STATUS) != colour:
        return False
    person = filters.get("responsible")
    if person and getattr(row.responsible, "personnel_number", None) != person:
        return False
    text = filters.get("q", "").casefold()
    return text in f"{row.code} {row.title}".casefold()


class _OverviewBuilder:
    """Arranges the rows read for an overview into branches, keeping what
    matches the filters and the objectives above it."""

    def __init__(self, objectives, links, components, filters):
        self.filters = filters
        self.links = links
        self.components = components
        self.children = defaultdict(list)
        for objective in objectives:
            self.children[objective.parent_id].append(objective)
        # (kind, pk) of the matching rows: a project under two objectives
        # counts once.
        self.matched = set()

    def keep(self, kind, row):
        if _matches(kind, row, self.filters):
            self.matched.add((kind, row.pk))
            return True
        return False

    def branch(self, objective, depth, seen):
        seen.add(objective.pk)
        branch = Branch(objective, depth, is_match=self.keep("objective", objective))
        for child in self.children[objective.pk]:
            if child.pk not in seen:
                child_depth = min(depth + 1, DEEPEST_LEVEL)
                kept = self.branch(child, child_depth, seen)
                if kept is not None:
                    branch.children.append(kept)
        for name, _model, _through in BENEATH:
            rows = self.components[name]
            linked = (rows[pk] for pk in self.links[name][objective.pk] if pk in rows)
            kept = [row for row in linked if self.keep(name, row)]
            kept.sort(key=lambda row: code_key(row.code))
            setattr(branch, name, kept)
        if branch.is_match or not branch.is_empty:
            return branch
        return None


def organisation_overview(user, organisation, data, today):
    """The cascade of ``organisation`` in one legislature, filtered by the GET
    ``data`` of the overview form, as ``user`` may see it.

    Six queries whatever the size of the entity: the legislatures, the
    objectives, the link tables, and one per component type; and at most
    four for the roll-ups and contradictions of the objectives and projects
    (``evidence.annotate``). The rows are
    few (hundreds per entity) and the form's choices and the tree need them
    all, so the other filters apply to the rows read: an objective that does
    not match stays in view, as context, when something beneath it matches.
    """
    legislatures = list(Legislature.objects.all())
    chosen = {item.name: item for item in legislatures}.get(data.get("legislature"))
    legislature = chosen or current_legislature(legislatures, today)

    objectives = list(
        component_rows(
            user,
            Objective,
            Q(in_organisation(Objective, organisation), legislature=legislature),
        )
    )
    objectives.sort(key=cascade_order)
    links = _links([objective.pk for objective in objectives])
    components = {}
    for name, model, _through in BENEATH:
        linked_ids = {pk for ids in links[name].values() for pk in ids}
        rows = component_rows(
            user, model, Q(pk__in=linked_ids) | in_organisation(model, organisation)
        )
        components[name] = {row.pk: row for row in rows}

    evidence.annotate(
        user,
        objectives=objectives,
        projects=list(components["project"].values()),
        today=today,
    )
    everything = [
        *objectives,
        *(r for rows in components.values() for r in rows.values()),
    ]
    people = {row.responsible for row in everything if row.responsible is not None}
    if data:
        # The legislature shown is the one chosen or, failing that, the
        # current one; the form says which.
        data = data.copy()
        data["legislature"] = legislature.name if legislature else ""
    form = OverviewFilterForm(
        data or None,
        legislatures=legislatures,
        people=sorted(people, key=lambda person: (person.last_name, person.first_name)),
    )
    if legislature is not None:
        form.initial["legislature"] = legislature.name
    filters = form.filters()

    builder = _OverviewBuilder(objectives, links, components, filters)
    shown = {objective.pk for objective in objectives}
    seen = set()
    branches = []
    for objective in objectives:
        if objective.parent_id not in shown and objective.pk not in seen:
            branch = builder.branch(objective, 1, seen)
            if branch is not None:
                branches.append(branch)
    unplaced = {}
    for name, _model, _through in BENEATH:
        placed = {pk for ids in links[name].values() for pk in ids}
        rows = sorted(components[name].values(), key=lambda row: code_key(row.code))
        unplaced[name] = [
            row for row in rows if row.pk not in placed and builder.keep(name, row)
        ]
    return Overview(
        form=form,
        legislature=legislature,
        branches=branches,
        unplaced=unplaced,
        filters=filters,
        match_count=len(builder.matched),
    )


# Lens cascade ----------------------------------------------------------------

# A lens that refers to more objectives than this shows what lies beneath
# each of them on demand rather than in the page: the coalition agreement
# would otherwise run to thousands of rows.
INLINE_BENEATH_LIMIT = 40


@dataclass
class LensLine:
    """One visible entry of a lens: a heading, or an objective."""

    number: str
    depth: int
    heading: str
    objective: Objective | None = None


@dataclass
class LensCascade:
    lines: list
    # Whether each objective carries what lies beneath it; if not, the page
    # loads it when the reader opens the objective.
    shows_beneath: bool


def _projects_beneath(user, objectives):
    """Set ``beneath_projects`` on each of ``objectives``: two queries."""
    links = Objective.projects.through.objects.filter(
        objective_id__in=[objective.pk for objective in objectives]
    ).values_list("objective_id", "project_id")
    linked = defaultdict(list)
    for objective_id, project_id in links:
        linked[objective_id].append(project_id)
    project_ids = {pk for ids in linked.values() for pk in ids}
    projects = {p.pk: p for p in component_rows(user, Project, Q(pk__in=project_ids))}
    for objective in objectives:
        rows = [projects[pk] for pk in linked[objective.pk] if pk in projects]
        objective.beneath_projects = sorted(rows, key=lambda row: code_key(row.code))


def add_beneath(user, objectives):
    """Set on each of ``objectives`` what lies beneath it as ``user`` may see
    it: ``beneath_children``, its current operational objectives, and
    ``beneath_projects``; each child gets its own ``beneath_projects``. Every
    objective and project gets its ``rollup`` and ``contradictions``. Three
    queries whatever the number of objectives, and at most four for the
    evidence (``evidence.annotate``)."""
    by_pk = {objective.pk: objective for objective in objectives}
    children = list(component_rows(user, Objective, Q(parent_id__in=list(by_pk))))
    children.sort(key=cascade_order)
    _projects_beneath(user, [*objectives, *children])
    for objective in objectives:
        objective.beneath_children = []
    for child in children:
        by_pk[child.parent_id].beneath_children.append(child)
    projects = {
        project.pk: project
        for objective in [*objectives, *children]
        for project in objective.beneath_projects
    }
    evidence.annotate(
        user,
        objectives=[*objectives, *children],
        projects=list(projects.values()),
        today=timezone.localdate(),
    )


def lens_cascade(user, lens):
    """The entries of ``lens`` in its reading order, as ``user`` may see them.

    The numbers are the lens's own. An entry whose objective the user may not
    see is left out entirely, with whatever the lens numbers under it; an
    archived objective stays, since the lens still refers to it. Up to
    ``INLINE_BENEATH_LIMIT`` objectives, each carries what lies beneath it
    (``add_beneath``); each gets its ``rollup`` and ``contradictions``. Nine
    queries at most whatever the size of the lens.
    """
    numbered = lens.numbered_entries()
    referenced = {entry.objective_id for _, _, entry in numbered if entry.objective_id}
    objectives = {
        objective.pk: objective
        for objective in component_rows(
            user, Objective, Q(pk__in=referenced), with_archived=True
        )
    }
    shows_beneath = len(objectives) <= INLINE_BENEATH_LIMIT
    if shows_beneath:
        add_beneath(user, list(objectives.values()))
    else:
        evidence.annotate(
            user, objectives=list(objectives.values()), today=timezone.localdate()
        )

    lines, left_out = [], set()
    for number, depth, entry in numbered:
        if entry.parent_id in left_out or (
            entry.objective_id and entry.objective_id not in objectives
        ):
            left_out.add(entry.pk)
            continue
        objective = objectives.get(entry.objective_id)
        lines.append(LensLine(number, depth, entry.heading, objective))
    return LensCascade(lines, shows_beneath)
