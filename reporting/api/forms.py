from django import forms
from django.utils.translation import gettext_lazy as _

from objectives.models import User


class IntegrationForm(forms.Form):
    """A new integration: its name and the active account it acts as."""

    name = forms.CharField(label=_("Name"), max_length=100)
    username = forms.CharField(
        label=_("Acts as (login)"),
        max_length=150,
        help_text=_("The integration has exactly the rights of this account."),
    )

    def clean_username(self):
        """The account itself, found by its login."""
        username = self.cleaned_data["username"]
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise forms.ValidationError(
                _("There is no active account with this login."), code="unknown"
            )
        return user
