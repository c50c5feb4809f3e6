"""Validated transversal plans: the signed-off report of a period.

``validate_plan`` records the validation (``objectives.closing``) and has a
worker render the plan report of the period as the coordinator sees it, with
"validated by X on date" on its cover. The PDF is stored for good (the purge
of report files leaves it alone) with its SHA-256, and downloaded later
exactly as it was. The worker claims a validation with a conditional update,
so a second delivery does nothing; a failure is recorded with its reason and
can be retried.
"""

import datetime
import hashlib
import time

from celery import shared_task
from celery.utils.log import get_task_logger
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from objectives import closing
from objectives.models import PlanValidation
from reporting import reports

logger = get_task_logger(__name__)
Status = PlanValidation.Status

# A validation rendering this long has lost its worker: another may claim it.
STALE_AFTER = datetime.timedelta(minutes=30)


def validate_plan(user, lens, period):
    """Validate ``lens`` for ``period`` as ``user`` and render its report
    after the commit; the caller has checked ``access.can_validate_plan``."""
    with transaction.atomic():
        validation = closing.do_validate_plan(lens, period, acting_user=user)
        if validation.status == Status.QUEUED:
            _enqueue(validation)
    return validation


def retry_validation(validation):
    """Queue a failed validation again; False when it did not fail."""
    reset = PlanValidation.objects.filter(
        pk=validation.pk, status=Status.FAILED
    ).update(status=Status.QUEUED, error="", started_at=None, finished_at=None)
    if reset:
        _enqueue(validation)
    return bool(reset)


def _enqueue(validation):
    transaction.on_commit(lambda: render_plan_validation_task.delay(validation.pk))


def _claim(validation_id, now):
    stale = Q(status=Status.RUNNING, started_at__lt=now - STALE_AFTER)
    return (
        PlanValidation.objects.filter(
            Q(status=Status.QUEUED) | stale, pk=validation_id
        ).update(status=Status.RUNNING, started_at=now, error="")
        == 1
    )


def build_validated_report(validation):
    """The plan report of the validation's period, as its validator sees it,
    with the sign-off on the cover."""
    validated_at = timezone.localtime(validation.validated_at)
    report = reports.build_report(
        validation.validated_by,
        "plan",
        {"id": str(validation.lens.public_id), "period": validation.period.label},
        validated_at.date(),
    )
    report.generated_at = validation.validated_at
    report.validation = _("Validated by %(person)s on %(date)s") % {
        "person": validation.validated_by,
        "date": date_format(validated_at.date()),
    }
    return report


def perform_validation(validation_id):
    """Render validation ``validation_id`` now; returns its status.

    One another attempt holds, or one already done, is left as it is.
    """
    started = time.monotonic()
    if not _claim(validation_id, timezone.now()):
        rows = PlanValidation.objects.filter(pk=validation_id)
        return rows.values_list("status", flat=True).first()
    validation = PlanValidation.objects.select_related("lens", "validated_by").get(
        pk=validation_id
    )

    # WeasyPrint is loaded by the workers only, not by every web process.
    from reporting import renderers

    with translation.override(validation.language):
        try:
            content = renderers.render(build_validated_report(validation), "pdf")
        except reports.ReportUnavailable as error:
            return _fail(validation, str(error))
        except Exception as error:
            logger.exception("Plan validation %s failed", validation.public_id)
            reason = _("The report could not be made: %(error)s") % {
                "error": f"{type(error).__name__}: {error}"[:500]
            }
            return _fail(validation, reason)

    _finish(validation, content)
    logger.info(
        "Plan validation %s done: %d bytes in %.2f s",
        validation.public_id,
        len(content),
        time.monotonic() - started,
    )
    return Status.DONE


def _finish(validation, content):
    validation.file.save("validation.pdf", ContentFile(content), save=False)
    saved = PlanValidation.objects.filter(
        pk=validation.pk, status=Status.RUNNING
    ).update(
        status=Status.DONE,
        file=validation.file.name,
        sha256=hashlib.sha256(content).hexdigest(),
        finished_at=timezone.now(),
    )
    if not saved:
        # Another attempt finished first; its file is the one kept.
        validation.file.delete(save=False)


def _fail(validation, reason):
    PlanValidation.objects.filter(pk=validation.pk, status=Status.RUNNING).update(
        status=Status.FAILED, error=reason, finished_at=timezone.now()
    )
    logger.warning("Plan validation %s failed: %s", validation.public_id, reason)
    return Status.FAILED


@shared_task(acks_late=True, reject_on_worker_lost=True)
def render_plan_validation_task(validation_id):
    """Render the report of plan validation ``validation_id``; safe to run
    twice."""
    return perform_validation(validation_id)
