"""What a smartlist may show: per component type, its model, its dates and
the columns people may choose, each with how it is read and sorted."""

from dataclasses import dataclass, field

from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import gettext_lazy as _

from objectives.models import (
    Indicator,
    Milestone,
    Objective,
    Process,
    Programme,
    Project,
    StatusReport,
)
from objectives.periods import Period
from reporting.reports import BOOLEAN, DATE, NUMBER, STATUS, TEXT

# The most columns a list shows, and so the number of column slots in the
# builder, which orders them without JavaScript.
MAX_COLUMNS = 10
# Worst first: a sort on the status puts what needs attention on top.
COLOUR_ORDER = ["red", "orange", "grey", "green", "blue"]


@dataclass(frozen=True)
class ComponentType:
    key: str
    model: type
    # The fields a date range filters on: (start, end), equal for a due date.
    dates: tuple | None = None
    dates_help: object = ""
    has_status: bool = True

    @property
    def is_milestone(self):
        return self.model is Milestone

    @property
    def organisation_path(self):
        """Where the lead organisation is, from a row of this type."""
        if self.is_milestone:
            return "project__lead_organisation"
        return "lead_organisation"

    @property
    def responsible_field(self):
        return "assignee" if self.is_milestone else "responsible"


TYPES = {
    "objective": ComponentType("objective", Objective),
    "project": ComponentType(
        "project",
        Project,
        ("start_date", "end_date"),
        _("Projects whose start and end dates overlap this range."),
    ),
    "process": ComponentType(
        "process",
        Process,
        ("valid_from", "valid_until"),
        _("Processes valid during part of this range."),
    ),
    "programme": ComponentType("programme", Programme),
    "indicator": ComponentType("indicator", Indicator, has_status=False),
    "milestone": ComponentType(
        "milestone",
        Milestone,
        ("due_date", "due_date"),
        _("Milestones due in this range."),
    ),
}


@dataclass(frozen=True)
class ListColumn:
    key: str
    label: object
    kind: str
    width: int
    # How a row gives its value; ``rows`` adds organisations and lenses.
    value: object
    # Order-by expressions, or empty when the column cannot be sorted.
    order: tuple = ()
    types: frozenset = field(default_factory=frozenset)


def _person(person):
    return person.full_name if person is not None else ""


def _period_label(row):
    if row.status_period_start is None:
        return ""
    return Period(row.status_period_start, row.status_period_end).label


def _measured_period(row):
    if row.measured_from is None:
        return ""
    return Period(row.measured_from, row.measured_to).label


def colour_rank():
    """The status as a number to sort on, worst first, no status last."""
    return Case(
        *(When(status_colour=c, then=Value(i)) for i, c in enumerate(COLOUR_ORDER)),
        default=Value(len(COLOUR_ORDER)),
        output_field=IntegerField(),
    )


ALL = frozenset(TYPES)
WITH_STATUS = frozenset(key for key, kind in TYPES.items() if kind.has_status)
COMPONENTS = ALL - {"milestone"}

