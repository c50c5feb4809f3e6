"""Legislature transitions: open one, map the old objectives onto the new
ones, apply it, and read the matrix of both structures.

The list and the matrix are for every member of the organisation (404 for
anyone else); the other pages for its administrators (403 for a member).
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from objectives import access, transitions
from objectives import transition_actions as actions
from objectives.forms.transitions import (
    ClearForm,
    CopyForm,
    MarkNewForm,
    SuccessionForm,
    TransitionOpenForm,
)


def _is_htmx(request):
    return request.headers.get("HX-Request") == "true"


def _mapping_page(transition, anchor=""):
    url = reverse("objectives:transition_detail", args=[transition.public_id])
    return f"{url}#{anchor}" if anchor else url


def _objective_in(form, name):
    """The objective the validated ``form`` found under ``name``, if any."""
    found = form.cleaned_data.get(name)
    return found if hasattr(found, "public_id") else None


def _report(request, form, change, done):
    """Validate ``form``, then run ``change`` with its cleaned data; tell the
    user ``done`` or why not. Returns the errors, empty on success."""
    errors = []
    if form.is_valid():
        try:
            change(form.cleaned_data)
        except ValidationError as refusal:
            errors = refusal.messages
    else:
        errors = [error for found in form.errors.values() for error in found]
    for error in errors:
        messages.error(request, error)
    if not errors:
        messages.success(request, done)
    return errors


def transition_list(request, ovo_number):
    organisation = access.get_organisation_for_transitions(request.user, ovo_number)
    context = {
        "organisation": organisation,
        "transitions": list(
            access.visible_transitions(request.user).filter(organisation=organisation)
        ),
        "may_manage": access.can_manage_transitions(request.user, organisation),
    }
    return render(request, "objectives/transitions/list.html", context)


def transition_create(request, ovo_number):
    organisation = access.get_organisation_for_transitions(
        request.user, ovo_number, manage=True
    )
    earlier, current = transitions.default_legislatures(timezone.localdate())
    form = TransitionOpenForm(request.POST or None, current=current, earlier=earlier)
    if request.method == "POST" and form.is_valid():
        try:
            transition = actions.do_open_transition(
                organisation,
                previous=form.cleaned_data["previous"],
                following=form.cleaned_data["following"],
                acting_user=request.user,
            )
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            messages.success(request, _("The transition is open: map its objectives."))
            return redirect(_mapping_page(transition))
    context = {"organisation": organisation, "form": form}
    return render(request, "objectives/transitions/create.html", context)


def transition_detail(request, public_id):
    """The mapping page: every old objective with its kind and successors."""
    transition = access.get_transition(request.user, public_id, manage=True)
    context = {
        "transition": transition,
        "mapping": transitions.mapping(request.user, transition),
        "kinds": SuccessionForm.base_fields["kind"].choices,
    }
    return render(request, "objectives/transitions/mapping.html", context)


def transition_map(request, public_id):
    """One row of the mapping: GET shows its form (in place for htmx, a page
    of its own without JavaScript), POST saves it."""
    transition = access.get_transition(request.user, public_id, manage=True)
    if request.method == "POST":
        return _save_row(request, transition)
    previous = transitions.old_objective(
        request.user, transition, request.GET.get("previous", "")
    )
    return _row(request, transition, previous, editing=True)


def _save_row(request, transition):
    form = SuccessionForm(
        request.POST,
        old=transitions.old_objectives(transition, request.user),
        new=list(transitions.new_objectives(transition, request.user)),
    )
    errors = _report(
        request,
        form,
        lambda data: actions.do_map_objective(
            transition,
            data["previous"],
            kind=data["kind"],
            successors=data["successors"],
            note=data["note"],
            acting_user=request.user,
        ),
        _("Mapping saved."),
    )
    previous = _objective_in(form, "previous")
    if previous is None:
        return redirect(_mapping_page(transition))
    if _is_htmx(request):
        # The messages go into the row; the next page should not repeat them.
        list(messages.get_messages(request))
        return _row(request, transition, previous, editing=bool(errors), errors=errors)
    if errors:
        return redirect(_row_page(transition, previous))
    return redirect(_mapping_page(transition, f"objective-{previous.public_id}"))


def _row_page(transition, previous):
    url = reverse("objectives:transition_map", args=[transition.public_id])
    return f"{url}?{urlencode({'previous': previous.public_id})}"


def _row(request, transition, previous, *, editing, errors=()):
    """The row of ``previous``: the fragment for htmx, else a page."""
    mapping = transitions.mapping(request.user, transition)
    context = {
        "transition": transition,
        "mapping": mapping,
        "row": next(row for row in mapping.rows if row.objective.pk == previous.pk),
        "editing": editing,
        "errors": errors,
        "kinds": SuccessionForm.base_fields["kind"].choices,
    }
    template = "objectives/transitions/map_row.html"
    if _is_htmx(request):
        template = "objectives/transitions/_mapping_row.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_POST
def transition_copy(request, public_id):
    """Create a successor as a copy of an old objective."""
    transition = access.get_transition(request.user, public_id, manage=True)
    form = CopyForm(
        request.POST, old=transitions.old_objectives(transition, request.user)
    )
    _report(
        request,
        form,
        lambda data: actions.do_copy_successor(
            transition,
            data["previous"],
            code=data["code"],
            title=data["title"],
            acting_user=request.user,
        ),
        _("The successor was created in the next legislature."),
    )
    previous = _objective_in(form, "previous")
    anchor = f"objective-{previous.public_id}" if previous else ""
    return redirect(_mapping_page(transition, anchor))


@require_POST
def transition_mark_new(request, public_id):
    transition = access.get_transition(request.user, public_id, manage=True)
    form = MarkNewForm(
        request.POST, new=transitions.new_objectives(transition, request.user)
    )
    _report(
        request,
        form,
        lambda data: actions.do_mark_new(
            transition,
            data["following"],
            note=data["note"],
            acting_user=request.user,
        ),
        _("Marked as new."),
    )
    return redirect(_mapping_page(transition, "new-objectives"))


@require_POST
def transition_clear(request, public_id):
    transition = access.get_transition(request.user, public_id, manage=True)
    form = ClearForm(
        request.POST,
        old=transitions.old_objectives(transition, request.user),
        new=transitions.new_objectives(transition, request.user),
    )
    _report(
        request,
        form,
        lambda data: actions.do_clear_succession(
            transition,
            previous=data["previous"],
            following=data["following"],
            acting_user=request.user,
        ),
        _("Mapping cleared."),
    )
    return redirect(_mapping_page(transition))


@require_POST
def transition_apply(request, public_id):
    """Apply the transition: its projects, processes and indicators follow
    their objectives. Refused, with what is missing, while incomplete."""
    transition = access.get_transition(request.user, public_id, manage=True)
    try:
        made = actions.do_apply_transition(transition, acting_user=request.user)
    except ValidationError as refusal:
        messages.error(request, _("The transition cannot be applied yet."))
        for problem in refusal.messages:
            messages.error(request, problem)
        return redirect(_mapping_page(transition))
    messages.success(
        request,
        _("The transition is applied: %(count)d links made.") % {"count": made},
    )
    return redirect("objectives:transition_matrix", public_id=transition.public_id)


def transition_matrix(request, public_id):
    """The old and the new structure side by side, for every member."""
    transition = access.get_transition(request.user, public_id)
    context = {
        "transition": transition,
        "lines": transitions.matrix(request.user, transition),
        "may_manage": access.can_manage_transitions(
            request.user, transition.organisation
        ),
    }
    return render(request, "objectives/transitions/matrix.html", context)
