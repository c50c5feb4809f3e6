"""The Celery tasks of the reporting cycle: the daily reminders, and the
reminders an administrator sends to the late reporters of an entity."""

from celery import shared_task
from celery.utils.log import get_task_logger
from django.utils import timezone

from objectives import reminders
from objectives.models import LateReminderRound

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
