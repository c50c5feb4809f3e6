"""The process register's feed: the recurring work of each organisation (see
docs/sources.md, "Process register").

A process is matched on its owner and its code. The register owns the code,
name, description and validity; the responsible person, the organisations
added by hand and the links to objectives belong to the users and are never
touched. A process the register no longer lists is ended, not deleted.
"""

import datetime
import logging
from collections import Counter
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from objectives import actions
from objectives.models import Organisation, Process
from sources.adapters import documents
from sources.engine import Adapter, Rejected, run_import
from sources.models import Source
from sources.streaming import HTTP_TIMEOUT_SECONDS, read_json_lines

logger = logging.getLogger(__name__)

DESCRIPTION_MAX_CHARACTERS = 10_000


@dataclass(frozen=True)
class ProcessRecord:
    code: str
    title: str
    description: str
    owner_id: int
    owner_ovo: str
    valid_from: datetime.date | None
    valid_until: datetime.date | None

    @property
    def values(self):
        return {
            "title": self.title,
            "description": self.description,
            "valid_from": self.valid_from,
            "valid_until": self.valid_until,
            "is_imported": True,
        }


def process_key(owner_ovo, code):
    return f"{code} ({owner_ovo})"


class ProcessAdapter(Adapter):
    source = Source.PROCESSES

    def __init__(self, *, today=None):
        self.today = today or timezone.localdate()
        self._organisation_ids = None

    @property
    def organisation_ids(self):
        """{OVO number: id} of every organisation, read once per run."""
        if self._organisation_ids is None:
            self._organisation_ids = dict(
                Organisation.objects.values_list("ovo_number", "pk")
            )
        return self._organisation_ids

    def identify(self, document):
        if isinstance(document, dict):
            code, owner = document.get("code"), document.get("ownerOvo")
            if isinstance(code, str) and isinstance(owner, str):
                return process_key(owner, code)
            return code if isinstance(code, str) else ""
        return ""

    def parse(self, document):
        documents.check_object(document)
        code = documents.text(document, "code", max_length=40, required=True)
        if documents.CONTROL_CHARACTERS.search(code):
            raise Rejected("code contains control characters.")
        owner_id, owner_ovo = documents.organisation(
            document, "ownerOvo", self.organisation_ids
        )
        title = documents.text(
            document, "name", max_length=300, required=True, plain=True
        )
        if len(title) < 2:
            raise Rejected("name is shorter than 2 characters.")
        valid_from = documents.date(document, "validFrom")
        valid_until = documents.date(document, "validUntil")
        documents.ordered(valid_from, valid_until, "validFrom", "validUntil")
        return ProcessRecord(
            code=code,
            title=title,
            description=documents.text(
                document, "description", max_length=DESCRIPTION_MAX_CHARACTERS
            ),
            owner_id=owner_id,
            owner_ovo=owner_ovo,
            valid_from=valid_from,
            valid_until=valid_until,
        )

    def key(self, record):
        return process_key(record.owner_ovo, record.code)

    def apply(self, records, *, acting_user=None):
        existing = {
            (process.lead_organisation_id, process.code): process
            for process in Process.objects.filter(
                lead_organisation_id__in={record.owner_id for record in records},
                code__in={record.code for record in records},
            )
        }
        counts, new, changed = Counter(), [], []
        for record in records:
            process = existing.get((record.owner_id, record.code))
            if process is None:
                new.append(
                    Process(
                        code=record.code,
                        lead_organisation_id=record.owner_id,
                        **record.values,
                    )
                )
                counts["created"] += 1
                continue
            changes = actions.apply_values(process, record.values)
            if changes:
                changed.append((process, changes))
            counts["updated" if changes else "unchanged"] += 1

        if new:
            actions.bulk_create_imported_processes(new, acting_user=acting_user)
        actions.bulk_update_with_history(Process, changed, acting_user=acting_user)
        return counts

    def finish(self, seen_keys, *, full, acting_user=None):
        """A full load ends (valid until today) the imported processes the
        register no longer lists; their links stay."""
        if not full:
            return Counter(), []
        still_valid = Process.objects.filter(
            Q(valid_until__isnull=True) | Q(valid_until__gt=self.today),
            is_imported=True,
        ).select_related("lead_organisation")
        ended = []
        for process in still_valid.iterator(chunk_size=self.batch_size):
            key = process_key(process.lead_organisation.ovo_number, process.code)
            if key not in seen_keys:
                changes = actions.apply_values(process, {"valid_until": self.today})
                ended.append((process, changes))
        for start in range(0, len(ended), self.batch_size):
            actions.bulk_update_with_history(
                Process,
                ended[start : start + self.batch_size],
                acting_user=acting_user,
            )
        if ended:
            logger.info("%s processes left the process register", len(ended))
        return Counter(ended=len(ended)), []


def run_processes(
    run, *, url=None, file=None, acting_user=None, timeout=HTTP_TIMEOUT_SECONDS
):
    """Import the process register's feed at ``url`` or in ``file`` for ``run``.

    ``timeout`` bounds each wait for the HTTP server, in seconds.
    """
    feed = read_json_lines(url=url, file=file, timeout=timeout)
    return run_import(run, ProcessAdapter(), feed, acting_user=acting_user)
