"""Periodic housekeeping of the objectives app."""

import datetime

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from objectives.models import AccessRefusal

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
