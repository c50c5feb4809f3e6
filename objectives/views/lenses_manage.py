"""Building lenses: create one, give it its structure, describe it, archive it.

Every page answers 404 for a lens the user cannot see and 403 for one they
see but may not build (``Action.LINK``).
"""

from collections import Counter
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from objectives import access, actions
from objectives.access import Action
from objectives.forms.lenses import (
    CoordinatorForm,
    EntryMoveForm,
    EntryRemoveForm,
    HeadingAddForm,
    LensCreateForm,
    LensDetailsForm,
    ObjectiveAddForm,
    ObjectiveSearchForm,
)
from objectives.forms.members import PersonSearchForm
from objectives.models import Lens, Objective


def _lens_to_build(request, public_id):
    return access.get_for_user(request.user, Lens, public_id, Action.LINK)


def _page(name, lens, query="", anchor=""):
    url = reverse(name, args=[lens.public_id])
    if query:
        url = f"{url}?{urlencode({'q': query})}"
    return f"{url}#{anchor}" if anchor else url


def _attempt(request, action, *args, done, **kwargs):
    """Run ``action``; tell the user ``done``, or why the action refused."""
    try:
        action(*args, acting_user=request.user, **kwargs)
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        messages.success(request, done)


def _refuse_invalid(request, form):
    for errors in form.errors.values():
        messages.error(request, " ".join(errors))


def _rows(user, lens):
    """The builder's table: each entry with its number, what it shows, the
    moves open to it and how many entries removing it takes along."""
    numbered = lens.numbered_entries()
    objective_ids = [entry.objective_id for _number, _depth, entry in numbered]
    shown = (
        access.visible(user, Objective)
        .filter(pk__in=[pk for pk in objective_ids if pk])
        .select_related("lead_organisation")
        .in_bulk()
    )
    siblings = Counter(entry.parent_id for _number, _depth, entry in numbered)
    headings = [(number, entry) for number, _depth, entry in numbered if entry.heading]
    rows = []
    for index, (number, depth, entry) in enumerate(numbered):
        subtree = {entry.pk}
        for _number, later_depth, later in numbered[index + 1 :]:
            if later_depth <= depth:
                break
            subtree.add(later.pk)
        rows.append(
            {
                "number": number,
                "depth": min(depth, 4),
                "entry": entry,
                "objective": shown.get(entry.objective_id),
                "is_first": entry.position == 1,
                "is_last": entry.position == siblings[entry.parent_id],
                "taken_along": len(subtree) - 1,
                "may_go_to_top": entry.parent_id is not None,
                "headings": [
                    (heading_number, heading)
                    for heading_number, heading in headings
                    if heading.pk not in subtree and heading.pk != entry.parent_id
                ],
            }
        )
    return rows, headings


def lens_build(request, public_id):
    lens = _lens_to_build(request, public_id)
    rows, headings = _rows(request.user, lens)
    search = ObjectiveSearchForm(request.GET)

    context = {
        "lens": lens,
        "rows": rows,
        "headings": headings,
        "coordinators": list(lens.coordinators.all()),
        "search": search,
        "candidates": search.results(request.user),
        "in_lens": {row["entry"].objective_id for row in rows},
    }
    return render(request, "objectives/lenses_manage/build.html", context)


def lens_objective_search(request, public_id):
    """The picker's candidates alone, for the live search."""
    lens = _lens_to_build(request, public_id)
    search = ObjectiveSearchForm(request.GET)
    context = {
        "lens": lens,
        "search": search,
        "candidates": search.results(request.user),
        "in_lens": set(lens.entries.values_list("objective_id", flat=True)),
    }
    return render(request, "objectives/lenses_manage/_candidates.html", context)


@require_POST
def lens_heading_add(request, public_id):
    lens = _lens_to_build(request, public_id)
    form = HeadingAddForm(request.POST, lens=lens)
    if not form.is_valid():
        _refuse_invalid(request, form)
        return redirect(_page("objectives:lens_build", lens, anchor="add-heading"))

    heading, under = form.cleaned_data["heading"], form.cleaned_data["under"]
    done = _("Heading “%(heading)s” added.") % {"heading": heading}
    _attempt(
        request,
        actions.do_add_lens_entry,
        lens,
        heading=heading,
        under=under,
        done=done,
    )
    return redirect(_page("objectives:lens_build", lens, anchor="structure"))


