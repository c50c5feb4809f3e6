"""The forms of the functional administrators: create and edit components.

Each form works on a copy of the component, so that the actions layer still
sees the values as they were saved and records what really changed. An edit
form carries the ``updated_at`` of the component it started from as a hidden
version; when that version is outdated the view shows the same form again
with the values saved in the meantime beside the user's own.
"""

import copy
import datetime
import decimal

from django import forms
from django.db.models import Case, Q, When
from django.utils import formats, timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from objectives import access
from objectives.models import (
    Indicator,
    Legislature,
    Membership,
    Milestone,
    Objective,
    Organisation,
    Person,
    Process,
    Programme,
    Project,
    StructureElement,
)


def code_example_help(example):
    return format_lazy(
        _("Unique within the lead organisation, for example “{example}”."),
        example=example,
    )


CONFIDENTIALITY_HELP = _(
    "Internal: visible to every member of its organisations. Confidential: "
    "visible only to the people named on it and to the administrators of its "
    "organisations. Public: may also be published as open data."
)

WHAT = _("What it is")
RESPONSIBILITY = _("Responsibility and visibility")
REPORTING = _("Reporting")


def date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def choice_box():
    """Checkboxes in a scrolling box: long lists stay on one screen."""
    return forms.CheckboxSelectMultiple(attrs={"class": "choice-box"})


def readable(value):
    """A saved value as the conflict message shows it beside the user's."""
    if value is None or value == "":
        return _("(empty)")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, decimal.Decimal):
        return formats.localize(value.normalize())
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value) or _("(none)")
    return str(value)


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, person):
        return f"{person.last_name}, {person.first_name}"


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, person):
        return f"{person.last_name}, {person.first_name}"


class OrganisationsChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, organisation):
        return organisation.name


class ParentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, objective):
        return f"{objective.code} {objective.title} ({objective.legislature})"


def people_of(organisation_ids, *, keep=(), first=()):
    """The active people with an active role in one of ``organisation_ids``,
    and the people of ``keep`` so that an edit never drops a current choice;
    those of ``first`` come first (both: ids)."""
    members = Membership.objects.active().filter(organisation__in=organisation_ids)
    kept = [person for person in keep if person is not None]
    return Person.objects.filter(
        Q(pk__in=members.values("person_id"), is_active=True) | Q(pk__in=kept)
    ).order_by(
        Case(When(pk__in=first, then=0), default=1),
        "last_name",
        "first_name",
        "pk",
    )


class VersionedForm:
    """What the edit forms share: the hidden version and the conflict view."""

    sections = []

    def add_version(self, component, conflict):
        self.conflict = conflict
        if component is None:
            self.fields.pop("version", None)
            return
        self.fields["version"] = forms.CharField(widget=forms.HiddenInput)
        self.initial["version"] = component.updated_at.isoformat()

    def saved_value(self, name):
        display = getattr(self.component, f"get_{name}_display", None)
        return display() if display else getattr(self.component, name)

    def current_values(self):
        """{field: saved value} where the saved value differs from the input."""
        if not self.conflict:
            return {}
        return {
            name: readable(self.saved_value(name))
            for name in self.changed_data
            if name != "version"
        }

    def fieldsets(self):
        """The sections of the form: legend and (bound field, saved value)."""
        current = self.current_values()
        return [
            {
                "legend": legend,
                "rows": [
                    (self[name], current.get(name))
                    for name in names
                    if name in self.fields
                ],
            }
            for legend, names in self.sections
        ]


