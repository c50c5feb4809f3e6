"""Honest status: what lies beneath a status, counted, and the evidence that
contradicts a green one.

Two things are shown next to a component's own latest status:

- its roll-up, the number of its children per colour: for an objective its
  current operational objectives, projects and processes; for a programme
  its projects; for a project its milestones;
- its contradictions, when it reports green while the evidence beneath it
  says otherwise. The rules, each a function below:

  * ``objective_project_contradiction``: a green objective whose projects
    are red or have overdue milestones. An objective answers for the
    projects linked to it and to its operational objectives one level down
    (the level a strategic objective summarises); deeper objectives answer
    for their own projects on their own rows.
  * ``objective_indicator_contradiction``: a green objective whose indicator
    (one linked to it through ``Objective.indicators``, which measure it)
    misses its target: the latest measurement against the target of the
    same period, in the indicator's direction. A measurement without a
    target for its period is not judged.
  * ``project_milestone_contradiction``: a green project whose milestones
    are overdue or red.

Only current (not archived) children count, and only evidence the viewer
may see: evidence hidden from the viewer raises no warning at all, not even
a count, since a component the viewer may not see answers as if it did not
exist. A milestone is overdue when its due date has passed and it is not
completed; a completed milestone contradicts nothing, whatever its last
status.

``annotate`` sets ``rollup`` and ``contradictions`` on the rows of a list
page with at most four queries whatever the number of rows.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property

from django.db.models import CharField, Count, F, OuterRef, Q, Subquery, Value
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from objectives import access
from objectives.charts import format_number
from objectives.models import (
    Indicator,
    Measurement,
    Milestone,
    Objective,
    Process,
    Programme,
    Project,
    StatusReport,
    Target,
)
from objectives.periods import Period

Colour = StatusReport.Colour
GREEN, RED = Colour.GREEN.value, Colour.RED.value

# A colour as a roll-up names it, in the order it lists them: one word,
# "3 green, 1 red"; None is "no status".
COLOUR_WORDS = {
    "green": _("green"),
    "orange": _("orange"),
    "red": _("red"),
    "grey": _("grey"),
    "blue": _("blue"),
    None: _("no status"),
}

RED_PROJECT = "red_project"
OVERDUE_MILESTONE = "overdue_milestone"
RED_MILESTONE = "red_milestone"
MISSED_TARGET = "missed_target"


# Roll-up -------------------------------------------------------------------


@dataclass
class RollUp:
    """The children of a component counted per colour."""

    counts: Counter = field(default_factory=Counter)

    @property
    def total(self):
        return sum(self.counts.values())

    @cached_property
    def parts(self):
        """(colour, count, word) for each colour present, in a fixed order.

        Read once the counts are complete; the words are translated here,
        once, since a cascade shows them for hundreds of rows.
        """
        return [
            {"colour": colour, "count": self.counts[colour], "word": str(word)}
            for colour, word in COLOUR_WORDS.items()
            if self.counts[colour]
        ]

    @cached_property
    def text(self):
        return ", ".join(f"{part['count']} {part['word']}" for part in self.parts)

    def __str__(self):
        return self.text


def rollup_of(items):
    """The roll-up of ``items``, rows with a ``status_colour``."""
    return RollUp(Counter(item.status_colour or None for item in items))


def _latest_colour(subject, key):
    latest = StatusReport.objects.filter(**{subject: OuterRef(key)}).order_by(
        "-period_start", "-created_at"
    )
    return Subquery(latest.values("colour")[:1])


def _rollup_branch(rows, owner_kind, owner, subject, key):
    """``rows`` counted per owner and colour, as (kind, owner, colour, n)."""
    return (
        rows.annotate(
            owner_kind=Value(owner_kind, output_field=CharField()),
            owner_id=F(owner),
            colour=_latest_colour(subject, key),
        )
        .values("owner_kind", "owner_id", "colour")
        .annotate(number=Count("pk"))
        .order_by()
    )


def _current(user, model):
    return access.visible(user, model).filter(is_archived=False).values("pk")


def rollups(user, *, objective_ids=(), project_ids=(), programme_ids=()):
    """{(owner kind, owner id): RollUp} for the given owners, rows the user
    sees: one query."""
    objective_links = Objective.projects.through.objects.filter(
        objective_id__in=objective_ids, project__in=_current(user, Project)
    )
    process_links = Objective.processes.through.objects.filter(
        objective_id__in=objective_ids, process__in=_current(user, Process)
    )
    programme_links = Programme.projects.through.objects.filter(
        programme_id__in=programme_ids, project__in=_current(user, Project)
    )
    branches = []
    if objective_ids:
        children = access.visible(user, Objective).filter(
            parent_id__in=objective_ids, is_archived=False
        )
        branches += [
            _rollup_branch(children, "objective", "parent_id", "objective", "pk"),
            _rollup_branch(
                objective_links, "objective", "objective_id", "project", "project_id"
            ),
            _rollup_branch(
                process_links, "objective", "objective_id", "process", "process_id"
            ),
        ]
    if project_ids:
        # The projects are rows the user sees, and whoever sees a project
        # sees its milestones: the access layer's milestone filter would
        # only repeat the project's.
        milestones = Milestone.objects.filter(
            project_id__in=project_ids, is_archived=False
        )
        branches.append(
            _rollup_branch(milestones, "project", "project_id", "milestone", "pk")
        )
    if programme_ids:
        branches.append(
            _rollup_branch(
                programme_links, "programme", "programme_id", "project", "project_id"
            )
        )
    found = defaultdict(RollUp)
    if not branches:
        return found
    rows = branches[0].union(*branches[1:], all=True) if branches[1:] else branches[0]
    for row in rows:
        key = (row["owner_kind"], row["owner_id"])
        found[key].counts[row["colour"] or None] += row["number"]
    return found


# Evidence and the rules ----------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    """One thing beneath a green status that says otherwise."""

    kind: str
    code: str
    title: str
    url: str
    # Overdue milestones: the due date; milestones: their project's code.
    due_date: date | None = None
    project_code: str = ""
    # Missed targets: the latest measurement against the target.
    value: Decimal | None = None
    target: Decimal | None = None
    unit: str = ""
    period: str = ""
    is_higher_better: bool = True

    @property
    def name(self):
        return f"{self.code} {self.title}"

    @property
    def detail(self):
        """What is wrong with it, in words."""
        if self.kind == RED_PROJECT:
            return gettext("off track")
        if self.kind == OVERDUE_MILESTONE:
            due = date_format(self.due_date)
            return gettext("overdue since %(due)s") % {"due": due}
        if self.kind == RED_MILESTONE:
            return gettext("off track")
        values = {
            "value": format_number(self.value),
            "target": format_number(self.target),
            "unit": self.unit,
            "period": self.period,
        }
        if self.is_higher_better:
            text = gettext(
                "%(value)s %(unit)s against a target of at least %(target)s "
                "%(unit)s (%(period)s)"
            )
        else:
            text = gettext(
                "%(value)s %(unit)s against a target of at most %(target)s "
                "%(unit)s (%(period)s)"
            )
        return text % values

    def __str__(self):
        project = f" ({self.project_code})" if self.project_code else ""
        return f"{self.name}{project}: {self.detail}"


@dataclass(frozen=True)
class Contradiction:
    """A green status that the evidence beneath it contradicts."""

    rule: str
    evidence: tuple

    @property
    def heading(self):
        return HEADINGS[self.rule]

    def __str__(self):
        named = "; ".join(str(item) for item in self.evidence)
        return f"{self.heading}: {named}"


OBJECTIVE_PROJECTS = "objective_projects"
OBJECTIVE_INDICATORS = "objective_indicators"
PROJECT_MILESTONES = "project_milestones"
HEADINGS = {
    OBJECTIVE_PROJECTS: _("Reported on track, but projects beneath it are not"),
    OBJECTIVE_INDICATORS: _("Reported on track, but an indicator misses its target"),
    PROJECT_MILESTONES: _("Reported on track, but milestones are late or off track"),
}


def is_overdue(milestone, today):
    return milestone.completed_on is None and milestone.due_date < today


def misses_target(value, target, direction):
    """Whether ``value`` falls short of ``target`` in ``direction``."""
    if direction == Indicator.Direction.LOWER_IS_BETTER:
        return value > target
    return value < target


def objective_project_contradiction(colour, projects, milestones, today):
    """The contradiction of a ``colour`` objective whose ``projects`` (rows
    with ``status_colour``) are red or whose ``milestones`` are overdue;
    None when there is none."""
    if colour != GREEN:
        return None
    evidence = [
        _project_evidence(project)
        for project in projects
        if project.status_colour == RED
    ]
    evidence += [
        _milestone_evidence(milestone, OVERDUE_MILESTONE)
        for milestone in milestones
        if is_overdue(milestone, today)
    ]
    return Contradiction(OBJECTIVE_PROJECTS, tuple(evidence)) if evidence else None


def objective_indicator_contradiction(colour, measured):
    """The contradiction of a ``colour`` objective whose indicators miss their
    target; ``measured`` holds per indicator its latest measurement and the
    target of the same period (``IndicatorReading``)."""
    if colour != GREEN:
        return None
    evidence = [
        reading.evidence()
        for reading in measured
        if reading.target is not None
        and misses_target(reading.value, reading.target, reading.direction)
    ]
    return Contradiction(OBJECTIVE_INDICATORS, tuple(evidence)) if evidence else None


def project_milestone_contradiction(colour, milestones, today):
    """The contradiction of a ``colour`` project whose ``milestones`` (rows
    with ``status_colour``) are overdue or, not yet completed, red."""
    if colour != GREEN:
        return None
    evidence = []
    for milestone in milestones:
        if is_overdue(milestone, today):
            evidence.append(_milestone_evidence(milestone, OVERDUE_MILESTONE))
        elif milestone.completed_on is None and milestone.status_colour == RED:
            evidence.append(_milestone_evidence(milestone, RED_MILESTONE))
    return Contradiction(PROJECT_MILESTONES, tuple(evidence)) if evidence else None


def _project_evidence(project):
    return Evidence(
        RED_PROJECT, project.code, project.title, project.get_absolute_url()
    )


def _milestone_evidence(milestone, kind):
    return Evidence(
        kind,
        milestone.code,
        milestone.title,
        milestone.get_absolute_url(),
        due_date=milestone.due_date,
        project_code=getattr(milestone, "project_code", ""),
    )


@dataclass
class IndicatorReading:
    """An indicator's latest measurement and the target of that period."""

    code: str
    title: str
    public_id: object
    unit: str
    direction: str
    value: Decimal
    target: Decimal | None
    period_start: date
    period_end: date

    def evidence(self):
        return Evidence(
            MISSED_TARGET,
            self.code,
            self.title,
            reverse(Indicator.detail_url_name, args=[self.public_id]),
            value=self.value,
            target=self.target,
            unit=self.unit,
            period=str(Period(self.period_start, self.period_end)),
            is_higher_better=self.direction != Indicator.Direction.LOWER_IS_BETTER,
        )


