"""The organisation registry as a source of Traject's organisations.

One adapter reads both serialisations of the registry's organisation
documents: the search results, which leave out nulls, empty strings and
empty arrays (an open validity is ``{}``), and the full export, which keeps
them. A missing field, ``null`` and ``""`` mean the same.

Organisations are matched on their registry id, then on their OVO number, so
that organisations made before the first import (the demo's) are adopted. The
registry never removes an organisation: it gives it an end date, which the
import copies. A full load therefore ends nothing on its own.
"""

import datetime
import logging
import re
import uuid
from collections import Counter
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from objectives import actions
from objectives.models import Organisation
from sources.clients.registry import RegistryClient, read_json_array
from sources.engine import Adapter, Rejected, Rejection, run_import
from sources.models import Source, SourceState, SyncRun

logger = logging.getLogger(__name__)

Kind = Organisation.Kind

OVO_NUMBER = re.compile(r"OVO[0-9]{6}")
KBO_NUMBER = re.compile(r"[0-9]{10}")
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# A tag, a comment or a processing instruction: names are shown as text.
MARKUP = re.compile(r"<[A-Za-z/!?][^>]{0,30}>?")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
NAME_LENGTH = Organisation._meta.get_field("name").max_length
SHORT_NAME_LENGTH = Organisation._meta.get_field("short_name").max_length
ENTITY_FORM = "Entiteitsvorm"

TYPE_NAMES = {
    bool: "true or false",
    int: "a number",
    float: "a number",
    str: "a text",
    list: "a list",
    dict: "an object",
}


@dataclass(frozen=True)
class OrganisationRecord:
    position: int
    registry_id: uuid.UUID
    ovo_number: str
    name: str
    short_name: str
    kbo_number: str
    valid_from: datetime.date | None
    valid_until: datetime.date | None
    # None: no entity form in the document, so an existing kind stays.
    kind: str | None
    parent_registry_id: uuid.UUID | None

    def values(self):
        """The fields the registry decides, for an existing organisation."""
        values = {
            "registry_id": self.registry_id,
            "ovo_number": self.ovo_number,
            "name": self.name,
            "short_name": self.short_name,
            "kbo_number": self.kbo_number,
            "valid_from": self.valid_from,
            "valid_until": self.valid_until,
        }
        if self.kind is not None:
            values["kind"] = self.kind
        return values

    def excerpt(self):
        return (
            f'{{"id": "{self.registry_id}", "ovoNumber": "{self.ovo_number}", '
            f'"parentOrganisationId": "{self.parent_registry_id}"}}'
        )


def kind_of(entity_form):
    """The kind of organisation an entity form ("Entiteitsvorm") names."""
    if entity_form == "Beleidsdomein":
        return Kind.POLICY_DOMAIN
    if entity_form.startswith("Departement"):
        return Kind.DEPARTMENT
    if "agentschap" in entity_form.casefold():
        return Kind.AGENCY
    return Kind.OTHER