class ComponentForm(VersionedForm, forms.ModelForm):
    """Fields every component has; subclasses add their own."""

    other_organisations = OrganisationsChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        label=_("Other organisations"),
        widget=choice_box(),
    )

    code_help = ""
    own_section = None

    class Meta:
        fields = [
            "code",
            "title",
            "description",
            "responsible",
            "confidentiality",
            "reporting_frequency",
        ]
        field_classes = {"responsible": PersonChoiceField}
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}
        help_texts = {
            "responsible": _(
                "The one person who answers for it, among the active staff of "
                "its organisations."
            ),
            "confidentiality": CONFIDENTIALITY_HELP,
            "reporting_frequency": _("How often its status is reported."),
        }

    def __init__(self, data=None, *, user, owner, component=None, conflict=False):
        self.user = user
        self.component = component
        if component is None:
            instance = self._meta.model(lead_organisation=owner)
            self.organisations = [owner]
            self.lead_organisation = owner
        else:
            instance = copy.copy(component)
            self.organisations = list(component.organisations.all())
            self.lead_organisation = self._lead_among(self.organisations)
        super().__init__(data, instance=instance)
        self.add_version(component, conflict)
        self.fields["code"].help_text = self.code_help

        organisation_ids = [organisation.pk for organisation in self.organisations]
        keep = [component.responsible_id] if component is not None else []
        self.fields["responsible"].queryset = people_of(organisation_ids, keep=keep)
        self.fields["responsible"].empty_label = _("— nobody yet —")
        self._set_organisation_choices(organisation_ids)

    def _lead_among(self, organisations):
        # The lead is always among the organisations: spares a query.
        for organisation in organisations:
            if organisation.pk == self.component.lead_organisation_id:
                return organisation
        return self.component.lead_organisation

    def _set_organisation_choices(self, organisation_ids):
        field = self.fields["other_organisations"]
        today = timezone.localdate()
        attached = Q(pk__in=organisation_ids)
        current = Q(valid_until__isnull=True) | Q(valid_until__gte=today)
        # The attached organisations first, so that they are seen at once.
        field.queryset = (
            Organisation.objects.filter(current | attached)
            .exclude(pk=self.lead_organisation.pk)
            .order_by(Case(When(attached, then=0), default=1), "name")
        )
        field.help_text = _(
            "It belongs to its lead organisation, %(lead)s, and to every "
            "organisation ticked here: it is visible to their members and "
            "managed by their administrators."
        ) % {"lead": self.lead_organisation}
        self.initial["other_organisations"] = [
            pk for pk in organisation_ids if pk != self.lead_organisation.pk
        ]

    def saved_value(self, name):
        if name == "other_organisations":
            lead_id = self.lead_organisation.pk
            return [org for org in self.organisations if org.pk != lead_id]
        return super().saved_value(name)

    def clean_code(self):
        return self.cleaned_data["code"].strip()

    def code_scope(self, cleaned_data):
        """The rows among which the code must be unique."""
        return self._meta.model.objects.filter(lead_organisation=self.lead_organisation)

    def clean(self):
        cleaned_data = super().clean()
        code = cleaned_data.get("code")
        if code:
            taken = self.code_scope(cleaned_data).filter(code=code)
            if self.component is not None:
                taken = taken.exclude(pk=self.component.pk)
            if taken.exists():
                self.add_error("code", self.code_taken_message(code, cleaned_data))
        return cleaned_data

    def code_taken_message(self, code, cleaned_data):
        return _(
            "The code “%(code)s” is already used by another %(kind)s of "
            "%(organisation)s. Choose another code."
        ) % {
            "code": code,
            "kind": self._meta.model._meta.verbose_name,
            "organisation": self.lead_organisation,
        }

    def check_dates(self, cleaned_data, start_name, end_name):
        start, end = cleaned_data.get(start_name), cleaned_data.get(end_name)
        if start and end and end < start:
            self.add_error(
                end_name,
                _(
                    "The end date (%(end)s) cannot lie before the start date "
                    "(%(start)s)."
                )
                % {"end": readable(end), "start": readable(start)},
            )

    def validate_unique(self):
        # Codes are checked in clean() with a message that names the
        # organisation; the other unique constraints involve fields that the
        # form does not edit.
        pass

    def model_values(self):
        """The cleaned values of the component's own fields."""
        names = [name for name in self._meta.fields if name in self.cleaned_data]
        return {name: self.cleaned_data[name] for name in names}

    def create_arguments(self):
        """Keyword arguments for ``do_create_component``."""
        return {
            "lead_organisation": self.lead_organisation,
            "organisations": list(self.cleaned_data["other_organisations"]),
            **self.model_values(),
        }

    def edit_arguments(self):
        """Keyword arguments for ``do_edit_component``."""
        return {
            "values": self.model_values(),
            "organisations": list(self.cleaned_data["other_organisations"]),
        }