# Reading the evidence ------------------------------------------------------


@dataclass
class _Row:
    """A project or milestone as the rules read it."""

    code: str
    title: str
    public_id: object
    status_colour: str | None
    url_name: str
    due_date: date | None = None
    completed_on: date | None = None
    project_code: str = ""

    def get_absolute_url(self):
        return reverse(self.url_name, args=[self.public_id])


def _green(model, rows):
    """The pks of ``rows`` whose latest status is green, as a subquery.

    The rows' colours are known already; asking the database again keeps
    the number of queries of a page the same whatever the colours.
    """
    subject = model._meta.model_name
    return (
        model.objects.filter(pk__in=[row.pk for row in rows])
        .annotate(colour=_latest_colour(subject, "pk"))
        .filter(colour=GREEN)
        .values("pk")
    )


def _project_links(user, objective_ids):
    """The links of the objectives ``objective_ids`` (a subquery) and of
    their current visible operational objectives to current visible
    projects."""
    children = access.visible(user, Objective).filter(
        parent_id__in=objective_ids, is_archived=False
    )
    return Objective.projects.through.objects.filter(
        Q(objective_id__in=objective_ids) | Q(objective__in=children.values("pk")),
        project__in=_current(user, Project),
    )


def _objective_projects(links, green):
    """{objective id: {project id: row}} for the objectives ``green`` from
    the ``links`` of ``_project_links``: one query."""
    rows = links.annotate(colour=_latest_colour("project", "project_id")).values_list(
        "objective_id",
        "objective__parent_id",
        "objective__is_archived",
        "project_id",
        "project__code",
        "project__title",
        "project__public_id",
        "colour",
    )
    found = defaultdict(dict)
    for objective_id, parent_id, archived, pk, code, title, public_id, colour in rows:
        row = _Row(code, title, public_id, colour, Project.detail_url_name)
        if objective_id in green:
            found[objective_id][pk] = row
        if parent_id in green and not archived:
            found[parent_id][pk] = row
    return found


