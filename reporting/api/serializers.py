"""What the API says of each row. Related rows are named by their public
identifiers (organisations by OVO number), never by database ids."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from objectives.forms.contribute import latest_ended_period
from objectives.models import (
    Indicator,
    Measurement,
    Milestone,
    Objective,
    Process,
    Programme,
    Project,
    StatusReport,
)
from objectives.models.status import STATUS_SUBJECTS
from objectives.periods import Period


class PersonSerializer(serializers.Serializer):
    personnel_number = serializers.CharField()
    name = serializers.CharField(source="full_name")


class OvoNumbersField(serializers.ListField):
    child = serializers.CharField()

    def to_representation(self, organisations):
        return [organisation.ovo_number for organisation in organisations.all()]


class ComponentSerializer(serializers.ModelSerializer):
    lead_organisation = serializers.CharField(source="lead_organisation.ovo_number")
    organisations = OvoNumbersField(
        help_text="The OVO numbers of every organisation it belongs to."
    )
    responsible = PersonSerializer(allow_null=True)

    class Meta:
        fields = [
            "public_id",
            "code",
            "title",
            "description",
            "lead_organisation",
            "organisations",
            "responsible",
            "confidentiality",
            "reporting_frequency",
            "is_archived",
            "created_at",
            "updated_at",
        ]


class ObjectiveSerializer(ComponentSerializer):
    parent = serializers.UUIDField(source="parent.public_id", allow_null=True)
    legislature = serializers.CharField(source="legislature.name")
    structure_element = serializers.CharField(
        source="structure_element.code",
        allow_null=True,
        help_text="The code of the content structure element.",
    )

    class Meta:
        model = Objective
        fields = [
            *ComponentSerializer.Meta.fields,
            "level",
            "parent",
            "legislature",
            "structure_element",
        ]


class ProjectSerializer(ComponentSerializer):
    class Meta:
        model = Project
        fields = [*ComponentSerializer.Meta.fields, "start_date", "end_date"]


class ProcessSerializer(ComponentSerializer):
    class Meta:
        model = Process
        fields = [
            *ComponentSerializer.Meta.fields,
            "valid_from",
            "valid_until",
            "is_imported",
        ]


class ProgrammeSerializer(ComponentSerializer):
    class Meta:
        model = Programme
        fields = [*ComponentSerializer.Meta.fields, "is_government_wide"]


class IndicatorSerializer(ComponentSerializer):
    class Meta:
        model = Indicator
        fields = [
            *ComponentSerializer.Meta.fields,
            "kind",
            "unit",
            "source",
            "calculation_method",
            "direction",
            "baseline_value",
            "baseline_year",
        ]


class MilestoneSerializer(serializers.ModelSerializer):
    project = serializers.UUIDField(source="project.public_id")
    assignee = PersonSerializer(allow_null=True)

    class Meta:
        model = Milestone
        fields = [
            "public_id",
            "project",
            "code",
            "title",
            "description",
            "due_date",
            "assignee",
            "completed_on",
            "reporting_frequency",
            "is_archived",
            "created_at",
            "updated_at",
        ]


class PeriodLabelField(serializers.CharField):
    """A period as its label: 2025, 2025-Q2 or 2025-03."""

    def get_attribute(self, instance):
        return Period(instance.period_start, instance.period_end).label


class StatusReportSerializer(serializers.ModelSerializer):
    period = PeriodLabelField(read_only=True)
    subject_type = serializers.SerializerMethodField()
    subject = serializers.SerializerMethodField()
    corrects_earlier_report = serializers.SerializerMethodField()

    class Meta:
        model = StatusReport
        fields = [
            "subject_type",
            "subject",
            "period",
            "period_start",
            "period_end",
            "colour",
            "explanation",
            "created_at",
            "corrects_earlier_report",
            "correction_reason",
        ]

    @extend_schema_field(serializers.ChoiceField(choices=STATUS_SUBJECTS))
    def get_subject_type(self, report):
        return next(name for name in STATUS_SUBJECTS if getattr(report, f"{name}_id"))

    @extend_schema_field(serializers.UUIDField())
    def get_subject(self, report):
        return report.subject.public_id

    def get_corrects_earlier_report(self, report) -> bool:
        return report.corrects_id is not None


class MeasurementSerializer(serializers.ModelSerializer):
    indicator = serializers.UUIDField(source="indicator.public_id")
    period = PeriodLabelField()

    class Meta:
        model = Measurement
        fields = [
            "indicator",
            "period",
            "period_start",
            "period_end",
            "value",
            "note",
            "created_at",
            "updated_at",
            "value_before_correction",
            "correction_reason",
        ]


PERIOD_PATTERN = r"^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$"
VALUE_PATTERN = r"^-?\d{1,12}(\.\d{1,4})?$"


@extend_schema_field({"type": "string", "format": "decimal", "pattern": VALUE_PATTERN})
class ValueField(serializers.DecimalField):
    """A value with at most twelve digits before the point and four after."""


class MeasurementInputSerializer(serializers.Serializer):
    """A measurement to record. The indicator is looked up by the view, for
    the integration's account; the period must suit the indicator."""

    indicator = serializers.UUIDField()
    period = serializers.RegexField(
        PERIOD_PATTERN,
        max_length=7,
        help_text=(
            "The period measured: 2025, 2025-Q2 or 2025-03, of the indicator's "
            "reporting frequency, and not in the future."
        ),
    )
    value = ValueField(max_digits=16, decimal_places=4)
    note = serializers.CharField(required=False, allow_blank=True, default="")

    def validate_period(self, label):
        try:
            return Period.parse(label)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None
        except ValueError:
            # A well-formed label of a year no date has, such as 0000.
            message = _("%(label)s is not a period such as 2025, 2025-Q2 or 2025-03.")
            raise serializers.ValidationError(message % {"label": label}) from None


def check_period_fits(indicator, period):
    """Field errors when ``period`` does not suit ``indicator``: the form's
    rules, so that the API takes what the page takes."""
    today = timezone.localdate()
    if period.frequency != indicator.reporting_frequency:
        example = latest_ended_period(indicator.reporting_frequency, today)
        message = _(
            "This indicator is measured %(frequency)s; %(period)s does "
            "not fit. Enter a period such as %(example)s."
        ) % {
            "frequency": indicator.get_reporting_frequency_display(),
            "period": period.label,
            "example": example.label,
        }
        raise serializers.ValidationError({"period": [message]})
    if period.start > today:
        message = _("%(period)s has not started yet.") % {"period": period.label}
        raise serializers.ValidationError({"period": [message]})


def link_serializer(name, source, target):
    """A serializer of the rows of one many-to-many link table: the public
    identifiers of its two sides."""
    fields = {
        source: serializers.UUIDField(source=f"{source}.public_id"),
        target: serializers.UUIDField(source=f"{target}.public_id"),
    }
    return type(name, (serializers.Serializer,), fields)