def responsibility_section(*extra):
    return (
        RESPONSIBILITY,
        ["responsible", *extra, "other_organisations", "confidentiality"],
    )


class ObjectiveForm(ComponentForm):
    code_help = _(
        "Unique within the lead organisation and legislature, for example “OD 3.1”."
    )
    sections = [
        (WHAT, ["level", "legislature", "code", "title", "description"]),
        (_("Place in the cascade"), ["parent", "structure_element"]),
        responsibility_section(),
        (REPORTING, ["reporting_frequency"]),
    ]

    class Meta(ComponentForm.Meta):
        model = Objective
        fields = [
            *ComponentForm.Meta.fields,
            "level",
            "legislature",
            "parent",
            "structure_element",
        ]
        field_classes = {
            **ComponentForm.Meta.field_classes,
            "parent": ParentChoiceField,
        }
        widgets = {
            **ComponentForm.Meta.widgets,
            "level": forms.RadioSelect,
            "legislature": forms.RadioSelect,
        }
        help_texts = {
            **ComponentForm.Meta.help_texts,
            "level": _(
                "Strategic objectives head a cascade; operational objectives "
                "sit under a strategic or another operational objective."
            ),
            "parent": _(
                "Only for an operational objective: the objective of the same "
                "legislature it sits under."
            ),
            "structure_element": _(
                "The stable heading of the policy domain that outlives legislatures."
            ),
        }

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        organisation_ids = [organisation.pk for organisation in self.organisations]
        self.fields["parent"].queryset = self._parents(organisation_ids)
        self.fields["parent"].empty_label = _("— none: it heads a cascade —")
        self.fields["structure_element"].queryset = self._structure_elements()
        self.fields["structure_element"].empty_label = _("— none —")
        self.fields["legislature"].empty_label = None
        self.fields["level"].choices = Objective.Level.choices
        if self.component is None:
            self.initial["legislature"] = self._current_legislature()

    def _parents(self, organisation_ids):
        candidates = access.visible(self.user, Objective).filter(
            organisations__in=organisation_ids, is_archived=False
        )
        current = self.component.parent_id if self.component else None
        parents = Objective.objects.filter(
            Q(pk__in=candidates.values("pk")) | Q(pk=current)
        ).select_related("legislature")
        if self.component is not None:
            parents = parents.exclude(pk=self.component.pk)
        return parents.order_by("-legislature__start_date", "code")

    def _structure_elements(self):
        lead = self.lead_organisation
        in_policy_domain = (
            Q(policy_domain=lead)
            | Q(policy_domain__children=lead)
            | Q(policy_domain__children__children=lead)
        )
        current = self.component.structure_element_id if self.component else None
        return (
            StructureElement.objects.filter(
                (in_policy_domain & Q(is_archived=False)) | Q(pk=current)
            )
            .distinct()
            .order_by("code")
        )

    @staticmethod
    def _current_legislature():
        today = timezone.localdate()
        legislatures = Legislature.objects.order_by("-start_date")
        running = legislatures.filter(start_date__lte=today, end_date__gte=today)
        return (running.first() or legislatures.first() or Legislature()).pk

    def code_scope(self, cleaned_data):
        return (
            super()
            .code_scope(cleaned_data)
            .filter(legislature=cleaned_data.get("legislature"))
        )

    def code_taken_message(self, code, cleaned_data):
        return _(
            "The code “%(code)s” is already used by another objective of "
            "%(organisation)s in the legislature %(legislature)s. Choose another "
            "code."
        ) % {
            "code": code,
            "organisation": self.lead_organisation,
            "legislature": cleaned_data.get("legislature"),
        }

    def clean(self):
        cleaned_data = super().clean()
        parent = cleaned_data.get("parent")
        if parent is not None:
            self._check_parent(parent, cleaned_data)
        return cleaned_data

    def _check_parent(self, parent, cleaned_data):
        legislature = cleaned_data.get("legislature")
        if cleaned_data.get("level") == Objective.Level.STRATEGIC:
            self.add_error(
                "parent",
                _(
                    "A strategic objective heads a cascade: leave the parent "
                    "empty, or make the objective operational."
                ),
            )
        elif legislature is not None and parent.legislature_id != legislature.pk:
            self.add_error(
                "parent",
                _(
                    "The parent objective belongs to the legislature %(parent)s, "
                    "this objective to %(own)s: choose a parent of %(own)s."
                )
                % {"parent": parent.legislature, "own": legislature},
            )
        elif self.component is not None and self._descends_from_self(parent):
            self.add_error(
                "parent",
                _(
                    "An objective cannot sit under itself or under one of the "
                    "objectives beneath it."
                ),
            )

    def _descends_from_self(self, parent):
        seen = set()
        node_id = parent.pk
        while node_id is not None and node_id not in seen:
            if node_id == self.component.pk:
                return True
            seen.add(node_id)
            node_id = (
                Objective.objects.filter(pk=node_id)
                .values_list("parent_id", flat=True)
                .first()
            )
        return False


