"""The panels of a user's home page: what is theirs to follow and to do."""

import datetime

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db.models import (
    Case,
    CharField,
    Exists,
    OuterRef,
    Q,
    Subquery,
    UUIDField,
    When,
)
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from objectives import access
from objectives.models import (
    Change,
    Indicator,
    Lens,
    Milestone,
    Objective,
    Process,
    Programme,
    Project,
)
from objectives.status import with_latest_status

# (model, heading) of the components a person can be responsible for.
RESPONSIBILITIES = [
    (Objective, _("Objectives")),
    (Project, _("Projects")),
    (Process, _("Processes")),
    (Programme, _("Programmes")),
    (Indicator, _("Indicators")),
]
# The components that report status each period.
REPORTING = (Objective, Project, Process, Programme)
# Milestones due this many days ahead are "coming up".
UPCOMING_DAYS = 30
RECENT_CHANGES = 15
# The records whose changes the home page lists, each with its detail page.
CHANGED_MODELS = (Objective, Project, Process, Programme, Indicator, Milestone)


def responsibilities(user, day):
    """One group per component type: ``heading``, ``has_status`` and the
    current ``components`` that ``user``'s person is responsible for, with
    their latest status. One query per type."""
    groups = []
    for model, heading in RESPONSIBILITIES:
        rows = access.visible(user, model).filter(
            responsible__user=user, is_archived=False
        )
        rows = rows.select_related("lead_organisation").order_by("code")
        if model in REPORTING:
            rows = with_latest_status(rows)
        groups.append(
            {
                "heading": heading,
                "has_status": model in REPORTING,
                "components": list(rows),
            }
        )
    return groups


def my_milestones(user, day):
    """(overdue, upcoming): the open milestones assigned to ``user``'s person
    that are past due, and those due in the next ``UPCOMING_DAYS``. One
    query."""
    horizon = day + datetime.timedelta(days=UPCOMING_DAYS)
    milestones = with_latest_status(
        access.visible(user, Milestone)
        .filter(
            assignee__user=user,
            completed_on__isnull=True,
            is_archived=False,
            due_date__lte=horizon,
        )
        .select_related("project")
        .order_by("due_date", "code")
    )
    overdue, upcoming = [], []
    for milestone in milestones:
        late = milestone.due_date < day
        milestone.days = abs((milestone.due_date - day).days)
        (overdue if late else upcoming).append(milestone)
    return overdue, upcoming


def coordinated_lenses(user):
    """The current lenses whose coordinators include ``user``'s person."""
    return list(
        access.visible(user, Lens)
        .filter(
            coordinators__user=user, coordinators__is_active=True, is_archived=False
        )
        .order_by("name")
    )


def _in_my_organisations(user, model):
    """``model`` rows ``user`` may see that belong to one of their
    organisations (a milestone through its project)."""
    mine = access.organisations_of(user).values("pk")
    if model is Milestone:
        through = Project.organisations.through
        owner = OuterRef("project_id")
        column = "project_id"
    else:
        through = model.organisations.through
        owner = OuterRef("pk")
        column = f"{model._meta.model_name}_id"
    belongs = through.objects.filter(**{column: owner}, organisation_id__in=mine)
    return access.visible(user, model).filter(Exists(belongs)).values("pk")


def _subject(content_types, name, output_field):
    """The ``name`` field of each change's record, whatever its type."""
    return Case(
        *(
            When(
                content_type=content_type,
                then=Subquery(
                    model.objects.filter(pk=OuterRef("object_id")).values(name)[:1]
                ),
            )
            for model, content_type in content_types.items()
        ),
        output_field=output_field,
    )


def _field_label(model, name):
    try:
        return model._meta.get_field(name).verbose_name
    except FieldDoesNotExist:
        pass
    try:
        return apps.get_model("objectives", name)._meta.verbose_name
    except LookupError:
        return name


def recent_changes(user):
    """The latest ``RECENT_CHANGES`` changes to records ``user`` may see in
    their organisations, each with ``subject_code``, ``subject_title``,
    ``subject_url`` and ``field_labels``. One query."""
    content_types = ContentType.objects.get_for_models(*CHANGED_MODELS)
    seen = Q()
    for model, content_type in content_types.items():
        seen |= Q(
            content_type=content_type,
            object_id__in=_in_my_organisations(user, model),
        )
    changes = list(
        Change.objects.filter(seen)
        .select_related("actor")
        .annotate(
            subject_code=_subject(content_types, "code", CharField()),
            subject_title=_subject(content_types, "title", CharField()),
            subject_public_id=_subject(content_types, "public_id", UUIDField()),
        )[:RECENT_CHANGES]
    )
    models = {content_type.pk: model for model, content_type in content_types.items()}
    for change in changes:
        model = models[change.content_type_id]
        change.subject_model = model._meta.verbose_name
        change.subject_url = reverse(
            f"objectives:{model._meta.model_name}_detail",
            args=[change.subject_public_id],
        )
        change.field_labels = [_field_label(model, name) for name in change.changes]
    return changes
