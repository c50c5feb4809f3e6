"""The reporting cycle: which report is owed, by whom, and by when.

Each component reports at its own frequency. The report for a period is due
some days after the period ends, later for each level so that a level can use
the reports of the one below (``settings.REPORT_DUE_DAYS``): milestones,
projects, processes and indicators first, then operational objectives and
programmes, then strategic objectives. A lens with a reporting calendar asks
the components in it for reports on its calendar too; the earliest deadline
wins.

The current round of a component is the latest *ended* period of each
calendar that applies to it. It is delivered when a status report (for an
indicator: a measurement) exists whose period ends on or after the end of
that period: a report written ahead counts. One report for the period that
contains the latest of those ends settles every calendar at once.

Who owes a report is who is named on the component, the same people who hold
its change grants: the responsible person, the members of a project, the
assignee of a milestone (the project's responsible person when the milestone
has no assignee). A component without any of those is owed by the
contributors and administrators of its lead organisation, which only the
completion overview shows.
"""

import datetime
import functools
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Exists, Max, OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from objectives import access
from objectives.models import (
    Indicator,
    LateReminderRound,
    LensEntry,
    Measurement,
    Milestone,
    Objective,
    Person,
    Process,
    Programme,
    Project,
    ReportingCalendar,
    ReportingFrequency,
    StatusReport,
    Tier,
)
from objectives.periods import Period

# The kinds of owed reports in the order lists show them, with their models.
KINDS = {
    "milestone": Milestone,
    "project": Project,
    "process": Process,
    "indicator": Indicator,
    "programme": Programme,
    "objective": Objective,
}


def tier_of(kind, level=""):
    if kind == "objective":
        if level == Objective.Level.STRATEGIC:
            return Tier.STRATEGIC
        return Tier.OPERATIONAL
    if kind == "programme":
        return Tier.OPERATIONAL
    return Tier.DELIVERY


def due_days(tier):
    return settings.REPORT_DUE_DAYS[str(tier)]


def default_deadline(period, tier):
    """The entity calendar's deadline of ``period`` for ``tier``."""
    return period.end + datetime.timedelta(days=due_days(tier))


@functools.lru_cache(maxsize=256)
def round_period(frequency, today):
    """The period of the current round: the latest one that has ended.
    Remembered: the reminders ask it for every component."""
    return Period.of(frequency, today).previous()


# Lens calendars -------------------------------------------------------------


class CalendarBook:
    """The lens calendars and the components each one applies to: the
    objectives its entries refer to, their operational children, and the
    projects, processes and indicators linked to those objectives.

    Read once with a fixed number of queries, then asked in memory.
    """

    def __init__(self, calendars=(), members=None):
        self.calendars = list(calendars)
        self.members = members or {}
        self.deadlines = {
            calendar.pk: {
                (deadline.period_start, deadline.period_end, deadline.tier): (
                    deadline.due_on
                )
                for deadline in calendar.deadlines.all()
            }
            for calendar in self.calendars
        }

    @classmethod
    def load(cls):
        calendars = list(
            ReportingCalendar.objects.filter(lens__is_archived=False)
            .select_related("lens")
            .prefetch_related("deadlines")
        )
        if not calendars:
            return cls()
        return cls(calendars, _calendar_members(calendars))

    def for_subject(self, kind, pk):
        return self.members.get((kind, pk), ())

    def deadline(self, calendar, period, tier):
        """``calendar``'s deadline of ``period`` for ``tier``: the dated one,
        else its offset, else the entity calendar's."""
        dated = self.deadlines[calendar.pk].get((period.start, period.end, tier))
        if dated is not None:
            return dated
        days = getattr(calendar, f"{tier}_days")
        if days is None:
            return default_deadline(period, tier)
        return period.end + datetime.timedelta(days=days)


def _calendar_members(calendars):
    by_lens = {calendar.lens_id: calendar for calendar in calendars}
    objectives = defaultdict(set)
    entries = LensEntry.objects.filter(lens_id__in=by_lens, objective__isnull=False)
    for lens_id, objective_id in entries.values_list("lens_id", "objective_id"):
        objectives[objective_id].add(by_lens[lens_id])
    children = Objective.objects.filter(parent_id__in=list(objectives))
    for parent_id, child_id in children.values_list("parent_id", "id"):
        objectives[child_id] |= objectives[parent_id]

    members = defaultdict(list)
    for objective_id, lens_calendars in objectives.items():
        members[("objective", objective_id)].extend(lens_calendars)
    for kind, name in (
        ("project", "projects"),
        ("process", "processes"),
        ("indicator", "indicators"),
    ):
        through = getattr(Objective, name).through
        links = through.objects.filter(objective_id__in=list(objectives))
        for objective_id, pk in links.values_list("objective_id", f"{kind}_id"):
            for calendar in objectives[objective_id]:
                if calendar not in members[(kind, pk)]:
                    members[(kind, pk)].append(calendar)
    return dict(members)


