"""What contributors fill in: a status report, a milestone update, a measurement.

Each form carries what its user had seen when it was shown (a hidden token).
On submission it looks for what others saved since; such a conflict makes the
form invalid, shows the other person's entry next to the user's kept input,
and moves the token on, so that submitting again saves the user's entry as
the newer one.
"""

import datetime
import re

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from objectives.models import Change, StatusReport
from objectives.periods import MONTHLY, QUARTERLY, YEARLY, Period

# How many periods a period select offers: the current one and those before.
RECENT_PERIODS = {YEARLY: 4, QUARTERLY: 6, MONTHLY: 8}

# Dates as people in Flanders type them, and as date pickers send them.
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]

# Any auto id of these forms starts so, to stay apart from other forms that
# may share the detail page.
AUTO_ID = "contribute_%s"


def recent_periods(frequency, today):
    """The period of ``frequency`` containing ``today`` and a few before it,
    newest first."""
    periods = [Period.of(frequency, today)]
    while len(periods) < RECENT_PERIODS[frequency]:
        periods.append(periods[-1].previous())
    return periods


def latest_ended_period(frequency, today):
    """The period a contributor reports on by default: the last one that ended."""
    return Period.of(frequency, today).previous()


def period_choices(periods, today):
    current = Period.of(periods[0].frequency, today)
    return [
        (
            period.label,
            _("%(period)s (ongoing)") % {"period": period.label}
            if period == current
            else period.label,
        )
        for period in periods
    ]


def plain_number(text):
    """``text`` as Python's Decimal reads it: "12,5" and "1.234,5" as people
    write them in Flanders, "12.5" and "1,234.5" as spreadsheets may."""
    text = re.sub(r"[\s\u00a0\u202f']", "", text)
    if "," in text and "." in text:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        grouping_mark = "." if decimal_mark == "," else ","
        text = text.replace(grouping_mark, "")
    if text.count(",") == 1:
        text = text.replace(",", ".")
    return text


