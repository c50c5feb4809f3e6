"""Server time of the main pages on a full-size demo database.

Run against PostgreSQL seeded at scale 1::

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/traject_bench
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py seed_demo --scale 1
    .venv/bin/python benchmarks/pages.py --runs 15

Each page is requested in-process through Django's test client, as the
demo reader of the Departement MOW (the largest cascade a reader meets) and
once more as the global administrator; the figure is the time from request to
rendered response, without network. Prints the median, the 95th percentile
and the number of SQL queries per page.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "traject.settings")

import django  # noqa: E402 (settings must be chosen before Django loads)

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_test_environment,
)
from django.urls import reverse  # noqa: E402

from objectives.models import Lens, Project, User  # noqa: E402

BUDGET_MS = 300


def out(line):
    """The report goes to standard output, a line at a time."""
    sys.stdout.write(f"{line}\n")


def pages():
    """(label, path) of the pages to measure."""
    largest_plan = (
        Lens.objects.filter(kind=Lens.Kind.TRANSVERSAL_PLAN)
        .annotate(size=Count("entries"))
        .order_by("-size", "name")
        .first()
    )
    project = (
        Project.objects.filter(lead_organisation__ovo_number="OVO000096")
        .order_by("code")
        .first()
    )
    return [
        (
            "entity overview",
            reverse("objectives:organisation_detail", args=["OVO000096"]),
        ),
        (
            "transversal lens",
            reverse("objectives:lens_detail", args=[largest_plan.public_id]),
        ),
        ("project page", project.get_absolute_url()),
        ("search", reverse("objectives:search") + "?q=verkeer"),
        ("home", reverse("objectives:home")),
    ]


def measure(client, path, runs):
    client.get(path)  # warm caches and connections
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    return timings, len(queries)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--users", nargs="+", default=["lezer.dmow", "centraal"])
    arguments = parser.parse_args()

    if connection.vendor != "postgresql":
        raise SystemExit("Measure on PostgreSQL: set DATABASE_URL.")
    setup_test_environment()
    failures = 0
    out(f"{'page':<18} {'user':<12} {'median':>8} {'p95':>8} {'queries':>8}")
    for username in arguments.users:
        client = Client()
        client.force_login(User.objects.get(username=username))
        for label, path in pages():
            timings, queries = measure(client, path, arguments.runs)
            median = statistics.median(timings)
            p95 = statistics.quantiles(timings, n=20)[-1]
            failures += median > BUDGET_MS
            row = f"{label:<18} {username:<12} {median:>6.1f}ms {p95:>6.1f}ms"
            out(f"{row} {queries:>8}")
    out(f"Budget {BUDGET_MS} ms median per page: {failures} over.")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
