"""The read endpoints of the API and the one that records measurements.

Every row is read through ``objectives.access`` with the rights of the
integration's user account: a list holds only what that account may see,
and a component it may not see answers 404, like a missing one.
"""

from django.db import IntegrityError
from django.db.models import Prefetch, Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from objectives import access, actions
from objectives.access import Action
from objectives.models import (
    Indicator,
    Measurement,
    Milestone,
    Objective,
    Organisation,
    Process,
    Programme,
    Project,
    StatusReport,
)
from objectives.models.status import STATUS_SUBJECTS
from reporting.api import serializers as api_serializers
from reporting.api.pagination import CursorPagination

# Answers every operation may give besides its own: (code, description).
UNAUTHORISED = OpenApiResponse(
    OpenApiTypes.OBJECT, description="No token, or an unknown or revoked one."
)
NOT_FOUND = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="No such component visible to the integration's account.",
)
BAD_FILTER = OpenApiResponse(
    OpenApiTypes.OBJECT, description="A filter or cursor that cannot be read."
)
LIST_ANSWERS = {400: BAD_FILTER, 401: UNAUTHORISED, 404: BAD_FILTER}
DETAIL_ANSWERS = {401: UNAUTHORISED, 404: NOT_FOUND}

CHANGED_SINCE = OpenApiParameter(
    "changed_since",
    OpenApiTypes.DATETIME,
    description="Only rows changed (or, for status reports, made) since then.",
)
PERIOD = OpenApiParameter(
    "period",
    {"type": "string", "pattern": api_serializers.PERIOD_PATTERN},
    description="Only rows of this period: 2025, 2025-Q2 or 2025-03.",
)
ORGANISATIONS = Prefetch(
    "organisations", queryset=Organisation.objects.only("id", "ovo_number")
)


class ByIdCursorPagination(CursorPagination):
    """For rows without a public identifier: the id orders them, and is
    only seen inside the opaque cursor."""

    ordering = "id"


class ListFilters(serializers.Serializer):
    changed_since = serializers.DateTimeField(required=False)
    period = serializers.CharField(required=False, max_length=7)

    def validate_period(self, label):
        return api_serializers.MeasurementInputSerializer().validate_period(label)


def read_filters(request, serializer_class=ListFilters):
    filters = serializer_class(data=request.query_params)
    filters.is_valid(raise_exception=True)
    return filters.validated_data


def in_period(rows, filters):
    period = filters.get("period")
    if period is None:
        return rows
    return rows.filter(period_start=period.start, period_end=period.end)


# Components ---------------------------------------------------------------------


class ComponentList(generics.ListAPIView):
    model = None
    related = ("lead_organisation", "responsible")

    def get_queryset(self):
        filters = read_filters(self.request)
        rows = access.visible(self.request.user, self.model)
        if "changed_since" in filters:
            rows = rows.filter(updated_at__gte=filters["changed_since"])
        return rows.select_related(*self.related).prefetch_related(ORGANISATIONS)


class ComponentDetail(generics.RetrieveAPIView):
    model = None
    related = ("lead_organisation", "responsible")

    def get_object(self):
        public_id = self.kwargs["public_id"]
        return access.get_for_user(
            self.request.user, self.model, public_id, related=self.related
        )


def component_views(model, serializer_class, related=None):
    """The list and the detail view of one kind of component."""
    name = model.__name__
    attributes = {"model": model, "serializer_class": serializer_class}
    if related is not None:
        attributes["related"] = related
    list_view = extend_schema(
        summary=f"{model._meta.verbose_name_plural}".capitalize(),
        parameters=[CHANGED_SINCE],
        responses={200: serializer_class(many=True), **LIST_ANSWERS},
    )(type(f"{name}List", (ComponentList,), attributes))
    detail_view = extend_schema(
        summary=f"One {model._meta.verbose_name}",
        responses={200: serializer_class, **DETAIL_ANSWERS},
    )(type(f"{name}Detail", (ComponentDetail,), attributes))
    return list_view, detail_view