def _late_milestones(projects, today):
    """{project id: [row]}: current visible milestones of the projects
    ``projects`` (a Q on the milestone) that are not completed and either
    overdue or red. One query.

    ``projects`` selects projects the user sees (rows read through the
    access layer, or links filtered by it), whose milestones they all see.
    """
    rows = (
        Milestone.objects.filter(projects, is_archived=False, completed_on=None)
        .annotate(colour=_latest_colour("milestone", "pk"))
        .filter(Q(due_date__lt=today) | Q(colour=RED))
        .order_by("due_date", "code")
        .values_list(
            "project_id",
            "code",
            "title",
            "public_id",
            "colour",
            "due_date",
            "project__code",
        )
    )
    found = defaultdict(list)
    for project_id, code, title, public_id, colour, due_date, project_code in rows:
        found[project_id].append(
            _Row(
                code,
                title,
                public_id,
                colour,
                "objectives:milestone_detail",
                due_date=due_date,
                project_code=project_code,
            )
        )
    return found


def indicator_readings(user, objective_ids):
    """{objective id: [IndicatorReading]} for the current visible indicators
    of each objective that have a measurement. One query."""
    latest = Measurement.objects.filter(indicator=OuterRef("indicator_id")).order_by(
        "-period_end", "-period_start"
    )
    same_period = Target.objects.filter(
        indicator=OuterRef("indicator_id"),
        period_start=OuterRef("measured_start"),
        period_end=OuterRef("measured_end"),
    )
    rows = (
        Objective.indicators.through.objects.filter(
            objective_id__in=objective_ids, indicator__in=_current(user, Indicator)
        )
        .annotate(
            measured_value=Subquery(latest.values("value")[:1]),
            measured_start=Subquery(latest.values("period_start")[:1]),
            measured_end=Subquery(latest.values("period_end")[:1]),
        )
        .filter(measured_value__isnull=False)
        .annotate(target_value=Subquery(same_period.values("value")[:1]))
        .order_by("indicator__code")
        .values_list(
            "objective_id",
            "indicator__code",
            "indicator__title",
            "indicator__public_id",
            "indicator__unit",
            "indicator__direction",
            "measured_value",
            "target_value",
            "measured_start",
            "measured_end",
        )
    )
    found = defaultdict(list)
    for objective_id, *reading in rows:
        found[objective_id].append(IndicatorReading(*reading))
    return found


