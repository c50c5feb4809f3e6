"""Every write to a legislature transition, each with its change history.

A transition is changed only while it is a draft, with its row locked for
the length of the change, so that two administrators mapping the same
transition take turns and none of them maps a transition that was applied
meanwhile. The rules of the successions (kept one to one, merged several
to one, split one to several, ended to none, new from none) are checked
before anything is written: a refusal raises ``ValidationError`` and
changes nothing.
"""

import logging
import time

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from objectives import transitions
from objectives.actions import do_create_component, do_link_many, record_change
from objectives.models import (
    Change,
    Indicator,
    LegislatureTransition,
    Objective,
    ObjectiveSuccession,
    Process,
    Project,
)

logger = logging.getLogger(__name__)

Kind = ObjectiveSuccession.Kind

# What follows an objective into the next legislature: (link, model).
FOLLOWING = [("projects", Project), ("processes", Process), ("indicators", Indicator)]


def _refuse(message, reason, **params):
    raise ValidationError(message, code=reason, params=params)


@transaction.atomic
def do_open_transition(organisation, *, previous, following, acting_user):
    """Open the draft transition of ``organisation`` from the legislature
    ``previous`` to ``following``; one per organisation and legislature."""
    if previous.pk == following.pk:
        _refuse(_("Choose two different legislatures."), "same_legislature")
    if following.start_date <= previous.start_date:
        _refuse(
            _("%(next)s does not follow %(previous)s."),
            "not_later",
            next=following,
            previous=previous,
        )
    existing = LegislatureTransition.objects.filter(
        organisation=organisation, previous_legislature=previous
    )
    if existing.exists():
        _refuse(
            _("%(organisation)s already has a transition from %(previous)s."),
            "duplicate",
            organisation=organisation.name,
            previous=previous,
        )
    try:
        with transaction.atomic():
            transition = LegislatureTransition.objects.create(
                organisation=organisation,
                previous_legislature=previous,
                next_legislature=following,
                opened_by=acting_user,
            )
    except IntegrityError:
        # Another administrator opened it a moment ago.
        _refuse(
            _("%(organisation)s already has a transition from %(previous)s."),
            "duplicate",
            organisation=organisation.name,
            previous=previous,
        )
    record_change(
        transition,
        Change.Kind.CREATED,
        {
            "organisation": [None, organisation.name],
            "previous_legislature": [None, str(previous)],
            "next_legislature": [None, str(following)],
        },
        acting_user=acting_user,
    )
    logger.info("Opened transition %s", transition.public_id)
    return transition


def _locked_draft(transition):
    """``transition`` locked until the end of the transaction; refused once
    it is applied."""
    locked = LegislatureTransition.objects.select_for_update().get(pk=transition.pk)
    if locked.is_applied:
        _refuse(
            _("This transition has been applied: its mapping no longer changes."),
            "applied",
        )
    return locked


def _check_side(transition, objective, *, is_previous):
    legislature_id = (
        transition.previous_legislature_id
        if is_previous
        else transition.next_legislature_id
    )
    if (
        objective.lead_organisation_id != transition.organisation_id
        or objective.legislature_id != legislature_id
        or objective.is_archived
    ):
        legislature = (
            transition.previous_legislature
            if is_previous
            else transition.next_legislature
        )
        _refuse(
            _(
                "%(objective)s is not a current objective of %(organisation)s in "
                "%(legislature)s."
            ),
            "wrong_side",
            objective=objective,
            organisation=transition.organisation.name,
            legislature=legislature,
        )


def _describe(rows):
    """The successions of one objective as the history shows them."""
    if not rows:
        return None
    return sorted(
        f"{row.previous_objective or '—'} → {row.get_kind_display()} → "
        f"{row.next_objective or '—'}" + (f" ({row.note})" if row.note else "")
        for row in rows
    )


def _check_count(kind, successors):
    if kind == Kind.KEPT and len(successors) != 1:
        _refuse(_("A kept objective has exactly one successor."), "kept_count")
    if kind == Kind.MERGED and len(successors) != 1:
        _refuse(
            _(
                "A merged objective has exactly one successor, shared with the "
                "other objectives merged into it."
            ),
            "merged_count",
        )
    if kind == Kind.SPLIT and len(successors) < 2:
        _refuse(_("A split objective has at least two successors."), "split_count")
    if kind == Kind.ENDED and successors:
        _refuse(_("An ended objective has no successor."), "ended_count")
    if kind not in (*ObjectiveSuccession.CONTINUING, Kind.ENDED):
        _refuse(_("Choose kept, merged, split or ended."), "kind")