class OrganisationAdapter(Adapter):
    source = Source.ORGANISATIONS

    def __init__(self, *, today=None):
        self.today = today or timezone.localdate()
        # Organisation feeds are arrays, never lines: the engine calls
        # ``parse`` once per position, so counting the calls gives the
        # position of a document for rejections found after parsing.
        self._position = 0
        self._ids_by_ovo_number = {}
        self._pending_parents = {}
        self._late_rejections = []

    def identify(self, document):
        if isinstance(document, dict):
            for field in ("ovoNumber", "id"):
                if isinstance(document.get(field), str):
                    return document[field]
        return ""

    def key(self, record):
        return record.registry_id

    def parse(self, document):
        self._position += 1
        if not isinstance(document, dict):
            raise Rejected(f"A document is an object, not {_type_name(document)}.")

        ovo_number = _text(document, "ovoNumber")
        if not ovo_number:
            raise Rejected("The document has no ovoNumber.")
        if not OVO_NUMBER.fullmatch(ovo_number):
            raise Rejected(
                f"ovoNumber {ovo_number[:40]!r} is not OVO followed by six digits."
            )
        registry_id = _guid(document.get("id"), "id")
        if registry_id is None:
            raise Rejected("The document has no id.")

        name = _plain_text(document, "name", NAME_LENGTH)
        if not name:
            raise Rejected("The document has no name.")
        short_name = _plain_text(document, "shortName", SHORT_NAME_LENGTH)
        kbo_number = _text(document, "kboNumber")
        if kbo_number and not KBO_NUMBER.fullmatch(kbo_number):
            raise Rejected(f"kboNumber {kbo_number[:40]!r} is not ten digits.")

        valid_from, valid_until = _period(document.get("validity"), "validity")
        if valid_from and valid_until and valid_until < valid_from:
            raise Rejected(
                f"validity ends on {valid_until} before it starts on {valid_from}."
            )
        kind = self._kind(document)
        parent_registry_id = self._parent(document)
        if parent_registry_id == registry_id:
            raise Rejected("The organisation is its own parent.")

        first_id = self._ids_by_ovo_number.setdefault(ovo_number, registry_id)
        if first_id != registry_id:
            raise Rejected(
                f"{ovo_number} appears twice in this feed, first with id {first_id}."
            )
        return OrganisationRecord(
            position=self._position,
            registry_id=registry_id,
            ovo_number=ovo_number,
            name=name,
            short_name=short_name,
            kbo_number=kbo_number,
            valid_from=valid_from,
            valid_until=valid_until,
            kind=kind,
            parent_registry_id=parent_registry_id,
        )

    def _kind(self, document):
        entries = []
        field = "organisationClassifications"
        for index, item in enumerate(_list(document.get(field), field)):
            where = f"{field}[{index}]"
            item = _object(item, where)
            if item.get("organisationClassificationTypeName") != ENTITY_FORM:
                continue
            form = _text(item, "organisationClassificationName", where)
            period = _period(item.get("validity"), f"{where}.validity")
            entries.append((*period, form))
        if not entries:
            return None
        return kind_of(_current(entries, self.today))

    def _parent(self, document):
        entries = []
        for index, item in enumerate(_list(document.get("parents"), "parents")):
            where = f"parents[{index}]"
            item = _object(item, where)
            parent = _guid(
                item.get("parentOrganisationId"), f"{where}.parentOrganisationId"
            )
            if parent is None:
                raise Rejected(f"{where} names no parentOrganisationId.")
            period = _period(item.get("validity"), f"{where}.validity")
            entries.append((*period, parent))
        return _current(entries, self.today) if entries else None

    def apply(self, records, *, acting_user=None):
        """Create and update a batch of organisations in a fixed number of
        queries: seven, where a batch fits the database's parameter limit."""
        counts = Counter()
        by_id, by_ovo_number = self._existing(records)
        parents = self._parents(records, by_id)

        matches = []
        for record in records:
            organisation = self._match(record, by_id, by_ovo_number)
            if organisation is not False:
                matches.append((record, organisation))
        new = {
            record.registry_id: Organisation(
                **{**record.values(), "kind": record.kind or Kind.OTHER}
            )
            for record, organisation in matches
            if organisation is None
        }

        new_parents = []
        for record, organisation in matches:
            if organisation is None:
                parent = parents.get(record.parent_registry_id)
                if parent is not None:
                    new[record.registry_id].parent = parent
                elif record.parent_registry_id in new:
                    parent = new[record.parent_registry_id]
                    new_parents.append((new[record.registry_id], parent))
                elif record.parent_registry_id is not None:
                    self._defer_parent(record, "created")
        actions.bulk_create_organisations(
            list(new.values()), new_parents=new_parents, acting_user=acting_user
        )
        counts["created"] = len(new)

        changed = []
        for record, organisation in matches:
            if organisation is None:
                continue
            values = record.values()
            parent_id = record.parent_registry_id
            if parent_id is None:
                values["parent"] = None
            elif parent_id in parents or parent_id in new:
                values["parent"] = parents.get(parent_id) or new[parent_id]
            was_open = organisation.valid_until is None
            changes = actions.apply_values(organisation, values)
            outcome = _outcome(changes, was_open, organisation)
            if "parent" not in values:
                self._defer_parent(record, outcome)
            if changes:
                changed.append((organisation, changes))
            counts[outcome] += 1
        actions.bulk_update_with_history(Organisation, changed, acting_user=acting_user)
        return counts

    def _existing(self, records):
        """The organisations the records may be: same registry id or OVO."""
        existing = Organisation.objects.select_related("parent").filter(
            Q(registry_id__in=[record.registry_id for record in records])
            | Q(ovo_number__in=[record.ovo_number for record in records])
        )
        by_id, by_ovo_number = {}, {}
        for organisation in existing:
            if organisation.registry_id is not None:
                by_id[organisation.registry_id] = organisation
            by_ovo_number[organisation.ovo_number] = organisation
        return by_id, by_ovo_number

    def _parents(self, records, by_id):
        """The parents of the records that are already in the database."""
        wanted = {record.parent_registry_id for record in records} - {None}
        parents = {key: by_id[key] for key in wanted if key in by_id}
        parents.update(
            (parent.registry_id, parent)
            for parent in Organisation.objects.filter(
                registry_id__in=wanted - parents.keys()
            )
        )
        return parents

    def _match(self, record, by_id, by_ovo_number):
        """The organisation ``record`` updates, None for a new one, False when
        the OVO number belongs to another organisation (a late rejection)."""
        organisation = by_id.get(record.registry_id)
        holder = by_ovo_number.get(record.ovo_number)
        if organisation is None:
            if holder is None or holder.registry_id is None:
                return holder
            reason = (
                f"{record.ovo_number} belongs to the registry organisation "
                f"{holder.registry_id}, not to {record.registry_id}."
            )
        elif holder is None or holder is organisation:
            return organisation
        else:
            reason = (
                f"{record.ovo_number} already belongs to another organisation "
                f"({holder.name}); {organisation.ovo_number} keeps its number."
            )
        self._reject_late(record, reason)
        return False

    def _defer_parent(self, record, outcome):
        self._pending_parents[record.registry_id] = (record, outcome)

    def _reject_late(self, record, reason):
        self._late_rejections.append(
            Rejection(record.position, record.ovo_number, reason, record.excerpt())
        )

    def finish(self, seen_keys, *, full, acting_user=None):
        """Link the organisations whose parent came later in the feed."""
        counts = Counter()
        if self._pending_parents:
            counts = self._link_pending_parents(acting_user)
        rejections = sorted(self._late_rejections, key=lambda r: r.position)
        return counts, rejections

    def _link_pending_parents(self, acting_user):
        counts = Counter()
        pending = self._pending_parents
        wanted = {record.parent_registry_id for record, _ in pending.values()}
        parents = Organisation.objects.filter(registry_id__in=wanted)
        parents = {parent.registry_id: parent for parent in parents}
        children = Organisation.objects.select_related("parent")
        children = children.filter(registry_id__in=pending.keys())

        changed = []
        for child in children:
            record, outcome = pending[child.registry_id]
            parent = parents.get(record.parent_registry_id)
            if parent is None:
                self._reject_late(
                    record,
                    f"The parent {record.parent_registry_id} is neither in Traject "
                    "nor in this feed; the organisation keeps its parent.",
                )
                continue
            changes = actions.apply_values(child, {"parent": parent})
            if changes:
                changed.append((child, changes))
                if outcome == "unchanged":
                    counts.update({"unchanged": -1, "updated": 1})
        actions.bulk_update_with_history(Organisation, changed, acting_user=acting_user)
        return counts