COMPONENT_RELATED = ("lead_organisation", "responsible")
ObjectiveList, ObjectiveDetail = component_views(
    Objective,
    api_serializers.ObjectiveSerializer,
    related=(*COMPONENT_RELATED, "parent", "legislature", "structure_element"),
)
ProjectList, ProjectDetail = component_views(Project, api_serializers.ProjectSerializer)
ProcessList, ProcessDetail = component_views(Process, api_serializers.ProcessSerializer)
ProgrammeList, ProgrammeDetail = component_views(
    Programme, api_serializers.ProgrammeSerializer
)
IndicatorList, IndicatorDetail = component_views(
    Indicator, api_serializers.IndicatorSerializer
)


@extend_schema(
    summary="Milestones",
    parameters=[CHANGED_SINCE],
    responses={200: api_serializers.MilestoneSerializer(many=True), **LIST_ANSWERS},
)
class MilestoneList(generics.ListAPIView):
    serializer_class = api_serializers.MilestoneSerializer

    def get_queryset(self):
        filters = read_filters(self.request)
        rows = access.visible(self.request.user, Milestone)
        if "changed_since" in filters:
            rows = rows.filter(updated_at__gte=filters["changed_since"])
        return rows.select_related("project", "assignee")


@extend_schema(
    summary="One milestone",
    responses={200: api_serializers.MilestoneSerializer, **DETAIL_ANSWERS},
)
class MilestoneDetail(generics.RetrieveAPIView):
    serializer_class = api_serializers.MilestoneSerializer

    def get_object(self):
        return access.get_for_user(
            self.request.user,
            Milestone,
            self.kwargs["public_id"],
            related=("project", "assignee"),
        )


# Links ----------------------------------------------------------------------------


class LinkList(generics.ListAPIView):
    """The rows of one link table whose two sides are both visible."""

    pagination_class = ByIdCursorPagination
    through = None
    sides = ()

    def get_queryset(self):
        user = self.request.user
        rows = self.through.objects.all()
        for field, model in self.sides:
            rows = rows.filter(**{f"{field}__in": access.visible(user, model)})
        return rows.select_related(*(field for field, _ in self.sides))


def link_view(name, summary, through, sides):
    serializer_class = api_serializers.link_serializer(
        f"{name}Serializer", *(field for field, _ in sides)
    )
    attributes = {
        "through": through,
        "sides": sides,
        "serializer_class": serializer_class,
    }
    return extend_schema(
        summary=summary,
        responses={
            200: serializer_class(many=True),
            401: UNAUTHORISED,
            404: BAD_FILTER,
        },
    )(type(name, (LinkList,), attributes))


ObjectiveProjectLinks = link_view(
    "ObjectiveProjectLink",
    "Projects that realise objectives",
    Objective.projects.through,
    (("objective", Objective), ("project", Project)),
)
ObjectiveProcessLinks = link_view(
    "ObjectiveProcessLink",
    "Processes that realise objectives",
    Objective.processes.through,
    (("objective", Objective), ("process", Process)),
)
ObjectiveIndicatorLinks = link_view(
    "ObjectiveIndicatorLink",
    "Indicators that measure objectives",
    Objective.indicators.through,
    (("objective", Objective), ("indicator", Indicator)),
)
ObjectiveContributionLinks = link_view(
    "ObjectiveContributionLink",
    "Objectives that contribute to other objectives",
    Objective.contributes_to.through,
    (("from_objective", Objective), ("to_objective", Objective)),
)
ProgrammeProjectLinks = link_view(
    "ProgrammeProjectLink",
    "Projects bundled in programmes",
    Programme.projects.through,
    (("programme", Programme), ("project", Project)),
)


# Status reports and measurements ------------------------------------------------


class StatusReportFilters(ListFilters):
    component = serializers.UUIDField(required=False)


