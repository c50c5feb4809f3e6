from dataclasses import dataclass

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from objectives.forms.contribute import latest_ended_period
from objectives.models import Indicator, Milestone
from objectives.periods import Period

register = template.Library()


@dataclass(frozen=True)
class Contribution:
    kind: str
    url: str
    label: str
    invitation: str


@register.simple_tag
def contribution(component):
    """What a contributor does on ``component``: the form's kind and address,
    the button's label and a line inviting to it. No query."""
    period = latest_ended_period(component.reporting_frequency, timezone.localdate())
    if isinstance(component, Milestone):
        return Contribution(
            "milestone",
            reverse("objectives:milestone_update", args=[component.public_id]),
            _("Update milestone"),
            _("Mark it completed, or say how it is going."),
        )
    if isinstance(component, Indicator):
        return Contribution(
            "measurement",
            reverse("objectives:measurement_record", args=[component.public_id]),
            _("Add measurement"),
            _("Enter the value for %(period)s or another period.")
            % {"period": period.label},
        )
    return Contribution(
        "status",
        reverse("objectives:status_report", args=[component, component.public_id]),
        _("Report status"),
        _("Say how things stand for %(period)s or a recent period.")
        % {"period": period.label},
    )


@register.filter
def plain_number(value):
    """A decimal without trailing zeros, with the language's decimal mark:
    12,5 rather than 12,5000."""
    if value is None or value == "":
        return ""
    return number_format(value.normalize())


@register.filter
def period_label(row):
    """The label of the period of a measurement or target: 2025, 2025-Q2."""
    return Period(row.period_start, row.period_end).label
