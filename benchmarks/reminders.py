"""Time of computing the reminders for all users on a full-size demo database.

Run against PostgreSQL seeded at scale 1::

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/traject_bench
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py seed_demo --scale 1
    .venv/bin/python benchmarks/reminders.py --runs 3

Measures, on the day given (default today): who owes which report for every
user at once (``cycle.owed_by_everyone``), which reminders that day calls
for (``reminders.due_reminders``), and a whole run of the reminder task that
records and mails the digests to Django's in-memory mail box, in a
transaction rolled back afterwards so that the database is left as it was.
The budget is 10 s for computing the reminders.
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "traject.settings")

import django  # noqa: E402 (settings must be chosen before Django loads)

django.setup()

from django.core import mail  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_test_environment,
)
from django.utils import timezone  # noqa: E402

from objectives import cycle, reminders  # noqa: E402

BUDGET_SECONDS = 10


class RolledBack(Exception):
    """Leaves the benchmark's writes out of the database."""


def out(line):
    """The report goes to standard output, a line at a time."""
    sys.stdout.write(f"{line}\n")


def timed(function, runs):
    timings = []
    result = None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        timings.append(time.perf_counter() - started)
    with CaptureQueriesContext(connection) as queries:
        function()
    return statistics.median(timings), len(queries), result


def full_run(day):
    """A whole run of the task, rolled back; returns (people, reminders)."""
    mail.outbox = []
    try:
        with transaction.atomic():
            result = reminders.send_due_reminders(day)
            raise RolledBack
    except RolledBack:
        pass
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--day", type=datetime.date.fromisoformat)
    arguments = parser.parse_args()

    if connection.vendor != "postgresql":
        raise SystemExit("Measure on PostgreSQL: set DATABASE_URL.")
    # The in-memory mail box instead of the configured backend.
    setup_test_environment()
    day = arguments.day or timezone.localdate()

    seconds, queries, owed = timed(lambda: cycle.owed_by_everyone(day), arguments.runs)
    items = sum(len(found) for found in owed.values())
    out(f"Day {day}: {items} owed reports for {len(owed)} users.")
    out(f"{'step':<26} {'median':>9} {'queries':>8}")
    out(f"{'who owes what':<26} {seconds:>8.2f}s {queries:>8}")

    seconds, queries, due = timed(lambda: reminders.due_reminders(day), arguments.runs)
    count = sum(len(entries) for entries in due.values())
    out(f"{'reminders due':<26} {seconds:>8.2f}s {queries:>8}")
    computing = seconds

    seconds, queries, (people, sent) = timed(lambda: full_run(day), 1)
    out(f"{'send (rolled back)':<26} {seconds:>8.2f}s {queries:>8}")
    out(
        f"{count} reminders due for {len(due)} users; a run mails {people} "
        f"digests with {sent} reminders ({len(mail.outbox)} messages)."
    )
    out(f"Budget {BUDGET_SECONDS} s for computing the reminders: {computing:.2f} s.")
    return 1 if computing > BUDGET_SECONDS else 0


if __name__ == "__main__":
    sys.exit(main())