@require_POST
def lens_objective_add(request, public_id):
    lens = _lens_to_build(request, public_id)
    form = ObjectiveAddForm(request.POST, lens=lens, user=request.user)
    query = request.POST.get("q", "")
    if not form.is_valid():
        _refuse_invalid(request, form)
        return redirect(_page("objectives:lens_build", lens, query, "add-objectives"))

    objective = form.cleaned_data["objective"]
    done = _("%(objective)s added.") % {"objective": objective}
    _attempt(
        request,
        actions.do_add_lens_entry,
        lens,
        objective=objective,
        under=form.cleaned_data["under"],
        done=done,
    )
    return redirect(_page("objectives:lens_build", lens, query, "add-objectives"))


@require_POST
def lens_entry_move(request, public_id):
    lens = _lens_to_build(request, public_id)
    form = EntryMoveForm(request.POST, lens=lens)
    if not form.is_valid():
        _refuse_invalid(request, form)
        return redirect(_page("objectives:lens_build", lens, anchor="structure"))

    entry = form.cleaned_data["entry"]
    done = _("“%(entry)s” moved.") % {"entry": entry}
    _attempt(request, actions.do_move_lens_entry, entry, **form.move(), done=done)
    return redirect(_page("objectives:lens_build", lens, anchor=f"entry-{entry.pk}"))


@require_POST
def lens_entry_remove(request, public_id):
    lens = _lens_to_build(request, public_id)
    form = EntryRemoveForm(request.POST, lens=lens)
    if not form.is_valid():
        _refuse_invalid(request, form)
        return redirect(_page("objectives:lens_build", lens, anchor="structure"))

    entry = form.cleaned_data["entry"]
    done = _("“%(entry)s” removed from the lens.") % {"entry": entry}
    _attempt(request, actions.do_remove_lens_entry, entry, done=done)
    return redirect(_page("objectives:lens_build", lens, anchor="structure"))


def lens_create(request):
    if not access.can_create_lenses(request.user):
        raise PermissionDenied
    form = LensCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        lens = actions.do_create_lens(**form.cleaned_data, acting_user=request.user)
        messages.success(request, _("Lens created: add its headings and objectives."))
        return redirect(_page("objectives:lens_build", lens))
    return render(request, "objectives/lenses_manage/create.html", {"form": form})


def lens_update(request, public_id):
    lens = _lens_to_build(request, public_id)
    initial = {name: getattr(lens, name) for name in LensDetailsForm.base_fields}
    form = LensDetailsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if actions.do_update_lens(lens, acting_user=request.user, **form.cleaned_data):
            messages.success(request, _("Lens saved."))
        return redirect(_page("objectives:lens_build", lens))

    search = PersonSearchForm(request.GET)
    context = {
        "lens": lens,
        "form": form,
        "coordinators": list(lens.coordinators.all()),
        "search": search,
        "candidates": search.results(),
    }
    return render(request, "objectives/lenses_manage/update.html", context)


def lens_coordinator_search(request, public_id):
    """The coordinator picker's candidates alone, for the live search."""
    lens = _lens_to_build(request, public_id)
    search = PersonSearchForm(request.GET)
    context = {
        "lens": lens,
        "search": search,
        "candidates": search.results(),
        "coordinators": list(lens.coordinators.all()),
    }
    return render(request, "objectives/lenses_manage/_people.html", context)


@require_POST
def lens_coordinator_change(request, public_id, *, adding):
    lens = _lens_to_build(request, public_id)
    form = CoordinatorForm(request.POST)
    query = request.POST.get("q", "")
    if not form.is_valid():
        _refuse_invalid(request, form)
        return redirect(_page("objectives:lens_update", lens, query, "coordinators"))

    person, coordinators = form.cleaned_data["person"], set(lens.coordinators.all())
    coordinators = coordinators | {person} if adding else coordinators - {person}
    actions.do_update_lens(lens, acting_user=request.user, coordinators=coordinators)
    messages.success(request, _("Coordinators saved."))
    return redirect(_page("objectives:lens_update", lens, query, "coordinators"))


@require_POST
def lens_archive(request, public_id):
    lens = _lens_to_build(request, public_id)
    archived = request.POST.get("archived") != "0"
    if actions.do_archive_lens(lens, acting_user=request.user, archived=archived):
        done = _("Lens archived.") if archived else _("Lens restored.")
        messages.success(request, done)
    return redirect(_page("objectives:lens_build", lens))
