"""The import engine: one loop for every authentic source.

An adapter per source knows the documents of that source: how to read one
into a record (or reject it with a reason) and how to apply a batch of records
through the actions of ``objectives``. The engine reads documents one at a
time, applies them in batches inside one transaction, and records the run:
either the whole run applies (with its rejected documents listed) or, when
the run itself fails, nothing does.
"""

import json
import logging
import time
from collections import Counter
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from sources.models import RejectedDocument, SyncRun

logger = logging.getLogger(__name__)

BATCH_SIZE = 1000
EXCERPT_CHARACTERS = 500
OUTCOMES = ("created", "updated", "ended", "unchanged")


class Rejected(Exception):
    """One document cannot be applied; the others go on."""

    def __init__(self, reason, identifier=""):
        super().__init__(reason)
        self.reason = reason
        self.identifier = identifier


@dataclass
class Rejection:
    position: int
    identifier: str
    reason: str
    excerpt: str


class Adapter:
    """What the engine asks of each source. Subclasses implement ``parse``
    and ``apply``; ``finish`` ends what a full load no longer lists."""

    source = ""
    batch_size = BATCH_SIZE

    def identify(self, document):
        """A readable identifier of a raw document, for the rejection list."""
        return ""

    def parse(self, document):
        """The record of ``document``, or ``Rejected`` with the reason."""
        raise NotImplementedError

    def key(self, record):
        """The identity of a record: two documents with one key are refused."""
        raise NotImplementedError

    def apply(self, records, *, acting_user=None):
        """Apply a batch; returns a Counter of outcomes (see OUTCOMES) and
        may raise ``Rejected`` only through ``rejections``."""
        raise NotImplementedError

    def finish(self, seen_keys, *, full, acting_user=None):
        """After the last batch: ends what a full load did not list, resolves
        what needed the whole feed. Returns (Counter, [Rejection])."""
        return Counter(), []


def excerpt(document):
    try:
        text = json.dumps(document, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        text = repr(document)
    if len(text) > EXCERPT_CHARACTERS:
        return f"{text[:EXCERPT_CHARACTERS]}… ({len(text):,} characters)"
    return text


def _read(adapter, documents, counts, rejections, seen):
    """Parse the documents one by one and yield batches of records."""
    batch = []
    for position, document in enumerate(documents, start=1):
        counts["read"] += 1
        try:
            if isinstance(document, Exception):
                raise Rejected(f"Not a JSON document: {document}")
            record = adapter.parse(document)
            key = adapter.key(record)
            if key in seen:
                raise Rejected(f"{key} appears twice in this feed.", key)
        except Rejected as refusal:
            identifier = refusal.identifier or adapter.identify(document)
            rejections.append(
                Rejection(
                    position, str(identifier)[:100], refusal.reason, excerpt(document)
                )
            )
            continue
        seen.add(key)
        batch.append(record)
        if len(batch) >= adapter.batch_size:
            yield batch
            batch = []
    if batch:
        yield batch


def _import(adapter, documents, *, full, acting_user):
    counts, rejections, seen = Counter(), [], set()
    for batch in _read(adapter, documents, counts, rejections, seen):
        counts.update(adapter.apply(batch, acting_user=acting_user))
    finished, late_rejections = adapter.finish(seen, full=full, acting_user=acting_user)
    counts.update(finished)
    rejections.extend(late_rejections)
    return counts, rejections


def run_import(run, adapter, documents, *, acting_user=None):
    """Apply ``documents`` for ``run``; returns the run, saved.

    ``documents`` is any iterable; a ``FeedError`` or any other exception
    from it or from the adapter fails the run and leaves the database as it
    was, apart from the run's own record.
    """
    started = time.monotonic()
    run.status = SyncRun.Status.RUNNING
    run.started_at = timezone.now()
    run.save(update_fields=["status", "started_at"])

    full = run.mode == SyncRun.Mode.FULL
    try:
        with transaction.atomic():
            counts, rejections = _import(
                adapter, documents, full=full, acting_user=acting_user
            )
            _record(run, counts, rejections)
    except Exception as error:
        logger.exception("Import run %s of %s failed", run.public_id, run.source)
        run.status = SyncRun.Status.FAILED
        run.error = f"{type(error).__name__}: {error}"[:2000]
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        raise

    logger.info(
        "Import run %s of %s: %s in %.1f s",
        run.public_id,
        run.source,
        run.counts,
        time.monotonic() - started,
    )
    return run


def _record(run, counts, rejections):
    for name in ("read", *OUTCOMES):
        setattr(run, name, counts[name])
    run.rejected = len(rejections)
    run.status = SyncRun.Status.SUCCEEDED
    run.finished_at = timezone.now()
    run.save()
    RejectedDocument.objects.bulk_create(
        [
            RejectedDocument(
                run=run,
                position=rejection.position,
                identifier=rejection.identifier,
                reason=rejection.reason,
                excerpt=rejection.excerpt,
            )
            for rejection in rejections
        ],
        batch_size=BATCH_SIZE,
    )
