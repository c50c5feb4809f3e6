"""Report jobs: queue one, render it on a worker, retry it, purge old files.

A job is created ``queued`` and its task enqueued after the transaction
commits. The worker claims it with a conditional update (queued, or running
for longer than ``STALE_AFTER`` after a lost worker, becomes running), so a
second delivery of the same message does nothing, and a finished job is
never rendered again. The report is built as the user who asked for it:
what they may see when it is rendered is what it holds.
"""

import datetime
import time

from celery import shared_task
from celery.utils.log import get_task_logger
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from reporting import reports
from reporting.models import ReportJob

logger = get_task_logger(__name__)
Status = ReportJob.Status

# A job running this long has lost its worker: another may claim it.
STALE_AFTER = datetime.timedelta(minutes=30)
# Progress is written to the database at most this often (in percent).
PROGRESS_STEP = 5
PURGE_BATCH_SIZE = 500


def request_report(user, kind, parameters, file_format, *, title=""):
    """A new queued job of ``user`` for a report, enqueued after commit.

    The caller has checked through the access layer that ``user`` may see
    the report's subject; the worker checks again when it renders.
    """
    job = ReportJob.objects.create(
        requested_by=user,
        kind=kind,
        parameters=parameters,
        format=file_format,
        title=title[:400],
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    _enqueue(job)
    return job


def retry_report(job):
    """Queue a failed or expired job again; False when it is neither."""
    reset = ReportJob.objects.filter(
        pk=job.pk, status__in=[Status.FAILED, Status.EXPIRED]
    ).update(
        status=Status.QUEUED,
        progress=0,
        error="",
        file="",
        started_at=None,
        finished_at=None,
        expires_at=None,
    )
    if reset:
        _enqueue(job)
    return bool(reset)


def _enqueue(job):
    transaction.on_commit(lambda: render_report_task.delay(job.pk))


def _claim(job_id, now):
    stale = Q(status=Status.RUNNING, started_at__lt=now - STALE_AFTER)
    return (
        ReportJob.objects.filter(Q(status=Status.QUEUED) | stale, pk=job_id).update(
            status=Status.RUNNING, started_at=now, progress=0, error=""
        )
        == 1
    )


class _Progress:
    """Writes the job's progress as the renderer advances, in steps."""

    def __init__(self, job_id, start, end):
        self.job_id, self.start, self.end = job_id, start, end
        self.written = start

    def __call__(self, share):
        percent = int(self.start + (self.end - self.start) * share)
        if percent - self.written >= PROGRESS_STEP or percent == self.end:
            ReportJob.objects.filter(pk=self.job_id, status=Status.RUNNING).update(
                progress=percent
            )
            self.written = percent


def perform_job(job_id):
    """Render job ``job_id`` now, in this process; returns its status.

    A job another attempt holds, or one already finished, is left as it is.
    A failure is recorded on the job with its reason, for the user to read
    and retry; it is not raised.
    """
    started = time.monotonic()
    if not _claim(job_id, timezone.now()):
        status = ReportJob.objects.filter(pk=job_id).values_list("status", flat=True)
        logger.info("Report job %s not claimed: %s", job_id, status.first())
        return status.first()
    job = ReportJob.objects.select_related("requested_by").get(pk=job_id)

    # WeasyPrint is loaded by the workers only, not by every web process.
    from reporting import renderers

    with translation.override(job.language):
        try:
            report = reports.build_report(
                job.requested_by, job.kind, job.parameters, timezone.localdate()
            )
            _Progress(job.pk, 0, 10)(1.0)
            content = renderers.render(report, job.format, _Progress(job.pk, 10, 95))
        except reports.ReportUnavailable as error:
            return _fail(job, str(error), started)
        except Exception as error:
            logger.exception("Report job %s failed", job.public_id)
            reason = _("The report could not be made: %(error)s") % {
                "error": f"{type(error).__name__}: {error}"[:500]
            }
            return _fail(job, reason, started)

    _finish(job, report, content)
    logger.info(
        "Report job %s (%s, %s) done: %d bytes in %.2f s",
        job.public_id,
        job.kind,
        job.format,
        len(content),
        time.monotonic() - started,
    )
    return Status.DONE


def _finish(job, report, content):
    now = timezone.now()
    job.file.save(f"report.{job.format}", ContentFile(content), save=False)
    saved = ReportJob.objects.filter(pk=job.pk, status=Status.RUNNING).update(
        status=Status.DONE,
        progress=100,
        file=job.file.name,
        title=report.title[:400],
        finished_at=now,
        expires_at=now + datetime.timedelta(days=settings.REPORT_FILES_DAYS),
    )
    if not saved:
        # Another attempt finished first; its file is the one kept.
        job.file.delete(save=False)


def _fail(job, reason, started):
    ReportJob.objects.filter(pk=job.pk, status=Status.RUNNING).update(
        status=Status.FAILED, error=reason, finished_at=timezone.now()
    )
    logger.warning(
        "Report job %s failed after %.2f s: %s",
        job.public_id,
        time.monotonic() - started,
        reason,
    )
    return Status.FAILED


def purge_expired_reports(now=None):
    """Delete the files of finished jobs past their expiry and mark the jobs
    expired, in batches; returns how many jobs expired."""
    now = now or timezone.now()
    purged = 0
    while True:
        batch = list(
            ReportJob.objects.filter(status=Status.DONE, expires_at__lte=now)
            .order_by("pk")
            .values_list("pk", "file")[:PURGE_BATCH_SIZE]
        )
        if not batch:
            break
        storage = ReportJob._meta.get_field("file").storage
        for _pk, name in batch:
            if name:
                storage.delete(name)
        purged += ReportJob.objects.filter(
            pk__in=[pk for pk, _name in batch], status=Status.DONE
        ).update(status=Status.EXPIRED, file="")
    logger.info("Purged %d expired report files", purged)
    return purged


@shared_task(acks_late=True, reject_on_worker_lost=True)
def render_report_task(job_id):
    """Render the report of job ``job_id``; safe to run twice."""
    return perform_job(job_id)


@shared_task
def purge_expired_reports_task():
    """Delete expired report files (see ``purge_expired_reports``)."""
    return purge_expired_reports()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def import_task(job_id):
    """Check or apply the spreadsheet of import job ``job_id``; safe to run
    twice, since only a queued job is claimed."""
    from reporting.transfer import jobs

    return jobs.perform(job_id)