def _check_shared(transition, previous, kind, successors):
    """Refuse a successor that another line already claims, unless both
    lines merge into it."""
    others = (
        transition.successions.filter(next_objective__in=successors)
        .exclude(previous_objective=previous)
        .select_related("previous_objective", "next_objective")
    )
    for other in others:
        if kind == Kind.MERGED and other.kind == Kind.MERGED:
            continue
        if other.kind == Kind.NEW:
            _refuse(
                _("%(next)s is marked as new: clear that mark first."),
                "marked_new",
                next=other.next_objective,
            )
        _refuse(
            _(
                "%(next)s already succeeds %(previous)s (%(kind)s); only merged "
                "objectives share a successor."
            ),
            "claimed",
            next=other.next_objective,
            previous=other.previous_objective,
            kind=other.get_kind_display(),
        )


def _replace(transition, previous, lines, *, acting_user):
    """Put ``lines`` (unsaved successions) in place of the successions of
    ``previous``; returns whether anything changed."""
    current = transition.successions.filter(previous_objective=previous)
    current = current.select_related("previous_objective", "next_objective")
    return _swap(transition, list(current), lines, acting_user=acting_user)


def _swap(transition, current, lines, *, acting_user):
    """Put ``lines`` (unsaved successions) in place of the successions
    ``current``, with a history row on the transition; returns whether
    anything changed."""
    before, after = _describe(current), _describe(lines)
    if before == after:
        return False
    transition.successions.filter(pk__in=[row.pk for row in current]).delete()
    ObjectiveSuccession.objects.bulk_create(lines)
    transition.save(update_fields=["updated_at"])
    record_change(
        transition,
        Change.Kind.UPDATED,
        {"succession": [before, after]},
        acting_user=acting_user,
    )
    return True


@transaction.atomic
def do_map_objective(transition, previous, *, kind, successors, note="", acting_user):
    """Say what becomes of the old objective ``previous``: kept, merged or
    split into ``successors``, or ended. Replaces what was said before;
    returns whether anything changed."""
    transition = _locked_draft(transition)
    _check_side(transition, previous, is_previous=True)
    for successor in successors:
        _check_side(transition, successor, is_previous=False)
    successors = list({successor.pk: successor for successor in successors}.values())
    _check_count(kind, successors)
    _check_shared(transition, previous, kind, successors)

    note = note.strip()
    lines = [
        ObjectiveSuccession(
            transition=transition,
            previous_objective=previous,
            next_objective=successor,
            kind=kind,
            note=note,
        )
        for successor in successors or [None]
    ]
    return _replace(transition, previous, lines, acting_user=acting_user)


@transaction.atomic
def do_clear_succession(transition, *, acting_user, previous=None, following=None):
    """Forget what was said of the old objective ``previous``, or that the
    new objective ``following`` is new; returns whether anything changed."""
    transition = _locked_draft(transition)
    if previous is not None:
        return _replace(transition, previous, [], acting_user=acting_user)
    marks = list(
        transition.successions.filter(
            next_objective=following, kind=Kind.NEW
        ).select_related("next_objective")
    )
    if not marks:
        return False
    transition.successions.filter(pk__in=[mark.pk for mark in marks]).delete()
    transition.save(update_fields=["updated_at"])
    record_change(
        transition,
        Change.Kind.UPDATED,
        {"succession": [_describe(marks), None]},
        acting_user=acting_user,
    )
    return True


@transaction.atomic
def do_mark_new(transition, following, *, note="", acting_user):
    """Say that the new objective ``following`` continues no old one."""
    transition = _locked_draft(transition)
    _check_side(transition, following, is_previous=False)
    claimed = (
        transition.successions.filter(next_objective=following)
        .exclude(kind=Kind.NEW)
        .select_related("previous_objective")
        .first()
    )
    if claimed is not None:
        _refuse(
            _("%(next)s already succeeds %(previous)s: it is not new."),
            "claimed",
            next=following,
            previous=claimed.previous_objective,
        )
    marks = list(
        transition.successions.filter(next_objective=following).select_related(
            "next_objective"
        )
    )
    line = ObjectiveSuccession(
        transition=transition,
        next_objective=following,
        kind=Kind.NEW,
        note=note.strip(),
    )
    return _swap(transition, marks, [line], acting_user=acting_user)


def _mapped_parent(transition, previous):
    """The successor of ``previous``'s parent when it has exactly one."""
    if previous.parent_id is None:
        return None
    successors = list(
        transition.successions.filter(
            previous_objective_id=previous.parent_id,
            kind__in=ObjectiveSuccession.CONTINUING,
        ).select_related("next_objective")
    )
    if len(successors) != 1:
        return None
    return successors[0].next_objective


