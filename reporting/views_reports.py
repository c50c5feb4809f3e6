"""The standard report pages: ask for a report, follow it while a worker
renders it, download it, and list one's own reports.

A report's subject is fetched through the access layer when it is asked
for; a job and its file belong to the user who asked and answer 404 to
anyone else.
"""

import uuid

from django import forms
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from objectives import access, budget
from objectives.models import Lens
from objectives.periods import Period
from reporting import reports, tasks
from reporting.models import ReportJob

JOBS_PER_PAGE = 25
# The formats of the standard reports; CSV holds one table and serves the
# smartlists only.
STANDARD_FORMATS = [
    (value, label)
    for value, label in ReportJob.Format.choices
    if value != ReportJob.Format.CSV
]


class ReportRequestForm(forms.Form):
    kind = forms.ChoiceField(choices=ReportJob.Kind.choices)
    id = forms.CharField(max_length=40)
    format = forms.ChoiceField(choices=STANDARD_FORMATS)
    period = forms.CharField(label=_("Period"), max_length=7, required=False)
    year = forms.IntegerField(label=_("Budget year"), required=False)

    def clean_period(self):
        label = self.cleaned_data["period"].strip()
        return Period.parse(label).label if label else ""

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == ReportJob.Kind.BUDGET:
            year = cleaned.get("year")
            if year is None:
                self.add_error("year", _("Give a budget year such as 2026."))
            else:
                try:
                    budget.check_year(year)
                except forms.ValidationError as error:
                    self.add_error("year", error)
        return cleaned


def _subject(user, kind, identifier):
    """The report's subject through the access layer; 404 when unknown."""
    if kind not in ReportJob.Kind.values:
        raise Http404("No such report.")
    if kind not in (ReportJob.Kind.ENTITY, ReportJob.Kind.BUDGET):
        try:
            identifier = uuid.UUID(str(identifier))
        except ValueError:
            raise Http404("No such report.") from None
    return reports.subject_of(user, kind, identifier)


def _job(user, public_id):
    return get_object_or_404(ReportJob.objects.owned_by(user), public_id=public_id)


def report_list(request):
    jobs = Paginator(ReportJob.objects.owned_by(request.user), JOBS_PER_PAGE)
    context = {
        "page": jobs.get_page(request.GET.get("page")),
        "organisations": access.organisations_of(request.user).order_by("name"),
        "lenses": access.visible(request.user, Lens)
        .filter(is_archived=False)
        .order_by("name"),
        "plans": access.visible(request.user, Lens)
        .filter(is_archived=False, kind=Lens.Kind.TRANSVERSAL_PLAN)
        .order_by("name"),
        "default_period": reports.default_period(timezone.localdate()).label,
    }
    return render(request, "reporting/reports/list.html", context)


def report_new(request):
    """GET: what the report will be about, with a button per format;
    POST: queue it and follow it on its own page."""
    data = request.POST if request.method == "POST" else request.GET
    kind, identifier = data.get("kind", ""), data.get("id", "")
    subject = _subject(request.user, kind, identifier)

    form = ReportRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        parameters = {"id": str(identifier)}
        if kind == ReportJob.Kind.ENTITY:
            parameters["period"] = form.cleaned_data["period"] or (
                reports.default_period(timezone.localdate()).label
            )
        elif kind == ReportJob.Kind.BUDGET:
            parameters["year"] = form.cleaned_data["year"]
        elif kind == ReportJob.Kind.PLAN and form.cleaned_data["period"]:
            # Without a period a plan report gives the latest status.
            parameters["period"] = form.cleaned_data["period"]
        job = tasks.request_report(
            request.user,
            kind,
            parameters,
            form.cleaned_data["format"],
            title=str(subject),
        )
        return redirect("reporting:report_detail", public_id=job.public_id)

    context = {
        "form": form,
        "kind": kind,
        "kind_label": ReportJob.Kind(kind).label,
        "identifier": identifier,
        "subject": subject,
        "formats": STANDARD_FORMATS,
        "period": data.get("period")
        or reports.default_period(timezone.localdate()).label,
        "year": data.get("year") or timezone.localdate().year,
    }
    return render(request, "reporting/reports/new.html", context)


def report_detail(request, public_id):
    job = _job(request.user, public_id)
    return render(request, "reporting/reports/detail.html", {"job": job})


def report_progress(request, public_id):
    """The progress block alone, which the job page polls while it runs."""
    job = _job(request.user, public_id)
    context = {"job": job, "polled": True}
    return render(request, "reporting/reports/_progress.html", context)


def report_download(request, public_id):
    job = _job(request.user, public_id)
    is_done = job.status == ReportJob.Status.DONE
    if job.status == ReportJob.Status.EXPIRED or (
        is_done and not job.file.storage.exists(job.file.name)
    ):
        context = {"job": job}
        return render(request, "reporting/reports/expired.html", context, status=410)
    if job.status != ReportJob.Status.DONE:
        return redirect("reporting:report_detail", public_id=job.public_id)

    name = slugify(job.title)[:60] or job.kind
    day = timezone.localtime(job.finished_at).date().isoformat()
    response = FileResponse(
        job.file.open("rb"), as_attachment=True, filename=f"{name}-{day}.{job.format}"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def report_retry(request, public_id):
    job = _job(request.user, public_id)
    tasks.retry_report(job)
    return redirect("reporting:report_detail", public_id=job.public_id)