class ProjectForm(ComponentForm):
    code_help = code_example_help("PR 12")
    members = PeopleChoiceField(
        queryset=Person.objects.none(),
        required=False,
        label=_("Members"),
        help_text=_(
            "Project members can update the project and be assigned its milestones."
        ),
        widget=choice_box(),
    )

    sections = [
        (WHAT, ["code", "title", "description"]),
        (_("Planning"), ["start_date", "end_date"]),
        responsibility_section("members"),
        (REPORTING, ["reporting_frequency"]),
    ]

    class Meta(ComponentForm.Meta):
        model = Project
        fields = [*ComponentForm.Meta.fields, "start_date", "end_date"]
        widgets = {
            **ComponentForm.Meta.widgets,
            "start_date": date_input(),
            "end_date": date_input(),
        }

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        organisation_ids = [organisation.pk for organisation in self.organisations]
        current = list(self.component.members.all()) if self.component else []
        self.current_members = current
        member_ids = [person.pk for person in current]
        self.fields["members"].queryset = people_of(
            organisation_ids, keep=member_ids, first=member_ids
        )
        self.initial["members"] = [person.pk for person in current]

    def saved_value(self, name):
        if name == "members":
            return self.current_members
        return super().saved_value(name)

    def clean(self):
        cleaned_data = super().clean()
        self.check_dates(cleaned_data, "start_date", "end_date")
        return cleaned_data

    def create_arguments(self):
        return {**super().create_arguments(), "members": self.cleaned_data["members"]}

    def edit_arguments(self):
        return {**super().edit_arguments(), "members": self.cleaned_data["members"]}


class ProcessForm(ComponentForm):
    code_help = code_example_help("PC 4")
    sections = [
        (WHAT, ["code", "title", "description"]),
        (_("Validity"), ["valid_from", "valid_until"]),
        responsibility_section(),
        (REPORTING, ["reporting_frequency"]),
    ]

    class Meta(ComponentForm.Meta):
        model = Process
        fields = [*ComponentForm.Meta.fields, "valid_from", "valid_until"]
        widgets = {
            **ComponentForm.Meta.widgets,
            "valid_from": date_input(),
            "valid_until": date_input(),
        }

    def clean(self):
        cleaned_data = super().clean()
        self.check_dates(cleaned_data, "valid_from", "valid_until")
        return cleaned_data


class ProgrammeForm(ComponentForm):
    code_help = code_example_help("PG 2")
    sections = [
        (WHAT, ["code", "title", "description", "is_government_wide"]),
        responsibility_section(),
        (REPORTING, ["reporting_frequency"]),
    ]

    class Meta(ComponentForm.Meta):
        model = Programme
        fields = [*ComponentForm.Meta.fields, "is_government_wide"]
        help_texts = {
            **ComponentForm.Meta.help_texts,
            "is_government_wide": _(
                "Followed by every organisation; only global administrators "
                "create and manage government-wide programmes."
            ),
        }

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        if not access.is_global_admin(self.user):
            del self.fields["is_government_wide"]


