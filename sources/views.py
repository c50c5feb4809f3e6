"""The import runs, for global administrators: what each run of each source
did, what it rejected and why, and buttons to run a source now."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sources import access, sync
from sources.models import Source, SyncRun

RUNS_PER_PAGE = 50
REJECTIONS_PER_PAGE = 100
ACTIVE = (SyncRun.Status.QUEUED, SyncRun.Status.RUNNING)


def run_list(request):
    chosen = request.GET.get("source", "")
    chosen = chosen if chosen in Source.values else ""
    page = Paginator(access.runs(request.user, chosen), RUNS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    states = access.source_states(request.user)

    now = timezone.now()
    sources = [
        {
            "source": source,
            "location": sync.configured_location(source),
            "is_locked": source in states
            and (states[source].locked_until or now) > now,
        }
        for source in Source
    ]
    context = {"page": page, "sources": sources, "chosen": chosen}
    return render(request, "sources/run_list.html", context)


@require_POST
def run_start(request, source):
    source = access.get_source(request.user, source)
    location = sync.configured_location(source)
    if not location:
        messages.error(request, _("No feed address is configured for this source."))
        return redirect("sources:run_list")

    full = request.POST.get("mode") == SyncRun.Mode.FULL
    mode = SyncRun.Mode.FULL if full else SyncRun.Mode.INCREMENTAL
    run = sync.start_run(
        source, mode=mode, location=location, requested_by=request.user
    )
    sync.enqueue(run)
    return redirect("sources:run_detail", public_id=run.public_id)


def run_detail(request, public_id):
    run = access.get_run(request.user, public_id)
    rejections = Paginator(
        run.rejections.order_by("position", "pk"), REJECTIONS_PER_PAGE
    ).get_page(request.GET.get("page"))
    context = {"run": run, "is_active": run.status in ACTIVE, "page": rejections}
    return render(request, "sources/run_detail.html", context)


def run_status(request, public_id):
    """The status block alone, which the run page polls while the run runs."""
    run = access.get_run(request.user, public_id)
    context = {"run": run, "is_active": run.status in ACTIVE, "polled": True}
    return render(request, "sources/includes/_run_progress.html", context)
