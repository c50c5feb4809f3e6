"""The forms of the legislature transition pages.

Objectives are named by their public identifiers and looked up among the
objectives the transition maps, as the user may see them: a form given an
objective of another organisation or legislature is invalid.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from objectives.models import Legislature, ObjectiveSuccession

Kind = ObjectiveSuccession.Kind
NOTE_LENGTH = 1000


class TransitionOpenForm(forms.Form):
    previous = forms.ModelChoiceField(
        label=_("From the legislature"),
        queryset=Legislature.objects.all(),
        to_field_name="name",
    )
    following = forms.ModelChoiceField(
        label=_("To the legislature"),
        queryset=Legislature.objects.all(),
        to_field_name="name",
    )

    def __init__(self, data=None, *, current=None, earlier=None):
        super().__init__(data)
        if current is not None:
            self.initial["following"] = current.name
        if earlier is not None:
            self.initial["previous"] = earlier.name


class _ObjectiveLookup:
    """Finds an objective among ``rows`` by the public id in ``field``."""

    def _lookup(self, rows, field, message):
        public_id = self.cleaned_data.get(field)
        if public_id is None:
            return None
        found = rows.filter(public_id=public_id).first()
        if found is None:
            raise forms.ValidationError(message, code="unknown_objective")
        return found


class _PreviousLookup(_ObjectiveLookup):
    """Replaces the public id in ``previous`` by the old objective (among
    ``self.old``) that it names."""

    def clean(self):
        cleaned = super().clean()
        if "previous" in cleaned:
            cleaned["previous"] = self._lookup(
                self.old, "previous", _("This is not an objective of the transition.")
            )
        return cleaned


class SuccessionForm(_PreviousLookup, forms.Form):
    """What becomes of one old objective: its kind and successors, chosen
    among ``new``, the list of the new objectives."""

    previous = forms.UUIDField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            (Kind.KEPT, Kind.KEPT.label),
            (Kind.MERGED, Kind.MERGED.label),
            (Kind.SPLIT, Kind.SPLIT.label),
            (Kind.ENDED, Kind.ENDED.label),
        ],
    )
    successors = forms.MultipleChoiceField(label=_("Successors"), required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=NOTE_LENGTH)

    def __init__(self, data, *, old, new):
        super().__init__(data)
        self.old = old
        self.new = {str(objective.public_id): objective for objective in new}
        self.fields["successors"].choices = [
            (public_id, str(objective)) for public_id, objective in self.new.items()
        ]

    def clean_successors(self):
        return [self.new[public_id] for public_id in self.cleaned_data["successors"]]


class CopyForm(_PreviousLookup, forms.Form):
    """A copy of an old objective in the next legislature."""

    previous = forms.UUIDField(widget=forms.HiddenInput)
    code = forms.CharField(label=_("Code"), max_length=40)
    title = forms.CharField(label=_("Title"), min_length=2, max_length=300)

    def __init__(self, data, *, old):
        super().__init__(data)
        self.old = old


class MarkNewForm(_ObjectiveLookup, forms.Form):
    """A new objective that continues none of the old ones."""

    following = forms.UUIDField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note"), required=False, max_length=NOTE_LENGTH)

    def __init__(self, data, *, new):
        super().__init__(data)
        self.new = new

    def clean(self):
        cleaned = super().clean()
        if "following" in cleaned:
            cleaned["following"] = self._lookup(
                self.new,
                "following",
                _("This is not a new objective of the transition."),
            )
        return cleaned


class ClearForm(_ObjectiveLookup, forms.Form):
    """Forget the successions of one old objective, or a "new" mark."""

    previous = forms.UUIDField(required=False, widget=forms.HiddenInput)
    following = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, data, *, old, new):
        super().__init__(data)
        self.old, self.new = old, new

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("previous")) == bool(cleaned.get("following")):
            raise forms.ValidationError(
                _("Name one objective to clear."), code="one_objective"
            )
        message = _("This is not an objective of the transition.")
        cleaned["previous"] = self._lookup(self.old, "previous", message)
        cleaned["following"] = self._lookup(self.new, "following", message)
        return cleaned
