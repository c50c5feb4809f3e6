"""The latest status of components, read in the same query as the components."""

from django.db.models import OuterRef, Subquery

from objectives.models import StatusReport


def with_latest_status(queryset):
    """Annotate each row with ``status_colour``, ``status_explanation`` and
    ``status_period_start`` of its newest status report (None without one).

    Each annotation is a subquery served by the status report index of that
    component type, so a list costs one query whatever its length.
    """
    subject = queryset.model._meta.model_name
    latest = StatusReport.objects.filter(**{subject: OuterRef("pk")}).order_by(
        "-period_start", "-created_at"
    )
    return queryset.annotate(
        status_colour=Subquery(latest.values("colour")[:1]),
        status_explanation=Subquery(latest.values("explanation")[:1]),
        status_period_start=Subquery(latest.values("period_start")[:1]),
    )


def colour_label(colour):
    return StatusReport.Colour(colour).label if colour else ""
