"""Search across every component type, as one user may see them."""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import BooleanField, Count, ExpressionWrapper, Q, Window
from django.utils.translation import gettext_lazy as _

from objectives import access
from objectives.models import (
    Indicator,
    Milestone,
    Objective,
    Process,
    Programme,
    Project,
)
from objectives.status import with_latest_status

# (name, model, heading), in the order the results page shows them.
SEARCHED = [
    ("objective", Objective, _("Objectives")),
    ("project", Project, _("Projects")),
    ("process", Process, _("Processes")),
    ("programme", Programme, _("Programmes")),
    ("indicator", Indicator, _("Indicators")),
    ("milestone", Milestone, _("Milestones")),
]
SEARCHED_TYPES = [name for name, _model, _heading in SEARCHED]
# Results per type when all types are shown, and per page for one type.
PREVIEW_SIZE = 5
PAGE_SIZE = 20


@dataclass
class ResultGroup:
    name: str
    heading: str
    results: list
    total: int


def _contains(term):
    return (
        Q(code__icontains=term)
        | Q(title__icontains=term)
        | Q(description__icontains=term)
    )


def matching(user, model, terms, legislature=None):
    """Visible, current ``model`` rows containing every one of ``terms`` in
    their code, title or description: those with every term in the code or
    title first, then by code. One query, with the latest status. Objectives
    are those of ``legislature`` when given."""
    rows = access.visible(user, model).filter(is_archived=False)
    if model is Objective:
        rows = rows.select_related("legislature")
        if legislature is not None:
            rows = rows.filter(legislature=legislature)
    named = Q()
    for term in terms:
        rows = rows.filter(_contains(term))
        named &= Q(code__icontains=term) | Q(title__icontains=term)
    rows = rows.annotate(is_named=ExpressionWrapper(named, output_field=BooleanField()))
    if model is Milestone:
        rows = rows.select_related("project__lead_organisation")
    else:
        rows = rows.select_related("lead_organisation")
    if model is not Indicator:
        rows = with_latest_status(rows)
    return rows.order_by("-is_named", "code", "pk")


def preview(user, terms, legislature=None):
    """The first results of every type with the number of each: one query
    per type, the total counted in the same query by a window."""
    groups = []
    for name, model, heading in SEARCHED:
        rows = matching(user, model, terms, legislature).annotate(
            total=Window(Count("pk"))
        )
        results = list(rows[:PREVIEW_SIZE])
        total = results[0].total if results else 0
        groups.append(ResultGroup(name, heading, results, total))
    return groups


def results_page(user, terms, name, page_number, legislature=None):
    """One ``Page`` of the results of type ``name``, with its ``heading``:
    two queries."""
    model, heading = next((m, h) for n, m, h in SEARCHED if n == name)
    rows = matching(user, model, terms, legislature)
    page = Paginator(rows, PAGE_SIZE).get_page(page_number)
    page.heading = heading
    return page