def contradictions(user, *, objectives=(), projects=(), today):
    """The contradictions of the green ones of ``objectives`` and
    ``projects`` (rows with ``status_colour``): ({objective id:
    [Contradiction]}, {project id: [Contradiction]}).

    Three queries when there are objectives (their projects, the late
    milestones of those and of the projects, their indicators), one when
    there are only projects, none when there is neither; the same whatever
    the colours.
    """
    if not (objectives or projects):
        return {}, {}
    green_objectives = {row.pk for row in objectives if _is_green(row)}
    green_projects = {row.pk for row in projects if _is_green(row)}
    linked, readings = {}, {}
    late_projects = Q(project_id__in=_green(Project, projects))
    if objectives:
        links = _project_links(user, _green(Objective, objectives))
        linked = _objective_projects(links, green_objectives)
        readings = indicator_readings(user, _green(Objective, objectives))
        late_projects |= Q(project_id__in=links.values("project_id"))
    late = _late_milestones(late_projects, today)

    by_objective = {}
    for pk in green_objectives:
        rows = sorted(linked.get(pk, {}).items(), key=lambda item: item[1].code)
        linked_projects = [row for _project_id, row in rows]
        milestones = [m for project_id, _row in rows for m in late[project_id]]
        found = (
            objective_project_contradiction(GREEN, linked_projects, milestones, today),
            objective_indicator_contradiction(GREEN, readings.get(pk, [])),
        )
        by_objective[pk] = [item for item in found if item is not None]
    by_project = {}
    for pk in green_projects:
        found = project_milestone_contradiction(GREEN, late[pk], today)
        by_project[pk] = [found] if found is not None else []
    return by_objective, by_project


