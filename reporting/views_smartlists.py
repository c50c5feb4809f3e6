"""The smartlist pages: my lists and those shared with me, the builder with
its live preview, a list's own page, its deletion and its exports.

A list is found through ``smartlists.lookup`` (someone else's private list
is 404, a shared one that the member may not change is 403) and its rows
are always read for the person looking, through the access layer.
"""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reporting import tasks
from reporting.models import ReportJob, SmartList
from reporting.smartlists import actions, rows
from reporting.smartlists.catalogue import COLUMNS_BY_KEY, DEFAULT_COLUMNS, TYPES
from reporting.smartlists.forms import (
    FilterForm,
    SmartListForm,
    definition_errors,
    filter_form,
    initial_for,
)
from reporting.smartlists.lookup import can_change, get_smartlist, visible_smartlists
from reporting.smartlists.report import sort_key_of

ROWS_PER_PAGE = 50
PREVIEW_ROWS = 10
EXPORT_FORMATS = [
    (ReportJob.Format.XLSX, "Excel"),
    (ReportJob.Format.CSV, "CSV"),
    (ReportJob.Format.PDF, "PDF"),
]


class ExportForm(forms.Form):
    format = forms.ChoiceField(choices=EXPORT_FORMATS)
    sort = forms.CharField(max_length=41, required=False)


def smartlist_list(request):
    found = list(
        visible_smartlists(request.user)
        .select_related("owner__person", "shared_with")
        .order_by("name", "pk")
    )
    context = {
        "mine": [s for s in found if s.owner_id == request.user.pk],
        "shared": [s for s in found if s.owner_id != request.user.pk],
        "types": SmartList.ComponentType.choices,
    }
    return render(request, "reporting/smartlists/list.html", context)


def _forms(request, type_key, smartlist=None):
    """The builder's two forms: bound to what was posted, else to the saved
    list (so that a stale value shows at once), else unbound defaults."""
    options = {"type_key": type_key}
    if request.method == "POST":
        data = request.POST
    elif smartlist is not None:
        data = {**initial_for(smartlist), **smartlist.filters}
    else:
        initial = {"sort_column": "code", "sort_direction": "asc"}
        for number, key in enumerate(DEFAULT_COLUMNS[type_key], start=1):
            initial[f"column_{number}"] = key
        return (
            SmartListForm(owner=request.user, initial=initial, **options),
            FilterForm(viewer=request.user, **options),
        )
    return (
        SmartListForm(data, owner=request.user, **options),
        FilterForm(data, viewer=request.user, **options),
    )


def _definition(list_form, filter_form):
    cleaned = list_form.cleaned_data
    return {
        "name": cleaned["name"],
        "shared_with": cleaned["shared_with"],
        "columns": cleaned["columns"],
        "sort_column": cleaned["sort_column"],
        "sort_direction": cleaned["sort_direction"],
        "filters": filter_form.stored(),
    }


def _preview(user, type_key, list_form, filter_form):
    """The first rows of the list being built, for ``user``; None while the
    columns, sort or filters are not valid (the name may still be empty)."""
    if not list_form.is_bound:
        cleaned = {
            "columns": DEFAULT_COLUMNS[type_key],
            "sort_column": "code",
            "sort_direction": "asc",
        }
        filters = {}
    else:
        list_form.is_valid()
        if not filter_form.is_valid() or set(list_form.errors) - {"name"}:
            return None
        cleaned, filters = list_form.cleaned_data, filter_form.cleaned_data
    kind = TYPES[type_key]
    prefix = "-" if cleaned["sort_direction"] == "desc" else ""
    found = rows.ordered(
        rows.queryset(user, kind, filters), prefix + cleaned["sort_column"]
    )
    return {
        "headers": [COLUMNS_BY_KEY[key].label for key in cleaned["columns"]],
        "rows": rows.evaluate(user, kind, found[:PREVIEW_ROWS], cleaned["columns"]),
        "total": found.count(),
    }


def _builder(request, type_key, list_form, filter_form, smartlist=None):
    context = {
        "smartlist": smartlist,
        "type_key": type_key,
        "type_label": SmartList.ComponentType(type_key).label,
        "list_form": list_form,
        "filter_form": filter_form,
        "preview": _preview(request.user, type_key, list_form, filter_form),
    }
    return render(request, "reporting/smartlists/builder.html", context)


def _is_saving(request):
    return request.method == "POST" and "preview" not in request.POST


def smartlist_new(request):
    type_key = request.POST.get("component_type") or request.GET.get("type", "")
    if type_key not in TYPES:
        context = {"types": SmartList.ComponentType.choices}
        return render(request, "reporting/smartlists/choose_type.html", context)

    list_form, filter_form = _forms(request, type_key)
    if _is_saving(request) and list_form.is_valid() and filter_form.is_valid():
        smartlist = actions.do_create_smartlist(
            owner=request.user,
            component_type=type_key,
            acting_user=request.user,
            **_definition(list_form, filter_form),
        )
        messages.success(request, _("The list was saved."))
        return redirect("reporting:smartlist_detail", public_id=smartlist.public_id)
    return _builder(request, type_key, list_form, filter_form)