class CommaDecimalField(forms.DecimalField):
    """A decimal number with a comma or a point as decimal mark, whatever the
    interface language."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value):
        if isinstance(value, str):
            value = plain_number(value)
        return super().to_python(value)


def _aware_datetime(text):
    moment = datetime.datetime.fromisoformat(text)
    return moment if timezone.is_aware(moment) else None


class TokenField(forms.CharField):
    """A hidden field telling what the user had seen when the form was shown.

    An unreadable token counts as having seen nothing: at worst the user is
    shown a conflict too many, never an error about a field they cannot see.
    """

    widget = forms.HiddenInput

    def __init__(self, parse, **kwargs):
        super().__init__(required=False, **kwargs)
        self.parse = parse

    def to_python(self, value):
        try:
            return self.parse(value) if value else None
        except (TypeError, ValueError):
            return None


class ContributionForm(forms.Form):
    """What the three forms share: the auto ids, the conflict, the token."""

    # The other person's entry found at submission, shown next to the
    # user's own: a status report, a change or a measurement (its kind), and
    # the period it concerns.
    conflict = None
    conflict_kind = ""
    conflict_period = None
    # Where a user who may correct a closed period does so, when the form
    # was refused because its period is closed.
    correction_url = ""

    def __init__(self, *args, today=None, **kwargs):
        kwargs.setdefault("auto_id", AUTO_ID)
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        if not self.is_bound:
            # The form opens where it is shown: the first field has the focus.
            next(iter(self.fields.values())).widget.attrs["autofocus"] = True

    def acknowledge(self, token_field, value):
        """Let the next submission save: the user has now seen ``value``."""
        self.data = self.data.copy()
        self.data[token_field] = value

    def refuse_with_conflict(self, conflict, message, *, kind, period=None):
        self.conflict = conflict
        self.conflict_kind = kind
        self.conflict_period = period
        raise ValidationError(message, code="conflict")


class StatusReportForm(ContributionForm):
    period = forms.ChoiceField(label=_("Period"))
    colour = forms.ChoiceField(
        label=_("Status"),
        choices=StatusReport.Colour.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the status: one of the colours.")},
    )
    explanation = forms.CharField(
        label=_("Explanation"),
        help_text=_("What is going well or not, and why; what comes next."),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Write an explanation: a status without one cannot be saved.")
        },
    )
    # The newest report of the subject when the form was shown (0: none).
    known_report = TokenField(int)

    def __init__(self, *args, subject, **kwargs):
        super().__init__(*args, **kwargs)
        self.subject = subject
        frequency = subject.reporting_frequency
        periods = recent_periods(frequency, self.today)
        self.fields["period"].choices = period_choices(periods, self.today)
        self.fields["period"].initial = latest_ended_period(frequency, self.today).label
        if not self.is_bound:
            newest = subject.status_reports.order_by("-pk").values("pk").first()
            self.initial["known_report"] = newest["pk"] if newest else 0

    def clean_period(self):
        return Period.parse(self.cleaned_data["period"])

    def clean(self):
        cleaned_data = super().clean()
        period = cleaned_data.get("period")
        if period is not None:
            self.check_newer_report(period, cleaned_data.get("known_report") or 0)
        return cleaned_data

    def check_newer_report(self, period, known_report):
        newer = (
            self.subject.status_reports.filter(
                period_start=period.start, period_end=period.end, pk__gt=known_report
            )
            .select_related("author")
            .order_by("-pk")
            .first()
        )
        if newer is not None:
            self.acknowledge("known_report", newer.pk)
            self.refuse_with_conflict(
                newer,
                _(
                    "Someone else reported the status of %(period)s after you "
                    "opened this form. Their report is shown below; yours is "
                    "kept. Save yours to make it the newer report, or cancel."
                )
                % {"period": period.label},
                kind="report",
                period=period,
            )

    def action_arguments(self):
        return {
            name: self.cleaned_data[name]
            for name in ("period", "colour", "explanation")
        }


class MilestoneUpdateForm(StatusReportForm):
    completed_on = forms.DateField(
        label=_("Completed on"),
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        help_text=_("dd/mm/yyyy; leave empty while the milestone is open."),
        widget=forms.DateInput(
            format="%d/%m/%Y", attrs={"inputmode": "numeric", "autocomplete": "off"}
        ),
    )
    # The milestone's updated_at when the form was shown.
    known_version = TokenField(str)

    field_order = ["period", "colour", "completed_on", "explanation"]

    def __init__(self, *args, milestone, **kwargs):
        super().__init__(*args, subject=milestone, **kwargs)
        self.milestone = milestone
        if not self.is_bound:
            self.initial["completed_on"] = milestone.completed_on
            self.initial["known_version"] = milestone.updated_at.isoformat()

    def clean_completed_on(self):
        completed_on = self.cleaned_data["completed_on"]
        if completed_on is not None and completed_on > self.today:
            raise ValidationError(
                _("A milestone cannot be completed in the future (after %(today)s)."),
                params={"today": self.today.strftime("%d/%m/%Y")},
                code="future",
            )
        return completed_on

    def clean(self):
        version = self.milestone.updated_at.isoformat()
        changed = self.cleaned_data.get("known_version") != version
        if changed:
            # The user sees the milestone as it is now in the answer below.
            self.acknowledge("known_version", version)
        cleaned_data = super().clean()
        if changed:
            self.refuse_with_conflict(
                self.latest_change(),
                _(
                    "Someone else changed this milestone after you opened this "
                    "form. Their change is shown below; your update is kept. "
                    "Save yours to make it the newer one, or cancel."
                ),
                kind="change",
            )
        return cleaned_data

    def latest_change(self):
        return (
            Change.objects.filter(
                content_type=ContentType.objects.get_for_model(self.milestone),
                object_id=self.milestone.pk,
            )
            .select_related("actor")
            .first()
        )

    def action_arguments(self):
        return {
            **super().action_arguments(),
            "completed_on": self.cleaned_data["completed_on"],
        }


class MeasurementForm(ContributionForm):
    period = forms.CharField(
        label=_("Period"),
        max_length=40,
        widget=forms.TextInput(
            attrs={
                "list": "contribute_period_suggestions",
                "autocomplete": "off",
                "spellcheck": "false",
                "size": 10,
            }
        ),
    )
    value = CommaDecimalField(
        label=_("Value"),
        max_digits=16,
        decimal_places=4,
        error_messages={"required": _("Enter the measured value, such as 12,5.")},
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional: where the value comes from, or what is special."),
    )
    # When the form was shown: a measurement of its period changed later was
    # saved by someone else in the meantime.
    shown_at = TokenField(_aware_datetime)

    def __init__(self, *args, indicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        frequency = indicator.reporting_frequency
        self.suggestions = recent_periods(frequency, self.today)
        self.fields["period"].initial = latest_ended_period(frequency, self.today).label
        self.fields["period"].help_text = self.period_help()
        self.fields["value"].help_text = _(
            "In %(unit)s; a comma or a point before the decimals, such as 12,5."
        ) % {"unit": indicator.unit}
        if not self.is_bound:
            self.initial["shown_at"] = timezone.now().isoformat()

    def period_help(self):
        example = latest_ended_period(self.indicator.reporting_frequency, self.today)
        return _("Measured %(frequency)s: a period such as %(example)s.") % {
            "frequency": self.indicator.get_reporting_frequency_display(),
            "example": example.label,
        }

    def clean_period(self):
        period = Period.parse(self.cleaned_data["period"])
        if period.frequency != self.indicator.reporting_frequency:
            raise ValidationError(
                _(
                    "This indicator is measured %(frequency)s; %(period)s does "
                    "not fit. Enter a period such as %(example)s."
                ),
                params={
                    "frequency": self.indicator.get_reporting_frequency_display(),
                    "period": period.label,
                    "example": latest_ended_period(
                        self.indicator.reporting_frequency, self.today
                    ).label,
                },
                code="frequency",
            )
        if period.start > self.today:
            raise ValidationError(
                _("%(period)s has not started yet."),
                params={"period": period.label},
                code="future",
            )
        return period

    def clean(self):
        cleaned_data = super().clean()
        period = cleaned_data.get("period")
        if period is not None:
            self.check_newer_measurement(period, cleaned_data.get("shown_at"))
        return cleaned_data

    def check_newer_measurement(self, period, shown_at):
        existing = (
            self.indicator.measurements.filter(
                period_start=period.start, period_end=period.end
            )
            .select_related("entered_by")
            .order_by("pk")
            .first()
        )
        if existing is None or (shown_at and existing.updated_at <= shown_at):
            return
        self.acknowledge("shown_at", timezone.now().isoformat())
        self.refuse_with_conflict(
            existing,
            _(
                "Someone else entered a value for %(period)s after you opened "
                "this form. Their value is shown below; yours is kept. Save "
                "yours to replace it, or cancel."
            )
            % {"period": period.label},
            kind="measurement",
            period=period,
        )

    def action_arguments(self):
        return {
            "period": self.cleaned_data["period"],
            "value": self.cleaned_data["value"],
            "note": self.cleaned_data["note"],
        }
