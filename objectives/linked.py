"""The linked sections of a detail page, each filtered by access.

A detail page shows the first ``SHOWN_PER_SECTION`` items of each section
and its total; the whole section is one request away, a page of
``PER_PAGE`` items at a time.

Components are ordered by their code as people read it ("SD 2" before
"SD 10"), which SQL cannot express on every database: each section reads
the light columns of all its visible rows, sorts them here and renders a
slice. The linked components of every section of a page come in one query
(a UNION of one branch per section), so a page costs the same number of
queries however many sections and links it has.
"""

from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Paginator
from django.db.models import CharField, F, Q, TextField, Value
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from objectives import access
from objectives.cascades import code_key
from objectives.models import (
    STATUS_SUBJECTS,
    Indicator,
    Lens,
    Milestone,
    Objective,
    Process,
    Programme,
    Project,
)
from objectives.status import with_latest_status

# The items a detail page shows of each section before "Show all".
SHOWN_PER_SECTION = 20
# The items per page when the whole section is shown.
PER_PAGE = 50

COMPONENTS, MILESTONES, MEMBERS, LENSES = (
    "components",
    "milestones",
    "members",
    "lenses",
)


@dataclass(frozen=True)
class Spec:
    """What a section lists: ``model`` rows matching ``lookup(component)``
    for component sections; milestones, members or lenses otherwise."""

    key: str
    heading: Any
    empty: Any = ""
    kind: str = COMPONENTS
    model: type | None = None
    lookup: Any = None
    # The indicator's kind is shown where other components show a status.
    show_kind: bool = False
    # A single link (the parent, the project): no count, no pages.
    is_single: bool = False


def _current(name):
    """Current rows linked to the component through ``name``."""
    return lambda component: Q(is_archived=False, **{name: component})


SPECS = {
    Objective: [
        Spec(
            "parent",
            _("Part of"),
            model=Objective,
            lookup=lambda objective: Q(pk=objective.parent_id),
            is_single=True,
        ),
        Spec(
            "children",
            _("Operational objectives"),
            _("No operational objectives that you may see."),
            model=Objective,
            lookup=_current("parent"),
        ),
        Spec(
            "projects",
            _("Projects"),
            _("No projects that you may see."),
            model=Project,
            lookup=_current("objectives"),
        ),
        Spec(
            "processes",
            _("Processes"),
            _("No processes that you may see."),
            model=Process,
            lookup=_current("objectives"),
        ),
        Spec(
            "indicators",
            _("Indicators"),
            _("No indicators that you may see."),
            model=Indicator,
            lookup=_current("objectives"),
            show_kind=True,
        ),
        Spec(
            "contributes-to",
            _("Contributes to"),
            _("Contributes to no other objective that you may see."),
            model=Objective,
            lookup=_current("contributions"),
        ),
        Spec(
            "contributions-from",
            _("Contributions from"),
            _("No other objective that you may see contributes to this one."),
            model=Objective,
            lookup=_current("contributes_to"),
        ),
        Spec(
            "lenses",
            _("In lenses"),
            _("This objective appears in no lens that you may see."),
            kind=LENSES,
        ),
    ],
    Project: [
        Spec(
            "milestones",
            _("Milestones"),
            _("This project has no milestones yet."),
            kind=MILESTONES,
        ),
        Spec(
            "objectives",
            _("Objectives"),
            _("Realises no objective that you may see."),
            model=Objective,
            lookup=_current("projects"),
        ),
        Spec(
            "programmes",
            _("Programmes"),
            _("Belongs to no programme that you may see."),
            model=Programme,
            lookup=_current("projects"),
        ),
        Spec("members", _("Project members"), _("No members yet."), kind=MEMBERS),
    ],
    Milestone: [
        Spec(
            "project",
            _("Project"),
            model=Project,
            lookup=lambda milestone: Q(pk=milestone.project_id, is_archived=False),
            is_single=True,
        ),
    ],
    Process: [
        Spec(
            "objectives",
            _("Objectives"),
            _("Contributes to no objective that you may see."),
            model=Objective,
            lookup=_current("processes"),
        ),
    ],
    Programme: [
        Spec(
            "projects",
            _("Projects"),
            _("No projects that you may see."),
            model=Project,
            lookup=_current("programmes"),
        ),
    ],
    Indicator: [
        Spec(
            "objectives",
            _("Objectives"),
            _("Measures no objective that you may see."),
            model=Objective,
            lookup=_current("indicators"),
        ),
    ],
}


