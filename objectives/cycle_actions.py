"""Every write of the reporting cycle, each with its row of change history:
a lens's reporting calendar and its dated deadlines, and an administrator's
reminder to the late reporters of an entity."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from objectives.actions import describe, record_change
from objectives.models import (
    Change,
    LateReminderRound,
    ReportingCalendar,
    ReportingDeadline,
)
from objectives.tasks import send_late_reminders_task

CALENDAR_FIELDS = ("frequency", "delivery_days", "operational_days", "strategic_days")


class AlreadyRequestedToday(Exception):
    """The late reporters of this entity and period were reminded today."""


@transaction.atomic
def do_set_reporting_calendar(lens, *, acting_user, **values):
    """Give ``lens`` its own calendar, or change it; returns the calendar."""
    calendar = ReportingCalendar.objects.filter(lens=lens).first()
    before = {name: getattr(calendar, name, None) for name in CALENDAR_FIELDS}
    if calendar is None:
        calendar = ReportingCalendar.objects.create(lens=lens, **values)
    else:
        for name, value in values.items():
            setattr(calendar, name, value)
        calendar.save(update_fields=[*values, "updated_at"])
    changes = {
        f"reporting_calendar.{name}": [describe(before[name]), describe(value)]
        for name, value in values.items()
        if before[name] != value
    }
    if changes:
        record_change(lens, Change.Kind.UPDATED, changes, acting_user=acting_user)
    return calendar


@transaction.atomic
def do_remove_reporting_calendar(lens, *, acting_user):
    """Let ``lens`` follow the entity calendar again, its deadlines gone."""
    deleted, _ = ReportingCalendar.objects.filter(lens=lens).delete()
    if deleted:
        record_change(
            lens,
            Change.Kind.UPDATED,
            {"reporting_calendar": ["own", None]},
            acting_user=acting_user,
        )
    return bool(deleted)


@transaction.atomic
def do_set_reporting_deadline(calendar, *, period, tier, due_on, acting_user):
    """Date the deadline of ``period`` for ``tier``, replacing an earlier one."""
    deadline, created = ReportingDeadline.objects.update_or_create(
        calendar=calendar,
        period_start=period.start,
        period_end=period.end,
        tier=tier,
        defaults={"due_on": due_on},
    )
    record_change(
        calendar.lens,
        Change.Kind.UPDATED,
        {f"deadline {period.label} {tier}": [None, describe(due_on)]},
        acting_user=acting_user,
    )
    return deadline


@transaction.atomic
def do_remove_reporting_deadline(deadline, *, acting_user):
    lens = deadline.calendar.lens
    deadline.delete()
    record_change(
        lens,
        Change.Kind.UPDATED,
        {
            f"deadline {deadline.period.label} {deadline.tier}": [
                describe(deadline.due_on),
                None,
            ]
        },
        acting_user=acting_user,
    )


def do_request_late_reminders(organisation, period, *, acting_user):
    """Record an administrator's reminder to the late reporters of
    ``organisation`` for ``period`` and have a worker send it after the
    commit. Raises ``AlreadyRequestedToday`` for a second one the same day."""
    try:
        with transaction.atomic():
            reminder_round = LateReminderRound.objects.create(
                organisation=organisation,
                period_start=period.start,
                period_end=period.end,
                requested_on=timezone.localdate(),
                requested_by=acting_user,
            )
            record_change(
                reminder_round,
                Change.Kind.CREATED,
                {"period": [None, period.label]},
                acting_user=acting_user,
            )
            transaction.on_commit(
                lambda: send_late_reminders_task.delay(reminder_round.pk)
            )
    except IntegrityError:
        raise AlreadyRequestedToday from None
    return reminder_round
