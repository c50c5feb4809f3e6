"""The Celery tasks of the authentic sources.

Each source has one task taking a run id. Beat calls it without one, every
night: it then creates a run and queues it, so that a retry of the task
repeats the same run instead of creating another. A run that is already
finished is not redone; one left ``running`` by a killed worker is (its
transaction was rolled back).
"""

from celery import shared_task
from celery.utils.log import get_task_logger

from sources import sync
from sources.models import Source, SyncRun

logger = get_task_logger(__name__)

TASK_OPTIONS = {
    "bind": True,
    # A worker that dies in the middle of a run leaves the message in the
    # queue for another worker.
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": sync.retryable_errors(),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 5,
}


def sync_source(task, source, run_id=None, *, full=False):
    """The body of every source's task: perform ``run_id``, or queue a new
    run of ``source`` when there is none."""
    if run_id is None:
        location = sync.configured_location(source)
        if not location:
            logger.warning("No address is configured for %s: nothing to run", source)
            return None
        mode = SyncRun.Mode.FULL if full else SyncRun.Mode.INCREMENTAL
        run = sync.start_run(source, mode=mode, location=location)
        sync.enqueue(run)
        return SyncRun.Status.QUEUED.value

    # In-process (no broker), a retry would raise into the request that
    # queued the run: the run fails instead, with its error.
    in_process = task.request.is_eager and task.app.conf.task_eager_propagates
    may_retry = task.request.retries < task.max_retries and not in_process
    run = sync.perform_run(
        run_id, retry_on=tuple(task.autoretry_for) if may_retry else ()
    )
    return run.status


def make_sync_task(source, name, **options):
    """A task that imports ``source``, with ``TASK_OPTIONS`` and ``options``."""

    def run(self, run_id=None, *, full=False):
        return sync_source(self, source, run_id, full=full)

    run.__name__ = name.rpartition(".")[2]
    run.__qualname__ = run.__name__
    run.__doc__ = f"Import the {source} source: one run, or a new one."
    return shared_task(name=name, **(TASK_OPTIONS | options))(run)


sync_organisations_task = make_sync_task(
    Source.ORGANISATIONS, "sources.tasks.sync_organisations_task"
)
sync_staff_task = make_sync_task(Source.STAFF, "sources.tasks.sync_staff_task")
sync_processes_task = make_sync_task(
    Source.PROCESSES, "sources.tasks.sync_processes_task"
)

SYNC_TASKS = {
    Source.ORGANISATIONS: sync_organisations_task,
    Source.STAFF: sync_staff_task,
    Source.PROCESSES: sync_processes_task,
}


@shared_task
def requeue_stale_runs_task():
    """Queue again the runs that lost their worker (see ``requeue_stale_runs``)."""
    return sync.requeue_stale_runs()
