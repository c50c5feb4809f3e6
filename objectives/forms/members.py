"""Forms of the member pages of an organisation: they validate, the actions
write."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from objectives.forms.lenses import PICKER_SIZE, search_terms
from objectives.models import Membership, Person


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search people by name or personnel number"),
        required=False,
        max_length=100,
    )

    def results(self):
        """Up to ``PICKER_SIZE`` active staff members matching every word.

        Staff members come from the HR system and are known to every
        colleague, so the search is not limited to one organisation.
        """
        if not self.is_valid() or not self.cleaned_data["q"].strip():
            return []
        people = Person.objects.filter(is_active=True)
        for term in search_terms(self.cleaned_data["q"]):
            people = people.filter(
                Q(first_name__icontains=term)
                | Q(last_name__icontains=term)
                | Q(personnel_number=term)
            )
        return list(people.order_by("last_name", "first_name")[:PICKER_SIZE])


def person_field():
    return forms.ModelChoiceField(
        queryset=Person.objects.filter(is_active=True),
        to_field_name="personnel_number",
        label=_("Person"),
    )


class GrantRoleForm(forms.Form):
    person = person_field()
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)
    q = forms.CharField(required=False, max_length=100)


class MembershipForm(forms.Form):
    """Names a current member of ``organisation`` by their personnel number;
    ``membership`` is theirs once the form is valid."""

    person = person_field()

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.membership = None

    def clean_person(self):
        person = self.cleaned_data["person"]
        self.membership = (
            self.organisation.memberships.active()
            .filter(person=person)
            .select_related("person__user", "organisation")
            .first()
        )
        if self.membership is None:
            raise forms.ValidationError(
                _("%(person)s holds no role here."),
                code="not_a_member",
                params={"person": person},
            )
        return person


class ChangeRoleForm(MembershipForm):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)
