"""Closing a period, reopening it, validating a plan, and corrections."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from objectives.forms.contribute import MeasurementForm, StatusReportForm
from objectives.periods import Period

CORRECTION_REASON_HELP = _(
    "Required: the period is closed. Say what was wrong and why it changes; "
    "the reason is shown with the correction."
)


class PeriodConfirmForm(forms.Form):
    """A period that has started, and the user's confirmation."""

    period = forms.CharField(
        label=_("Period"),
        max_length=7,
        help_text=_("For example 2026, 2026-Q3 or 2026-07."),
        widget=forms.TextInput(attrs={"size": 8, "autocomplete": "off"}),
    )
    confirm = forms.BooleanField(
        label=_(
            "I confirm: status reports and measurements of this period can no "
            "longer be changed, only corrected with a reason."
        ),
        error_messages={"required": _("Tick the box to confirm.")},
    )

    def clean_period(self):
        period = Period.parse(self.cleaned_data["period"])
        if period.start > timezone.localdate():
            raise ValidationError(
                _("%(period)s has not started yet."),
                params={"period": period.label},
                code="future",
            )
        return period


class ValidatePlanForm(PeriodConfirmForm):
    """Shown on the same page as the close form: its own ids."""

    confirm = forms.BooleanField(
        label=_(
            "I validate the reports of this plan for this period: the period "
            "is closed for the plan and the report is kept as it is now."
        ),
        error_messages={"required": _("Tick the box to confirm.")},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "validate_%s")
        super().__init__(*args, **kwargs)


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for reopening"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why the period is reopened.")},
    )


def _reason_field():
    return forms.CharField(
        label=_("Reason for the correction"),
        help_text=CORRECTION_REASON_HELP,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": _("Give the reason for the correction: it is required.")
        },
    )


class StatusCorrectionForm(StatusReportForm):
    correction_reason = _reason_field()

    def action_arguments(self):
        return {
            **super().action_arguments(),
            "correction_reason": self.cleaned_data["correction_reason"],
        }


class MeasurementCorrectionForm(MeasurementForm):
    correction_reason = _reason_field()

    def action_arguments(self):
        return {
            **super().action_arguments(),
            "correction_reason": self.cleaned_data["correction_reason"],
        }
