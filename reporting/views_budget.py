"""The report "budget follows policy" as a page: per structure element of a
policy domain, its budget articles with the amount of one budget year and
the objectives under it. The same report is made as PDF or Excel by the
report jobs (``reporting.tasks``)."""

from decimal import Decimal

from django.shortcuts import render
from django.utils import timezone

from objectives import access, budget
from objectives.charts import format_number
from reporting import reports
from reporting.reports import NUMBER, STATUS


def _cell(value, kind):
    """A cell as ``reporting/reports/_section.html`` shows it."""
    if kind == STATUS:
        return {"kind": "status", **value} if value else {"kind": "text", "text": ""}
    if value is None or value == "":
        return {"kind": "text", "text": ""}
    if kind == NUMBER or isinstance(value, Decimal | int):
        return {"kind": "number", "text": format_number(value)}
    return {"kind": "text", "text": str(value)}


def _shown(section):
    """The template context of one section, as the report renderers give it."""
    rows = []
    if section.table is not None:
        kinds = [column.kind for column in section.table.columns]
        rows = [
            {
                "depth": row.depth,
                "cells": [_cell(v, k) for v, k in zip(row.cells, kinds, strict=True)],
            }
            for row in section.table.rows
        ]
    facts = [{"label": f.label, **_cell(f.value, f.kind)} for f in section.facts]
    return {
        "section": section,
        "facts": facts,
        "rows": rows,
        "is_empty": not (facts or rows),
    }


def budget_report(request, ovo_number):
    domain = access.get_policy_domain(request.user, ovo_number)
    first, last = budget.year_range()
    year = request.GET.get("year", "")
    if not (year.isdigit() and first <= int(year) <= last):
        year = timezone.localdate().year
    parameters = {"id": domain.ovo_number, "year": int(year)}
    report = reports.budget_report(request.user, parameters, timezone.localdate())
    context = {
        "domain": domain,
        "year": int(year),
        "years": range(first, last + 1),
        "report": report,
        "sections": [_shown(section) for section in report.sections],
    }
    return render(request, "reporting/budget/report.html", context)
