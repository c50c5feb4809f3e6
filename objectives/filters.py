"""The GET forms of the browsing pages: they filter what is shown, never write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from objectives.models import StatusReport

# The "colour" of a row without any status report.
NO_STATUS = "none"
# Shorter queries match too much to be useful.
MINIMUM_QUERY_LENGTH = 3


class OverviewFilterForm(forms.Form):
    """What an entity overview shows; every field is optional.

    The choices come from the rows on the page, so the form is built after
    they are read: ``legislatures`` is a list of legislatures and ``people``
    the people responsible for a row.
    """

    TYPES = [
        ("objective", _("Objectives")),
        ("project", _("Projects")),
        ("process", _("Processes")),
        ("indicator", _("Indicators")),
    ]

    legislature = forms.ChoiceField(label=_("Legislature"), required=False)
    colour = forms.ChoiceField(label=_("Status"), required=False)
    responsible = forms.ChoiceField(label=_("Responsible person"), required=False)
    type = forms.ChoiceField(label=_("Component type"), required=False)
    q = forms.CharField(
        label=_("Code or title contains"), required=False, max_length=100
    )

    def __init__(self, data, *, legislatures, people):
        super().__init__(data)
        self.fields["legislature"].choices = [
            (legislature.name, legislature.name) for legislature in legislatures
        ]
        self.fields["colour"].choices = [
            ("", _("All statuses")),
            *StatusReport.Colour.choices,
            (NO_STATUS, _("no status")),
        ]
        self.fields["responsible"].choices = [
            ("", _("Everyone")),
            *((person.personnel_number, person.full_name) for person in people),
        ]
        self.fields["type"].choices = [("", _("All types")), *self.TYPES]

    def filters(self):
        """The valid, non-empty filters other than the legislature; an
        invalid one (a stale link) is left out and shown as an error."""
        if not self.is_bound:
            return {}
        self.is_valid()
        names = ("colour", "responsible", "type", "q")
        values = {name: self.cleaned_data.get(name, "").strip() for name in names}
        return {name: value for name, value in values.items() if value}


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search for"),
        max_length=100,
        min_length=MINIMUM_QUERY_LENGTH,
        strip=True,
    )
    type = forms.ChoiceField(required=False, choices=[])
    legislature = forms.ChoiceField(
        label=_("Objectives of the legislature"), required=False, choices=[]
    )

    def __init__(self, data, *, types, legislatures=()):
        super().__init__(data)
        self.fields["type"].choices = [("", "")] + [(name, name) for name in types]
        self.legislatures = {
            legislature.name: legislature for legislature in legislatures
        }
        self.fields["legislature"].choices = [
            ("", _("Every legislature")),
            *((name, name) for name in self.legislatures),
        ]

    def chosen_legislature(self):
        """The legislature whose objectives are searched, None for all."""
        return self.legislatures.get(self.cleaned_data.get("legislature"))

    def terms(self):
        """The words of the query, each of which a result must contain."""
        return self.cleaned_data["q"].split()[:8]
