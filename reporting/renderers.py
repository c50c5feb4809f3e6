"""Render a ``reports.Report`` as HTML, PDF, Excel or CSV.

They share the report's data: HTML and PDF through the same Django
templates (the PDF adds a cover page, a table of contents, page numbers and
a running header; a report in the "table" layout, a smartlist, is one
landscape table instead), Excel through openpyxl with a sheet per section,
CSV as the first table. Each renderer calls ``progress(share)`` (0.0 to
1.0) as it goes.

A PDF is made by WeasyPrint from our own HTML, but a title or an
explanation typed by a user ends up in it: the URL fetcher given to
WeasyPrint serves only the application's static files, from disk, and
refuses every other address, so a report never reaches the network.
"""

import csv
import datetime
import io
import logging
import mimetypes
import re
from decimal import Decimal
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from objectives.charts import format_number
from objectives.status import colour_label
from reporting.reports import BOOLEAN, STATUS
from reporting.transfer.cells import neutralise

logger = logging.getLogger(__name__)

# The address the PDF's HTML is rendered at: ``.invalid`` never resolves,
# and the fetcher below answers only for the static files under it.
PDF_BASE_URL = "https://report.traject.invalid/"
# Where a PDF report's charts are, as images served by the fetcher below.
CHART_PREFIX = PDF_BASE_URL + "charts/"
SVG_TYPE = "image/svg+xml"
PRINT_STYLESHEET = "css/report-print.css"

CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
# Long tables report their progress every so many rows.
PROGRESS_ROWS = 500


def _ignore(share):
    return None


def render(report, file_format, progress=_ignore):
    """The bytes of ``report`` in ``file_format`` (html, pdf or xlsx)."""
    return RENDERERS[file_format](report, progress)


# HTML and PDF --------------------------------------------------------------


class StaticFilesFetcher(URLFetcher):
    """Serves WeasyPrint the static files of the application and the charts
    of the report being rendered, and nothing else: no other host, no
    ``file:`` or ``data:`` address, no path outside the static directories
    (the staticfiles finders resolve the path).

    ``charts`` maps the addresses the document gives its charts to their SVG
    text. A chart drawn as an image keeps its elements out of the HTML
    parser and the style cascade, which most of a large report's rendering
    time went to.
    """

    def __init__(self, charts=None):
        super().__init__(allowed_protocols=(), allow_redirects=False)
        self.charts = charts or {}

    def fetch(self, url, headers=None):
        if url in self.charts:
            return _response(url, self.charts[url].encode("utf-8"), SVG_TYPE)
        path = self.static_path(url)
        found = finders.find(path) if path else None
        if not found:
            logger.warning("A report refused to fetch %s", url[:200])
            raise ValueError(f"Reports fetch only static files, not {url[:200]}")
        with open(found, "rb") as opened:
            body = opened.read()
        content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
        return _response(url, body, content_type)

    @staticmethod
    def static_path(url):
        """The static file ``url`` names, or None for any other address."""
        prefix = PDF_BASE_URL + settings.STATIC_URL.lstrip("/")
        parts = urlsplit(url)
        if not url.startswith(prefix) or parts.query or parts.fragment:
            return None
        path = unquote(url[len(prefix) :])
        if not path or path.startswith("/") or ".." in path.split("/"):
            return None
        return path


def _response(url, body, content_type):
    return URLFetcherResponse(url, body, {"Content-Type": content_type})


def _cell(value, kind):
    """A table cell or fact as the templates show it."""
    if kind == STATUS:
        if value is None:
            return {"kind": "text", "text": ""}
        return {"kind": "status", **value}
    if value is None or value == "":
        return {"kind": "text", "text": ""}
    if kind == BOOLEAN:
        return {"kind": "text", "text": _("yes") if value else ""}
    if isinstance(value, datetime.date):
        return {"kind": "date", "text": date_format(value, "SHORT_DATE_FORMAT")}
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return {"kind": "number", "text": format_number(value)}
    return {"kind": "text", "text": str(value)}