# What is owed ---------------------------------------------------------------


@dataclass
class Subject:
    """What the cycle needs to know of one component or milestone."""

    kind: str
    pk: int
    frequency: str
    tier: str
    # The end of the latest delivered period (None: nothing delivered).
    delivered_until: datetime.date | None
    # The dates between which it takes reports (None: open-ended).
    active_from: datetime.date | None = None
    active_until: datetime.date | None = None
    organisation_id: int | None = None
    code: str = ""
    title: str = ""
    owner_ids: set = field(default_factory=set)
    obj: object = None

    def is_active_in(self, period):
        return (self.active_from is None or self.active_from <= period.end) and (
            self.active_until is None or self.active_until >= period.start
        )

    def has_delivered(self, period):
        return self.delivered_until is not None and self.delivered_until >= period.end


@dataclass
class Owed:
    """A report owed: for ``period`` (in the subject's own frequency), due
    on ``deadline``."""

    subject: Subject
    period: Period
    deadline: datetime.date
    today: datetime.date
    # Who the completion overview names for it (None: nobody is named).
    person: object = None

    @property
    def kind(self):
        return self.subject.kind

    @property
    def obj(self):
        return self.subject.obj

    @property
    def is_late(self):
        return self.deadline < self.today

    @property
    def kind_label(self):
        return KINDS[self.subject.kind]._meta.verbose_name

    @property
    def days(self):
        """Days left before the deadline, or days late after it."""
        return abs((self.deadline - self.today).days)

    @property
    def key(self):
        return (self.subject.kind, self.subject.pk, self.period.end)


def owed_report(subject, today, book):
    """The report ``subject`` owes on ``today``, or None."""
    obligations = []
    own = round_period(subject.frequency, today)
    obligations.append((own, default_deadline(own, subject.tier)))
    for calendar in book.for_subject(subject.kind, subject.pk):
        period = round_period(calendar.frequency, today)
        obligations.append((period, book.deadline(calendar, period, subject.tier)))
    open_obligations = [
        (period, deadline)
        for period, deadline in obligations
        if subject.is_active_in(period) and not subject.has_delivered(period)
    ]
    if not open_obligations:
        return None
    latest_end = max(period.end for period, _ in open_obligations)
    deadline = min(deadline for _, deadline in open_obligations)
    return Owed(subject, Period.of(subject.frequency, latest_end), deadline, today)


def _delivered_until(kind):
    """The end of the latest period reported for each row, as a subquery."""
    if kind == "indicator":
        rows = Measurement.objects.filter(indicator=OuterRef("pk"))
        column = "indicator"
    else:
        rows = StatusReport.objects.filter(**{kind: OuterRef("pk")})
        column = kind
    latest = rows.order_by().values(column).annotate(until=Max("period_end"))
    return Subquery(latest.values("until")[:1])


def _active_dates(kind, row):
    """(from, until) of a row read as values or as a model instance."""
    get = row.get if isinstance(row, dict) else lambda name: _attribute(row, name)
    if kind == "project":
        return get("start_date"), get("end_date")
    if kind == "milestone":
        return get("project__start_date"), get("project__end_date")
    if kind == "objective":
        return get("legislature__start_date"), get("legislature__end_date")
    if kind == "process":
        return get("valid_from"), get("valid_until")
    return None, None


def _attribute(obj, dotted):
    for name in dotted.split("__"):
        obj = getattr(obj, name)
    return obj


def _code(kind, code, project_code):
    """A milestone's code is unique in its project only: prefix the project's."""
    return f"{project_code} / {code}" if kind == "milestone" else code


def _subject_from(kind, obj):
    active_from, active_until = _active_dates(kind, obj)
    return Subject(
        kind=kind,
        pk=obj.pk,
        frequency=obj.reporting_frequency,
        tier=tier_of(kind, getattr(obj, "level", "")),
        delivered_until=obj.delivered_until,
        active_from=active_from,
        active_until=active_until,
        code=_code(kind, obj.code, obj.project.code if kind == "milestone" else ""),
        title=obj.title,
        obj=obj,
    )


