"""Reading a legislature transition: the old structure with its
successions for the mapping page, what still keeps it from being applied,
and the matrix of the old and the new structure.

Each reader runs a fixed number of queries whatever the number of
objectives: the old objectives, the new ones and the successions.
"""

import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.http import Http404
from django.utils.translation import gettext as _

from objectives import access
from objectives.cascades import DEEPEST_LEVEL, cascade_order, current_legislature
from objectives.models import Legislature, Objective, ObjectiveSuccession

Kind = ObjectiveSuccession.Kind


def old_objectives(transition, user=None):
    """The current objectives that ``transition`` maps: those its
    organisation leads in the previous legislature (as ``user`` may see
    them, when given)."""
    rows = access.visible(user, Objective) if user else Objective.objects.all()
    return rows.filter(
        lead_organisation_id=transition.organisation_id,
        legislature_id=transition.previous_legislature_id,
        is_archived=False,
    )


def new_objectives(transition, user=None):
    """The current objectives of the organisation in the next legislature,
    the possible successors."""
    rows = access.visible(user, Objective) if user else Objective.objects.all()
    return rows.filter(
        lead_organisation_id=transition.organisation_id,
        legislature_id=transition.next_legislature_id,
        is_archived=False,
    )


def old_objective(user, transition, public_id):
    """The old objective ``public_id`` of ``transition`` as ``user`` may see
    it; 404 when it is none."""
    try:
        public_id = uuid.UUID(str(public_id))
    except ValueError:
        raise Http404("No objective of this transition matches.") from None
    found = old_objectives(transition, user).filter(public_id=public_id).first()
    if found is None:
        raise Http404("No objective of this transition matches.")
    return found


def default_legislatures(today):
    """The legislatures a new transition goes from and to, unless chosen:
    the one before the current, and the current one (None when missing)."""
    legislatures = list(Legislature.objects.all())
    current = current_legislature(legislatures, today)
    older = [
        item
        for item in legislatures
        if current and item.start_date < (current.start_date)
    ]
    return (older[0] if older else None), current


def in_cascade(objectives):
    """``objectives`` as (depth, objective) pairs in reading order: each
    strategic objective followed by its operational ones; an objective whose
    parent is not among them starts a branch of its own."""
    present = {objective.pk for objective in objectives}
    children = defaultdict(list)
    for objective in sorted(objectives, key=cascade_order):
        parent = objective.parent_id if objective.parent_id in present else None
        children[parent].append(objective)
    ordered, seen = [], set()

    def walk(objective, depth):
        seen.add(objective.pk)
        ordered.append((depth, objective))
        for child in children[objective.pk]:
            if child.pk not in seen:
                walk(child, min(depth + 1, DEEPEST_LEVEL))

    for root in children[None]:
        walk(root, 1)
    return ordered


def _successions(transition):
    return list(transition.successions.order_by("pk"))


# The mapping page -------------------------------------------------------------


@dataclass
class MappingRow:
    """An old objective with its successions on the mapping page."""

    objective: Objective
    depth: int
    kind: str = ""
    successors: list = field(default_factory=list)
    note: str = ""

    @property
    def is_mapped(self):
        return bool(self.kind)

    @property
    def successor_ids(self):
        return {successor.pk for successor in self.successors}

    @property
    def may_copy(self):
        """A copy is added to an unmapped, kept or split objective."""
        return self.kind in ("", Kind.KEPT, Kind.SPLIT)

    def get_kind_display(self):
        return Kind(self.kind).label if self.kind else ""


@dataclass
class Mapping:
    rows: list
    # Every new objective, the successors to choose from, in cascade order.
    choices: list
    # New objectives that continue no old one, with the note of their "new"
    # succession when they are marked as new.
    unclaimed: list
    problems: list

    @property
    def mapped_count(self):
        return sum(row.is_mapped for row in self.rows)


