"""The export and import pages: spreadsheets of objectives, projects,
milestones, indicators and measurements, read and written through the access
and actions layers."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from reporting.models import ImportJob
from reporting.transfer import exporting, importing, jobs, pending, reading
from reporting.transfer.forms import ExportForm, ImportForm
from reporting.transfer.resources import KINDS


class CappedUploadHandler(FileUploadHandler):
    """Stops reading an uploaded file past the size cap, so that an oversized
    upload costs neither disk nor memory; the view then refuses it."""

    is_stopped = False

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > reading.MAX_UPLOAD_BYTES:
            self.is_stopped = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


def transfer_export(request):
    form = ExportForm(request.GET if "kind" in request.GET else None, user=request.user)
    if not form.is_bound or not form.is_valid():
        context = {
            "form": form,
            "can_import": bool(importing.importable_kinds(request.user)),
        }
        return render(request, "reporting/transfer/export.html", context)

    kind, file_format = form.cleaned_data["kind"], form.cleaned_data["file_format"]
    dataset = exporting.export_rows(
        request.user, kind, form.cleaned_data["organisation"]
    )
    response = HttpResponse(
        exporting.render(dataset, file_format),
        content_type=exporting.CONTENT_TYPES[file_format],
    )
    name = f"traject-{kind}-{timezone.localdate():%Y-%m-%d}.{file_format}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _importable_kinds(user):
    kinds = importing.importable_kinds(user)
    if not kinds:
        raise PermissionDenied
    return kinds


def _import_page(request, form, kinds):
    columns = [(KINDS[slug], KINDS[slug].resource_class.columns()) for slug in kinds]
    context = {"form": form, "columns": columns, "limits": _limits()}
    return render(request, "reporting/transfer/import.html", context)


def _limits():
    return {
        "rows": number_format(reading.MAX_ROWS, force_grouping=True),
        "columns": reading.MAX_COLUMNS,
        "megabytes": reading.MAX_UPLOAD_BYTES // (1024 * 1024),
    }


@csrf_exempt
def transfer_import(request):
    # The upload handlers must be in place before the CSRF check reads the
    # body; the view itself is protected below.
    capped = CappedUploadHandler(request)
    request.upload_handlers.insert(0, capped)
    return _transfer_import(request, capped)


@csrf_protect
def _transfer_import(request, capped):
    kinds = _importable_kinds(request.user)
    if request.method != "POST":
        return _import_page(request, ImportForm(kinds=kinds), kinds)

    form = ImportForm(request.POST, request.FILES, kinds=kinds)
    if capped.is_stopped:
        form.is_valid()
        form.errors["file"] = form.error_class([reading.too_large_message()])
    if not form.is_valid():
        return _import_page(request, form, kinds)

    kind, upload = form.cleaned_data["kind"], form.cleaned_data["file"]
    try:
        data, sheet = reading.read_upload(upload)
        if jobs.is_large(sheet):
            importing.check_headers(kind, sheet.headers)
            job = jobs.start_check(request.user, kind, data, upload.name, sheet)
            return redirect("reporting:import_job", public_id=job.public_id)
        report = importing.dry_run(request.user, kind, sheet)
    except reading.RefusedFile as refusal:
        form.add_error("file", str(refusal))
        return _import_page(request, form, kinds)

    token = None
    if report.has_changes and not report.has_errors:
        token = pending.keep(request.user, kind, data, upload.name)
    context = {
        "report": report,
        "kind": KINDS[kind],
        "name": upload.name,
        "token": token,
    }
    return render(request, "reporting/transfer/import_preview.html", context)


@require_POST
def transfer_import_apply(request):
    kinds = _importable_kinds(request.user)
    upload = pending.load(request.user, request.POST.get("token", ""))
    if upload is None:
        messages.error(
            request, _("This upload is no longer waiting; upload the file again.")
        )
        return redirect("reporting:transfer_import")
    if upload.kind not in kinds:
        raise PermissionDenied

    pending.discard(upload.token)
    try:
        report = importing.apply(
            request.user,
            upload.kind,
            reading.read_spreadsheet(upload.data, upload.name),
        )
    except reading.RefusedFile as refusal:
        messages.error(request, str(refusal))
        return redirect("reporting:transfer_import")

    if not report.is_applied:
        context = {"report": report, "kind": KINDS[upload.kind], "name": upload.name}
        return render(request, "reporting/transfer/import_preview.html", context)
    counts = report.counts
    messages.success(
        request,
        _(
            "The import is applied: %(new)s new, %(updated)s updated, "
            "%(unchanged)s unchanged."
        )
        % {
            "new": counts["new"],
            "updated": counts["update"],
            "unchanged": counts["unchanged"],
        },
    )
    return redirect("reporting:transfer_import")


# Large imports, checked and applied by a worker -----------------------------------


def _import_job(user, public_id):
    return get_object_or_404(ImportJob.objects.owned_by(user), public_id=public_id)


def _import_job_context(job):
    report = None
    if job.status == ImportJob.Status.DONE:
        report = importing.ImportReport.from_json(job.result)
    return {
        "job": job,
        "report": report,
        "kind": KINDS.get(job.kind),
        "name": job.name,
        "can_apply": jobs.can_apply(job),
    }


def import_job(request, public_id):
    job = _import_job(request.user, public_id)
    context = _import_job_context(job)
    return render(request, "reporting/transfer/import_job.html", context)


def import_job_progress(request, public_id):
    """The state block alone, which the job page polls while a worker runs."""
    job = _import_job(request.user, public_id)
    if not job.is_active:
        # The finished page has the rows: htmx loads it whole.
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    context = {"job": job}
    return render(request, "reporting/transfer/_import_progress.html", context)


@require_POST
def import_job_apply(request, public_id):
    job = _import_job(request.user, public_id)
    if job.kind not in _importable_kinds(request.user):
        raise PermissionDenied
    if not jobs.start_apply(job):
        messages.error(request, _("This import cannot be applied now."))
    return redirect("reporting:import_job", public_id=job.public_id)