@transaction.atomic
def do_copy_successor(transition, previous, *, code, title, acting_user):
    """Create a copy of the old objective ``previous`` in the next
    legislature, with ``code`` and ``title``, under the successor of its
    parent, and make it a successor: the first copy keeps the objective,
    a further one splits it. Returns the new objective."""
    transition = _locked_draft(transition)
    _check_side(transition, previous, is_previous=True)
    current = list(
        transition.successions.filter(previous_objective=previous).select_related(
            "previous_objective", "next_objective"
        )
    )
    kinds = {row.kind for row in current}
    if kinds - {Kind.KEPT, Kind.SPLIT}:
        _refuse(
            _("%(objective)s is %(kind)s: change that before adding a copy."),
            "not_copyable",
            objective=previous,
            kind=current[0].get_kind_display(),
        )
    code, title = code.strip(), title.strip()
    taken = Objective.objects.filter(
        lead_organisation_id=transition.organisation_id,
        legislature_id=transition.next_legislature_id,
        code=code,
    )
    if taken.exists():
        _refuse(
            _("The code %(code)s is already taken in %(legislature)s."),
            "code_taken",
            code=code,
            legislature=transition.next_legislature,
        )

    copy = do_create_component(
        Objective,
        organisations=list(previous.organisations.all()),
        acting_user=acting_user,
        lead_organisation=transition.organisation,
        code=code,
        title=title,
        description=previous.description,
        level=previous.level,
        parent=_mapped_parent(transition, previous),
        legislature=transition.next_legislature,
        structure_element=previous.structure_element,
        responsible=previous.responsible,
        confidentiality=previous.confidentiality,
        reporting_frequency=previous.reporting_frequency,
    )
    kind = Kind.SPLIT if current else Kind.KEPT
    note = current[0].note if current else ""
    lines = [
        ObjectiveSuccession(
            transition=transition,
            previous_objective=previous,
            next_objective=successor,
            kind=kind,
            note=note,
        )
        for successor in [*(row.next_objective for row in current), copy]
    ]
    _replace(transition, previous, lines, acting_user=acting_user)
    return copy


class TransitionIncomplete(ValidationError):
    """The transition cannot be applied yet; ``messages`` says why."""


@transaction.atomic
def do_apply_transition(transition, *, acting_user):
    """Link every project, process and indicator of an old objective that
    is kept, merged or split to its successors, through ``do_link_many`` with
    its history; the old objectives keep their links, and an ended
    objective's links stay where they are. Archived components stay
    behind. Refused with ``TransitionIncomplete`` while an old objective is
    unmapped or a merge has a single source; a transition already applied
    changes nothing. Returns the number of links made."""
    started = time.monotonic()
    transition = LegislatureTransition.objects.select_for_update().get(pk=transition.pk)
    if transition.is_applied:
        return 0
    problems = transitions.problems(transition)
    if problems:
        raise TransitionIncomplete(problems, code="incomplete")

    successions = list(
        transition.successions.filter(
            kind__in=ObjectiveSuccession.CONTINUING
        ).select_related("next_objective")
    )
    successors = {}
    for succession in successions:
        successors.setdefault(succession.previous_objective_id, []).append(
            succession.next_objective
        )
    made = 0
    for name, model in FOLLOWING:
        through = getattr(Objective, name).through
        column = f"{model._meta.model_name}_id"
        links = through.objects.filter(objective_id__in=list(successors)).values_list(
            "objective_id", column
        )
        followers = model.objects.filter(
            pk__in=[pk for _objective, pk in links], is_archived=False
        ).in_bulk()
        pairs = [
            (successor, followers[pk])
            for objective_id, pk in links
            if pk in followers
            for successor in successors[objective_id]
        ]
        made += do_link_many(name, pairs, acting_user=acting_user)

    transition.status = LegislatureTransition.Status.APPLIED
    transition.applied_at = timezone.now()
    transition.applied_by = acting_user
    transition.save(update_fields=["status", "applied_at", "applied_by", "updated_at"])
    record_change(
        transition,
        Change.Kind.UPDATED,
        {"status": ["draft", "applied"], "links_made": [None, made]},
        acting_user=acting_user,
    )
    logger.info(
        "Applied transition %s: %d successions, %d links made in %.2f s",
        transition.public_id,
        len(successions),
        made,
        time.monotonic() - started,
    )
    return made
