"""A small source for the tests of the engine, the runs and the tasks.

Its feed is a file of JSON lines, one organisation per line::

    {"ovo": "OVO900001", "name": "Agency One"}

A document may also ask the adapter to ``sleep`` that many seconds (a slow
feed), to ``fail`` with a message (the run itself fails there), or to stop
as a killed worker would (``halt_once``: the path of a marker file, removed
when it stops, so that the rerun goes through).
"""

import json
import re
import time
import uuid
from collections import Counter
from pathlib import Path

from django.utils import timezone

from objectives.actions import (
    apply_values,
    bulk_create_with_history,
    bulk_update_with_history,
)
from objectives.models import Organisation
from sources.engine import Adapter, Rejected, run_import
from sources.streaming import iter_json_lines

RUNNER = "tests.sources.sample_source.run_sample"
FLAKY_RUNNER = "tests.sources.sample_source.run_flaky"
SAMPLE_RUNNERS = {
    "organisations": RUNNER,
    "staff": RUNNER,
    "processes": RUNNER,
}
OVO_NUMBER = re.compile(r"^OVO\d{6}$")
NAMESPACE = uuid.UUID("6f1c1d3e-5b1a-4c55-9f7e-1d0cfa0e2b11")


class SimulatedWorkerLoss(BaseException):
    """What a killed worker looks like from inside: nothing after it runs,
    not even the engine's handler of failed runs."""


class SampleUnavailable(Exception):
    """The sample source cannot be reached for now."""


class SampleAdapter(Adapter):
    source = "organisations"
    # Small batches, so that a failing run has already written some.
    batch_size = 2

    def identify(self, document):
        return document.get("ovo", "") if isinstance(document, dict) else ""

    def parse(self, document):
        time.sleep(document.get("sleep", 0))
        marker = document.get("halt_once")
        if marker and Path(marker).exists():
            Path(marker).unlink()
            raise SimulatedWorkerLoss(document["ovo"])
        if "fail" in document:
            raise RuntimeError(document["fail"])

        ovo = document.get("ovo", "")
        if not OVO_NUMBER.match(ovo):
            raise Rejected(f"{ovo!r} is not an OVO number.", ovo)
        if not document.get("name"):
            raise Rejected("The document has no name.", ovo)
        return {"ovo_number": ovo, "name": document["name"]}

    def key(self, record):
        return record["ovo_number"]

    def apply(self, records, *, acting_user=None):
        existing = Organisation.objects.in_bulk(
            [record["ovo_number"] for record in records], field_name="ovo_number"
        )
        new, changed, counts = [], [], Counter()
        for record in records:
            organisation = existing.get(record["ovo_number"])
            if organisation is None:
                new.append(
                    Organisation(
                        registry_id=uuid.uuid5(NAMESPACE, record["ovo_number"]),
                        **record,
                    )
                )
                continue
            changes = apply_values(organisation, {"name": record["name"]})
            if changes:
                changed.append((organisation, changes))
            else:
                counts["unchanged"] += 1

        bulk_create_with_history(Organisation, new, acting_user=acting_user)
        bulk_update_with_history(Organisation, changed, acting_user=acting_user)
        counts["created"] += len(new)
        counts["updated"] += len(changed)
        return counts

    def finish(self, seen_keys, *, full, acting_user=None):
        if not full:
            return Counter(), []
        today = timezone.localdate()
        gone = Organisation.objects.filter(
            registry_id__isnull=False, valid_until__isnull=True
        ).exclude(ovo_number__in=seen_keys)
        ended = [(o, apply_values(o, {"valid_until": today})) for o in gone]
        bulk_update_with_history(Organisation, ended, acting_user=acting_user)
        return Counter(ended=len(ended)), []


def run_sample(run, *, url=None, file=None, acting_user=None):
    """The entry point, as each real source has one."""
    if url:
        raise SampleUnavailable(f"The sample source reads files, not {url}.")
    with open(file, encoding="utf-8") as stream:
        return run_import(
            run, SampleAdapter(), iter_json_lines(stream), acting_user=acting_user
        )


class Flakiness:
    failures_left = 0


def run_flaky(run, *, url=None, file=None, acting_user=None):
    """Unavailable ``Flakiness.failures_left`` times, then the sample."""
    if Flakiness.failures_left:
        Flakiness.failures_left -= 1
        raise SampleUnavailable("The sample source is down for maintenance.")
    return run_sample(run, url=url, file=file, acting_user=acting_user)


def write_feed(path, documents):
    Path(path).write_text(
        "".join(json.dumps(document) + "\n" for document in documents),
        encoding="utf-8",
    )
    return str(path)


def agencies(first, count, **extra):
    return [
        {"ovo": f"OVO{number:06d}", "name": f"Agency {number}", **extra}
        for number in range(first, first + count)
    ]
