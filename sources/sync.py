"""Running the import of one source: queue a run, claim the source, run it.

A run is created ``queued`` (``start_run``) and performed by a worker or by
the ``sync_source`` command (``perform_run``). Two runs of one source never
overlap: ``perform_run`` first claims the source's ``SourceState`` with a
conditional update on ``locked_until``, a lease of ``SOURCE_LOCK_MINUTES``.
The claim carries the run and a token of this attempt, so that a second
delivery of the same task message leaves a live attempt alone.

The runner of each source (``SOURCE_RUNNERS``: source -> dotted path) opens
the feed and hands it to the engine; it is imported only when a run needs it.
A worker killed in the middle of a run leaves the run ``running`` with its
transaction rolled back: ``requeue_stale_runs`` queues it again once its
lease has run out, and redoing it is safe.
"""

import datetime
import logging
import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

from sources.models import Source, SourceState, SyncRun
from sources.streaming import SourceUnavailable

logger = logging.getLogger(__name__)

FINISHED = (SyncRun.Status.SUCCEEDED, SyncRun.Status.FAILED)
# Errors are kept as the engine writes them: in English, for the operators.
LOCKED = "Another run of this source is in progress."


def retryable_errors():
    """The exceptions after which a task tries the run again later: a source
    that cannot be reached for now, unlike a feed that is wrong."""
    return (SourceUnavailable,)


def configured_location(source):
    return settings.SOURCE_URLS.get(source, "")


def start_run(source, *, mode, location, requested_by=None):
    """A new queued run of ``source``; the caller enqueues it (``enqueue``)
    or performs it (``perform_run``)."""
    if source not in Source.values:
        raise ValueError(f"Unknown source {source!r}.")
    return SyncRun.objects.create(
        source=source, mode=mode, location=location, requested_by=requested_by
    )


def enqueue(run):
    """Send the task of ``run`` once the current transaction commits."""
    from sources.tasks import SYNC_TASKS  # The tasks import this module.

    task = SYNC_TASKS[run.source]
    transaction.on_commit(
        lambda: task.apply_async((run.pk,), queue=settings.SOURCE_TASK_QUEUE)
    )


def perform_run(run_id, *, retry_on=()):
    """Perform the queued run ``run_id`` now, in this process; returns it.

    A finished run is returned as it is. A run whose source another run
    holds fails without running. The run's own failure is recorded on it and
    not raised, except an error of ``retry_on``: the run goes back to the
    queue and the error is raised for the task to try again later.
    """
    run = SyncRun.objects.select_related("requested_by").get(pk=run_id)
    if run.status in FINISHED:
        logger.info("Run %s of %s already finished", run.public_id, run.source)
        return run

    token = f"{run.public_id}/{uuid.uuid4().hex}"
    if not _claim(run.source, token):
        return _refuse(run)
    try:
        _start(run)
        runner_for(run.source)(run, acting_user=run.requested_by, **_reading(run))
    except Exception as error:
        _fail(run, error, retry=isinstance(error, retry_on))
        if isinstance(error, retry_on):
            raise
    finally:
        _release(run.source, token)
    run.refresh_from_db()
    return run


def _claim(source, token):
    """Take the lease on ``source`` for ``token`` unless someone holds it."""
    SourceState.objects.get_or_create(source=source)
    now = timezone.now()
    lease = datetime.timedelta(minutes=settings.SOURCE_LOCK_MINUTES)
    free = Q(locked_until__isnull=True) | Q(locked_until__lte=now)
    claimed = SourceState.objects.filter(free, source=source).update(
        locked_until=now + lease, locked_by=token
    )
    return claimed == 1


def _release(source, token):
    SourceState.objects.filter(source=source, locked_by=token).update(
        locked_until=None, locked_by=""
    )


def _refuse(run):
    holder = (
        SourceState.objects.filter(source=run.source)
        .values_list("locked_by", flat=True)
        .first()
    )
    if holder and holder.startswith(f"{run.public_id}/"):
        # Another delivery of this same run is at work on it.
        logger.info(
            "Run %s of %s is already being performed", run.public_id, run.source
        )
        return run
    logger.warning(
        "Run %s of %s refused: the source is locked", run.public_id, run.source
    )
    run.status = SyncRun.Status.FAILED
    run.error = LOCKED
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "error", "finished_at"])
    return run


def _start(run):
    run.status = SyncRun.Status.RUNNING
    run.started_at = timezone.now()
    run.finished_at = None
    run.error = ""
    run.save(update_fields=["status", "started_at", "finished_at", "error"])


def runner_for(source):
    return import_string(settings.SOURCE_RUNNERS[source])


def _reading(run):
    """Where the runner reads: a URL, or a file on this machine."""
    location = run.location or configured_location(run.source)
    if urlsplit(location).scheme in {"http", "https"}:
        return {"url": location}
    return {"file": location}


def _fail(run, error, *, retry):
    """Record ``error`` on ``run`` (the engine may have done so already)."""
    logger.warning(
        "Run %s of %s failed%s: %s",
        run.public_id,
        run.source,
        ", to be retried" if retry else "",
        error,
    )
    run.refresh_from_db()
    run.error = run.error or f"{type(error).__name__}: {error}"[:2000]
    run.status = SyncRun.Status.QUEUED if retry else SyncRun.Status.FAILED
    run.finished_at = None if retry else timezone.now()
    run.save(update_fields=["status", "error", "finished_at"])


def requeue_stale_runs():
    """Queue again the runs a lost worker left behind; returns their ids.

    Stale are the runs still ``running`` without a live lease on their
    source (their worker died: its transaction was rolled back), and the runs
    ``queued`` for longer than a lease (their task message was lost). A
    second message for a run is harmless: a finished run is not redone, and
    a live attempt keeps its lease.
    """
    now = timezone.now()
    lease = datetime.timedelta(minutes=settings.SOURCE_LOCK_MINUTES)
    holders = {
        token.partition("/")[0]
        for token in SourceState.objects.filter(locked_until__gt=now).values_list(
            "locked_by", flat=True
        )
    }
    stale = [
        run
        for run in SyncRun.objects.filter(
            Q(status=SyncRun.Status.RUNNING)
            | Q(status=SyncRun.Status.QUEUED, created_at__lt=now - lease)
        )
        if str(run.public_id) not in holders
    ]
    requeued = []
    for run in stale:
        if not SyncRun.objects.filter(pk=run.pk, status=run.status).update(
            status=SyncRun.Status.QUEUED
        ):
            continue
        logger.warning(
            "Run %s of %s was %s: queued again", run.public_id, run.source, run.status
        )
        enqueue(run)
        requeued.append(run.pk)
    return requeued
