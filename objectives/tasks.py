"""The Celery tasks of the objectives app: the daily reminders of the
reporting cycle, the reminders an administrator sends to the late reporters
of an entity, and the nightly pruning of the refused-access log."""

import datetime

from celery import shared_task
from celery.utils.log import get_task_logger
from django.conf import settings
from django.utils import timezone

from objectives import reminders
from objectives.models import AccessRefusal, LateReminderRound

logger = get_task_logger(__name__)


@shared_task(acks_late=True)
def send_reminders_task():
    """Send today's reminder digests. Safe to rerun and to run twice at
    once: every reminder is recorded once and mailed with its record."""
    people, sent = reminders.send_due_reminders(timezone.localdate())
    return {"people": people, "reminders": sent}


@shared_task(acks_late=True)
def send_late_reminders_task(round_id):
    """Mail the late reporters of one administrator's request, once: the
    round is claimed with a conditional update before anything is sent."""
    claimed = LateReminderRound.objects.filter(
        pk=round_id, sent_at__isnull=True
    ).update(sent_at=timezone.now())
    if not claimed:
        logger.info("Late reminder round %s was already sent", round_id)
        return 0
    reminder_round = LateReminderRound.objects.select_related(
        "organisation", "requested_by"
    ).get(pk=round_id)
    people = reminders.send_late_round(reminder_round, timezone.localdate())
    LateReminderRound.objects.filter(pk=round_id).update(recipient_count=people)
    logger.info("Late reminder round %s mailed %d people", round_id, people)
    return people


# The refused-access log ---------------------------------------------------------

PRUNE_BATCH_SIZE = 5000


def prune_access_refusals(now=None):
    """Delete the refusals older than ACCESS_REFUSAL_DAYS, in batches; running
    it again deletes nothing more. Returns how many were deleted."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.ACCESS_REFUSAL_DAYS)
    deleted = 0
    while True:
        batch = list(
            AccessRefusal.objects.filter(at__lt=cutoff)
            .order_by()
            .values_list("pk", flat=True)[:PRUNE_BATCH_SIZE]
        )
        if not batch:
            return deleted
        deleted += AccessRefusal.objects.filter(pk__in=batch).delete()[0]


@shared_task
def prune_access_refusals_task():
    """Nightly, from beat: forget refused access older than a year."""
    return prune_access_refusals()
