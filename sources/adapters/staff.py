"""The HR system's staff feed: people and the organisational unit each works
in (see docs/sources.md, "Staff (HR system)").

A person is matched on the personnel number and keeps the account linked to
it. The HR system owns one membership per person, its "HR membership" in the
current unit; memberships granted by hand are left alone, except that they
end when the person leaves.
"""

import datetime
import logging
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.utils import timezone

from objectives import actions
from objectives.models import Membership, Organisation, Person
from sources.adapters import documents
from sources.engine import Adapter, Rejected, run_import
from sources.models import Source
from sources.streaming import HTTP_TIMEOUT_SECONDS, read_json_lines

logger = logging.getLogger(__name__)

HR = Membership.Source.HR


@dataclass(frozen=True)
class StaffRecord:
    personnel_number: str
    first_name: str
    last_name: str
    email: str
    organisation_id: int
    organisation_ovo: str
    function: str
    start_date: datetime.date
    end_date: datetime.date | None


class StaffAdapter(Adapter):
    source = Source.STAFF

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
            number = document.get("personnelNumber")
            return number if isinstance(number, str) else ""
        return ""

    def parse(self, document):
        documents.check_object(document)
        number = document.get("personnelNumber")
        if number is None or number == "":
            raise Rejected("personnelNumber is required.")
        if not isinstance(number, str) or not (
            len(number) == 6 and number.isascii() and number.isdigit()
        ):
            raise Rejected("personnelNumber must be a string of exactly six digits.")
        try:
            organisation_id, ovo_number = documents.organisation(
                document, "organisationOvo", self.organisation_ids
            )
            start_date = documents.date(document, "startDate", required=True)
            end_date = documents.date(document, "endDate")
            documents.ordered(start_date, end_date, "startDate", "endDate")
            return StaffRecord(
                personnel_number=number,
                first_name=documents.text(
                    document, "firstName", max_length=100, required=True, plain=True
                ),
                last_name=documents.text(
                    document, "lastName", max_length=100, required=True, plain=True
                ),
                email=documents.email(document, "email"),
                organisation_id=organisation_id,
                organisation_ovo=ovo_number,
                function=documents.text(
                    document, "function", max_length=200, plain=True
                ),
                start_date=start_date,
                end_date=end_date,
            )
        except Rejected as refusal:
            raise Rejected(refusal.reason, number) from None

    def key(self, record):
        return record.personnel_number

    def apply(self, records, *, acting_user=None):
        people = Person.objects.in_bulk(
            [record.personnel_number for record in records],
            field_name="personnel_number",
        )
        memberships = _memberships_of(people.values())
        plan = _Plan(self.today)
        for record in records:
            person = people.get(record.personnel_number)
            if person is None:
                plan.create(record)
            else:
                plan.update(person, record, memberships[person.pk])
        plan.write(acting_user)
        return plan.counts

    def finish(self, seen_keys, *, full, acting_user=None):
        """A full load deactivates the people with an HR membership whom the
        HR system no longer lists, and ends their memberships today."""
        if not full:
            return Counter(), []
        listed = (
            Person.objects.filter(memberships__source=HR)
            .values_list("personnel_number", flat=True)
            .distinct()
        )
        gone = sorted(set(listed) - set(seen_keys))
        counts = Counter()
        for start in range(0, len(gone), self.batch_size):
            people = Person.objects.in_bulk(
                gone[start : start + self.batch_size], field_name="personnel_number"
            )
            memberships = _memberships_of(people.values())
            plan = _Plan(self.today)
            for person in people.values():
                plan.remove(person, memberships[person.pk])
            plan.write(acting_user)
            counts.update(plan.counts)
        if counts["ended"]:
            logger.info(
                "%s people left the HR feed and were deactivated", counts["ended"]
            )
        return counts, []


def _memberships_of(people):
    """{person id: [membership]} of ``people``, in one query."""
    by_person = defaultdict(list)
    ids = [person.pk for person in people]
    if ids:
        for membership in Membership.objects.filter(person_id__in=ids):
            by_person[membership.person_id].append(membership)
    return by_person


