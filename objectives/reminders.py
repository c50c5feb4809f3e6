"""Reminders by e-mail: one digest per person with every report they owe.

A reminder goes out ``REMINDER_DAYS_BEFORE`` days before a deadline, then
``REMINDER_DAYS_AFTER`` days after it and every ``REMINDER_REPEAT_DAYS``
days after that while the report is still missing. Each reminder sent is a
``SentReminder`` row; a digest is mailed only with the rows it added, under a
lock on the user's row, so reruns and concurrent runs send nothing twice. A
failing mail server rolls the rows back, and the next run tries again.

Digests are in Dutch, the interface's default language: users keep no
language preference (the language switch lives in a cookie).
"""

import logging
import time
from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import ngettext

from objectives import cycle
from objectives.models import Membership, SentReminder, User

logger = logging.getLogger(__name__)

Stage = SentReminder.Stage


def reminder_stage(owed, today):
    """(stage, sequence) of the reminder ``owed`` calls for on ``today``, or
    None between the reminders."""
    days_before = (owed.deadline - today).days
    if 0 <= days_before <= settings.REMINDER_DAYS_BEFORE:
        return Stage.BEFORE, 1
    days_late = (today - owed.deadline).days - settings.REMINDER_DAYS_AFTER
    if days_late >= 0:
        return Stage.LATE, 1 + days_late // settings.REMINDER_REPEAT_DAYS
    return None


def due_reminders(today, book=None):
    """{user id: [(owed, stage, sequence)]} of the reminders ``today`` calls
    for, before looking at what was sent."""
    due = defaultdict(list)
    for user_id, owed_items in cycle.owed_by_everyone(today, book).items():
        for owed in owed_items:
            stage = reminder_stage(owed, today)
            if stage is not None:
                due[user_id].append((owed, *stage))
    return due


def _key(user_id, owed, stage, sequence):
    return (user_id, owed.kind, owed.subject.pk, owed.period.end, stage, sequence)


def _sent_keys(user_ids, since):
    rows = SentReminder.objects.filter(
        user_id__in=user_ids, period_end__gte=since
    ).values_list(
        "user_id", "subject_kind", "subject_id", "period_end", "stage", "sequence"
    )
    return set(rows)


def _reminder_row(user_id, owed, stage, sequence):
    return SentReminder(
        user_id=user_id,
        subject_kind=owed.kind,
        subject_id=owed.subject.pk,
        period_start=owed.period.start,
        period_end=owed.period.end,
        stage=stage,
        sequence=sequence,
    )


def recipient_address(user):
    person = getattr(user, "person", None)
    return (person.email if person is not None else "") or user.email


def send_digest(user, owed_items, today, *, requested_by=None):
    """Mail ``user`` one message listing ``owed_items``."""
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "user": user,
            "items": sorted(owed_items, key=lambda item: (item.deadline, item.key)),
            "late_count": sum(item.is_late for item in owed_items),
            "today": today,
            "requested_by": requested_by,
            "owed_url": settings.SITE_URL + reverse("objectives:owed_list"),
        }
        subject = ngettext(
            "Traject: %(count)d report to deliver",
            "Traject: %(count)d reports to deliver",
            len(owed_items),
        ) % {"count": len(owed_items)}
        body = render_to_string("objectives/cycle/email/digest.txt", context)
    send_mail(
        subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        [recipient_address(user)],
    )


def _send_claimed(user_id, entries, today, *, requested_by=None):
    """Record and mail the reminders of ``entries`` for one user that no run
    recorded yet; returns how many were sent. The user's row is locked, so a
    concurrent run waits here and then finds the rows recorded."""
    with transaction.atomic():
        user = (
            User.objects.select_for_update(of=("self",))
            .select_related("person")
            .filter(pk=user_id, is_active=True)
            .first()
        )
        if user is None or not recipient_address(user):
            return 0
        since = min(owed.period.end for owed, _, _ in entries)
        sent = _sent_keys([user_id], since)
        fresh = [entry for entry in entries if _key(user_id, *entry) not in sent]
        if not fresh:
            return 0
        SentReminder.objects.bulk_create(
            [_reminder_row(user_id, *entry) for entry in fresh]
        )
        send_digest(
            user, [owed for owed, _, _ in fresh], today, requested_by=requested_by
        )
    return len(fresh)


def send_due_reminders(today):
    """Send today's digests; returns (people mailed, reminders sent)."""
    started = time.monotonic()
    due = due_reminders(today)
    earliest = min(
        (owed.period.end for entries in due.values() for owed, _, _ in entries),
        default=today,
    )
    sent = _sent_keys(list(due), earliest)
    people = reminders = 0
    for user_id, entries in due.items():
        if all(_key(user_id, *entry) in sent for entry in entries):
            continue
        try:
            count = _send_claimed(user_id, entries, today)
        except IntegrityError:
            # A concurrent run recorded the same reminders first: it mails them.
            continue
        people += bool(count)
        reminders += count
    logger.info(
        "Reminders for %s: %d sent to %d people in %.1f s",
        today,
        reminders,
        people,
        time.monotonic() - started,
    )
    return people, reminders


# An administrator's reminder to the late reporters -------------------------


def late_subjects(organisation, period, today):
    """The components of ``organisation`` (its lead) reporting at the
    frequency of ``period`` whose report for it is late on ``today``."""
    late = []
    for subject in cycle.all_subjects([organisation.pk]):
        if subject.frequency != period.frequency or not subject.is_active_in(period):
            continue
        deadline = cycle.default_deadline(period, subject.tier)
        if not subject.has_delivered(period) and deadline < today:
            late.append(cycle.Owed(subject, period, deadline, today))
    return late


def fallback_owers(organisation):
    """Who answers for a component nobody is named on: the contributors and
    administrators of its lead organisation."""
    return set(
        Membership.objects.active()
        .filter(
            organisation=organisation,
            role__in=[Membership.Role.CONTRIBUTOR, Membership.Role.ADMINISTRATOR],
            person__user__isnull=False,
        )
        .values_list("person__user_id", flat=True)
    )


def send_late_round(reminder_round, today):
    """Mail every late reporter of ``reminder_round`` one digest; returns
    how many people were mailed."""
    late = late_subjects(reminder_round.organisation, reminder_round.period, today)
    fallback = None
    by_user = defaultdict(list)
    for owed in late:
        owners = owed.subject.owner_ids
        if not owners:
            if fallback is None:
                fallback = fallback_owers(reminder_round.organisation)
            owners = fallback
        for user_id in owners:
            by_user[user_id].append((owed, Stage.ADMINISTRATOR, reminder_round.pk))
    people = 0
    for user_id, entries in by_user.items():
        people += bool(
            _send_claimed(
                user_id, entries, today, requested_by=reminder_round.requested_by
            )
        )
    return people