def _section_context(section, charts=None):
    """What the section template shows. For a PDF, ``charts`` collects each
    chart's SVG under the address its image gives."""
    images = []
    if charts is not None:
        for chart in section.charts:
            url = f"{CHART_PREFIX}{len(charts) + 1}.svg"
            charts[url] = str(chart.svg)
            images.append({"url": url, "title": chart.title})
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
    return {
        "section": section,
        "facts": [
            {"label": fact.label, **_cell(fact.value, fact.kind)}
            for fact in section.facts
        ],
        "rows": rows,
        "chart_images": images,
        "is_empty": not (section.facts or rows or section.charts),
    }


def _document(report, medium, progress, *, until, charts=None):
    """The report as one HTML document for ``medium`` (html or pdf); the
    sections report progress up to ``until``. A PDF's charts are images
    whose SVG goes into ``charts``."""
    sections = []
    for index, section in enumerate(report.sections, start=1):
        sections.append(
            render_to_string(
                "reporting/reports/_section.html",
                {**_section_context(section, charts), "medium": medium},
            )
        )
        progress(until * index / len(report.sections))
    context = {
        "report": report,
        "medium": medium,
        # Each section was rendered by the template above, which escapes.
        "sections": mark_safe("".join(sections)),
        "generated_at": timezone.localtime(report.generated_at),
    }
    if medium == "pdf":
        context["stylesheet_url"] = (
            PDF_BASE_URL + settings.STATIC_URL.lstrip("/") + PRINT_STYLESHEET
        )
    else:
        with open(finders.find(PRINT_STYLESHEET), encoding="utf-8") as stylesheet:
            context["stylesheet"] = mark_safe(stylesheet.read())
    template = {
        "document": "reporting/reports/document.html",
        "table": "reporting/reports/document_table.html",
    }[report.layout]
    return render_to_string(template, context)


def render_html(report, progress=_ignore):
    """A standalone HTML file: the print stylesheet is inlined."""
    document = _document(report, "html", progress, until=1.0)
    return document.encode("utf-8")


def render_pdf(report, progress=_ignore):
    """An A4 PDF with a cover page, a table of contents, page numbers and
    the report's entity and period in the running header."""
    charts = {}
    document = _document(report, "pdf", progress, until=0.4, charts=charts)
    pdf = HTML(
        string=document,
        base_url=PDF_BASE_URL,
        url_fetcher=StaticFilesFetcher(charts),
    ).write_pdf()
    progress(1.0)
    return pdf


# Excel ---------------------------------------------------------------------

SHEET_TITLE_LENGTH = 31
FORBIDDEN_IN_SHEET_TITLES = re.compile(r"[\[\]:*?/\\]")
DATE_FORMAT = "yyyy-mm-dd"


def _sheet_title(heading, taken):
    """An Excel sheet name: at most 31 characters, none of []:*?/\\, unique."""
    base = FORBIDDEN_IN_SHEET_TITLES.sub(" ", str(heading)).strip() or "Sheet"
    title = base[:SHEET_TITLE_LENGTH]
    number = 2
    while title.casefold() in taken:
        suffix = f" ({number})"
        title = base[: SHEET_TITLE_LENGTH - len(suffix)] + suffix
        number += 1
    taken.add(title.casefold())
    return title


def _excel_value(value, kind, neutralises=False):
    if kind == STATUS:
        return str(colour_label(value["colour"])) if value and value["colour"] else ""
    if kind == BOOLEAN:
        return bool(value)
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, datetime.date | Decimal | int | float):
        return value
    return neutralise(str(value)) if neutralises else str(value)


def _excel_cell(sheet, value, kind):
    cell = WriteOnlyCell(sheet, value=_excel_value(value, kind))
    if isinstance(cell.value, str):
        # Text stays text: a title that starts with "=" is no formula.
        cell.data_type = "s"
    elif isinstance(cell.value, datetime.date):
        cell.number_format = DATE_FORMAT
    return cell