@extend_schema(
    summary="Status reports",
    parameters=[
        OpenApiParameter(
            "component",
            OpenApiTypes.UUID,
            description="Only the reports of the component with this public id.",
        ),
        PERIOD,
        CHANGED_SINCE,
    ],
    responses={
        200: api_serializers.StatusReportSerializer(many=True),
        **LIST_ANSWERS,
    },
)
class StatusReportList(generics.ListAPIView):
    """Every report is listed, also those superseded by a later report of
    the same period: the newest of a period is the one that counts."""

    serializer_class = api_serializers.StatusReportSerializer
    pagination_class = ByIdCursorPagination

    def get_queryset(self):
        filters = read_filters(self.request, StatusReportFilters)
        rows = in_period(access.visible(self.request.user, StatusReport), filters)
        if "changed_since" in filters:
            rows = rows.filter(created_at__gte=filters["changed_since"])
        if "component" in filters:
            rows = rows.filter(subject_is(filters["component"]))
        return rows.select_related(*STATUS_SUBJECTS)


def subject_is(public_id):
    condition = Q()
    for name in STATUS_SUBJECTS:
        condition |= Q(**{f"{name}__public_id": public_id})
    return condition


class MeasurementFilters(ListFilters):
    indicator = serializers.UUIDField(required=False)


@extend_schema(
    summary="Record a measurement",
    description=(
        "Enters the value of an indicator for a period, as the contributor's "
        "form does, and replaces an earlier value of that period (answer "
        "200; a new one answers 201). Sending the same measurement again "
        "changes nothing. A closed period takes no value through the API "
        "(409): corrections are made on the web pages."
    ),
    request=api_serializers.MeasurementInputSerializer,
    responses={
        200: api_serializers.MeasurementSerializer,
        201: api_serializers.MeasurementSerializer,
        400: OpenApiResponse(OpenApiTypes.OBJECT, description="Field errors."),
        401: UNAUTHORISED,
        403: OpenApiResponse(
            OpenApiTypes.OBJECT,
            description="The account may not record measurements of it.",
        ),
        404: NOT_FOUND,
        409: OpenApiResponse(OpenApiTypes.OBJECT, description="The period is closed."),
    },
    methods=["POST"],
)
@extend_schema(
    summary="Measurements",
    parameters=[
        OpenApiParameter(
            "indicator",
            OpenApiTypes.UUID,
            description="Only the measurements of the indicator with this public id.",
        ),
        PERIOD,
        CHANGED_SINCE,
    ],
    responses={200: api_serializers.MeasurementSerializer(many=True), **LIST_ANSWERS},
    methods=["GET"],
)
class MeasurementList(generics.ListCreateAPIView):
    serializer_class = api_serializers.MeasurementSerializer
    pagination_class = ByIdCursorPagination

    def get_queryset(self):
        filters = read_filters(self.request, MeasurementFilters)
        rows = in_period(access.visible(self.request.user, Measurement), filters)
        if "changed_since" in filters:
            rows = rows.filter(updated_at__gte=filters["changed_since"])
        if "indicator" in filters:
            rows = rows.filter(indicator__public_id=filters["indicator"])
        return rows.select_related("indicator")

    def create(self, request, *args, **kwargs):
        given = api_serializers.MeasurementInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        indicator = access.get_for_user(
            request.user, Indicator, data["indicator"], Action.EDIT
        )
        api_serializers.check_period_fits(indicator, data["period"])

        try:
            created, measurement = record_measurement(indicator, data, request.user)
        except actions.PeriodClosed as closed:
            body = {"detail": closed.messages[0], "period": [data["period"].label]}
            return Response(body, status=status.HTTP_409_CONFLICT)
        answer = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        body = api_serializers.MeasurementSerializer(measurement).data
        return Response(body, status=answer)


def record_measurement(indicator, data, user):
    """(created, measurement) for ``data`` entered by ``user``."""
    period = data["period"]
    arguments = {"period": period, "value": data["value"], "note": data["note"]}
    created = not indicator.measurements.filter(
        period_start=period.start, period_end=period.end
    ).exists()
    try:
        measurement = actions.do_record_measurement(
            indicator, acting_user=user, **arguments
        )
    except IntegrityError:
        # A concurrent request entered the same period first: this one then
        # replaces its value, as it would have a moment later.
        created = False
        measurement = actions.do_record_measurement(
            indicator, acting_user=user, **arguments
        )
    return created, measurement