class _Plan:
    """The writes of one batch, collected record by record and written in a
    fixed number of bulk queries; values are compared before anything is
    written, so an unchanged record writes nothing."""

    def __init__(self, today):
        self.today = today
        self.new_people = []
        self.new_memberships = []
        self.changed_people = []
        self.changed_memberships = []
        self.counts = Counter()

    def create(self, record):
        person = Person(
            personnel_number=record.personnel_number, **self._person_values(record)
        )
        self.new_people.append(person)
        self._place(person, record, [])
        self.counts["created"] += 1

    def update(self, person, record, memberships):
        was_active = person.is_active
        changed = self._change_person(person, self._person_values(record))
        changed |= self._place(person, record, memberships)
        if was_active and not person.is_active:
            self.counts["ended"] += 1
        else:
            self.counts["updated" if changed else "unchanged"] += 1

    def remove(self, person, memberships):
        """Deactivate ``person`` and end every membership still open today."""
        changed = self._change_person(person, {"is_active": False})
        for membership in memberships:
            if membership.end_date is None or membership.end_date > self.today:
                changed |= self._change(membership, {"end_date": self.today})
        if changed:
            self.counts["ended"] += 1

    def _person_values(self, record):
        return {
            "first_name": record.first_name,
            "last_name": record.last_name,
            "email": record.email,
            "function": record.function,
            "is_active": not self._has_left(record),
        }

    def _has_left(self, record):
        return record.end_date is not None and record.end_date < self.today

    def _place(self, person, record, memberships):
        """Bring the memberships of ``person`` in line with ``record``;
        returns whether any changed."""
        left = self._has_left(record)
        unit = next(
            (m for m in memberships if m.organisation_id == record.organisation_id),
            None,
        )
        changed = False

        # Another unit's HR membership ends the day before this one starts;
        # a leaver's memberships, granted by hand too, end on the last day.
        moved_on = record.start_date - datetime.timedelta(days=1)
        for membership in memberships:
            if membership is unit:
                continue
            end = membership.end_date
            if membership.source == HR and (end is None or end > moved_on):
                end = max(moved_on, membership.start_date or moved_on)
            if left and (end is None or end > record.end_date):
                end = record.end_date
            changed |= self._change(membership, {"end_date": end})

        dates = {"start_date": record.start_date, "end_date": record.end_date}
        if unit is None:
            self.new_memberships.append(
                Membership(
                    person=person,
                    organisation_id=record.organisation_id,
                    role=Membership.Role.READER,
                    source=HR,
                    **dates,
                )
            )
            return True
        ended = unit.end_date is not None and unit.end_date < self.today
        if ended and not left:
            # One membership per organisation: a person back in a unit gets
            # the old row reopened as a new HR membership.
            values = {"role": Membership.Role.READER, "source": HR, **dates}
            return self._change(unit, values) or changed
        if unit.source == HR:
            return self._change(unit, dates) or changed
        if left and (unit.end_date is None or unit.end_date > record.end_date):
            return self._change(unit, {"end_date": record.end_date}) or changed
        return changed

    def _change_person(self, person, values):
        changes = actions.apply_values(person, values)
        if changes:
            self.changed_people.append((person, changes))
        return bool(changes)

    def _change(self, membership, values):
        changes = actions.apply_values(membership, values)
        if changes:
            self.changed_memberships.append((membership, changes))
        return bool(changes)

    def write(self, acting_user):
        if self.new_people:
            actions.bulk_create_with_history(
                Person, self.new_people, acting_user=acting_user
            )
        if self.new_memberships:
            actions.bulk_create_memberships(
                self.new_memberships, acting_user=acting_user
            )
        actions.bulk_update_with_history(
            Person, self.changed_people, acting_user=acting_user
        )
        if self.changed_memberships:
            actions.bulk_update_memberships(
                self.changed_memberships, acting_user=acting_user
            )


def run_staff(
    run, *, url=None, file=None, acting_user=None, timeout=HTTP_TIMEOUT_SECONDS
):
    """Import the staff feed at ``url`` or in ``file`` for ``run``.

    ``timeout`` bounds each wait for the HTTP server, in seconds.
    """
    feed = read_json_lines(url=url, file=file, timeout=timeout)
    return run_import(run, StaffAdapter(), feed, acting_user=acting_user)