def _named_on(user, kind):
    """The rows of ``kind`` on which ``user``'s person is named.

    Written as subqueries on the person, so that the database reads the
    few rows through the foreign-key indexes instead of joining every row
    of ``kind`` to the people.
    """
    person = Person.objects.filter(user=user, is_active=True).values("pk")
    if kind == "milestone":
        projects = Project.objects.filter(responsible__in=person).values("pk")
        return Q(assignee__in=person) | Q(assignee__isnull=True, project__in=projects)
    named = Q(responsible__in=person)
    if kind == "project":
        members = Project.members.through.objects.filter(
            project_id=OuterRef("pk"), person__in=person
        )
        named |= Exists(members)
    return named


def _user_rows(user, kind):
    model = KINDS[kind]
    rows = access.visible(user, model).filter(_named_on(user, kind), is_archived=False)
    if kind == "milestone":
        rows = rows.filter(completed_on__isnull=True, project__is_archived=False)
        rows = rows.select_related("project")
    else:
        rows = rows.select_related("lead_organisation")
    if kind == "objective":
        rows = rows.select_related("legislature")
    return rows.annotate(delivered_until=_delivered_until(kind)).order_by()


def owed_by_user(user, today, book=None):
    """Every report ``user`` owes in the current round, earliest deadline
    first. One query per kind, and the calendars."""
    book = book or CalendarBook.load()
    owed = []
    for kind in KINDS:
        for obj in _user_rows(user, kind):
            found = owed_report(_subject_from(kind, obj), today, book)
            if found is not None:
                owed.append(found)
    order = list(KINDS)
    owed.sort(
        key=lambda item: (
            item.deadline,
            order.index(item.kind),
            item.subject.code,
            item.subject.pk,
        )
    )
    return owed


# Everyone at once, for the reminders ----------------------------------------

_VALUES = {
    "objective": ("level", "legislature__start_date", "legislature__end_date"),
    "project": ("start_date", "end_date"),
    "process": ("valid_from", "valid_until"),
    "programme": (),
    "indicator": (),
    "milestone": ("project__start_date", "project__end_date", "project__code"),
}


def _all_rows(kind, organisation_ids=None):
    model = KINDS[kind]
    rows = model.objects.filter(is_archived=False)
    if kind == "milestone":
        rows = rows.filter(completed_on__isnull=True, project__is_archived=False)
        owners = ("assignee_id", "assignee__user_id", "project__responsible__user_id")
        organisation = "project__lead_organisation_id"
    else:
        owners = ("responsible__user_id",)
        organisation = "lead_organisation_id"
    if organisation_ids is not None:
        rows = rows.filter(**{f"{organisation}__in": organisation_ids})
    rows = rows.annotate(delivered_until=_delivered_until(kind)).order_by()
    return rows.values(
        "pk",
        "code",
        "title",
        "reporting_frequency",
        "delivered_until",
        organisation,
        *owners,
        *_active_owner_flags(kind),
        *_VALUES[kind],
    )


def _active_owner_flags(kind):
    if kind == "milestone":
        return ("assignee__is_active", "project__responsible__is_active")
    return ("responsible__is_active",)


def _owners(kind, row, members):
    if kind == "milestone":
        if row["assignee_id"] is not None:
            user_id, active = row["assignee__user_id"], row["assignee__is_active"]
        else:
            user_id = row["project__responsible__user_id"]
            active = row["project__responsible__is_active"]
        return {user_id} if user_id and active else set()
    owners = set()
    if row["responsible__user_id"] and row["responsible__is_active"]:
        owners.add(row["responsible__user_id"])
    if kind == "project":
        owners |= members.get(row["pk"], set())
    return owners


def _project_members(organisation_ids=None):
    rows = Project.members.through.objects.filter(
        person__user__isnull=False,
        person__is_active=True,
        project__is_archived=False,
    )
    if organisation_ids is not None:
        rows = rows.filter(project__lead_organisation_id__in=organisation_ids)
    members = defaultdict(set)
    for project_id, user_id in rows.values_list("project_id", "person__user_id"):
        members[project_id].add(user_id)
    return members


def all_subjects(organisation_ids=None):
    """Every component and open milestone (of ``organisation_ids`` when
    given) as a ``Subject`` with its owners, one query per kind."""
    members = _project_members(organisation_ids)
    subjects = []
    for kind in KINDS:
        organisation = (
            "project__lead_organisation_id"
            if kind == "milestone"
            else "lead_organisation_id"
        )
        for row in _all_rows(kind, organisation_ids):
            active_from, active_until = _active_dates(kind, row)
            subjects.append(
                Subject(
                    kind=kind,
                    pk=row["pk"],
                    frequency=row["reporting_frequency"],
                    tier=tier_of(kind, row.get("level", "")),
                    delivered_until=row["delivered_until"],
                    active_from=active_from,
                    active_until=active_until,
                    organisation_id=row[organisation],
                    code=_code(kind, row["code"], row.get("project__code", "")),
                    title=row["title"],
                    owner_ids=_owners(kind, row, members),
                )
            )
    return subjects


