"""The published set as records: one flat dictionary per component, status
report or measurement, the same in the JSON and the CSV files.

Every row is read from ``access.published``, and so is every row a record
points to: a link to an unpublished component is left out, as if the link
did not exist. Organisations are named by their URI in the registry of the
Flemish government, components by the address of their JSON file.
"""

import datetime
import decimal
import uuid
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.db.models import Count, Max, Prefetch
from django.http import Http404
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from objectives import access
from objectives.models import (
    STATUS_SUBJECTS,
    Indicator,
    Measurement,
    Milestone,
    Objective,
    Organisation,
    Process,
    Programme,
    Project,
    StatusReport,
    Target,
)
from objectives.status import with_latest_status

ORGANISATION_URI = "https://data.vlaanderen.be/id/organisatie/{ovo_number}"
# Rows read per query when a data set is streamed; each chunk also costs one
# query per prefetched relation.
CHUNK_SIZE = 1000

COMMON_FIELDS = ("code", "title", "description", "reporting_frequency", "updated_at")
FIELDS = {
    Objective: ("level", "legislature"),
    Project: ("start_date", "end_date"),
    Milestone: ("due_date", "completed_on"),
    Process: ("valid_from", "valid_until"),
    Programme: ("is_government_wide",),
    Indicator: (
        "kind",
        "unit",
        "source",
        "calculation_method",
        "direction",
        "baseline_value",
        "baseline_year",
    ),
}
# The links of each component type: (relation, model it points to, whether it
# holds one component or a list).
LINKS = {
    Objective: (
        ("parent", Objective, False),
        ("children", Objective, True),
        ("contributes_to", Objective, True),
        ("contributions", Objective, True),
        ("projects", Project, True),
        ("processes", Process, True),
        ("indicators", Indicator, True),
    ),
    Project: (
        ("objectives", Objective, True),
        ("programmes", Programme, True),
        ("milestones", Milestone, True),
    ),
    Milestone: (("project", Project, False),),
    Process: (("objectives", Objective, True),),
    Programme: (("projects", Project, True),),
    Indicator: (("objectives", Objective, True),),
}
STATUS_COLUMNS = (
    "period_start",
    "period_end",
    "colour",
    "explanation",
    "reported_at",
    "correction_reason",
)
# The status report fields behind STATUS_COLUMNS (reported_at is created_at).
STATUS_FIELDS = (
    "period_start",
    "period_end",
    "colour",
    "explanation",
    "created_at",
    "correction_reason",
)
MEASUREMENT_COLUMNS = ("period_start", "period_end", "value", "note")
SERIES_COLUMNS = ("period_start", "period_end", "value", "target")
SUBJECT_COLUMNS = ("component", "component_type", "component_code")


def organisation_uri(ovo_number):
    return ORGANISATION_URI.format(ovo_number=ovo_number)


@cache
def _component_address(model):
    placeholder = uuid.UUID(int=0)
    path = reverse("opendata:component_json", args=[model, placeholder])
    return settings.SITE_URL + path.replace(str(placeholder), "{public_id}")


def component_uri(component):
    """The stable address of a published component: its JSON file."""
    return _component_address(type(component)).format(public_id=component.public_id)


def plain(value):
    """``value`` as JSON holds it: dates in ISO 8601, decimals as exact text
    without trailing zeros."""
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return format(value.normalize(), "f")
    if value is None or isinstance(value, bool | int | str | list):
        return value
    return str(value)


# Components -----------------------------------------------------------------


def takes_status(model):
    return model._meta.model_name in STATUS_SUBJECTS


def component_columns(model):
    """The keys of a component's record, in order: also the CSV header."""
    columns = ["id", "type", "public_id", *COMMON_FIELDS, *FIELDS[model]]
    if model is not Milestone:
        columns += ["lead_organisation", "organisations"]
    if takes_status(model):
        columns += ["status_colour", "status_period_start"]
    return columns + [name for name, _model, _many in LINKS[model]]