def _outcome(changes, was_open, organisation):
    if not changes:
        return "unchanged"
    if was_open and organisation.valid_until is not None:
        return "ended"
    return "updated"


def _type_name(value):
    return TYPE_NAMES.get(type(value), type(value).__name__)


def _text(document, field, where=""):
    """A trimmed text field; missing, null and "" all give ""."""
    value = document.get(field)
    if value is None:
        return ""
    if not isinstance(value, str):
        name = f"{where}.{field}" if where else field
        raise Rejected(f"{name} is {_type_name(value)}, not a text.")
    return value.strip()


def _plain_text(document, field, max_length):
    text = _text(document, field)
    if len(text) > max_length:
        raise Rejected(
            f"{field} has {len(text):,} characters; at most {max_length} fit."
        )
    markup = MARKUP.search(text)
    if markup:
        raise Rejected(f"{field} contains markup ({markup.group()}); names are text.")
    if CONTROL_CHARACTERS.search(text):
        raise Rejected(f"{field} contains control characters.")
    return text


def _guid(value, field):
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise Rejected(f"{field} is {_type_name(value)}, not a GUID.")
    try:
        return uuid.UUID(value)
    except ValueError:
        raise Rejected(f"{field} {value[:40]!r} is not a GUID.") from None


def _object(value, field):
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise Rejected(f"{field} is {_type_name(value)}, not an object.")
    return value