def owed_by_everyone(today, book=None):
    """{user id: [Owed]} of every user who owes reports on ``today``."""
    book = book or CalendarBook.load()
    by_user = defaultdict(list)
    for subject in all_subjects():
        if not subject.owner_ids:
            continue
        found = owed_report(subject, today, book)
        if found is None:
            continue
        for user_id in subject.owner_ids:
            by_user[user_id].append(found)
    return by_user


# Calendars to show ----------------------------------------------------------


def next_due_period(frequency, tier, today, deadline_of):
    """The first period of ``frequency`` whose deadline for ``tier`` is
    today or later."""
    period = round_period(frequency, today)
    while deadline_of(period, tier) < today:
        period = period.next()
    return period


def next_deadlines(frequency, today, tier_days, count=3):
    """The next ``count`` (period, {tier: deadline}) of a calendar that are
    due on or after ``today``; ``tier_days(period, tier)`` gives a deadline."""
    found = []
    period = round_period(frequency, today)
    while len(found) < count:
        deadlines = {tier: tier_days(period, tier) for tier in Tier.values}
        if max(deadlines.values()) >= today:
            found.append((period, deadlines))
        period = period.next()
    return found


def calendar_of(lens):
    """The reporting calendar of ``lens``, or None."""
    return ReportingCalendar.objects.filter(lens=lens).first()


def with_calendars(lenses, today):
    """``lenses`` with their ``calendar`` (None: the entity calendar) and,
    for those with one, their ``next_deadlines`` and the number of
    components it asks for reports (``requested``)."""
    book = CalendarBook.load()
    calendars = {calendar.lens_id: calendar for calendar in book.calendars}
    requested = defaultdict(int)
    for members in book.members.values():
        for calendar in members:
            requested[calendar.pk] += 1
    for lens in lenses:
        lens.calendar = calendars.get(lens.pk)
        if lens.calendar is None:
            continue

        def deadline_of(period, tier, calendar=lens.calendar):
            return book.deadline(calendar, period, tier)

        lens.next_deadlines = next_deadlines(
            lens.calendar.frequency, today, deadline_of
        )
        lens.requested = requested[lens.calendar.pk]
    return lenses


def entity_calendar(today):
    """(frequency label, next deadlines) of the entity calendar."""
    return [
        (
            ReportingFrequency(frequency).label,
            next_deadlines(frequency, today, default_deadline),
        )
        for frequency in ReportingFrequency.values
    ]


# Completion of an entity ----------------------------------------------------

# The rows of the completion overview: (kind, objective level, label).
COMPLETION_ROWS = [
    ("objective", Objective.Level.STRATEGIC, _("Strategic objectives")),
    ("objective", Objective.Level.OPERATIONAL, _("Operational objectives")),
    ("programme", "", _("Programmes")),
    ("project", "", _("Projects")),
    ("process", "", _("Processes")),
    ("milestone", "", _("Milestones")),
    ("indicator", "", _("Indicators (measurements)")),
]
# How many ended periods of each frequency the completion overview offers.
COMPLETION_PERIODS = {"quarterly": 4, "monthly": 6, "yearly": 2}


def completion_periods(today):
    """The ended periods an administrator can look at, latest first per
    frequency."""
    periods = []
    for frequency, count in COMPLETION_PERIODS.items():
        period = round_period(frequency, today)
        for _index in range(count):
            periods.append(period)
            period = period.previous()
    return periods


def _organisation_rows(user, kind, organisation, frequency):
    model = KINDS[kind]
    rows = access.visible(user, model).filter(
        is_archived=False, reporting_frequency=frequency
    )
    if kind == "milestone":
        rows = rows.filter(
            project__lead_organisation=organisation,
            project__is_archived=False,
            completed_on__isnull=True,
        ).select_related("project", "assignee", "project__responsible")
    else:
        rows = rows.filter(lead_organisation=organisation).select_related("responsible")
    if kind == "objective":
        rows = rows.select_related("legislature")
    return rows.annotate(delivered_until=_delivered_until(kind)).order_by("code")