def components(model):
    """The published ``model`` rows with what their records need, read in a
    fixed number of queries per chunk."""
    rows = access.published(model).order_by("pk")
    if model is not Milestone:
        rows = rows.select_related("lead_organisation").prefetch_related(
            Prefetch(
                "organisations",
                queryset=Organisation.objects.only("pk", "ovo_number"),
                to_attr="published_organisations",
            )
        )
    if model is Objective:
        rows = rows.select_related("legislature")
    if takes_status(model):
        rows = with_latest_status(rows)
    for name, target, _many in LINKS[model]:
        rows = rows.prefetch_related(
            Prefetch(
                name,
                queryset=access.published(target).only(*_link_fields(model, name)),
                to_attr=f"published_{name}",
            )
        )
    return rows


def _link_fields(model, name):
    """The fields a link's rows are read with: their address, and for a
    reverse foreign key the key that matches them to their component."""
    relation = model._meta.get_field(name)
    if relation.one_to_many:
        return ("pk", "public_id", relation.field.attname)
    return ("pk", "public_id")


def component_record(component):
    """A published component as a flat dictionary (see ``component_columns``)."""
    model = type(component)
    record = {
        "id": component_uri(component),
        "type": model._meta.model_name,
        "public_id": str(component.public_id),
    }
    for name in (*COMMON_FIELDS, *FIELDS[model]):
        record[name] = plain(getattr(component, name))
    if model is not Milestone:
        record["lead_organisation"] = organisation_uri(
            component.lead_organisation.ovo_number
        )
        record["organisations"] = sorted(
            organisation_uri(organisation.ovo_number)
            for organisation in component.published_organisations
        )
    if takes_status(model):
        record["status_colour"] = component.status_colour
        record["status_period_start"] = plain(component.status_period_start)
    for name, _target, many in LINKS[model]:
        linked = getattr(component, f"published_{name}")
        if many:
            record[name] = sorted(component_uri(item) for item in linked)
        else:
            record[name] = component_uri(linked) if linked is not None else None
    return record


# Status reports and measurements ------------------------------------------


def status_reports():
    """The published status reports, each with its component's address."""
    subjects = [
        f"{subject}__{field}"
        for subject in STATUS_SUBJECTS
        for field in ("public_id", "code")
    ]
    return (
        access.published(StatusReport)
        .select_related(*STATUS_SUBJECTS)
        .only(*STATUS_SUBJECTS, *subjects, *STATUS_FIELDS)
        .order_by("pk")
    )


def status_record(report, *, with_subject=True):
    record = {}
    if with_subject:
        subject = report.subject
        record["component"] = component_uri(subject)
        record["component_type"] = type(subject)._meta.model_name
        record["component_code"] = subject.code
    record.update(
        period_start=plain(report.period_start),
        period_end=plain(report.period_end),
        colour=report.colour,
        explanation=report.explanation,
        reported_at=plain(report.created_at),
        correction_reason=report.correction_reason,
    )
    return record


def measurements():
    return (
        access.published(Measurement)
        .select_related("indicator")
        .only(*MEASUREMENT_COLUMNS, "indicator__public_id", "indicator__code")
        .order_by("pk")
    )


def measurement_record(measurement, *, with_subject=True):
    record = {}
    if with_subject:
        record["component"] = component_uri(measurement.indicator)
        record["component_type"] = "indicator"
        record["component_code"] = measurement.indicator.code
    for name in MEASUREMENT_COLUMNS:
        record[name] = plain(getattr(measurement, name))
    return record


# Data sets ----------------------------------------------------------------


@dataclass(frozen=True)
class DataSet:
    slug: str
    title: Promise
    description: Promise
    model: type

    def columns(self):
        if self.model is StatusReport:
            return [*SUBJECT_COLUMNS, *STATUS_COLUMNS]
        if self.model is Measurement:
            return [*SUBJECT_COLUMNS, *MEASUREMENT_COLUMNS]
        return component_columns(self.model)

    def rows(self):
        if self.model is StatusReport:
            return status_reports()
        if self.model is Measurement:
            return measurements()
        return components(self.model)

    def record(self, row):
        if self.model is StatusReport:
            return status_record(row)
        if self.model is Measurement:
            return measurement_record(row)
        return component_record(row)

    def records(self):
        """Every record of the data set, read a chunk at a time."""
        for row in self.rows().iterator(chunk_size=CHUNK_SIZE):
            yield self.record(row)

    def modified_field(self):
        return "created_at" if self.model is StatusReport else "updated_at"


