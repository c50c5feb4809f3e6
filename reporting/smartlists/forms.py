"""The forms that validate a smartlist: its filters, and its name, sharing,
columns and sort. Both run on every save and every time a list is opened,
so that a value gone stale (a lens since archived or hidden, a column no
longer offered) is shown as an error instead of failing."""

from django import forms
from django.utils.translation import gettext_lazy as _

from objectives import access
from objectives.models import Legislature, Lens, Organisation, Person
from reporting.models import SmartList
from reporting.smartlists.catalogue import (
    COLUMNS_BY_KEY,
    MAX_COLUMNS,
    TYPES,
    colour_choices,
    columns_of,
    sortable_columns_of,
)

FILTER_NAMES = (
    "organisation",
    "lens",
    "legislature",
    "colour",
    "responsible",
    "date_from",
    "date_until",
    "text",
    "include_archived",
)


class FilterForm(forms.Form):
    """What a list of one component type holds; every filter is optional.

    The lens is looked up among the lenses ``viewer`` may see: a list shared
    with someone who may not see its lens tells them so.
    """

    organisation = forms.ModelChoiceField(
        label=_("Organisation (OVO number)"),
        queryset=Organisation.objects.all(),
        to_field_name="ovo_number",
        required=False,
        widget=forms.TextInput(attrs={"size": 10, "placeholder": "OVO000000"}),
        help_text=_("The lead organisation or any organisation of the component."),
        error_messages={
            "invalid_choice": _("There is no organisation with this OVO number.")
        },
    )
    lens = forms.ModelChoiceField(
        label=_("Lens"),
        queryset=Lens.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label=_("Any lens or none"),
        help_text=_("Objectives in the lens and what realises or measures them."),
        error_messages={
            "invalid_choice": _("This lens does not exist or you may not see it.")
        },
    )
    legislature = forms.ModelChoiceField(
        label=_("Legislature"),
        queryset=Legislature.objects.all(),
        to_field_name="name",
        required=False,
        empty_label=_("Any legislature"),
        error_messages={"invalid_choice": _("This legislature does not exist.")},
    )
    colour = forms.ChoiceField(label=_("Status"), required=False)
    responsible = forms.ModelChoiceField(
        label=_("Responsible person (personnel number)"),
        queryset=Person.objects.all(),
        to_field_name="personnel_number",
        required=False,
        widget=forms.TextInput(attrs={"size": 8}),
        error_messages={
            "invalid_choice": _("There is nobody with this personnel number.")
        },
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_until = forms.DateField(
        label=_("Until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    text = forms.CharField(
        label=_("Code, title or description contains"),
        required=False,
        max_length=100,
    )
    include_archived = forms.BooleanField(
        label=_("Include archived components"), required=False
    )

    def __init__(self, data=None, *, viewer, type_key, **kwargs):
        super().__init__(data, **kwargs)
        self.kind = TYPES[type_key]
        self.fields["lens"].queryset = access.visible(viewer, Lens).filter(
            is_archived=False
        )
        self.fields["colour"].choices = [("", _("Any status")), *colour_choices()]
        if not self.kind.has_status:
            del self.fields["colour"]
        if self.kind.dates is None:
            del self.fields["date_from"], self.fields["date_until"]
        else:
            self.fields["date_from"].help_text = self.kind.dates_help
        if self.kind.is_milestone:
            self.fields["responsible"].label = _("Assignee (personnel number)")

    def clean(self):
        cleaned = super().clean()
        day_from, day_until = cleaned.get("date_from"), cleaned.get("date_until")
        if day_from and day_until and day_until < day_from:
            self.add_error("date_until", _("The end of the range is before its start."))
        return cleaned

    def problems(self):
        """The errors of the bound filters as sentences naming their field."""
        if self.is_valid():
            return []
        return [
            f"{self.fields[name].label}: {error}" if name in self.fields else error
            for name, errors in self.errors.items()
            for error in errors
        ]

    @property
    def date_fields(self):
        names = ("date_from", "date_until")
        return [self[name] for name in names if name in self.fields]

    def stored(self):
        """The cleaned filters as the list keeps them: public keys, no
        empty values."""
        stored = {}
        for name, value in self.cleaned_data.items():
            if value in (None, "", False):
                continue
            if isinstance(value, Organisation):
                value = value.ovo_number
            elif isinstance(value, Lens):
                value = str(value.public_id)
            elif isinstance(value, Legislature):
                value = value.name
            elif isinstance(value, Person):
                value = value.personnel_number
            elif hasattr(value, "isoformat"):
                value = value.isoformat()
            stored[name] = value
        return stored


def filter_form(smartlist, viewer):
    """The stored filters of ``smartlist``, bound for ``viewer``.

    A stored value that is not a filter at all (an old name) is an error too,
    rather than silently ignored.
    """
    stored = smartlist.filters if isinstance(smartlist.filters, dict) else {}
    form = FilterForm(
        {k: v for k, v in stored.items() if k in FILTER_NAMES},
        viewer=viewer,
        type_key=smartlist.component_type,
    )
    unknown = sorted(set(stored) - set(form.fields))
    if unknown:
        form.is_valid()
        form.add_error(
            None,
            _("This list has filters that no longer exist: %(names)s.")
            % {"names": ", ".join(unknown)},
        )
    return form


class SmartListForm(forms.Form):
    """The name, sharing, columns and sort of a list of one component type.

    The columns are slots in order, so that the order can be chosen
    without JavaScript; an empty slot is skipped.
    """

    name = forms.CharField(label=_("Name"), max_length=120)
    shared_with = forms.ModelChoiceField(
        label=_("Shared with"),
        queryset=Organisation.objects.none(),
        to_field_name="ovo_number",
        required=False,
        empty_label=_("Nobody: a private list"),
        help_text=_(
            "The members of this organisation see the list, each with only "
            "the components they may see. Only you change it."
        ),
        error_messages={
            "invalid_choice": _(
                "You can only share a list with an organisation in which you "
                "hold a role."
            )
        },
    )
    sort_column = forms.ChoiceField(label=_("Sort by"))
    sort_direction = forms.ChoiceField(
        label=_("Direction"), choices=SmartList.Direction.choices
    )

    def __init__(self, data=None, *, owner, type_key, **kwargs):
        super().__init__(data, **kwargs)
        self.type_key = type_key
        self.fields["shared_with"].queryset = access.organisations_of(owner).order_by(
            "name"
        )
        self.fields["shared_with"].label_from_instance = lambda o: o.name
        offered = [(c.key, c.label) for c in columns_of(type_key)]
        for number in range(1, MAX_COLUMNS + 1):
            self.fields[f"column_{number}"] = forms.ChoiceField(
                label=_("Column %(number)s") % {"number": number},
                choices=[("", "—"), *offered],
                required=number == 1,
                error_messages={
                    "invalid_choice": _(
                        "This column is not offered for this type of component."
                    )
                },
            )
        self.fields["sort_column"].choices = [
            (c.key, c.label) for c in sortable_columns_of(type_key)
        ]
        self.fields["sort_column"].error_messages["invalid_choice"] = _(
            "A list of this type cannot be sorted on this column."
        )

    @property
    def column_fields(self):
        return [self[f"column_{n}"] for n in range(1, MAX_COLUMNS + 1)]

    def clean(self):
        cleaned = super().clean()
        chosen = [
            cleaned.get(f"column_{n}")
            for n in range(1, MAX_COLUMNS + 1)
            if cleaned.get(f"column_{n}")
        ]
        repeated = sorted({key for key in chosen if chosen.count(key) > 1})
        if repeated:
            raise forms.ValidationError(
                _("Each column can be shown once; repeated: %(columns)s.")
                % {
                    "columns": ", ".join(
                        str(COLUMNS_BY_KEY[key].label) for key in repeated
                    )
                }
            )
        cleaned["columns"] = chosen
        return cleaned


def initial_for(smartlist):
    """The builder's initial values for an existing list."""
    initial = {
        "name": smartlist.name,
        "shared_with": smartlist.shared_with.ovo_number
        if smartlist.shared_with
        else "",
        "sort_column": smartlist.sort_column,
        "sort_direction": smartlist.sort_direction,
    }
    for number, key in enumerate(smartlist.columns[:MAX_COLUMNS], start=1):
        initial[f"column_{number}"] = key
    return initial


def definition_errors(smartlist):
    """What is wrong with the stored columns and sort of ``smartlist``,
    without a query: the catalogue may have changed since it was saved."""
    offered = {column.key for column in columns_of(smartlist.component_type)}
    sortable = {column.key for column in sortable_columns_of(smartlist.component_type)}
    errors = []
    columns = smartlist.columns if isinstance(smartlist.columns, list) else []
    if not columns or any(key not in offered for key in columns):
        errors.append(_("This list shows columns that are no longer offered."))
    if smartlist.sort_column not in sortable:
        errors.append(_("This list is sorted on a column that cannot be sorted."))
    return errors
