"""What contributors do: report a status, update a milestone, add a measurement.

Every form works twice. As a page of its own, without JavaScript: GET shows
the page, a saved POST redirects to the component with a message, a refused
one shows the page again with the input kept. Inline on the detail page with
htmx: GET and refused POSTs answer the form alone, to be swapped in place; a
saved POST has htmx reload the page's content, which then shows the updated
status and the message.
"""

import json

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from objectives import access, actions
from objectives.access import Action
from objectives.forms.contribute import (
    MeasurementForm,
    MilestoneUpdateForm,
    StatusReportForm,
)
from objectives.models import Indicator, Milestone

RECALLED_MEASUREMENTS = 4


def is_htmx(request):
    return request.headers.get("HX-Request") == "true"


def _posted(request):
    return request.POST if request.method == "POST" else None


def _recalled(component, kind):
    """What a form's own page recalls below it: the latest status, or the
    latest measurements (the detail page shows them next to the inline form)."""
    if kind == "measurement":
        measurements = component.measurements.select_related("entered_by")
        return list(measurements.order_by("-period_start")[:RECALLED_MEASUREMENTS])
    return list(component.status_reports.select_related("author")[:1])


def _show_form(request, component, form, kind):
    context = {"component": component, "form": form, "kind": kind}
    if is_htmx(request):
        template = f"objectives/contribute/_{kind}_form.html"
        response = render(request, template, {**context, "inline": True})
    else:
        context["recalled"] = _recalled(component, kind)
        response = render(request, "objectives/contribute/form_page.html", context)
    # The same address answers a fragment or a page: caches must tell them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


def _refuse_closed(request, form, component, closed):
    """Show why the period is closed on the form, with the user's input, and
    the way to a correction for those who may make one."""
    form.add_error(None, closed)
    if access.can_correct(request.user, component, closed.closure):
        form.correction_url = correction_url(component)


def correction_url(component):
    if isinstance(component, Indicator):
        return reverse("objectives:measurement_correct", args=[component.public_id])
    if isinstance(component, Milestone):
        name = "objectives:milestone_status_correct"
        return reverse(name, args=[component.public_id])
    return reverse("objectives:status_correct", args=[component, component.public_id])


def _saved(request, component, message):
    messages.success(request, message)
    if not is_htmx(request):
        return redirect(component.get_absolute_url())
    # htmx fetches the detail page and swaps its content in: the new status,
    # the history and the message, whatever the page shows of them.
    location = {
        "path": component.get_absolute_url(),
        "target": "#content",
        "select": "#content",
        "swap": "outerHTML",
        "push": "false",
    }
    return HttpResponse(headers={"HX-Location": json.dumps(location)})


@require_http_methods(["GET", "POST"])
def status_report(request, model, public_id):
    component = access.get_for_user(request.user, model, public_id, Action.EDIT)
    form = StatusReportForm(_posted(request), subject=component)

    try:
        if form.is_valid():
            report = actions.do_report_status(
                component, acting_user=request.user, **form.action_arguments()
            )
            message = _("Status for %(period)s saved: %(status)s.") % {
                "period": report.period,
                "status": report.get_colour_display(),
            }
            return _saved(request, component, message)
    except actions.PeriodClosed as closed:
        _refuse_closed(request, form, component, closed)
    return _show_form(request, component, form, "status")


@require_http_methods(["GET", "POST"])
def milestone_update(request, public_id):
    milestone = access.get_for_user(request.user, Milestone, public_id, Action.EDIT)
    form = MilestoneUpdateForm(_posted(request), milestone=milestone)

    try:
        if form.is_valid():
            report = actions.do_update_milestone(
                milestone, acting_user=request.user, **form.action_arguments()
            )
            message = _("Milestone updated, status for %(period)s: %(status)s.") % {
                "period": report.period,
                "status": report.get_colour_display(),
            }
            return _saved(request, milestone, message)
    except actions.PeriodClosed as closed:
        _refuse_closed(request, form, milestone, closed)
    return _show_form(request, milestone, form, "milestone")


@require_http_methods(["GET", "POST"])
def measurement_record(request, public_id):
    indicator = access.get_for_user(request.user, Indicator, public_id, Action.EDIT)
    form = MeasurementForm(_posted(request), indicator=indicator)

    try:
        if form.is_valid():
            measurement = actions.do_record_measurement(
                indicator, acting_user=request.user, **form.action_arguments()
            )
            message = _("Measurement saved for %(period)s: %(value)s %(unit)s.") % {
                "period": form.cleaned_data["period"],
                "value": number_format(measurement.value.normalize()),
                "unit": indicator.unit,
            }
            return _saved(request, indicator, message)
    except actions.PeriodClosed as closed:
        _refuse_closed(request, form, indicator, closed)
    return _show_form(request, indicator, form, "measurement")
