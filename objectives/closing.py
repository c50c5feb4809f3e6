"""Closing reporting periods, reopening them, and validating transversal plans.

An administrator closes a period for an entity, a coordinator for a
transversal plan. From then on the status reports and measurements of the
periods within it are frozen for the components of that entity, and for the
objectives entered in the plan and the projects, processes, milestones and
indicators linked to them: ``actions.do_report_status`` and
``actions.do_record_measurement`` refuse them with ``actions.PeriodClosed``,
whoever calls (the forms, the import, the admin).

A correction after closing is still possible, with a reason, for the
administrators of the component's entities and the coordinators of the closed
plan (``access.can_correct``): a status correction is a new report that names
the one it corrects, which stays in the timeline; a measurement correction
keeps the value it replaced and the reason on the measurement, and both in
its change history.

Only a global administrator reopens a period; the closure stays, marked
reopened, with who, when and why.
"""

import logging

from django.db import transaction
from django.utils import timezone, translation

from objectives.actions import describe, record_change
from objectives.models import Change, Lens, Organisation, PeriodClosure, PlanValidation

logger = logging.getLogger(__name__)


def _owner_field(owner):
    return "organisation" if isinstance(owner, Organisation) else "lens"


def closures_of(owner):
    """Every closure of ``owner``, the reopened ones too, newest period first:
    one query."""
    return list(
        PeriodClosure.objects.filter(**{_owner_field(owner): owner})
        .select_related("closed_by", "reopened_by")
        .order_by("-period_start", "-closed_at")
    )


@transaction.atomic
def do_close_period(owner, period, *, acting_user):
    """Close ``period`` for ``owner`` (an organisation or a transversal plan).

    Returns (closure, created): a period already closed is left as it was.
    The owner's row is locked, so two people closing at once take turns.
    """
    field = _owner_field(owner)
    if isinstance(owner, Lens) and owner.kind != Lens.Kind.TRANSVERSAL_PLAN:
        raise ValueError("Only transversal plans have closed periods.")
    type(owner).objects.select_for_update().filter(pk=owner.pk).first()
    existing = (
        PeriodClosure.objects.active()
        .filter(**{field: owner}, period_start=period.start, period_end=period.end)
        .first()
    )
    if existing is not None:
        return existing, False

    closure = PeriodClosure.objects.create(
        **{field: owner},
        period_start=period.start,
        period_end=period.end,
        closed_by=acting_user if acting_user and acting_user.is_authenticated else None,
        closed_at=timezone.now(),
    )
    record_change(
        closure,
        Change.Kind.CREATED,
        {"period": [None, period.label], field: [None, describe(owner)]},
        acting_user=acting_user,
    )
    logger.info("Closed %s for %s %s", period.label, field, owner.pk)
    return closure, True


@transaction.atomic
def do_reopen_period(closure, *, reason, acting_user):
    """Reopen a closed period, saying why; False when it was reopened already."""
    reason = reason.strip()
    if not reason:
        raise ValueError("Reopening a period needs a reason.")
    closure = PeriodClosure.objects.select_for_update().get(pk=closure.pk)
    if not closure.is_active:
        return False
    closure.reopened_at = timezone.now()
    closure.reopened_by = acting_user
    closure.reopen_reason = reason
    closure.save(update_fields=["reopened_at", "reopened_by", "reopen_reason"])
    record_change(
        closure,
        Change.Kind.UPDATED,
        {
            "reopened_at": [None, describe(closure.reopened_at)],
            "reopen_reason": [None, reason],
        },
        acting_user=acting_user,
    )
    logger.info("Reopened closure %s", closure.public_id)
    return True


@transaction.atomic
def do_validate_plan(lens, period, *, acting_user):
    """Validate transversal plan ``lens`` for ``period``: close the period
    for the plan if it is still open, and record the validation whose report
    a worker renders (``reporting.validation``). A validation of the same
    period still being rendered is returned instead of a second one."""
    closure, _created = do_close_period(lens, period, acting_user=acting_user)
    pending = lens.validations.filter(
        period_start=period.start,
        period_end=period.end,
        status__in=[PlanValidation.Status.QUEUED, PlanValidation.Status.RUNNING],
    ).first()
    if pending is not None:
        return pending

    validation = PlanValidation.objects.create(
        lens=lens,
        closure=closure,
        period_start=period.start,
        period_end=period.end,
        validated_by=acting_user,
        validated_at=timezone.now(),
        language=translation.get_language() or "nl",
    )
    record_change(
        validation,
        Change.Kind.CREATED,
        {"period": [None, period.label], "lens": [None, describe(lens)]},
        acting_user=acting_user,
    )
    return validation


def validations_of(lens):
    """The validations of ``lens``, newest period first: one query."""
    return list(lens.validations.select_related("validated_by"))
