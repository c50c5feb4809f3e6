"""Validating a transversal plan, and downloading its validated report.

A coordinator validates on the plan's closed periods page; anyone who may
see the plan downloads the kept PDF, byte for byte as it was rendered.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from objectives import access
from objectives.forms.closing import ValidatePlanForm
from objectives.models import Lens, PlanValidation
from objectives.views.closing import closed_periods_page
from reporting import validation as validating


def _plan(user, public_id):
    lens = access.get_for_user(user, Lens, public_id)
    if lens.kind != Lens.Kind.TRANSVERSAL_PLAN:
        raise Http404("No transversal plan matches the given query.")
    return lens


def _validation(user, lens_id, public_id):
    lens = _plan(user, lens_id)
    found = lens.validations.select_related("lens").filter(public_id=public_id)
    validation = found.first()
    if validation is None:
        raise Http404("No validation matches the given query.")
    return validation


@require_POST
def plan_validate(request, public_id):
    lens = _plan(request.user, public_id)
    if not access.can_validate_plan(request.user, lens):
        raise PermissionDenied
    form = ValidatePlanForm(request.POST)

    if form.is_valid():
        period = form.cleaned_data["period"]
        validating.validate_plan(request.user, lens, period)
        messages.success(
            request,
            _("%(period)s is validated; its report is being made.")
            % {"period": period},
        )
        return redirect(lens.get_absolute_url())
    return closed_periods_page(request, lens, validate_form=form, status=400)


def validation_download(request, public_id, validation_id):
    validation = _validation(request.user, public_id, validation_id)
    if validation.status != PlanValidation.Status.DONE:
        raise Http404("This validated report is not ready.")

    name = slugify(f"{validation.lens.name} {validation.period}")[:60]
    response = FileResponse(
        validation.file.open("rb"), as_attachment=True, filename=f"{name}.pdf"
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-SHA256"] = validation.sha256
    return response


@require_POST
def validation_retry(request, public_id, validation_id):
    validation = _validation(request.user, public_id, validation_id)
    if not access.can_validate_plan(request.user, validation.lens):
        raise PermissionDenied
    validating.retry_validation(validation)
    return redirect(validation.lens.get_absolute_url())