class IndicatorForm(ComponentForm):
    code_help = code_example_help("IN 7")
    sections = [
        (WHAT, ["code", "title", "description"]),
        (
            _("What it measures"),
            [
                "kind",
                "unit",
                "direction",
                "source",
                "calculation_method",
                "baseline_value",
                "baseline_year",
            ],
        ),
        responsibility_section(),
        (REPORTING, ["reporting_frequency"]),
    ]

    class Meta(ComponentForm.Meta):
        model = Indicator
        fields = [
            *ComponentForm.Meta.fields,
            "kind",
            "unit",
            "direction",
            "source",
            "calculation_method",
            "baseline_value",
            "baseline_year",
        ]
        widgets = {
            **ComponentForm.Meta.widgets,
            "calculation_method": forms.Textarea(attrs={"rows": 3}),
            "kind": forms.RadioSelect,
            "direction": forms.RadioSelect,
        }
        help_texts = {
            **ComponentForm.Meta.help_texts,
            "kind": _(
                "Input, process and output indicators follow the work; effect "
                "indicators follow what it changes in society."
            ),
            "unit": _("For example: number, percentage, euro, days."),
            "direction": _("Whether a higher value is good news or bad news."),
            "source": _("Where the measurements come from."),
            "baseline_value": _("The value measured at the start."),
            "baseline_year": _("The year of the baseline, for example 2019."),
        }

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["kind"].choices = Indicator.Kind.choices


class MilestoneForm(VersionedForm, forms.ModelForm):
    """A milestone of ``owner``, a project; assigned to one of its members."""

    sections = [
        (WHAT, ["code", "title", "description"]),
        (_("Planning"), ["due_date", "assignee"]),
        (REPORTING, ["reporting_frequency"]),
    ]

    class Meta:
        model = Milestone
        fields = [
            "code",
            "title",
            "description",
            "due_date",
            "assignee",
            "reporting_frequency",
        ]
        field_classes = {"assignee": PersonChoiceField}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "due_date": date_input(),
        }
        help_texts = {
            "code": _("Unique within the project, for example “M3”."),
            "assignee": _("One of the project's members."),
            "reporting_frequency": _("How often its status is reported."),
        }

    def __init__(self, data=None, *, user, owner, component=None, conflict=False):
        self.user = user
        self.project = owner
        self.component = component
        instance = copy.copy(component) if component else Milestone(project=owner)
        super().__init__(data, instance=instance)
        self.add_version(component, conflict)

        keep = [component.assignee_id] if component is not None else []
        self.fields["assignee"].queryset = Person.objects.filter(
            Q(pk__in=owner.members.filter(is_active=True).values("pk")) | Q(pk__in=keep)
        ).order_by("last_name", "first_name", "pk")
        self.fields["assignee"].empty_label = _("— nobody yet —")

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        taken = Milestone.objects.filter(project=self.project, code=code)
        if self.component is not None:
            taken = taken.exclude(pk=self.component.pk)
        if taken.exists():
            raise forms.ValidationError(
                _(
                    "The code “%(code)s” is already used by another milestone of "
                    "this project. Choose another code."
                )
                % {"code": code}
            )
        return code

    def validate_unique(self):
        # The code is checked in clean_code() with a clearer message.
        pass

    def model_values(self):
        return {name: self.cleaned_data[name] for name in self._meta.fields}

    def create_arguments(self):
        return self.model_values()

    def edit_arguments(self):
        return {"values": self.model_values()}


class DescriptionForm(VersionedForm, forms.Form):
    """The contributor's edit: the description only."""

    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )

    def __init__(self, data=None, *, user, owner=None, component, conflict=False):
        self.user = user
        self.component = component
        super().__init__(data, initial={"description": component.description})
        self.add_version(component, conflict)
        self.sections = [(_("Description"), ["description"])]

    def edit_arguments(self):
        return {"values": {"description": self.cleaned_data["description"]}}


FORMS = {
    Objective: ObjectiveForm,
    Project: ProjectForm,
    Process: ProcessForm,
    Programme: ProgrammeForm,
    Indicator: IndicatorForm,
    Milestone: MilestoneForm,
}