def detail_context(user, component, context, today):
    """The roll-up and the contradictions of ``component``'s detail page,
    read from the sections the page lists where they hold the children.

    An objective's contradictions cost the three queries of
    ``contradictions``; a project's and a programme's none.
    """
    sections = context["sections"]
    latest = context.get("latest_status")
    colour = latest.colour if latest else None
    found = []
    if isinstance(component, Objective):
        children = [
            *sections["children"].items,
            *sections["projects"].items,
            *sections["processes"].items,
        ]
        # The component read for the page carries no status of its own.
        component.status_colour = colour
        by_objective, _by_project = contradictions(
            user, objectives=[component], today=today
        )
        found = by_objective.get(component.pk, [])
    elif isinstance(component, Project):
        children = sections["milestones"].items
        contradiction = project_milestone_contradiction(colour, children, today)
        found = [contradiction] if contradiction else []
    elif isinstance(component, Programme):
        children = sections["projects"].items
    else:
        return {}
    return {"rollup": rollup_of(children), "contradictions": found}


def _is_green(row):
    # A row read without its status (the objective of the lens page's
    # "what lies beneath" fragment) is counted, not judged.
    return getattr(row, "status_colour", None) == GREEN


def annotate(user, *, objectives=(), projects=(), programmes=(), today):
    """Set ``rollup`` and ``contradictions`` on each row of ``objectives``,
    ``projects`` and ``programmes`` (rows with ``status_colour``).

    At most four queries whatever the number of rows and their colours: the
    roll-ups, and those of ``contradictions``.
    """
    found = rollups(
        user,
        objective_ids=[row.pk for row in objectives],
        project_ids=[row.pk for row in projects],
        programme_ids=[row.pk for row in programmes],
    )
    for kind, rows in (
        ("objective", objectives),
        ("project", projects),
        ("programme", programmes),
    ):
        for row in rows:
            row.rollup = found[(kind, row.pk)]
            row.contradictions = []

    by_objective, by_project = contradictions(
        user, objectives=objectives, projects=projects, today=today
    )
    for objective in objectives:
        objective.contradictions = by_objective.get(objective.pk, [])
    for project in projects:
        project.contradictions = by_project.get(project.pk, [])
