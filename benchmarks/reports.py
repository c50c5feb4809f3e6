"""Time, memory and queries of the largest reports on the full-size demo.

On PostgreSQL seeded at scale 1 (see benchmarks/pages.py)::

    .venv/bin/python benchmarks/reports.py

Measures, as the global administrator: the PDF of the coalition-agreement
lens (budget: 15 s, 50 pages or more) and the Excel export of all projects
(budget: 10 s and 200 MB), with the number of SQL queries of each, and the
same report for a lens a tenth of the size, to show that the queries do not
grow with the size of the report.

With the argument ``smartlists``, measures instead a smartlist of all
projects (code, title, lead organisation, organisations, responsible,
status, dates) exported to Excel and to CSV, with the time, the queries and
the peak memory of each (the peak is the process's, so the Excel export,
made first, is measured alone). The list is built in memory, not saved: the
benchmark database is only read.
"""

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "traject.settings")

import django  # noqa: E402 (settings must be chosen before Django loads)

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from objectives.models import Lens, User  # noqa: E402
from reporting import renderers  # noqa: E402
from reporting.models import SmartList  # noqa: E402
from reporting.reports import build_report  # noqa: E402
from reporting.smartlists.report import smartlist_document  # noqa: E402
from reporting.transfer.exporting import XLSX, export_rows  # noqa: E402
from reporting.transfer.exporting import render as render_export  # noqa: E402

PDF_BUDGET_S = 15
PDF_MIN_PAGES = 50
EXCEL_BUDGET_S = 10
EXCEL_BUDGET_MB = 200


def out(line):
    """The report goes to standard output, a line at a time."""
    sys.stdout.write(f"{line}\n")


def pages_of(pdf):
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        info = subprocess.run(
            ["pdfinfo", file.name], capture_output=True, text=True, check=True
        ).stdout
    return int(
        next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1]
    )


def lens_pdf(user, lens):
    started = time.monotonic()
    with CaptureQueriesContext(connection) as queries:
        report = build_report(
            user, "lens", {"id": str(lens.public_id)}, timezone.localdate()
        )
    pdf = renderers.render(report, "pdf")
    return time.monotonic() - started, len(queries), pages_of(pdf)


SMARTLIST_COLUMNS = [
    "code",
    "title",
    "organisation",
    "organisations",
    "responsible",
    "status",
    "status_period",
    "start_date",
    "end_date",
]


def smartlist_exports(user):
    """A smartlist of all projects in Excel, then in CSV."""
    smartlist = SmartList(
        owner=user,
        name="All projects",
        component_type="project",
        columns=SMARTLIST_COLUMNS,
        sort_column="code",
    )
    for file_format in ("xlsx", "csv"):
        started = time.monotonic()
        with CaptureQueriesContext(connection) as queries:
            report = smartlist_document(
                user, smartlist, {}, "code", timezone.localdate()
            )
        content = renderers.render(report, file_format)
        seconds = time.monotonic() - started
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        out(
            f"Smartlist of {len(report.sections[0].table.rows):,} projects as "
            f"{file_format}: {seconds:.1f} s, {len(content) / 1e6:.1f} MB file, "
            f"{len(queries)} queries, peak memory {peak_mb:.0f} MB"
        )
    return 0


def main():
    if connection.vendor != "postgresql":
        raise SystemExit("Measure on PostgreSQL: set DATABASE_URL.")
    user = User.objects.get(username="centraal")
    if sys.argv[1:] == ["smartlists"]:
        return smartlist_exports(user)
    lenses = Lens.objects.annotate(size=Count("entries")).order_by("-size")
    coalition = lenses.get(kind=Lens.Kind.COALITION_AGREEMENT)
    small = lenses.filter(size__lte=coalition.size // 10, size__gt=0).first()

    # The export first, so that the peak memory is the export's own.
    started = time.monotonic()
    with CaptureQueriesContext(connection) as export_queries:
        dataset = export_rows(user, "projects")
    workbook = render_export(dataset, XLSX)
    excel_seconds = time.monotonic() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out(
        f"Excel export of {len(dataset):,} projects: {excel_seconds:.1f} s, "
        f"{len(workbook) / 1e6:.1f} MB file, {len(export_queries)} queries, "
        f"peak memory {peak_mb:.0f} MB"
    )
    seconds, queries, pages = lens_pdf(user, coalition)
    verdict = (
        "within" if seconds <= PDF_BUDGET_S and pages >= PDF_MIN_PAGES else "OUT OF"
    )
    out(
        f"Coalition agreement PDF ({coalition.size} entries): {seconds:.1f} s, "
        f"{pages} pages, {queries} queries ({verdict} budget)"
    )
    seconds_small, queries_small, pages_small = lens_pdf(user, small)
    out(
        f"Small lens PDF ({small.size} entries): {seconds_small:.1f} s, "
        f"{pages_small} pages, {queries_small} queries"
    )

    ok = (
        seconds <= PDF_BUDGET_S
        and pages >= PDF_MIN_PAGES
        and queries <= queries_small
        and excel_seconds <= EXCEL_BUDGET_S
        and peak_mb <= EXCEL_BUDGET_MB
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