def smartlist_edit(request, public_id):
    smartlist = get_smartlist(request.user, public_id, change=True)
    type_key = smartlist.component_type

    list_form, filter_form = _forms(request, type_key, smartlist)
    if _is_saving(request) and list_form.is_valid() and filter_form.is_valid():
        actions.do_update_smartlist(
            smartlist,
            acting_user=request.user,
            **_definition(list_form, filter_form),
        )
        messages.success(request, _("The list was saved."))
        return redirect("reporting:smartlist_detail", public_id=smartlist.public_id)
    return _builder(request, type_key, list_form, filter_form, smartlist)


@require_POST
def smartlist_preview(request):
    """The preview block alone, which the builder fetches as the form
    changes; it reads what the builder may see and writes nothing."""
    type_key = request.POST.get("component_type", "")
    if type_key not in TYPES:
        return render(request, "reporting/smartlists/_preview.html", {})
    list_form, filter_form = _forms(request, type_key)
    context = {
        "preview": _preview(request.user, type_key, list_form, filter_form),
        "list_form": list_form,
        "filter_form": filter_form,
    }
    return render(request, "reporting/smartlists/_preview.html", context)


def _headers(smartlist, sort_key):
    headers = []
    for key in smartlist.columns:
        column = COLUMNS_BY_KEY[key]
        direction = ""
        if sort_key.lstrip("-") == key:
            direction = "descending" if sort_key.startswith("-") else "ascending"
        headers.append(
            {
                "label": column.label,
                "kind": column.kind,
                "direction": direction,
                "sort": (f"-{key}" if direction == "ascending" else key)
                if column.order
                else "",
            }
        )
    return headers


def smartlist_detail(request, public_id):
    smartlist = get_smartlist(request.user, public_id)
    filters = filter_form(smartlist, request.user)
    problems = [*definition_errors(smartlist), *filters.problems()]
    context = {
        "smartlist": smartlist,
        "problems": problems,
        "can_change": can_change(request.user, smartlist),
        "formats": EXPORT_FORMATS,
    }
    if not problems:
        kind = TYPES[smartlist.component_type]
        sort_key = sort_key_of(smartlist, request.GET.get("sort"))
        found = rows.ordered(
            rows.queryset(request.user, kind, filters.cleaned_data), sort_key
        )
        page = Paginator(found, ROWS_PER_PAGE).get_page(request.GET.get("page"))
        page.rows = rows.evaluate(
            request.user, kind, page.object_list, smartlist.columns
        )
        context.update(
            page=page,
            sort_key=sort_key,
            headers=_headers(smartlist, sort_key),
            words=rows.describe_filters(filters.cleaned_data, kind),
            query=f"sort={sort_key}&" if request.GET.get("sort") else "",
        )
    return render(request, "reporting/smartlists/detail.html", context)


def smartlist_delete(request, public_id):
    """GET: ask to confirm; POST: delete and go back to the lists."""
    smartlist = get_smartlist(request.user, public_id, change=True)
    if request.method == "POST":
        actions.do_delete_smartlist(smartlist, acting_user=request.user)
        messages.success(
            request, _("The list “%(name)s” was deleted.") % {"name": smartlist.name}
        )
        return redirect("reporting:smartlist_list")
    context = {"smartlist": smartlist}
    return render(request, "reporting/smartlists/delete.html", context)


@require_POST
def smartlist_save_sort(request, public_id):
    """Keep the order chosen by clicking a column header as the list's own."""
    smartlist = get_smartlist(request.user, public_id, change=True)
    sort_key = sort_key_of(smartlist, request.POST.get("sort", ""))
    direction = SmartList.Direction
    actions.do_update_smartlist(
        smartlist,
        acting_user=request.user,
        sort_column=sort_key.lstrip("-"),
        sort_direction=direction.DESCENDING
        if sort_key.startswith("-")
        else direction.ASCENDING,
    )
    messages.success(request, _("The list was saved."))
    return redirect("reporting:smartlist_detail", public_id=smartlist.public_id)


@require_POST
def smartlist_export(request, public_id):
    """Queue an export of the list, as the person asking sees it, in the
    order shown on the page, and follow it on the report's page."""
    smartlist = get_smartlist(request.user, public_id)
    form = ExportForm(request.POST)
    filters = filter_form(smartlist, request.user)
    if not form.is_valid() or not filters.is_valid() or definition_errors(smartlist):
        messages.error(request, _("This list cannot be exported as it is."))
        return redirect("reporting:smartlist_detail", public_id=smartlist.public_id)

    parameters = {
        "id": str(smartlist.public_id),
        "sort": sort_key_of(smartlist, form.cleaned_data["sort"]),
    }
    job = tasks.request_report(
        request.user,
        ReportJob.Kind.SMARTLIST,
        parameters,
        form.cleaned_data["format"],
        title=smartlist.name,
    )
    return redirect("reporting:report_detail", public_id=job.public_id)
