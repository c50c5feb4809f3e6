"""The forms of the reporting cycle: a lens's calendar, one of its dated
deadlines, and the entity and period of the completion overview."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from objectives.forms.contribute import DATE_INPUT_FORMATS
from objectives.models import ReportingFrequency, Tier
from objectives.periods import Period

MAXIMUM_DAYS = 365


def _days_field(label):
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=MAXIMUM_DAYS,
        help_text=_("Days after the period ends; empty: as the entity calendar."),
        widget=forms.NumberInput(attrs={"size": 4}),
    )


class CalendarForm(forms.Form):
    has_own_calendar = forms.BooleanField(
        label=_("This lens has its own reporting calendar"), required=False
    )
    frequency = forms.ChoiceField(
        label=_("Reporting frequency"), choices=ReportingFrequency.choices
    )
    delivery_days = _days_field(Tier.DELIVERY.label)
    operational_days = _days_field(Tier.OPERATIONAL.label)
    strategic_days = _days_field(Tier.STRATEGIC.label)

    def __init__(self, *args, calendar=None, **kwargs):
        super().__init__(*args, **kwargs)
        if calendar is not None and not self.is_bound:
            self.initial = {
                "has_own_calendar": True,
                "frequency": calendar.frequency,
                "delivery_days": calendar.delivery_days,
                "operational_days": calendar.operational_days,
                "strategic_days": calendar.strategic_days,
            }

    def calendar_values(self):
        return {
            name: self.cleaned_data[name]
            for name in (
                "frequency",
                "delivery_days",
                "operational_days",
                "strategic_days",
            )
        }


class DeadlineForm(forms.Form):
    period = forms.CharField(
        label=_("Period"),
        max_length=20,
        help_text=_("Such as 2026, 2026-Q2 or 2026-03, at the calendar's frequency."),
    )
    tier = forms.ChoiceField(label=_("Level"), choices=Tier.choices)
    due_on = forms.DateField(
        label=_("Due on"),
        input_formats=DATE_INPUT_FORMATS,
        help_text=_("dd/mm/yyyy"),
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, calendar, **kwargs):
        super().__init__(*args, **kwargs)
        self.calendar = calendar

    def clean_period(self):
        period = Period.parse(self.cleaned_data["period"])
        if period.frequency != self.calendar.frequency:
            raise ValidationError(
                _("This calendar reports %(frequency)s; %(period)s does not fit."),
                params={
                    "frequency": self.calendar.get_frequency_display(),
                    "period": period.label,
                },
                code="frequency",
            )
        return period

    def clean(self):
        cleaned_data = super().clean()
        period, due_on = cleaned_data.get("period"), cleaned_data.get("due_on")
        if period is not None and due_on is not None and due_on <= period.end:
            self.add_error(
                "due_on",
                ValidationError(
                    _("A report is due after its period ends (%(end)s)."),
                    params={"end": period.end.strftime("%d/%m/%Y")},
                    code="before_end",
                ),
            )
        return cleaned_data


class CompletionForm(forms.Form):
    organisation = forms.ChoiceField(label=_("Entity"))
    period = forms.ChoiceField(label=_("Period"))

    def __init__(self, *args, organisations, periods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [
            (organisation.ovo_number, organisation.name)
            for organisation in organisations
        ]
        self.fields["period"].choices = [
            (period.label, period.label) for period in periods
        ]
        if organisations:
            self.fields["organisation"].initial = organisations[0].ovo_number
        self.fields["period"].initial = periods[0].label

    def clean_period(self):
        return Period.parse(self.cleaned_data["period"])