def _list(value, field):
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        raise Rejected(f"{field} is {_type_name(value)}, not a list.")
    return value


def _date(value, field):
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not DATE.fullmatch(value):
        shown = repr(value[:40]) if isinstance(value, str) else _type_name(value)
        raise Rejected(f"{field} is {shown}, not a date (yyyy-MM-dd).")
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise Rejected(f"{field} {value!r} is not a day of the calendar.") from None


def _period(value, field):
    period = _object(value, field)
    return _date(period.get("start"), f"{field}.start"), _date(
        period.get("end"), f"{field}.end"
    )


def _current(entries, today):
    """The value of the (start, end, value) entry valid on ``today``, else
    of the most recent one."""

    def recency(entry):
        start, end, _ = entry
        return (start or datetime.date.min, end or datetime.date.max)

    valid = [
        entry
        for entry in entries
        if (entry[0] is None or entry[0] <= today)
        and (entry[1] is None or entry[1] >= today)
    ]
    return max(valid or entries, key=recency)[2]


def run_organisations(run, *, url=None, file=None, acting_user=None, timeout=None):
    """Import the organisations of ``file`` or of the registry at ``url`` for
    ``run``; returns the run.

    From a URL, a full run (or the first run, without a cursor yet) reads the
    registry's full export; an incremental run reads the changes since the
    stored changeId. After a successful run from a URL the highest changeId
    read becomes the cursor of the next incremental run.
    """
    if (url is None) == (file is None):
        raise ValueError("Import the organisations of a URL or of a file.")
    adapter = OrganisationAdapter()
    if file is not None:
        with open(file, encoding="utf-8") as stream:
            return run_import(
                run, adapter, read_json_array(stream), acting_user=acting_user
            )

    state, _ = SourceState.objects.get_or_create(source=Source.ORGANISATIONS)
    since = state.cursor.get("change_id")
    client = RegistryClient(url, **({"timeout": timeout} if timeout else {}))
    if since is None and run.mode != SyncRun.Mode.FULL:
        run.mode = SyncRun.Mode.FULL
        run.save(update_fields=["mode"])
    if run.mode == SyncRun.Mode.FULL:
        documents = client.iter_full()
    else:
        documents = client.iter_changes(since)
    run_import(run, adapter, documents, acting_user=acting_user)

    highest = client.highest_change_id
    full = run.mode == SyncRun.Mode.FULL
    if highest is not None and (full or since is None or highest > since):
        state.cursor = {**state.cursor, "change_id": highest}
        state.save(update_fields=["cursor"])
    logger.info("The organisation registry's cursor is now %s", state.cursor)
    return run
