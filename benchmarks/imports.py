"""Speed and memory of the three importers on feeds of realistic size.

Generates a full registry export of 100,000 organisations, an HR feed of
20,000 people and a process register of 3,000 processes in a temporary
folder, imports them in that order into the database of ``DATABASE_URL``
(use an empty PostgreSQL database), then imports the same feeds again, which
must change nothing::

    createdb -h 127.0.0.1 -U postgres traject_imports
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/traject_imports
    .venv/bin/python manage.py migrate
    .venv/bin/python benchmarks/imports.py

Prints the time of each run, its counts, and the peak memory of the process.
Budget: the first import within 60 s, the rerun within 20 s, 500 MB at most.
"""

import argparse
import datetime
import json
import os
import random
import resource
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "traject.settings")

import django  # noqa: E402 (settings must be chosen before Django loads)

django.setup()

from django.db import connection  # noqa: E402

from sources.models import Source, SyncRun  # noqa: E402
from sources.sync import runner_for  # noqa: E402

FIRST_BUDGET_S = 60
RERUN_BUDGET_S = 20
MEMORY_BUDGET_MB = 500
FORMS = ["Departement", "Intern verzelfstandigd agentschap", "Beleidsdomein", "Andere"]


def out(line):
    """The report goes to standard output, a line at a time."""
    sys.stdout.write(f"{line}\n")


def organisation_document(number, rng, domains):
    ovo = f"OVO{number:06d}"
    form = "Beleidsdomein" if number in domains else rng.choice(FORMS[:2] + FORMS[3:])
    parent = None if number in domains else rng.choice(sorted(domains))
    return {
        "changeId": number,
        "changeTime": "2026-11-01",
        "id": str(uuid.UUID(int=number, version=4)),
        "name": f"Organisatie {number}",
        "ovoNumber": ovo,
        "shortName": f"O{number}",
        "article": None,
        "validity": {"start": "2010-01-01", "end": None},
        "description": "",
        "kboNumber": f"{number:010d}",
        "organisationClassifications": [
            {
                "organisationClassificationTypeName": "Entiteitsvorm",
                "organisationClassificationName": form,
                "validity": {"start": None, "end": None},
            }
        ],
        "parents": []
        if parent is None
        else [
            {
                "parentOrganisationId": str(uuid.UUID(int=parent, version=4)),
                "parentOrganisationName": f"Organisatie {parent}",
                "validity": {"start": "2010-01-01", "end": None},
            }
        ],
        "bankAccounts": [],
    }


def write_feeds(folder, organisations, people, processes, seed=1):
    rng = random.Random(seed)
    first = 200_000
    domains = set(range(first, first + 20))
    numbers = range(first, first + organisations)
    registry = folder / "organisations.json"
    with registry.open("w", encoding="utf-8") as out:
        out.write("[")
        for index, number in enumerate(numbers):
            out.write("," if index else "")
            out.write(json.dumps(organisation_document(number, rng, domains)))
        out.write("]")

    staff = folder / "staff.jsonl"
    with staff.open("w", encoding="utf-8") as out:
        for index in range(people):
            start = datetime.date(2015, 1, 1) + datetime.timedelta(days=index % 3000)
            out.write(
                json.dumps(
                    {
                        "personnelNumber": f"{300000 + index:06d}",
                        "firstName": f"Voornaam{index}",
                        "lastName": f"Familienaam{index}",
                        "email": f"persoon{index}@traject.example",
                        "organisationOvo": f"OVO{rng.choice(numbers):06d}",
                        "function": "Beleidsmedewerker",
                        "startDate": start.isoformat(),
                        "endDate": None,
                    }
                )
                + "\n"
            )

    register = folder / "processes.jsonl"
    with register.open("w", encoding="utf-8") as out:
        for index in range(processes):
            out.write(
                json.dumps(
                    {
                        "code": f"PR-{index:05d}",
                        "name": f"Proces {index}",
                        "description": "Vaste werking.",
                        "ownerOvo": f"OVO{rng.choice(numbers):06d}",
                        "validFrom": "2018-01-01",
                        "validUntil": None,
                    }
                )
                + "\n"
            )
    return {
        Source.ORGANISATIONS: registry,
        Source.STAFF: staff,
        Source.PROCESSES: register,
    }


def import_all(feeds):
    results = []
    for source, path in feeds.items():
        run = SyncRun.objects.create(
            source=source, mode=SyncRun.Mode.FULL, location=str(path)
        )
        started = time.monotonic()
        runner_for(source)(run, file=str(path))
        run.refresh_from_db()
        results.append((source, time.monotonic() - started, run))
    return results


def report(label, results, budget):
    total = sum(seconds for _, seconds, _ in results)
    for source, seconds, run in results:
        out(f"  {source:<14} {seconds:6.1f} s  {run.counts}")
    verdict = "within" if total <= budget else "OVER"
    out(f"{label}: {total:.1f} s ({verdict} the budget of {budget} s)")
    return total <= budget


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organisations", type=int, default=100_000)
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--processes", type=int, default=3_000)
    arguments = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("Measure on PostgreSQL: set DATABASE_URL.")

    with tempfile.TemporaryDirectory() as folder:
        feeds = write_feeds(
            Path(folder), arguments.organisations, arguments.people, arguments.processes
        )
        first = report("First import", import_all(feeds), FIRST_BUDGET_S)
        rerun = report("Rerun without changes", import_all(feeds), RERUN_BUDGET_S)

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out(f"Peak memory: {peak_mb:.0f} MB (budget {MEMORY_BUDGET_MB} MB)")
    return 0 if first and rerun and peak_mb <= MEMORY_BUDGET_MB else 1


if __name__ == "__main__":
    sys.exit(main())