@dataclass
class LinkedItem:
    """A linked component as a section lists it."""

    model: type
    pk: int
    public_id: Any
    code: str
    title: str
    lead_organisation: str
    status_colour: str | None
    status_explanation: str | None
    indicator_kind: str

    def __str__(self):
        return f"{self.code} {self.title}"

    def get_absolute_url(self):
        return reverse(self.model.detail_url_name, args=[self.public_id])

    def get_kind_display(self):
        if not self.indicator_kind:
            return ""
        return Indicator.Kind(self.indicator_kind).label


@dataclass
class Section:
    """A section of a detail page: every visible item, the first few shown."""

    spec: Spec
    component: Any
    items: list = field(default_factory=list)

    @property
    def key(self):
        return self.spec.key

    @property
    def heading(self):
        return self.spec.heading

    @property
    def total(self):
        return len(self.items)

    @property
    def shown(self):
        return self.items[:SHOWN_PER_SECTION]

    @property
    def has_more(self):
        return self.total > SHOWN_PER_SECTION

    @property
    def url(self):
        return reverse(
            "objectives:linked_section",
            kwargs={
                "model": type(self.component),
                "public_id": self.component.public_id,
                "section": self.key,
            },
        )


def sections(user, component, keys=None):
    """The sections of ``component``'s page for ``user``, by key.

    One query for the linked components of every section, one for each
    section of milestones, members or lenses. ``keys`` limits the sections
    read.
    """
    specs = [
        spec for spec in SPECS[type(component)] if keys is None or spec.key in keys
    ]
    found = {spec.key: Section(spec, component) for spec in specs}
    component_specs = [spec for spec in specs if spec.kind == COMPONENTS]
    if component_specs:
        for item in _linked_components(user, component, component_specs):
            found[item.pop("section")].items.append(item)
        for section in found.values():
            if section.spec.kind == COMPONENTS:
                section.items = _as_items(section.spec.model, section.items)
    for spec in specs:
        if spec.kind != COMPONENTS:
            found[spec.key].items = READERS[spec.kind](user, component)
    return found


def section(user, component, key):
    """The one section ``key`` of ``component``'s page; 404 if it has none."""
    spec = next((s for s in SPECS[type(component)] if s.key == key), None)
    if spec is None or spec.is_single:
        raise Http404("No such section.")
    return sections(user, component, keys={key})[key]


def paginate(found, number):
    """Page ``number`` of the section ``found`` (the last for a number past
    it, the first for anything else)."""
    return Paginator(found.items, PER_PAGE).get_page(number)


COLUMNS = [
    "id",
    "public_id",
    "code",
    "title",
    "status_colour",
    "status_explanation",
    "section",
    "organisation_name",
    "indicator_kind",
]


def _linked_components(user, component, specs):
    """The visible rows of every component section, as dictionaries with
    their ``section``: one UNION query."""
    branches = [_branch(user, component, spec) for spec in specs]
    rows = branches[0]
    if len(branches) > 1:
        rows = rows.union(*branches[1:], all=True)
    return list(rows)


def _branch(user, component, spec):
    model = spec.model
    rows = access.visible(user, model).filter(spec.lookup(component))
    if model._meta.model_name in STATUS_SUBJECTS:
        rows = with_latest_status(rows)
    else:
        rows = rows.annotate(
            status_colour=Value(None, output_field=CharField()),
            status_explanation=Value(None, output_field=TextField()),
        )
    # The annotations come in the same order in every branch, so that the
    # columns of the UNION line up.
    rows = rows.annotate(
        section=Value(spec.key, output_field=CharField()),
        organisation_name=F("lead_organisation__name"),
        indicator_kind=F("kind") if model is Indicator else Value("", CharField()),
    )
    return rows.order_by().values(*COLUMNS)


def _as_items(model, rows):
    items = [
        LinkedItem(
            model=model,
            pk=row["id"],
            public_id=row["public_id"],
            code=row["code"],
            title=row["title"],
            lead_organisation=row["organisation_name"],
            status_colour=row["status_colour"],
            status_explanation=row["status_explanation"],
            indicator_kind=row["indicator_kind"],
        )
        for row in rows
    ]
    return sorted(items, key=lambda item: code_key(item.code))


def _milestones(user, project):
    milestones = list(
        with_latest_status(
            access.visible(user, Milestone)
            .filter(project=project, is_archived=False)
            .select_related("assignee")
            .defer("description")
        )
    )
    today = timezone.localdate()
    for milestone in milestones:
        milestone.is_overdue = (
            milestone.completed_on is None and milestone.due_date < today
        )
    return milestones


def _members(user, project):
    # Whoever sees the project sees who works on it.
    return list(project.members.all())


def _lenses(user, objective):
    return list(
        access.visible(user, Lens)
        .filter(entries__objective=objective, is_archived=False)
        .select_related("organisation")
        .order_by("name")
    )


READERS = {MILESTONES: _milestones, MEMBERS: _members, LENSES: _lenses}
