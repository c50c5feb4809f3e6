"""The rows of each kind as django-import-export resources.

The library parses the rows, cleans their values, validates the instances and
tells unchanged rows from changed ones; it never saves. ``save_instance`` hands
every change to ``objectives.actions``, so that each one writes its history,
and ``validate_instance`` asks ``objectives.access`` first whether the user may
make it. Existing rows are looked up among the rows the user may see, so a row
of another organisation reads as a new one, which the user may not create.

Key columns identify a row and are never changed by an import; read-only
columns (titles shown for orientation) are exported and ignored on import.
"""

import copy
import datetime
import decimal
import functools
import operator
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets

from objectives import access, actions, budget, budget_actions
from objectives.access import Action
from objectives.forms.contribute import DATE_INPUT_FORMATS, plain_number
from objectives.models import (
    BudgetAmount,
    BudgetArticle,
    Indicator,
    Legislature,
    Measurement,
    Milestone,
    Objective,
    Organisation,
    PeriodClosure,
    Person,
    Project,
    StructureElement,
)
from objectives.periods import Period
from reporting.transfer import cells

FOUR_PLACES = decimal.Decimal("0.0001")
# How many keys one query reads when the existing rows of a file are loaded.
KEY_BATCH = 500


def text(value):
    """A cell as text: a whole number typed in a text column reads as its
    digits, a date as ISO."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def file_keys(dataset, organisation_column, code_column):
    """The (OVO number, code) pairs in two columns of ``dataset``, read as
    the rows will be."""
    if {organisation_column, code_column} - set(dataset.headers or ()):
        return []
    return sorted(
        {
            (
                cells.restore(text(ovo)).strip().upper(),
                cells.restore(text(code)).strip(),
            )
            for ovo, code in zip(
                dataset[organisation_column], dataset[code_column], strict=True
            )
        }
    )


def with_keys(queryset, pairs, organisation_path, code_path="code"):
    """The rows of ``queryset`` with one of the (OVO number, code) ``pairs``,
    read in batches."""
    for start in range(0, len(pairs), KEY_BATCH):
        codes = defaultdict(list)
        for ovo, code in pairs[start : start + KEY_BATCH]:
            codes[ovo].append(code)
        condition = functools.reduce(
            operator.or_,
            (
                Q(**{organisation_path: ovo, f"{code_path}__in": batch})
                for ovo, batch in codes.items()
            ),
        )
        yield from queryset.filter(condition)


def in_batches(queryset, field_name, ids):
    ids = sorted(ids)
    for start in range(0, len(ids), KEY_BATCH):
        yield from queryset.filter(
            **{f"{field_name}__in": ids[start : start + KEY_BATCH]}
        )


# Widgets -----------------------------------------------------------------


class TextWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return text(value)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class NumberWidget(widgets.Widget):
    """A number with a point or a comma as decimal mark; exported as a number
    cell, without trailing zeros."""

    def __init__(self, *, whole=False):
        super().__init__(coerce_to_string=False)
        self.whole = whole

    def clean(self, value, row=None, **kwargs):
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        refusal = ValueError(_("“%(value)s” is not a number.") % {"value": value})
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise refusal
        try:
            number = decimal.Decimal(plain_number(text(value)))
            if not number.is_finite():
                raise refusal
            if self.whole:
                if number != number.to_integral_value():
                    raise ValueError(
                        _("“%(value)s” is not a whole number.") % {"value": value}
                    )
                return int(number)
            return number.quantize(FOUR_PLACES)
        except decimal.InvalidOperation as error:
            raise refusal from error

    def render(self, value, obj=None, **kwargs):
        if isinstance(value, decimal.Decimal):
            return decimal.Decimal(format(value.normalize(), "f"))
        return value


class DateWidget(widgets.Widget):
    """A date cell, or a date as people in Flanders type it."""

    def __init__(self):
        super().__init__(coerce_to_string=False)

    def clean(self, value, row=None, **kwargs):
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, datetime.datetime):
            if value.time() == datetime.time():
                return value.date()
        elif isinstance(value, datetime.date):
            return value
        elif isinstance(value, str):
            for date_format in DATE_INPUT_FORMATS:
                try:
                    # A date without a time: no time zone to attach.
                    parsed = datetime.datetime.strptime(  # noqa: DTZ007
                        value.strip(), date_format
                    )
                    return parsed.date()
                except ValueError:
                    continue
        raise ValueError(
            _("“%(value)s” is not a date such as 2026-06-30.") % {"value": value}
        )

    def render(self, value, obj=None, **kwargs):
        return value


class PersonWidget(widgets.Widget):
    """A staff member by personnel number; empty for nobody."""

    def __init__(self):
        super().__init__()
        self.found = {}

    def clean(self, value, row=None, **kwargs):
        # A spreadsheet drops the leading zeros of a number typed as such.
        number = f"{value:06d}" if isinstance(value, int) else text(value).strip()
        if not number:
            return None
        if number not in self.found:
            self.found[number] = Person.objects.filter(personnel_number=number).first()
        if self.found[number] is None:
            raise ValueError(
                _("No staff member has the personnel number “%(number)s”.")
                % {"number": number}
            )
        return self.found[number]

    def render(self, value, obj=None, **kwargs):
        return value.personnel_number if value is not None else ""


class ParentWidget(widgets.Widget):
    """The objective above, by code: of the organisation in the
    ``parent_organisation`` column (empty: the objective's own) and of the same
    legislature, among the objectives the user may see. An empty code keeps
    the current parent (which the user may not be allowed to see)."""

    def __init__(self, resource):
        super().__init__()
        self.resource = resource

    def clean(self, value, row=None, **kwargs):
        code = text(value).strip()
        if not code:
            return None
        ovo = (
            text(row.get("parent_organisation")).strip()
            or text(row.get("lead_organisation")).strip()
        ).upper()
        legislature = self.resource.key["legislature"]
        parent = self.resource.existing.get(
            (self.resource.known_organisation_id(ovo), legislature.pk, code)
        )
        if parent is None:
            parent = (
                access.visible(self.resource.user, Objective)
                .filter(lead_organisation__ovo_number=ovo, legislature=legislature)
                .filter(code=code)
                .first()
            )
        if parent is None:
            raise ValueError(
                _(
                    "No objective “%(code)s” of %(organisation)s in the "
                    "legislature %(legislature)s."
                )
                % {"code": code, "organisation": ovo, "legislature": legislature}
            )
        return parent


# Resources -----------------------------------------------------------------


def key_field(column, attribute=None, widget=None):
    """A column that identifies the row: exported, never imported."""
    return fields.Field(
        attribute=attribute,
        column_name=column,
        widget=widget or TextWidget(),
        readonly=True,
    )


def text_field(column):
    return fields.Field(attribute=column, column_name=column, widget=TextWidget())


def person_field(column):
    return fields.Field(attribute=column, column_name=column, widget=PersonWidget())


COMMON_HELP = {
    "code": gettext_lazy("Its code, unique within the lead organisation."),
    "title": gettext_lazy("Its title."),
    "description": gettext_lazy("Its description; may be empty."),
    "responsible": gettext_lazy(
        "The personnel number of the responsible person; empty for nobody."
    ),
    "confidentiality": gettext_lazy("internal, confidential or public."),
    "reporting_frequency": gettext_lazy(
        "How often its status is reported: yearly, quarterly or monthly."
    ),
    "lead_organisation": gettext_lazy(
        "The OVO number of the lead organisation, such as OVO000001."
    ),
}


class TransferResource(resources.ModelResource):
    """What the five kinds share: keys, access and the actions layer."""

    # The columns that identify a row, in the order they are shown.
    key_columns = ()
    # Columns shown for orientation only: exported, ignored on import.
    informative_columns = ()
    # Column name: what it holds, for the documentation on the import page.
    column_help = {}

    class Meta:
        # Unchanged rows are told apart by ``skip_row`` below, against the
        # copy kept in ``after_init_instance``; the library's own diff would
        # deep-copy every row.
        skip_unchanged = True
        skip_diff = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True

    def __init__(self, user):
        super().__init__()
        self.user = user
        self.key = {}
        self.original = None
        self.changes = None
        # The existing rows the file refers to, read before the first row:
        # {key tuple: row}.
        self.existing = {}
        self._organisations = {}
        self._legislatures = {}

    @classmethod
    def columns(cls):
        """(column, help, is key, is only informative) of every column, in
        order."""
        resource_fields = cls.fields
        return [
            (
                field.column_name,
                cls.column_help.get(field.column_name, ""),
                field.column_name in cls.key_columns,
                field.column_name in cls.informative_columns,
            )
            for field in (resource_fields[name] for name in cls._meta.fields)
        ]

    # Export.

    def export_queryset(self, organisation=None):
        raise NotImplementedError

    # Keys: what identifies a row, resolved before the library looks further.

    def organisation(self, row, column):
        ovo = text(row.get(column)).strip().upper()
        if not ovo:
            raise ValidationError({column: _("An OVO number is required.")})
        if ovo not in self._organisations:
            self._organisations[ovo] = Organisation.objects.filter(
                ovo_number=ovo
            ).first()
        if self._organisations[ovo] is None:
            raise ValidationError(
                {
                    column: _("No organisation has the OVO number “%(ovo)s”.")
                    % {"ovo": ovo}
                }
            )
        return self._organisations[ovo]

    def known_organisation_id(self, ovo):
        organisation = self._organisations.get(ovo)
        return organisation.pk if organisation is not None else None

    def code(self, row, column="code"):
        code = text(row.get(column)).strip()
        if not code:
            raise ValidationError({column: _("A code is required.")})
        return code

    def resolve_key(self, row):
        """{name: value} of the row's key, or ValidationError."""
        raise NotImplementedError

    @staticmethod
    def key_tuple(key):
        return tuple(
            value.pk if isinstance(value, models.Model) else value
            for value in key.values()
        )

    def instance_key(self, instance):
        model_fields = self._meta.model._meta
        return tuple(
            getattr(instance, model_fields.get_field(name).attname)
            for name in self.key_names
        )

    def load_existing(self, dataset):
        """The rows of the model that ``dataset`` may refer to and the user
        may see; more rows than that do no harm."""
        raise NotImplementedError

    def before_import(self, dataset, **kwargs):
        self.existing = {
            self.instance_key(instance): instance
            for instance in self.load_existing(dataset)
        }

    def get_instance(self, instance_loader, row):
        self.key = self.resolve_key(row)
        found = self.existing.get(self.key_tuple(self.key))
        # A copy: a row that comes twice starts from what the first one saved.
        return copy.copy(found) if found is not None else None

    def init_instance(self, row=None):
        return self._meta.model(**self.key)

    def after_init_instance(self, instance, new, row, **kwargs):
        self.original = None if new else copy.copy(instance)
        self.changes = None

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or self.original is None:
            return False
        return all(
            field.get_value(instance) == field.get_value(self.original)
            for field in self.get_import_fields()
            if not field.readonly and field.attribute and field.column_name in row
        )

    # Cells: formulas refused, exported neutralisation undone.

    def before_import_row(self, row, **kwargs):
        errors = {}
        for column, value in row.items():
            if cells.is_formula(value):
                errors[column] = _("Formulas are not accepted; type the value.")
            elif isinstance(value, str):
                row[column] = cells.restore(value)
        if errors:
            raise ValidationError(errors)

    # Access, then the model's own validation.

    def refusal(self, instance):
        """Why the user may not make this change, or None."""
        raise NotImplementedError

    def validate_instance(
        self, instance, import_validation_errors=None, validate_unique=True
    ):
        refusal = self.refusal(instance)
        if refusal:
            raise ValidationError({NON_FIELD_ERRORS: [refusal]})
        super().validate_instance(instance, import_validation_errors, validate_unique)

    # Saving, through the actions layer.

    def imported_values(self, instance, row):
        """{attribute: value} of the columns of ``row`` that an import sets."""
        return {
            field.attribute: getattr(instance, field.attribute)
            for field in self.get_import_fields()
            if not field.readonly and field.attribute and field.column_name in row
        }

    def save_instance(self, instance, is_create, row, **kwargs):
        values = self.imported_values(instance, row)
        if is_create:
            saved = self.create(values)
            self.changes = {
                **{
                    name: [None, actions.describe(value)]
                    for name, value in self.key.items()
                },
                **{
                    name: [None, actions.describe(value)]
                    for name, value in values.items()
                    if value not in (None, "")
                },
            }
        else:
            saved = self.original
            self.changes = self.update(self.original, values)
        instance.pk = saved.pk
        self.existing[self.key_tuple(self.key)] = saved

    def create(self, values):
        return actions.do_create_component(
            self._meta.model,
            organisations=(),
            acting_user=self.user,
            **self.key,
            **values,
        )

    def update(self, original, values):
        return actions.do_update_component(original, acting_user=self.user, **values)

    def after_import_row(self, row, row_result, **kwargs):
        row_result.changes = self.changes or {}

    def after_import(self, dataset, result, **kwargs):
        # Rows are created through the actions layer, never with explicit
        # primary keys: the library's sequence reset has nothing to do.
        pass


class ComponentResource(TransferResource):
    """Objectives, projects and indicators: administrators create and change
    them in the organisations they administer."""

    key_names = ("lead_organisation", "code")
    # Read with the existing rows: the import compares them.
    related = ("responsible",)

    def load_existing(self, dataset):
        return with_keys(
            access.visible(self.user, self._meta.model).select_related(*self.related),
            file_keys(dataset, "lead_organisation", "code"),
            "lead_organisation__ovo_number",
        )

    def refusal(self, instance):
        names = {"kind": self._meta.model._meta.verbose_name_plural}
        if self.original is None:
            organisation = self.key["lead_organisation"]
            if not access.can_create(self.user, self._meta.model, organisation):
                return _("You may not create %(kind)s in %(organisation)s.") % {
                    **names,
                    "organisation": organisation,
                }
        elif not access.can(self.user, Action.LINK, self.original):
            return (
                _(
                    "You may not change these %(kind)s: that is for the administrators "
                    "of their organisations."
                )
                % names
            )
        return None

    def export_queryset(self, organisation=None):
        rows = access.visible(self.user, self._meta.model).select_related(
            "lead_organisation", "responsible"
        )
        if organisation is not None:
            rows = rows.filter(lead_organisation=organisation)
        return rows.order_by("lead_organisation__ovo_number", "code")

    def resolve_key(self, row):
        return {
            "lead_organisation": self.organisation(row, "lead_organisation"),
            "code": self.code(row),
        }


class ObjectiveResource(ComponentResource):
    lead_organisation = key_field("lead_organisation", "lead_organisation__ovo_number")
    legislature = key_field("legislature", "legislature__name")
    code = key_field("code", "code")
    level = text_field("level")
    title = text_field("title")
    description = text_field("description")
    parent_organisation = fields.Field(
        column_name="parent_organisation", widget=TextWidget(), readonly=True
    )
    parent = fields.Field(
        attribute="parent",
        column_name="parent_code",
        widget=TextWidget(),
        saves_null_values=False,
    )
    responsible = person_field("responsible")
    confidentiality = text_field("confidentiality")
    reporting_frequency = text_field("reporting_frequency")

    key_columns = ("lead_organisation", "legislature", "code")
    column_help = {
        **COMMON_HELP,
        "legislature": gettext_lazy("The name of the legislature, such as 2024-2029."),
        "code": gettext_lazy(
            "Its code, unique within the lead organisation and legislature."
        ),
        "level": gettext_lazy("strategic or operational."),
        "parent_organisation": gettext_lazy(
            "The OVO number of the lead organisation of the objective above; "
            "empty: the same lead organisation."
        ),
        "parent_code": gettext_lazy(
            "The code of the objective above, in the same legislature; empty "
            "keeps the current one."
        ),
    }

    class Meta:
        model = Objective
        fields = (
            "lead_organisation",
            "legislature",
            "code",
            "level",
            "title",
            "description",
            "parent_organisation",
            "parent",
            "responsible",
            "confidentiality",
            "reporting_frequency",
        )

    key_names = ("lead_organisation", "legislature", "code")
    related = ("responsible", "parent")

    def __init__(self, user):
        super().__init__(user)
        self.fields["parent"].widget = ParentWidget(self)
        self.visible_parent_ids = set()

    def export_queryset(self, organisation=None):
        rows = access.visible(self.user, Objective).select_related(
            "lead_organisation",
            "legislature",
            "parent__lead_organisation",
            "responsible",
        )
        if organisation is not None:
            rows = rows.filter(lead_organisation=organisation)
        return rows.order_by(
            "lead_organisation__ovo_number", "legislature__name", "code"
        )

    def before_export(self, queryset, **kwargs):
        # A parent the user may not see is left out, and an empty parent
        # keeps the current one on import.
        self.visible_parent_ids = set(
            access.visible(self.user, Objective)
            .filter(pk__in=queryset.values("parent_id"))
            .values_list("pk", flat=True)
        )

    def _visible_parent(self, objective):
        if objective.parent_id in self.visible_parent_ids:
            return objective.parent
        return None

    def dehydrate_parent_organisation(self, objective):
        parent = self._visible_parent(objective)
        return parent.lead_organisation.ovo_number if parent else ""

    def dehydrate_parent(self, objective):
        parent = self._visible_parent(objective)
        return parent.code if parent else ""

    def resolve_key(self, row):
        name = text(row.get("legislature")).strip()
        if name not in self._legislatures:
            self._legislatures[name] = Legislature.objects.filter(name=name).first()
        legislature = self._legislatures[name]
        if legislature is None:
            raise ValidationError(
                {
                    "legislature": _("No legislature is named “%(name)s”.")
                    % {"name": name}
                }
            )
        return {
            "lead_organisation": self.organisation(row, "lead_organisation"),
            "legislature": legislature,
            "code": self.code(row),
        }


class ProjectResource(ComponentResource):
    lead_organisation = key_field("lead_organisation", "lead_organisation__ovo_number")
    code = key_field("code", "code")
    title = text_field("title")
    description = text_field("description")
    start_date = fields.Field(
        attribute="start_date", column_name="start_date", widget=DateWidget()
    )
    end_date = fields.Field(
        attribute="end_date", column_name="end_date", widget=DateWidget()
    )
    responsible = person_field("responsible")
    confidentiality = text_field("confidentiality")
    reporting_frequency = text_field("reporting_frequency")

    key_columns = ("lead_organisation", "code")
    column_help = {
        **COMMON_HELP,
        "start_date": gettext_lazy("Its start, such as 2026-01-31; may be empty."),
        "end_date": gettext_lazy("Its end, such as 2026-12-31; may be empty."),
    }

    class Meta:
        model = Project
        fields = (
            "lead_organisation",
            "code",
            "title",
            "description",
            "start_date",
            "end_date",
            "responsible",
            "confidentiality",
            "reporting_frequency",
        )


class IndicatorResource(ComponentResource):
    lead_organisation = key_field("lead_organisation", "lead_organisation__ovo_number")
    code = key_field("code", "code")
    title = text_field("title")
    description = text_field("description")
    kind = text_field("kind")
    unit = text_field("unit")
    source = text_field("source")
    calculation_method = text_field("calculation_method")
    direction = text_field("direction")
    baseline_value = fields.Field(
        attribute="baseline_value", column_name="baseline_value", widget=NumberWidget()
    )
    baseline_year = fields.Field(
        attribute="baseline_year",
        column_name="baseline_year",
        widget=NumberWidget(whole=True),
    )
    responsible = person_field("responsible")
    confidentiality = text_field("confidentiality")
    reporting_frequency = text_field("reporting_frequency")

    key_columns = ("lead_organisation", "code")
    column_help = {
        **COMMON_HELP,
        "kind": gettext_lazy("input, process, output or effect."),
        "unit": gettext_lazy("The unit of its values, such as “count” or “%”."),
        "source": gettext_lazy("Where its values come from; may be empty."),
        "calculation_method": gettext_lazy("How its values are calculated."),
        "direction": gettext_lazy("up: higher is better; down: lower is better."),
        "baseline_value": gettext_lazy("The baseline, a number; may be empty."),
        "baseline_year": gettext_lazy("The year of the baseline; may be empty."),
    }

    class Meta:
        model = Indicator
        fields = (
            "lead_organisation",
            "code",
            "title",
            "description",
            "kind",
            "unit",
            "source",
            "calculation_method",
            "direction",
            "baseline_value",
            "baseline_year",
            "responsible",
            "confidentiality",
            "reporting_frequency",
        )


class MilestoneResource(TransferResource):
    """Milestones, which the administrators of the project's organisations
    plan."""

    project_organisation = key_field(
        "project_organisation", "project__lead_organisation__ovo_number"
    )
    project_code = key_field("project_code", "project__code")
    code = key_field("code", "code")
    project_title = fields.Field(
        attribute="project__title",
        column_name="project_title",
        widget=TextWidget(),
        readonly=True,
    )
    title = text_field("title")
    description = text_field("description")
    due_date = fields.Field(
        attribute="due_date", column_name="due_date", widget=DateWidget()
    )
    completed_on = fields.Field(
        attribute="completed_on", column_name="completed_on", widget=DateWidget()
    )
    assignee = person_field("assignee")

    key_columns = ("project_organisation", "project_code", "code")
    key_names = ("project", "code")
    informative_columns = ("project_title",)
    column_help = {
        "project_organisation": gettext_lazy(
            "The OVO number of the project's lead organisation."
        ),
        "project_code": gettext_lazy("The code of the project."),
        "code": gettext_lazy("The milestone's code, unique within its project."),
        "project_title": gettext_lazy("The project's title; not imported."),
        "title": COMMON_HELP["title"],
        "description": COMMON_HELP["description"],
        "due_date": gettext_lazy("When it is due, such as 2026-06-30."),
        "completed_on": gettext_lazy("When it was reached; empty while open."),
        "assignee": gettext_lazy(
            "The personnel number of the person it is assigned to; may be empty."
        ),
    }

    class Meta:
        model = Milestone
        fields = (
            "project_organisation",
            "project_code",
            "code",
            "project_title",
            "title",
            "description",
            "due_date",
            "completed_on",
            "assignee",
        )

    def export_queryset(self, organisation=None):
        rows = access.visible(self.user, Milestone).select_related(
            "project__lead_organisation", "assignee"
        )
        if organisation is not None:
            rows = rows.filter(project__lead_organisation=organisation)
        return rows.order_by(
            "project__lead_organisation__ovo_number", "project__code", "code"
        )

    def resolve_key(self, row):
        organisation = self.organisation(row, "project_organisation")
        project_code = self.code(row, "project_code")
        project = self.projects.get((organisation.pk, project_code))
        if project is None:
            raise ValidationError(
                {
                    "project_code": _("No project “%(code)s” of %(organisation)s.")
                    % {"code": project_code, "organisation": organisation.ovo_number}
                }
            )
        return {"project": project, "code": self.code(row)}

    def load_existing(self, dataset):
        projects = with_keys(
            access.visible(self.user, Project),
            file_keys(dataset, "project_organisation", "project_code"),
            "lead_organisation__ovo_number",
        )
        self.projects = {
            (project.lead_organisation_id, project.code): project
            for project in projects
        }
        # Every milestone of a project the user may see is visible.
        return in_batches(
            Milestone.objects.select_related("assignee"),
            "project_id",
            [project.pk for project in self.projects.values()],
        )

    def refusal(self, instance):
        project = self.key["project"]
        if not access.can(self.user, Action.LINK, project):
            return _("You may not plan the milestones of project %(project)s.") % {
                "project": project
            }
        return None

    def create(self, values):
        key = dict(self.key)
        project = key.pop("project")
        return actions.do_create_milestone(
            project, acting_user=self.user, **key, **values
        )


class MeasurementResource(TransferResource):
    """Measurements, which contributors enter for the indicators they may
    update."""

    indicator_organisation = key_field(
        "indicator_organisation", "indicator__lead_organisation__ovo_number"
    )
    indicator_code = key_field("indicator_code", "indicator__code")
    period = key_field("period")
    indicator_title = fields.Field(
        attribute="indicator__title",
        column_name="indicator_title",
        widget=TextWidget(),
        readonly=True,
    )
    value = fields.Field(attribute="value", column_name="value", widget=NumberWidget())
    note = text_field("note")

    key_columns = ("indicator_organisation", "indicator_code", "period")
    key_names = ("indicator", "period_start", "period_end")
    informative_columns = ("indicator_title",)
    column_help = {
        "indicator_organisation": gettext_lazy(
            "The OVO number of the indicator's lead organisation."
        ),
        "indicator_code": gettext_lazy("The code of the indicator."),
        "period": gettext_lazy(
            "The period measured: a year (2025), a quarter (2025-Q2) or a month "
            "(2025-03), as often as the indicator is measured."
        ),
        "indicator_title": gettext_lazy("The indicator's title; not imported."),
        "value": gettext_lazy("The measured value, a number."),
        "note": gettext_lazy("A note on the value; may be empty."),
    }

    class Meta:
        model = Measurement
        fields = (
            "indicator_organisation",
            "indicator_code",
            "period",
            "indicator_title",
            "value",
            "note",
        )

    def export_queryset(self, organisation=None):
        rows = access.visible(self.user, Measurement).select_related(
            "indicator__lead_organisation"
        )
        if organisation is not None:
            rows = rows.filter(indicator__lead_organisation=organisation)
        return rows.order_by(
            "indicator__lead_organisation__ovo_number",
            "indicator__code",
            "period_start",
            "period_end",
        )

    def dehydrate_period(self, measurement):
        return Period(measurement.period_start, measurement.period_end).label

    def resolve_key(self, row):
        organisation = self.organisation(row, "indicator_organisation")
        indicator_code = self.code(row, "indicator_code")
        indicator = self.indicators.get((organisation.pk, indicator_code))
        if indicator is None:
            raise ValidationError(
                {
                    "indicator_code": _("No indicator “%(code)s” of %(organisation)s.")
                    % {"code": indicator_code, "organisation": organisation.ovo_number}
                }
            )
        try:
            period = Period.parse(text(row.get("period")))
        except ValidationError as error:
            raise ValidationError({"period": error.messages}) from error
        return {
            "indicator": indicator,
            "period_start": period.start,
            "period_end": period.end,
        }

    def load_existing(self, dataset):
        indicators = with_keys(
            access.visible(self.user, Indicator),
            file_keys(dataset, "indicator_organisation", "indicator_code"),
            "lead_organisation__ovo_number",
        )
        self.indicators = {
            (indicator.lead_organisation_id, indicator.code): indicator
            for indicator in indicators
        }
        # Rows of a closed period are refused: the closures of every
        # indicator of the file, read once.
        self.closures = PeriodClosure.objects.active().of_indicators(
            [indicator.pk for indicator in self.indicators.values()]
        )
        return in_batches(
            Measurement.objects.all(),
            "indicator_id",
            [indicator.pk for indicator in self.indicators.values()],
        )

    def refusal(self, instance):
        indicator = self.key["indicator"]
        if not access.can(self.user, Action.EDIT, indicator):
            return _("You may not enter measurements of indicator %(indicator)s.") % {
                "indicator": indicator
            }
        period = Period(self.key["period_start"], self.key["period_end"])
        if period.frequency != indicator.reporting_frequency:
            return _(
                "Indicator %(indicator)s is measured %(frequency)s: give a period "
                "such as %(example)s."
            ) % {
                "indicator": indicator,
                "frequency": indicator.get_reporting_frequency_display(),
                "example": Period.of(
                    indicator.reporting_frequency, timezone.localdate()
                ).label,
            }
        if period.start > timezone.localdate():
            return _("The period %(period)s has not started yet.") % {
                "period": period.label
            }
        for closure in self.closures.get(indicator.pk, []):
            if (
                closure.period_start <= period.start
                and period.end <= closure.period_end
            ):
                return actions.PeriodClosed(closure, period).messages[0]
        return None

    def save_instance(self, instance, is_create, row, **kwargs):
        period = Period(self.key["period_start"], self.key["period_end"])
        old = self.original
        saved = actions.do_record_measurement(
            self.key["indicator"],
            period=period,
            value=instance.value,
            note=instance.note,
            acting_user=self.user,
        )
        if old is None:
            self.changes = {
                "period": [None, period.label],
                "value": [None, actions.describe(instance.value)],
            }
        else:
            self.changes = {
                name: [actions.describe(before), actions.describe(after)]
                for name, before, after in (
                    ("value", old.value, instance.value),
                    ("note", old.note, instance.note),
                )
                if before != after
            }
        instance.pk = saved.pk
        self.existing[self.key_tuple(self.key)] = saved


ELEMENT_SEPARATOR = ";"


def element_codes(value):
    """The structure element codes of a cell, separated by semicolons."""
    return sorted(
        {code.strip() for code in text(value).split(ELEMENT_SEPARATOR)} - {""}
    )


class BudgetAmountResource(TransferResource):
    """Budget articles, a row per article and budget year: the
    administrators of the policy domain of an article's structure elements
    manage it. The title and structure elements belong to the article, so
    every row of one article gives the same."""

    article_code = key_field("article_code", "article__code")
    title = fields.Field(column_name="title", widget=TextWidget())
    structure_elements = fields.Field(
        column_name="structure_elements", widget=TextWidget()
    )
    budget_year = key_field("budget_year", "year", NumberWidget(whole=True))
    amount = fields.Field(
        attribute="amount", column_name="amount", widget=NumberWidget()
    )

    key_columns = ("article_code", "budget_year")
    key_names = ("article_code", "year")
    column_help = {
        "article_code": gettext_lazy(
            "The code of the budget article, unique across the budget."
        ),
        "title": gettext_lazy(
            "The title of the article; the same on each of its rows."
        ),
        "structure_elements": gettext_lazy(
            "The codes of the structure elements it funds, separated by "
            "semicolons; the same on each of its rows."
        ),
        "budget_year": gettext_lazy("The budget year, such as 2026."),
        "amount": gettext_lazy(
            "The amount of that year in euro, not negative, at most two decimals."
        ),
    }

    class Meta:
        model = BudgetAmount
        fields = (
            "article_code",
            "title",
            "structure_elements",
            "budget_year",
            "amount",
        )

    def __init__(self, user):
        super().__init__(user)
        self.articles = {}
        self.elements = {}
        self.domains = set()
        # {article code: (title, element codes)} that its first row gives.
        self.described = {}
        self.disagrees = False

    # Export.

    def export_queryset(self, organisation=None):
        rows = BudgetAmount.objects.select_related("article").prefetch_related(
            Prefetch(
                "article__structure_elements",
                StructureElement.objects.order_by("code"),
            )
        )
        if organisation is not None:
            rows = rows.filter(
                article__in=BudgetArticle.objects.filter(
                    structure_elements__policy_domain=organisation
                )
            )
        return rows.order_by("article__code", "year")

    def dehydrate_title(self, amount):
        return amount.article.title

    def dehydrate_structure_elements(self, amount):
        codes = [element.code for element in amount.article.structure_elements.all()]
        return f"{ELEMENT_SEPARATOR} ".join(codes)

    # Keys and the rows the file refers to.

    def resolve_key(self, row):
        code = self.code(row, "article_code")
        try:
            year = NumberWidget(whole=True).clean(row.get("budget_year"))
        except ValueError as error:
            raise ValidationError({"budget_year": str(error)}) from error
        if year is None:
            raise ValidationError({"budget_year": _("A budget year is required.")})
        try:
            budget.check_year(year)
        except ValidationError as error:
            raise ValidationError({"budget_year": error.messages}) from error
        return {"article_code": code, "year": year}

    def load_existing(self, dataset):
        headers = set(dataset.headers or ())
        codes = set()
        if "article_code" in headers:
            codes = {cells.restore(text(c)).strip() for c in dataset["article_code"]}
        element_codes_read = set()
        if "structure_elements" in headers:
            for value in dataset["structure_elements"]:
                element_codes_read |= set(element_codes(cells.restore(text(value))))
        articles = BudgetArticle.objects.filter(code__in=codes).prefetch_related(
            "amounts", "structure_elements"
        )
        self.articles = {article.code: article for article in articles}
        linked = {e for a in self.articles.values() for e in a.structure_elements.all()}
        self.elements = {
            element.code: element
            for element in StructureElement.objects.filter(code__in=element_codes_read)
        }
        self.elements.update({element.code: element for element in linked})
        self.domains = set(
            access.budget_domains(self.user).values_list("pk", flat=True)
        )
        return [a for article in self.articles.values() for a in article.amounts.all()]

    def instance_key(self, amount):
        return (amount.article.code, amount.year)

    def init_instance(self, row=None):
        return BudgetAmount(year=self.key["year"])

    # What a row says of its article.

    def described_by(self, row):
        """(title, element codes) that ``row`` gives its article; None for
        a column the file leaves out."""
        title = text(row["title"]).strip() if "title" in row else None
        codes = None
        if "structure_elements" in row:
            codes = element_codes(row["structure_elements"])
        return title, codes

    def after_init_instance(self, instance, new, row, **kwargs):
        super().after_init_instance(instance, new, row, **kwargs)
        said = self.described_by(row)
        earlier = self.described.setdefault(self.key["article_code"], said)
        self.disagrees = any(
            now is not None and before is not None and now != before
            for now, before in zip(said, earlier, strict=True)
        )

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or self.original is None or self.disagrees:
            return False
        article = self.articles[self.key["article_code"]]
        title, codes = self.described_by(row)
        current = sorted(element.code for element in article.structure_elements.all())
        return (
            instance.amount == self.original.amount
            and title in (None, article.title)
            and codes in (None, current)
        )

    def validate_instance(
        self, instance, import_validation_errors=None, validate_unique=True
    ):
        errors = dict(import_validation_errors or {})
        title, codes = self.described_by(dict(self.row))
        article = self.articles.get(self.key["article_code"])
        if instance.amount is None and "amount" not in errors:
            errors["amount"] = [_("An amount is required.")]
        elif instance.amount is not None:
            try:
                budget.check_amount(instance.amount)
            except ValidationError as error:
                errors["amount"] = error.messages
        unknown = [code for code in codes or () if code not in self.elements]
        if unknown:
            errors["structure_elements"] = [
                _("No structure element has the code %(codes)s.")
                % {"codes": ", ".join(f"“{code}”" for code in unknown)}
            ]
        if article is None and not title:
            errors["title"] = [_("A new budget article needs a title.")]
        if article is None and not codes:
            errors["structure_elements"] = [
                _("A new budget article needs at least one structure element.")
            ]
        if errors:
            raise ValidationError(errors)
        refusal = self.refusal_of(article, title, codes)
        if refusal:
            raise ValidationError({NON_FIELD_ERRORS: [refusal]})

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        self.row = row

    def refusal_of(self, article, title, codes):
        code = self.key["article_code"]
        if self.disagrees:
            return _(
                "An earlier row gives article %(code)s another title or other "
                "structure elements; give the same on each of its rows."
            ) % {"code": code}
        if article is not None and not access.can_manage_article(self.user, article):
            return _(
                "You may not change budget article %(code)s: that is for the "
                "administrators of the policy domain of its structure elements."
            ) % {"code": code}
        if codes is not None:
            current = set()
            if article is not None:
                current = {e.code for e in article.structure_elements.all()}
            for element_code in sorted(set(codes) ^ current):
                element = self.elements[element_code]
                if element.policy_domain_id not in self.domains:
                    return _(
                        "Structure element %(element)s belongs to a policy domain "
                        "whose budget you do not manage."
                    ) % {"element": element_code}
                if element.is_archived and element_code not in current:
                    return _(
                        "Structure element %(element)s is archived: it takes no "
                        "new budget articles."
                    ) % {"element": element_code}
        return None

    def save_instance(self, instance, is_create, row, **kwargs):
        code, year = self.key["article_code"], self.key["year"]
        title, codes = self.described_by(row)
        elements = None
        if codes is not None:
            elements = [self.elements[element_code] for element_code in codes]
        article = self.articles.get(code)
        if article is None:
            article = budget_actions.do_create_budget_article(
                code=code,
                title=title,
                structure_elements=elements,
                amounts={year: instance.amount},
                acting_user=self.user,
            )
            self.articles[code] = article
            self.changes = {
                "title": [None, title],
                "structure_elements": [None, codes],
                "amount": [None, actions.describe(instance.amount)],
            }
        else:
            values = {"title": title} if title is not None else {}
            changed = budget_actions.do_update_budget_article(
                article,
                structure_elements=elements,
                amounts={year: instance.amount},
                keep_other_years=True,
                acting_user=self.user,
                **values,
            )
            self.changes = {
                ("amount" if name.startswith("amount ") else name): change
                for name, change in changed.items()
            }
        saved = BudgetAmount(article=article, year=year, amount=instance.amount)
        self.existing[(code, year)] = saved
        # The amounts and elements read before this row are outdated now:
        # a later row of the same article reads them again.
        article._prefetched_objects_cache = {}


@dataclass(frozen=True)
class Kind:
    slug: str
    label: Promise
    resource_class: type
    # Whether contributors may import it; else only administrators.
    for_contributors: bool = False
    # Whether only the administrators of a policy domain import it.
    for_budget_managers: bool = False


KINDS = {
    kind.slug: kind
    for kind in (
        Kind("objectives", gettext_lazy("Objectives"), ObjectiveResource),
        Kind("projects", gettext_lazy("Projects"), ProjectResource),
        Kind("milestones", gettext_lazy("Milestones"), MilestoneResource),
        Kind("indicators", gettext_lazy("Indicators"), IndicatorResource),
        Kind(
            "measurements",
            gettext_lazy("Measurements"),
            MeasurementResource,
            for_contributors=True,
        ),
        Kind(
            "budget",
            gettext_lazy("Budget articles"),
            BudgetAmountResource,
            for_budget_managers=True,
        ),
    )
}
