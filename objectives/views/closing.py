"""Closed periods of an entity or a transversal plan, and corrections.

The closed periods page lists who closed which period and when; those who
may close one find the form there, global administrators a reopen button
per closed period. The correction pages take a status or a measurement of a
closed period, with a mandatory reason (see ``objectives.closing``).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from objectives import access, actions, closing
from objectives.forms.closing import (
    MeasurementCorrectionForm,
    PeriodConfirmForm,
    ReopenForm,
    StatusCorrectionForm,
    ValidatePlanForm,
)
from objectives.models import Indicator, Lens


def closed_periods_url(owner):
    if isinstance(owner, Lens):
        return reverse("objectives:lens_closed_periods", args=[owner.public_id])
    return reverse("objectives:organisation_closed_periods", args=[owner.ovo_number])


def closed_periods_page(request, owner, *, status=200, **forms):
    """The page of ``owner``'s closed periods, with ``forms`` as submitted
    (a refused one shows its errors and what was typed)."""
    is_plan = isinstance(owner, Lens)
    context = {
        "owner": owner,
        "is_plan": is_plan,
        "closures": closing.closures_of(owner),
        "can_close": access.can_close_periods(request.user, owner),
        "can_reopen": access.can_reopen_periods(request.user),
        "can_validate": is_plan and access.can_validate_plan(request.user, owner),
        "close_form": forms.get("close_form") or PeriodConfirmForm(),
        "validate_form": forms.get("validate_form") or ValidatePlanForm(),
        "reopen_form": forms.get("reopen_form") or ReopenForm(),
        "reopen_closure": forms.get("reopen_closure"),
    }
    return render(
        request, "objectives/closing/closed_periods.html", context, status=status
    )


@require_http_methods(["GET", "POST"])
def closed_periods(request, kind, identifier):
    """GET: the closed periods; POST: close one (after confirmation)."""
    is_post = request.method == "POST"
    owner = access.get_closing_owner(request.user, kind, identifier, close=is_post)
    form = PeriodConfirmForm(request.POST if is_post else None)

    if is_post and form.is_valid():
        period = form.cleaned_data["period"]
        _closure, created = closing.do_close_period(
            owner, period, acting_user=request.user
        )
        if created:
            messages.success(request, _("%(period)s is closed.") % {"period": period})
        else:
            messages.info(
                request, _("%(period)s was closed already.") % {"period": period}
            )
        return redirect(closed_periods_url(owner))
    return closed_periods_page(
        request, owner, close_form=form, status=400 if is_post else 200
    )


@require_POST
def closure_reopen(request, public_id):
    closure = access.get_closure_to_reopen(request.user, public_id)
    form = ReopenForm(request.POST)

    if form.is_valid():
        closing.do_reopen_period(
            closure, reason=form.cleaned_data["reason"], acting_user=request.user
        )
        messages.success(
            request, _("%(period)s is open again.") % {"period": closure.period}
        )
        return redirect(closed_periods_url(closure.owner))
    return closed_periods_page(
        request, closure.owner, reopen_form=form, reopen_closure=closure, status=400
    )


def _correction(request, subject, form, kind):
    """Save ``form``'s correction of ``subject`` if its period is closed and
    the user may correct it there; else show the form with its input."""
    if form.is_valid():
        period = form.cleaned_data["period"]
        closure = actions.closure_of(subject, period)
        if closure is None:
            form.add_error(
                "period",
                _("%(period)s is not closed: report it the usual way.")
                % {"period": period},
            )
        elif not access.can_correct(request.user, subject, closure):
            raise PermissionDenied
        else:
            record = actions.do_report_status
            if kind == "measurement":
                record = actions.do_record_measurement
            record(subject, acting_user=request.user, **form.action_arguments())
            messages.success(
                request, _("Correction for %(period)s saved.") % {"period": period}
            )
            return redirect(subject.get_absolute_url())
    context = {"component": subject, "form": form, "kind": kind}
    status = 400 if request.method == "POST" else 200
    return render(request, "objectives/closing/correct.html", context, status=status)


@require_http_methods(["GET", "POST"])
def status_correct(request, model, public_id):
    subject = access.get_for_user(request.user, model, public_id)
    if not access.may_correct(request.user, subject):
        raise PermissionDenied
    posted = request.POST if request.method == "POST" else None
    form = StatusCorrectionForm(posted, subject=subject)
    return _correction(request, subject, form, "status")


@require_http_methods(["GET", "POST"])
def measurement_correct(request, public_id):
    indicator = access.get_for_user(request.user, Indicator, public_id)
    if not access.may_correct(request.user, indicator):
        raise PermissionDenied
    posted = request.POST if request.method == "POST" else None
    form = MeasurementCorrectionForm(posted, indicator=indicator)
    return _correction(request, indicator, form, "measurement")