def named_person(kind, obj):
    """Who the completion overview names for a row: the assignee of a
    milestone (else its project's responsible person), the responsible
    person of anything else; None for nobody."""
    if kind == "milestone":
        return obj.assignee or obj.project.responsible
    return obj.responsible


@dataclass
class Completion:
    period: Period
    rows: list
    late: list

    @property
    def totals(self):
        return {
            status: sum(row[status] for row in self.rows)
            for status in ("done", "late", "missing")
        }


def completion(user, organisation, period, today):
    """Per level and type, how many reports of ``organisation`` (its lead)
    for ``period`` are done, late (the entity calendar's deadline passed)
    and missing (not delivered, the deadline still ahead), with the late
    ones listed. One query per kind."""
    rows = {
        (kind, level): {"label": label, "done": 0, "late": 0, "missing": 0}
        for kind, level, label in COMPLETION_ROWS
    }
    late = []
    for kind in KINDS:
        for obj in _organisation_rows(user, kind, organisation, period.frequency):
            subject = _subject_from(kind, obj)
            if not subject.is_active_in(period):
                continue
            row = rows[(kind, getattr(obj, "level", ""))]
            deadline = default_deadline(period, subject.tier)
            if subject.has_delivered(period):
                row["done"] += 1
            elif deadline < today:
                row["late"] += 1
                late.append(
                    Owed(subject, period, deadline, today, named_person(kind, obj))
                )
            else:
                row["missing"] += 1
    order = list(KINDS)
    late.sort(
        key=lambda item: (item.deadline, order.index(item.kind), item.subject.code)
    )
    return Completion(period, list(rows.values()), late)


# The inventory of reporting requests -----------------------------------------


def _requests_per_year(frequency):
    return {"yearly": 1, "quarterly": 4, "monthly": 12}[frequency]


def inventory(user, organisations, today):
    """Per organisation of ``organisations``, the reports the entity
    calendar asks of its components: per level and frequency how many
    components, the next deadline and the reports due in the next year.
    One query per kind."""
    counts = defaultdict(int)
    for kind in KINDS:
        model = KINDS[kind]
        rows = access.visible(user, model).filter(is_archived=False)
        if kind == "milestone":
            organisation = "project__lead_organisation"
            rows = rows.filter(completed_on__isnull=True, project__is_archived=False)
        else:
            organisation = "lead_organisation"
        rows = rows.filter(**{f"{organisation}__in": organisations})
        level = ("level",) if kind == "objective" else ()
        grouped = (
            rows.order_by()
            .values(f"{organisation}_id", "reporting_frequency", *level)
            .annotate(count=Count("pk"))
        )
        for row in grouped:
            tier = tier_of(kind, row.get("level", ""))
            key = (row[f"{organisation}_id"], tier, row["reporting_frequency"])
            counts[key] += row["count"]

    by_organisation = defaultdict(list)
    for (organisation_id, tier, frequency), count in sorted(counts.items()):
        period = next_due_period(frequency, tier, today, default_deadline)
        by_organisation[organisation_id].append(
            {
                "tier": Tier(tier).label,
                "frequency": frequency,
                "frequency_label": ReportingFrequency(frequency).label,
                "components": count,
                "period": period,
                "deadline": default_deadline(period, tier),
                "yearly_reports": count * _requests_per_year(frequency),
            }
        )
    return [
        (organisation, by_organisation[organisation.pk])
        for organisation in organisations
        if by_organisation[organisation.pk]
    ]


def owed_for_object(kind, obj, today):
    """The report ``obj`` owes on ``today`` (None when nothing is owed);
    ``obj`` was read through the access layer with what its kind needs."""
    delivered = (
        KINDS[kind]
        .objects.filter(pk=obj.pk)
        .annotate(delivered_until=_delivered_until(kind))
    )
    obj.delivered_until = delivered.values_list("delivered_until", flat=True)[0]
    return owed_report(_subject_from(kind, obj), today, CalendarBook.load())


# What each kind needs read with it, for the pages that fill in a report.
RELATED = {
    "milestone": ("project",),
    "objective": ("legislature", "lead_organisation"),
    "project": ("lead_organisation",),
    "process": ("lead_organisation",),
    "programme": ("lead_organisation",),
    "indicator": ("lead_organisation",),
}


def late_reminder_rounds(organisation, period):
    """The reminders administrators sent to the late reporters of
    ``organisation`` for ``period``, newest first."""
    return list(
        LateReminderRound.objects.filter(
            organisation=organisation,
            period_start=period.start,
            period_end=period.end,
        ).select_related("requested_by")
    )
