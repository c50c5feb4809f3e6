"""Imports too large for one web request: a worker checks the file, and
applies it once its user has seen the outcome of every row.

A job is claimed with a conditional update from queued to running, so a
second delivery of its message does nothing while the first runs. Each step
runs as the user who uploaded the file, with the access they hold when it
runs: an administrator demoted in between applies nothing.
"""

import datetime
import logging
import time

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from reporting.models import ImportJob
from reporting.transfer import importing, pending, reading

logger = logging.getLogger(__name__)
Status = ImportJob.Status
Step = ImportJob.Step
# A step running this long has lost its worker (its transaction rolled back):
# another delivery may run it again.
STALE_AFTER = datetime.timedelta(minutes=30)


def is_large(sheet):
    """Whether ``sheet`` is checked and applied by a worker."""
    return len(sheet.rows) > settings.IMPORT_INLINE_ROWS


def start_check(user, kind, data, name, sheet):
    """Keep the upload and queue its dry run; returns the job."""
    job = ImportJob.objects.create(
        requested_by=user,
        kind=kind,
        name=name[:255],
        token=pending.keep(user, kind, data, name),
        row_count=len(sheet.rows),
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    _enqueue(job)
    return job


def can_apply(job):
    if job.step != Step.CHECK or job.status != Status.DONE:
        return False
    report = importing.ImportReport.from_json(job.result)
    return report.has_changes and not report.has_errors


def start_apply(job):
    """Queue the application of a checked job; False when it is not ready
    (not checked yet, nothing to apply, errors, or already applying)."""
    if not can_apply(job):
        return False
    moved = ImportJob.objects.filter(
        pk=job.pk, step=Step.CHECK, status=Status.DONE
    ).update(step=Step.APPLY, status=Status.QUEUED, finished_at=None)
    if moved:
        _enqueue(job)
    return bool(moved)


def _enqueue(job):
    from reporting.tasks import import_task

    transaction.on_commit(lambda: import_task.delay(job.pk))


def perform(job_id):
    """Run the queued step of job ``job_id`` now; returns its status."""
    started = time.monotonic()
    now = timezone.now()
    stale = Q(status=Status.RUNNING, started_at__lt=now - STALE_AFTER)
    claimed = ImportJob.objects.filter(
        Q(status=Status.QUEUED) | stale, pk=job_id
    ).update(status=Status.RUNNING, started_at=now, error="")
    job = ImportJob.objects.select_related("requested_by").filter(pk=job_id).first()
    if not claimed or job is None:
        return job.status if job else None

    with translation.override(job.language):
        try:
            report = _run(job)
        except reading.RefusedFile as refusal:
            return _finish(job, Status.FAILED, error=str(refusal))
        except Exception as error:
            logger.exception("Import job %s failed", job.public_id)
            reason = _("The import could not be run: %(error)s") % {
                "error": f"{type(error).__name__}: {error}"[:500]
            }
            return _finish(job, Status.FAILED, error=reason)

    if report.is_applied:
        pending.discard(job.token)
    logger.info(
        "Import job %s (%s, %s) done in %.2f s",
        job.public_id,
        job.step,
        job.kind,
        time.monotonic() - started,
    )
    return _finish(job, Status.DONE, result=report.to_json())


def _run(job):
    user = job.requested_by
    if job.kind not in importing.importable_kinds(user):
        raise reading.RefusedFile(
            _("You may no longer import this kind of rows; nothing was saved.")
        )
    upload = pending.load(user, job.token)
    if upload is None:
        raise reading.RefusedFile(
            _("This upload is no longer waiting; upload the file again.")
        )
    sheet = reading.read_spreadsheet(upload.data, upload.name)
    if job.step == Step.APPLY:
        return importing.apply(user, job.kind, sheet)
    return importing.dry_run(user, job.kind, sheet)


def _finish(job, status, *, result=None, error=""):
    fields = {"status": status, "error": error, "finished_at": timezone.now()}
    if result is not None:
        fields["result"] = result
    ImportJob.objects.filter(pk=job.pk, status=Status.RUNNING).update(**fields)
    return status