def mapping(user, transition):
    """The mapping page of ``transition`` for ``user``: three queries."""
    old = list(old_objectives(transition, user))
    new = list(new_objectives(transition, user))
    successions = _successions(transition)
    by_pk = {objective.pk: objective for objective in new}

    rows = {
        objective.pk: MappingRow(objective, depth)
        for depth, objective in in_cascade(old)
    }
    claimed, new_notes = set(), {}
    for succession in successions:
        if succession.kind == Kind.NEW:
            new_notes[succession.next_objective_id] = succession.note
            continue
        claimed.add(succession.next_objective_id)
        row = rows.get(succession.previous_objective_id)
        if row is None:
            continue
        row.kind, row.note = succession.kind, succession.note
        if succession.next_objective_id in by_pk:
            row.successors.append(by_pk[succession.next_objective_id])
    choices = [objective for _depth, objective in in_cascade(new)]
    unclaimed = [
        (objective, objective.pk in new_notes, new_notes.get(objective.pk, ""))
        for objective in choices
        if objective.pk not in claimed
    ]
    return Mapping(
        rows=list(rows.values()),
        choices=choices,
        unclaimed=unclaimed,
        problems=_problems(old, successions),
    )


def problems(transition):
    """What keeps ``transition`` from being applied, as sentences: two
    queries. Empty when every old objective is mapped and every merge has
    more than one old objective."""
    return _problems(list(old_objectives(transition)), _successions(transition))


def _problems(old, successions):
    mapped = {s.previous_objective_id for s in successions if s.previous_objective_id}
    found = [
        _("%(objective)s is not mapped yet.") % {"objective": objective}
        for _depth, objective in in_cascade(old)
        if objective.pk not in mapped
    ]
    merged_into = defaultdict(set)
    for succession in successions:
        if succession.kind == Kind.MERGED:
            merged_into[succession.next_objective_id].add(
                succession.previous_objective_id
            )
    lonely = {
        previous
        for sources in merged_into.values()
        if len(sources) == 1
        for previous in sources
    }
    found.extend(
        _(
            "%(objective)s is merged, but no other objective merges into its "
            "successor: mark it as kept, or merge another objective into it."
        )
        % {"objective": objective}
        for _depth, objective in in_cascade(old)
        if objective.pk in lonely
    )
    return found


# The matrix -----------------------------------------------------------------


@dataclass
class MatrixLine:
    """A line of the matrix: an old objective, a new one, or both, and the
    kind of succession between them (empty: not mapped yet)."""

    previous: Objective | None
    previous_depth: int
    kind: str
    following: Objective | None
    following_depth: int
    note: str = ""
    # Further successors of a split repeat the old objective; the page
    # shows it once.
    repeats_previous: bool = False

    def get_kind_display(self):
        return Kind(self.kind).label if self.kind else _("not mapped yet")


def matrix(user, transition):
    """The lines of the matrix of ``transition`` as ``user`` may see it:
    the old cascade in order, each objective with its successors, then the
    new objectives that continue none. A line naming an objective that
    ``user`` may not see is left out. Three queries."""
    old = list(old_objectives(transition, user))
    new = list(new_objectives(transition, user))
    new_cascade = in_cascade(new)
    new_depths = {objective.pk: depth for depth, objective in new_cascade}
    new_by_pk = {objective.pk: objective for objective in new}
    successions = _successions(transition)

    of_previous = defaultdict(list)
    claimed, new_notes = set(), {}
    for succession in successions:
        if succession.kind == Kind.NEW:
            new_notes[succession.next_objective_id] = succession.note
            continue
        claimed.add(succession.next_objective_id)
        of_previous[succession.previous_objective_id].append(succession)

    lines = []
    for depth, objective in in_cascade(old):
        found = of_previous[objective.pk]
        if not found:
            lines.append(MatrixLine(objective, depth, "", None, 0))
            continue
        shown = [
            s
            for s in found
            if s.next_objective_id is None or s.next_objective_id in new_by_pk
        ]
        for index, succession in enumerate(shown):
            following = new_by_pk.get(succession.next_objective_id)
            lines.append(
                MatrixLine(
                    objective,
                    depth,
                    succession.kind,
                    following,
                    new_depths.get(succession.next_objective_id, 0),
                    succession.note,
                    repeats_previous=index > 0,
                )
            )
    for _depth, objective in new_cascade:
        if objective.pk not in claimed:
            lines.append(
                MatrixLine(
                    None,
                    0,
                    Kind.NEW,
                    objective,
                    new_depths[objective.pk],
                    new_notes.get(objective.pk, ""),
                )
            )
    return lines
