"""Forms of the lens builder: they validate, the actions write."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from objectives import access
from objectives.models import Lens, Objective, Person

# How many candidates a picker shows at once; a narrower search finds more.
PICKER_SIZE = 20


def _lens_field(name, **overrides):
    return Lens._meta.get_field(name).formfield(**overrides)


class LensDetailsForm(forms.Form):
    """What an administrator says about a lens (creation and editing)."""

    name = _lens_field("name")
    kind = _lens_field("kind")
    description = _lens_field("description")
    legislature = _lens_field("legislature")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "off"


class LensCreateForm(LensDetailsForm):
    """A new lens: in an organisation the user administers or, for a global
    administrator, government-wide."""

    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=None,
        to_field_name="ovo_number",
        required=False,
    )

    field_order = ["name", "kind", "organisation", "legislature", "description"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        field = self.fields["organisation"]
        field.queryset = access.administered_organisations(user).order_by("name")
        if access.is_global_admin(user):
            field.empty_label = _("Government-wide")
            field.help_text = _("Leave government-wide for a lens of every entity.")
        else:
            field.required = True
            field.empty_label = _("Choose an organisation")

    def clean_organisation(self):
        organisation = self.cleaned_data["organisation"]
        if not access.can_create(self.user, Lens, organisation):
            raise forms.ValidationError(
                _("You may not create a lens here."), code="not_allowed"
            )
        return organisation


def search_terms(query):
    """The words of a picker's search; a few are enough to narrow it."""
    return query.split()[:5]


class ObjectiveSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search objectives by code or title"),
        required=False,
        max_length=100,
    )

    def results(self, user):
        """Up to ``PICKER_SIZE`` objectives the user can see that match every
        word of the search."""
        if not self.is_valid() or not self.cleaned_data["q"].strip():
            return []
        objectives = access.visible(user, Objective).filter(is_archived=False)
        for term in search_terms(self.cleaned_data["q"]):
            objectives = objectives.filter(
                Q(code__icontains=term) | Q(title__icontains=term)
            )
        objectives = objectives.select_related("lead_organisation")
        return list(objectives.order_by("code", "title")[:PICKER_SIZE])


class _EntryForm(forms.Form):
    """A form about the entries of one lens: the entry it names and the
    heading it places under (empty: the top level) are of that lens."""

    def __init__(self, *args, lens, **kwargs):
        super().__init__(*args, **kwargs)
        self.lens = lens
        if "entry" in self.fields:
            self.fields["entry"].queryset = lens.entries.all()
        if "under" in self.fields:
            self.fields["under"].queryset = lens.entries.exclude(heading="")


def _under_field():
    return forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=_("Place under"),
        empty_label=_("At the top of the lens"),
    )


class HeadingAddForm(_EntryForm):
    heading = _lens_field("name", label=_("Heading"))
    under = _under_field()


class ObjectiveAddForm(_EntryForm):
    objective = forms.ModelChoiceField(
        queryset=None, to_field_name="public_id", label=_("Objective")
    )
    under = _under_field()
    q = forms.CharField(required=False, max_length=100)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["objective"].queryset = access.visible(user, Objective).filter(
            is_archived=False
        )


class EntryMoveForm(_EntryForm):
    """Move an entry one place up or down, or under another heading."""

    DIRECTIONS = {"up": -1, "down": 1}

    entry = forms.ModelChoiceField(queryset=None, label=_("Entry"))
    direction = forms.ChoiceField(
        choices=[("up", _("up")), ("down", _("down"))], required=False
    )
    under = _under_field()

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("direction") and "under" not in self.data:
            raise forms.ValidationError(
                _("Choose a direction or a heading."), code="no_move"
            )
        return cleaned

    def move(self):
        """The keyword arguments of ``do_move_lens_entry``."""
        if self.cleaned_data["direction"]:
            return {"by": self.DIRECTIONS[self.cleaned_data["direction"]]}
        return {"under": self.cleaned_data["under"]}


class EntryRemoveForm(_EntryForm):
    entry = forms.ModelChoiceField(queryset=None, label=_("Entry"))


class CoordinatorForm(forms.Form):
    person = forms.ModelChoiceField(
        queryset=Person.objects.filter(is_active=True),
        to_field_name="personnel_number",
        label=_("Person"),
    )
    q = forms.CharField(required=False, max_length=100)
