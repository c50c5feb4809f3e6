"""The reporting cycle's pages: what I owe (filled in place), the reporting
calendars, a lens's own calendar, and the completion of an entity.

Filling in works twice, as on the component pages: with htmx the form opens
in the item of the list and a saved report removes the item; without
JavaScript the form is a page of its own that returns to the list.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from objectives import access, actions, cycle, cycle_actions
from objectives.access import Action
from objectives.forms.contribute import (
    MeasurementForm,
    MilestoneUpdateForm,
    StatusReportForm,
)
from objectives.forms.cycle import CalendarForm, CompletionForm, DeadlineForm
from objectives.models import Lens
from objectives.views.contribute import is_htmx

# The form each kind of owed report is filled in with.
FORM_KINDS = {"milestone": "milestone", "indicator": "measurement"}


def owed_list(request):
    owed = cycle.owed_by_user(request.user, timezone.localdate())
    context = {"owed": owed, "late_count": sum(item.is_late for item in owed)}
    return render(request, "objectives/cycle/owed_list.html", context)


def _contribution_form(kind, obj, data, owed):
    auto_id = f"owed-{kind}-{obj.pk}-%s"
    if kind == "milestone":
        form = MilestoneUpdateForm(data, milestone=obj, auto_id=auto_id)
    elif kind == "indicator":
        form = MeasurementForm(data, indicator=obj, auto_id=auto_id)
    else:
        form = StatusReportForm(data, subject=obj, auto_id=auto_id)
    if owed is not None:
        form.fields["period"].initial = owed.period.label
    return form


def _save(kind, obj, form, user):
    arguments = form.action_arguments()
    if kind == "milestone":
        actions.do_update_milestone(obj, acting_user=user, **arguments)
    elif kind == "indicator":
        actions.do_record_measurement(obj, acting_user=user, **arguments)
    else:
        actions.do_report_status(obj, acting_user=user, **arguments)
    return _("Saved for %(period)s: %(component)s.") % {
        "period": arguments["period"],
        "component": obj,
    }


@require_http_methods(["GET", "POST"])
def owed_fill(request, kind, public_id):
    if kind not in cycle.KINDS:
        raise Http404("No such kind of report.")
    obj = access.get_for_user(
        request.user,
        cycle.KINDS[kind],
        public_id,
        Action.EDIT,
        related=cycle.RELATED[kind],
    )
    today = timezone.localdate()
    owed = cycle.owed_for_object(kind, obj, today)
    data = request.POST if request.method == "POST" else None
    form = _contribution_form(kind, obj, data, owed)

    if form.is_valid():
        message = _save(kind, obj, form, request.user)
        if not is_htmx(request):
            messages.success(request, message)
            return redirect("objectives:owed_list")
        remaining = len(cycle.owed_by_user(request.user, today))
        context = {"message": message, "remaining": remaining}
        return render(request, "objectives/cycle/_owed_filled.html", context)
    return _show_fill_form(request, kind, obj, form, owed)


def _show_fill_form(request, kind, obj, form, owed):
    context = {
        "item": owed,
        "kind": FORM_KINDS.get(kind, "status"),
        "owed_kind": kind,
        "kind_label": cycle.KINDS[kind]._meta.verbose_name,
        "component": obj,
        "form": form,
        "fill_url": reverse("objectives:owed_fill", args=[kind, obj.public_id]),
        "inline": is_htmx(request),
    }
    if is_htmx(request):
        template = "objectives/cycle/_owed_item.html"
    else:
        template = "objectives/cycle/owed_fill_page.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def reporting_calendar(request):
    today = timezone.localdate()
    lenses = access.visible(request.user, Lens).filter(is_archived=False)
    lenses = lenses.select_related("organisation").order_by("kind", "name")
    organisations = list(_inventory_organisations(request.user))
    context = {
        "lenses": cycle.with_calendars(list(lenses), today),
        "entity_calendar": cycle.entity_calendar(today),
        "due_days": {tier: cycle.due_days(tier) for tier in cycle.Tier.values},
        "inventory": cycle.inventory(request.user, organisations, today),
    }
    return render(request, "objectives/cycle/calendar.html", context)


def _inventory_organisations(user):
    if access.is_global_admin(user):
        return access.administered_organisations(user).order_by("name")
    return access.organisations_of(user).order_by("name")


@require_http_methods(["GET", "POST"])
def lens_calendar_edit(request, public_id):
    lens = access.get_lens_for_calendar(request.user, public_id)
    calendar = cycle.calendar_of(lens)
    form = CalendarForm(
        request.POST if request.method == "POST" else None, calendar=calendar
    )

    if form.is_valid():
        if form.cleaned_data["has_own_calendar"]:
            cycle_actions.do_set_reporting_calendar(
                lens, acting_user=request.user, **form.calendar_values()
            )
            messages.success(request, _("The reporting calendar is saved."))
        else:
            cycle_actions.do_remove_reporting_calendar(lens, acting_user=request.user)
            messages.success(request, _("The lens follows the entity calendar."))
        return redirect("objectives:lens_calendar_edit", public_id=lens.public_id)
    return _calendar_page(
        request, lens, calendar, form, DeadlineForm(calendar=calendar)
    )


def _calendar_page(request, lens, calendar, form, deadline_form):
    context = {
        "lens": lens,
        "calendar": calendar,
        "form": form,
        "deadline_form": deadline_form,
        "deadlines": list(calendar.deadlines.all()) if calendar else [],
    }
    return render(request, "objectives/cycle/calendar_edit.html", context)


@require_POST
def lens_deadline_set(request, public_id):
    lens = access.get_lens_for_calendar(request.user, public_id)
    calendar = cycle.calendar_of(lens)
    if calendar is None:
        raise Http404("This lens has no calendar of its own.")
    form = DeadlineForm(request.POST, calendar=calendar)

    if form.is_valid():
        cycle_actions.do_set_reporting_deadline(
            calendar, acting_user=request.user, **form.cleaned_data
        )
        messages.success(request, _("The deadline is saved."))
        return redirect("objectives:lens_calendar_edit", public_id=lens.public_id)
    return _calendar_page(
        request, lens, calendar, CalendarForm(calendar=calendar), form
    )


@require_POST
def lens_deadline_remove(request, public_id):
    lens = access.get_lens_for_calendar(request.user, public_id)
    calendar = cycle.calendar_of(lens)
    chosen = request.POST.get("deadline", "")
    deadline = None
    if calendar is not None and chosen.isdigit():
        deadline = calendar.deadlines.filter(pk=chosen).first()
    if deadline is None:
        raise Http404("No such deadline.")

    cycle_actions.do_remove_reporting_deadline(deadline, acting_user=request.user)
    messages.success(request, _("The deadline is removed."))
    return redirect("objectives:lens_calendar_edit", public_id=lens.public_id)


def _completion_choice(request, today):
    """(form, organisation, period) of the completion overview; None for
    the last two when the choice is refused."""
    organisations = list(access.administered_organisations(request.user))
    if not organisations:
        raise PermissionDenied
    periods = cycle.completion_periods(today)
    data = request.POST if request.method == "POST" else request.GET
    if data.get("organisation"):
        # Another entity than one's own answers 403 (unknown: 404), not a
        # choice error.
        access.get_organisation_for_completion(request.user, data["organisation"])
    form = CompletionForm(data or None, organisations=organisations, periods=periods)
    if not form.is_bound:
        return form, organisations[0], periods[0]
    if not form.is_valid():
        return form, None, None
    organisation = access.get_organisation_for_completion(
        request.user, form.cleaned_data["organisation"]
    )
    return form, organisation, form.cleaned_data["period"]


def completion(request):
    today = timezone.localdate()
    form, organisation, period = _completion_choice(request, today)
    context = {"form": form, "organisation": organisation}
    if organisation is not None:
        context["completion"] = cycle.completion(
            request.user, organisation, period, today
        )
        context["rounds"] = cycle.late_reminder_rounds(organisation, period)
    return render(request, "objectives/cycle/completion.html", context)


@require_POST
def completion_remind(request):
    form, organisation, period = _completion_choice(request, timezone.localdate())
    if organisation is None:
        return render(request, "objectives/cycle/completion.html", {"form": form})

    try:
        cycle_actions.do_request_late_reminders(
            organisation, period, acting_user=request.user
        )
        messages.success(
            request, _("The late reporters will receive a reminder in a moment.")
        )
    except cycle_actions.AlreadyRequestedToday:
        messages.error(
            request,
            _("The late reporters of this period were already reminded today."),
        )
    query = urlencode({"organisation": organisation.ovo_number, "period": period})
    return redirect(f"{reverse('objectives:completion')}?{query}")
