"""A smartlist as a report, for the Excel, CSV and PDF exports."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from reporting.models import SmartList
from reporting.reports import Report, ReportUnavailable, Section
from reporting.smartlists import rows
from reporting.smartlists.catalogue import COLUMNS_BY_KEY, TYPES
from reporting.smartlists.forms import definition_errors, filter_form
from reporting.smartlists.lookup import visible_smartlists


def sort_key_of(smartlist, requested):
    """``requested`` ("title" or "-title") when the list may be sorted on
    it, else the list's own sort."""
    column = COLUMNS_BY_KEY.get((requested or "").removeprefix("-"))
    if column is not None and column.order and smartlist.component_type in column.types:
        return requested
    return smartlist.sort_key


def smartlist_report(user, parameters, today):
    """Every row of the list that ``user`` may see, in one table.

    A fixed number of queries whatever the number of rows: the list, what
    its filters name, the rows, and one per column of many values.
    """
    smartlist = (
        visible_smartlists(user)
        .select_related("owner")
        .filter(public_id=parameters.get("id"))
        .first()
    )
    if smartlist is None:
        raise ReportUnavailable(
            _("This smartlist does not exist or you may not see it.")
        )
    form = filter_form(smartlist, user)
    problems = [*definition_errors(smartlist), *form.problems()]
    if problems:
        raise ReportUnavailable(
            _("This smartlist cannot be made: %(errors)s")
            % {"errors": " ".join(str(problem) for problem in problems)}
        )
    sort_key = sort_key_of(smartlist, parameters.get("sort"))
    return smartlist_document(user, smartlist, form.cleaned_data, sort_key, today)


def smartlist_document(user, smartlist, filters, sort_key, today):
    """The report of a valid ``smartlist`` (saved or not) with the cleaned
    ``filters``, for ``user``."""
    kind = TYPES[smartlist.component_type]
    table = rows.table(user, kind, filters, smartlist.columns, sort_key)
    words = rows.describe_filters(filters, kind)
    return Report(
        kind="smartlist",
        title=smartlist.name,
        subject=str(SmartList.ComponentType(smartlist.component_type).label),
        period=_("as of %(day)s") % {"day": date_format(today)},
        generated_at=timezone.now(),
        sections=[
            Section(
                "smartlist",
                smartlist.name,
                table=table,
                empty=_("No components that you may see match this list."),
                description=_("Filters: %(filters)s") % {"filters": "; ".join(words)},
            )
        ],
        layout="table",
        neutralises_text=True,
    )