def _write_sheet(sheet, columns, rows, *, neutralises=False, progress=_ignore):
    """A table with a frozen, filterable header row; ``progress`` hears of
    the share of ``rows`` written every ``PROGRESS_ROWS`` rows."""
    sheet.freeze_panes = "A2"
    for index, (_label, _kind, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    header = []
    for label, _kind, _width in columns:
        cell = WriteOnlyCell(sheet, value=str(label))
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="top")
        cell.data_type = "s"
        header.append(cell)
    sheet.append(header)
    count = 0
    kinds = [kind for _label, kind, _width in columns]
    for row in rows:
        if neutralises:
            # Plain values are quicker for long tables: text that could read
            # as a formula is quoted, and openpyxl formats dates as dates.
            cells = [_excel_value(v, k, True) for v, k in zip(row, kinds, strict=True)]
        else:
            cells = [_excel_cell(sheet, v, k) for v, k in zip(row, kinds, strict=True)]
        sheet.append(cells)
        count += 1
        if count % PROGRESS_ROWS == 0:
            progress(count / len(rows))
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"


def render_xlsx(report, progress=_ignore):
    """A workbook with a sheet per section: facts as two columns, tables as
    they are, with typed cells (dates as dates, numbers as numbers)."""
    workbook = Workbook(write_only=True)
    workbook.properties.title = report.title
    workbook.properties.creator = "Traject"
    taken = set()
    count = len(report.sections)
    for index, section in enumerate(report.sections, start=1):
        sheet = workbook.create_sheet(_sheet_title(section.heading, taken))
        if section.table is not None:
            columns = [(c.label, c.kind, c.width) for c in section.table.columns]
            rows = [row.cells for row in section.table.rows]
        else:
            columns = [(_("Field"), "text", 30), (_("Value"), "any", 60)]
            rows = [[fact.label, _excel_fact(fact)] for fact in section.facts]
        _write_sheet(
            sheet,
            columns,
            rows,
            neutralises=report.neutralises_text,
            progress=lambda share, i=index: progress(0.9 * (i - 1 + share) / count),
        )
        progress(0.9 * index / count)
    output = io.BytesIO()
    workbook.save(output)
    progress(1.0)
    return output.getvalue()


def _excel_fact(fact):
    return _excel_value(fact.value, fact.kind)


# CSV -----------------------------------------------------------------------

# Excel set to Dutch (Belgium) reads a CSV file by the list separator of the
# region, a semicolon, and takes a comma as the decimal separator; the byte
# order mark makes it read UTF-8 rather than the ANSI code page.
CSV_DELIMITER = ";"
CSV_DECIMAL_SEPARATOR = ","


def _csv_value(value, kind):
    if kind == STATUS:
        return str(colour_label(value["colour"])) if value and value["colour"] else ""
    if kind == BOOLEAN:
        return _("yes") if value else _("no")
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        # ISO dates are read as dates whatever the regional settings.
        return value.isoformat()
    if isinstance(value, Decimal | float) or (
        isinstance(value, int) and not isinstance(value, bool)
    ):
        text = format(Decimal(value).normalize(), "f")
        return text.replace(".", CSV_DECIMAL_SEPARATOR)
    return neutralise(str(value))


def render_csv(report, progress=_ignore):
    """The first table of ``report`` as CSV: UTF-8 with a byte order mark,
    separated by semicolons, a header row, text neutralised against
    formulas, dates as yyyy-mm-dd and decimal commas."""
    table = next(s.table for s in report.sections if s.table is not None)
    output = io.StringIO()
    writer = csv.writer(output, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writerow([neutralise(str(column.label)) for column in table.columns])
    kinds = [column.kind for column in table.columns]
    for count, row in enumerate(table.rows, start=1):
        writer.writerow(
            [_csv_value(v, k) for v, k in zip(row.cells, kinds, strict=True)]
        )
        if count % PROGRESS_ROWS == 0:
            progress(0.9 * count / len(table.rows))
    content = ("\ufeff" + output.getvalue()).encode("utf-8")
    progress(1.0)
    return content


RENDERERS = {
    "html": render_html,
    "pdf": render_pdf,
    "xlsx": render_xlsx,
    "csv": render_csv,
}