DATA_SETS = (
    DataSet(
        "objectives",
        _("Objectives"),
        _("Strategic and operational objectives, with their organisations."),
        Objective,
    ),
    DataSet(
        "projects",
        _("Projects"),
        _("Projects that realise the objectives, with their dates."),
        Project,
    ),
    DataSet(
        "milestones",
        _("Milestones"),
        _("The milestones of the published projects."),
        Milestone,
    ),
    DataSet(
        "processes",
        _("Processes"),
        _("Recurring work of the organisations."),
        Process,
    ),
    DataSet(
        "programmes",
        _("Programmes"),
        _("Programmes that bundle projects."),
        Programme,
    ),
    DataSet(
        "indicators",
        _("Indicators"),
        _("Indicators with their metadata and baseline."),
        Indicator,
    ),
    DataSet(
        "status-reports",
        _("Status reports"),
        _(
            "Every status report of the published components: colour and "
            "explanation per period."
        ),
        StatusReport,
    ),
    DataSet(
        "measurements",
        _("Measurements"),
        _("Every measurement of the published indicators."),
        Measurement,
    ),
)
DATA_SETS_BY_SLUG = {data_set.slug: data_set for data_set in DATA_SETS}


def data_set_named(slug):
    """The data set with ``slug``; an unknown one is not found (404)."""
    if slug not in DATA_SETS_BY_SLUG:
        raise Http404("No data set matches the given query.")
    return DATA_SETS_BY_SLUG[slug]


def summaries():
    """Each data set with its number of records and the time of its latest
    change (None when it is empty): one query per data set."""
    found = []
    for data_set in DATA_SETS:
        figures = access.published(data_set.model).aggregate(
            count=Count("pk"), modified=Max(data_set.modified_field())
        )
        found.append((data_set, figures["count"], figures["modified"]))
    return found


# One component ---------------------------------------------------------------


def component_document(model, public_id):
    """A published component's record with its history: its status reports,
    or for an indicator its measurements and targets. Unknown and
    unpublished components are not found alike (404)."""
    component = access.get_published(model, public_id)
    component = components(model).get(pk=component.pk)
    document = component_record(component)
    if takes_status(model):
        document["status_reports"] = [
            status_record(report, with_subject=False)
            for report in access.published(StatusReport)
            .filter(**{model._meta.model_name: component})
            .order_by("period_start", "created_at")
        ]
    if model is Indicator:
        document["measurements"] = [
            measurement_record(measurement, with_subject=False)
            for measurement in access.published(Measurement)
            .filter(indicator=component)
            .order_by("period_start")
        ]
        document["targets"] = [
            {
                "period_start": plain(target.period_start),
                "period_end": plain(target.period_end),
                "value": plain(target.value),
            }
            for target in access.published(Target)
            .filter(indicator=component)
            .order_by("period_start")
        ]
    return document


def history_columns(model):
    return list(SERIES_COLUMNS if model is Indicator else STATUS_COLUMNS)


def history_rows(document):
    """The rows of a component's CSV file: its status reports, or for an
    indicator its series, one row per period with its value and target."""
    if "status_reports" in document:
        return document["status_reports"]
    periods = {}
    for key, entries in (("value", "measurements"), ("target", "targets")):
        for entry in document.get(entries, ()):
            row = periods.setdefault(
                (entry["period_start"], entry["period_end"]),
                {
                    "period_start": entry["period_start"],
                    "period_end": entry["period_end"],
                    "value": None,
                    "target": None,
                },
            )
            row[key] = entry["value"]
    return [periods[period] for period in sorted(periods)]