COLUMNS = [
    ListColumn("code", _("Code"), TEXT, 12, lambda r: r.code, ("code",), ALL),
    ListColumn("title", _("Title"), TEXT, 50, lambda r: r.title, ("title",), ALL),
    ListColumn(
        "organisation",
        _("Lead organisation"),
        TEXT,
        28,
        lambda r: r.smartlist_organisation.name,
        ("smartlist_organisation_name",),
        ALL,
    ),
    ListColumn(
        "organisations",
        _("Organisations"),
        TEXT,
        36,
        lambda r: "; ".join(r.smartlist_organisations),
        types=ALL,
    ),
    ListColumn(
        "responsible",
        _("Responsible person"),
        TEXT,
        24,
        lambda r: _person(r.smartlist_responsible),
        ("smartlist_responsible_last", "smartlist_responsible_first"),
        ALL,
    ),
    ListColumn(
        "status",
        _("Status"),
        STATUS,
        14,
        lambda r: {
            "colour": r.status_colour,
            "explanation": r.status_explanation or "",
        },
        ("smartlist_colour_rank",),
        WITH_STATUS,
    ),
    ListColumn(
        "status_period",
        _("Status period"),
        TEXT,
        10,
        _period_label,
        ("status_period_start",),
        WITH_STATUS,
    ),
    ListColumn(
        "explanation",
        _("Explanation"),
        TEXT,
        60,
        lambda r: r.status_explanation or "",
        types=WITH_STATUS,
    ),
    ListColumn(
        "project",
        _("Project"),
        TEXT,
        40,
        lambda r: str(r.project),
        ("project__code", "project__title"),
        frozenset({"milestone"}),
    ),
    ListColumn(
        "start_date",
        _("Start date"),
        DATE,
        12,
        lambda r: r.start_date,
        ("start_date",),
        frozenset({"project"}),
    ),
    ListColumn(
        "end_date",
        _("End date"),
        DATE,
        12,
        lambda r: r.end_date,
        ("end_date",),
        frozenset({"project"}),
    ),
    ListColumn(
        "valid_from",
        _("Valid from"),
        DATE,
        12,
        lambda r: r.valid_from,
        ("valid_from",),
        frozenset({"process"}),
    ),
    ListColumn(
        "valid_until",
        _("Valid until"),
        DATE,
        12,
        lambda r: r.valid_until,
        ("valid_until",),
        frozenset({"process"}),
    ),
    ListColumn(
        "due_date",
        _("Due date"),
        DATE,
        12,
        lambda r: r.due_date,
        ("due_date",),
        frozenset({"milestone"}),
    ),
    ListColumn(
        "completed_on",
        _("Completed on"),
        DATE,
        12,
        lambda r: r.completed_on,
        ("completed_on",),
        frozenset({"milestone"}),
    ),
    ListColumn(
        "level",
        _("Level"),
        TEXT,
        14,
        lambda r: r.get_level_display(),
        ("level",),
        frozenset({"objective"}),
    ),
    ListColumn(
        "legislature",
        _("Legislature"),
        TEXT,
        12,
        lambda r: r.legislature.name,
        ("legislature__start_date",),
        frozenset({"objective"}),
    ),
    ListColumn(
        "lenses",
        _("Lenses"),
        TEXT,
        36,
        lambda r: "; ".join(r.smartlist_lenses),
        types=frozenset({"objective"}),
    ),
    ListColumn(
        "government_wide",
        _("Government-wide"),
        BOOLEAN,
        10,
        lambda r: r.is_government_wide,
        ("is_government_wide",),
        frozenset({"programme"}),
    ),
    ListColumn(
        "kind",
        _("Type"),
        TEXT,
        18,
        lambda r: r.get_kind_display(),
        ("kind",),
        frozenset({"indicator"}),
    ),
    ListColumn(
        "unit",
        _("Unit"),
        TEXT,
        14,
        lambda r: r.unit,
        ("unit",),
        frozenset({"indicator"}),
    ),
    ListColumn(
        "last_measurement",
        _("Last measurement"),
        NUMBER,
        14,
        lambda r: r.measured_value,
        ("measured_from",),
        frozenset({"indicator"}),
    ),
    ListColumn(
        "last_measurement_period",
        _("Measured in"),
        TEXT,
        10,
        _measured_period,
        ("measured_from",),
        frozenset({"indicator"}),
    ),
    ListColumn(
        "confidentiality",
        _("Confidentiality"),
        TEXT,
        14,
        lambda r: r.get_confidentiality_display(),
        ("confidentiality",),
        COMPONENTS,
    ),
    ListColumn(
        "archived",
        _("Archived"),
        BOOLEAN,
        10,
        lambda r: r.is_archived,
        ("is_archived",),
        ALL,
    ),
]
COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}

# What a new list shows until its owner chooses.
DEFAULT_COLUMNS = {
    "objective": ["code", "title", "organisation", "status", "responsible"],
    "project": ["code", "title", "organisation", "status", "end_date"],
    "process": ["code", "title", "organisation", "status", "responsible"],
    "programme": ["code", "title", "organisation", "status", "responsible"],
    "indicator": ["code", "title", "organisation", "unit", "last_measurement"],
    "milestone": ["code", "title", "project", "due_date", "status"],
}


def columns_of(type_key):
    """The columns a list of ``type_key`` may show, in catalogue order."""
    return [column for column in COLUMNS if type_key in column.types]


def sortable_columns_of(type_key):
    return [column for column in columns_of(type_key) if column.order]


def colour_choices():
    return [*StatusReport.Colour.choices, ("none", _("no status"))]
