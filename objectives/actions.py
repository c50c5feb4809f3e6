"""Every write to the domain, each with its row of change history.

Actions do not check permissions: views and tasks ask ``access`` first. Each
action runs in one transaction, saves only the fields that changed, writes its
``Change`` rows in that same transaction and schedules side effects after the
commit.
"""

import datetime
import decimal
import hashlib
import logging
import uuid

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermission

from objectives.access import COMPONENT_MODELS, forget_roles
from objectives.models import (
    Change,
    Lens,
    LensEntry,
    Measurement,
    Membership,
    Milestone,
    Objective,
    Organisation,
    PeriodClosure,
    Person,
    Process,
    Programme,
    Project,
    StatusReport,
    User,
)
from traject.security import end_sessions_of

logger = logging.getLogger(__name__)

# Links between components: (owning model, field) pairs that actions manage.
LINKS = {
    (Objective, "projects"),
    (Objective, "processes"),
    (Objective, "indicators"),
    (Objective, "contributes_to"),
    (Programme, "projects"),
}


def describe(value):
    """A value as it is kept in the change history: JSON, and readable."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, list | tuple | set):
        return sorted(describe(item) for item in value)
    return str(value)


def _change_row(obj, kind, changes, actor):
    return Change(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        kind=kind,
        changes=changes,
        actor=actor if actor is not None and actor.is_authenticated else None,
    )


def record_change(obj, kind, changes, *, acting_user):
    return _change_row(obj, kind, changes, acting_user).save()


def _field_changes(obj, values):
    """Apply ``values`` to ``obj`` and return {field: [old, new]} of real changes."""
    changes = {}
    for name, new in values.items():
        field = obj._meta.get_field(name)
        old = getattr(obj, name)
        if field.is_relation:
            if getattr(old, "pk", None) == getattr(new, "pk", None):
                continue
        elif old == new:
            continue
        setattr(obj, name, new)
        changes[name] = [describe(old), describe(new)]
    return changes


# Per-object grants --------------------------------------------------------


def named_people(obj):
    """The people whose naming on ``obj`` lets them update it."""
    people = []
    if isinstance(obj, Milestone):
        people.append(obj.assignee)
    else:
        people.append(obj.responsible)
    if isinstance(obj, Project):
        people.extend(obj.members.all())
    return {person for person in people if person is not None}


def _permission(obj, verb):
    content_type = ContentType.objects.get_for_model(obj)
    return Permission.objects.get(
        content_type=content_type, codename=f"{verb}_{content_type.model}"
    )


def sync_grants(obj):
    """Make the change grants on ``obj`` match the people named on it."""
    permission = _permission(obj, "change")
    wanted = {person.user_id for person in named_people(obj) if person.user_id}
    existing = UserObjectPermission.objects.filter(
        permission=permission, object_pk=str(obj.pk)
    )
    held = set(existing.values_list("user_id", flat=True))
    existing.filter(user_id__in=held - wanted).delete()
    UserObjectPermission.objects.bulk_create(
        [
            UserObjectPermission(
                user_id=user_id,
                permission=permission,
                content_type=permission.content_type,
                object_pk=str(obj.pk),
            )
            for user_id in wanted - held
        ]
    )


def grant_rows(user_ids_by_object, model, verb="change"):
    """Unsaved grant rows for bulk writers: {object pk: user ids}."""
    content_type = ContentType.objects.get_for_model(model)
    permission = Permission.objects.get(
        content_type=content_type, codename=f"{verb}_{content_type.model}"
    )
    return [
        UserObjectPermission(
            user_id=user_id,
            permission=permission,
            content_type=content_type,
            object_pk=str(object_pk),
        )
        for object_pk, user_ids in user_ids_by_object.items()
        for user_id in user_ids
    ]


def settle_after_form_save(obj):
    """Restore what a component keeps true after a save made by a generic
    form, such as the Django admin's: its lead organisation is one of its
    organisations, and the grants match the people named on it."""
    if hasattr(obj, "lead_organisation_id"):
        obj.organisations.add(obj.lead_organisation_id)
    if isinstance(obj, (*COMPONENT_MODELS, Milestone)):
        sync_grants(obj)
    if isinstance(obj, Person) and not obj.is_active:
        end_sessions_after_commit([obj.user_id])


# Components -----------------------------------------------------------------


@transaction.atomic
def do_create_component(model, *, organisations, acting_user, **fields):
    """Create a component in its lead organisation and ``organisations``."""
    component = model(**fields)
    component.save()
    component.organisations.set({component.lead_organisation, *organisations})
    sync_grants(component)

    changes = {name: [None, describe(value)] for name, value in fields.items()}
    changes["organisations"] = [
        None,
        describe(list(component.organisations.all())),
    ]
    record_change(component, Change.Kind.CREATED, changes, acting_user=acting_user)
    logger.info("Created %s %s", model._meta.model_name, component.public_id)
    return component


@transaction.atomic
def do_update_component(component, *, acting_user, **values):
    """Change fields of a component; returns {field: [old, new]}."""
    changes = _field_changes(component, values)
    if not changes:
        return changes
    component.save(update_fields=[*changes, "updated_at"])
    record_change(component, Change.Kind.UPDATED, changes, acting_user=acting_user)
    if {"responsible", "assignee"} & changes.keys():
        sync_grants(component)
    return changes


@transaction.atomic
def do_set_organisations(component, organisations, *, acting_user):
    """Attach ``component`` to exactly ``organisations`` (the lead stays)."""
    old = set(component.organisations.all())
    new = {component.lead_organisation, *organisations}
    if old == new:
        return False
    component.organisations.set(new)
    component.save(update_fields=["updated_at"])
    record_change(
        component,
        Change.Kind.UPDATED,
        {"organisations": [describe(old), describe(new)]},
        acting_user=acting_user,
    )
    return True


@transaction.atomic
def do_archive_component(component, *, acting_user, archived=True):
    """Archive (or restore) ``component`` or a structure element, with its
    history row; whether anything changed."""
    if component.is_archived == archived:
        return False
    component.is_archived = archived
    component.save(update_fields=["is_archived", "updated_at"])
    kind = Change.Kind.ARCHIVED if archived else Change.Kind.RESTORED
    record_change(
        component,
        kind,
        {"is_archived": [not archived, archived]},
        acting_user=acting_user,
    )
    return True


def _check_link(source, field_name):
    if (type(source), field_name) not in LINKS:
        raise ValueError(f"{type(source).__name__}.{field_name} is not a link.")


@transaction.atomic
def do_link(source, field_name, target, *, acting_user):
    """Link ``target`` to ``source`` through ``field_name``; once only."""
    _check_link(source, field_name)
    relation = getattr(source, field_name)
    if relation.filter(pk=target.pk).exists():
        return False
    if source == target:
        raise ValueError("A component cannot be linked to itself.")
    relation.add(target)
    record_change(
        source,
        Change.Kind.LINKED,
        {field_name: [None, describe(target)]},
        acting_user=acting_user,
    )
    record_change(
        target,
        Change.Kind.LINKED,
        {type(source)._meta.model_name: [None, describe(source)]},
        acting_user=acting_user,
    )
    return True


@transaction.atomic
def do_link_many(field_name, pairs, *, acting_user):
    """Link each ``(source, target)`` of ``pairs`` through ``field_name``
    as ``do_link`` does, with the same history on both sides, in a few
    queries however many pairs there are. Pairs already linked, or given
    twice, are skipped. Returns the number of links made."""
    pairs = list(pairs)
    if not pairs:
        return 0
    model = type(pairs[0][0])
    _check_link(pairs[0][0], field_name)
    for source, target in pairs:
        if type(source) is not model:
            raise ValueError("Every source of one call must be of one type.")
        if source == target:
            raise ValueError("A component cannot be linked to itself.")
    field = model._meta.get_field(field_name)
    through = field.remote_field.through
    source_id = f"{field.m2m_field_name()}_id"
    target_id = f"{field.m2m_reverse_field_name()}_id"
    seen = set(
        through.objects.filter(
            **{
                f"{source_id}__in": {source.pk for source, _target in pairs},
                f"{target_id}__in": {target.pk for _source, target in pairs},
            }
        ).values_list(source_id, target_id)
    )
    new = []
    for source, target in pairs:
        if (source.pk, target.pk) not in seen:
            seen.add((source.pk, target.pk))
            new.append((source, target))
    through.objects.bulk_create(
        [
            through(**{source_id: source.pk, target_id: target.pk})
            for source, target in new
        ]
    )
    source_name = model._meta.model_name
    rows = []
    for source, target in new:
        rows += [
            _change_row(
                source,
                Change.Kind.LINKED,
                {field_name: [None, describe(target)]},
                acting_user,
            ),
            _change_row(
                target,
                Change.Kind.LINKED,
                {source_name: [None, describe(source)]},
                acting_user,
            ),
        ]
    Change.objects.bulk_create(rows)
    return len(new)


@transaction.atomic
def do_unlink(source, field_name, target, *, acting_user):
    _check_link(source, field_name)
    relation = getattr(source, field_name)
    if not relation.filter(pk=target.pk).exists():
        return False
    relation.remove(target)
    record_change(
        source,
        Change.Kind.UNLINKED,
        {field_name: [describe(target), None]},
        acting_user=acting_user,
    )
    record_change(
        target,
        Change.Kind.UNLINKED,
        {type(source)._meta.model_name: [describe(source), None]},
        acting_user=acting_user,
    )
    return True


@transaction.atomic
def do_set_project_members(project, people, *, acting_user):
    old = set(project.members.all())
    new = set(people)
    if old == new:
        return False
    project.members.set(new)
    project.save(update_fields=["updated_at"])
    record_change(
        project,
        Change.Kind.UPDATED,
        {"members": [describe(old), describe(new)]},
        acting_user=acting_user,
    )
    sync_grants(project)
    return True


@transaction.atomic
def do_share(obj, person, *, acting_user):
    """Let one person see ``obj`` even outside its organisations."""
    if person.user_id is None:
        raise ValueError(f"{person} has no account to share with.")
    permission = _permission(obj, "view")
    _, created = UserObjectPermission.objects.get_or_create(
        user_id=person.user_id,
        permission=permission,
        content_type=permission.content_type,
        object_pk=str(obj.pk),
    )
    if created:
        record_change(
            obj,
            Change.Kind.UPDATED,
            {"shared_with": [None, describe(person)]},
            acting_user=acting_user,
        )
    return created


# Status, milestones and measurements --------------------------------------


class PeriodClosed(ValidationError):
    """A status report or measurement of a period that is closed for its
    component; ``closure`` says which closure, and who closed it."""

    def __init__(self, closure, period):
        self.closure = closure
        self.period = period
        closed_by = closure.closed_by or gettext("the system")
        super().__init__(
            gettext(
                "%(closed)s is closed for %(owner)s (closed by %(person)s on "
                "%(date)s): the status and measurements of %(period)s can no "
                "longer be changed. Nothing was saved."
            )
            % {
                "closed": closure.period.label,
                "owner": closure.owner.name,
                "person": closed_by,
                "date": date_format(timezone.localtime(closure.closed_at)),
                "period": period.label,
            },
            code="period_closed",
        )


def closure_of(subject, period):
    """The closure that freezes ``subject`` (a component or milestone) in
    ``period``, or None: one query."""
    return (
        PeriodClosure.objects.active()
        .covering(period)
        .concerning(subject)
        .select_related("closed_by", "organisation", "lens")
        .order_by("closed_at", "pk")
        .first()
    )


def _closure_allowing(subject, period, correction_reason):
    """The closure of ``subject`` in ``period`` when a correction with a
    reason is made, None for an open period; ``PeriodClosed`` without a
    reason, and a ``ValidationError`` for a correction of an open period."""
    closure = closure_of(subject, period)
    if closure is not None and not correction_reason:
        raise PeriodClosed(closure, period)
    if closure is None and correction_reason:
        raise ValidationError(
            _("%(period)s is not closed: report it the usual way."),
            params={"period": period.label},
            code="not_closed",
        )
    return closure


@transaction.atomic
def do_report_status(
    subject, *, period, colour, explanation, acting_user, correction_reason=""
):
    """Add a status report for ``subject`` in ``period``.

    An earlier report of the same period stays in the history; the newest is
    the one that counts. In a closed period only a correction is taken: with
    ``correction_reason``, the new report names the one it corrects and a
    change row records why (see ``objectives.closing``).
    """
    explanation = explanation.strip()
    correction_reason = correction_reason.strip()
    if not explanation:
        raise ValueError("A status report needs an explanation.")
    closure = _closure_allowing(subject, period, correction_reason)
    corrected = None
    if closure is not None:
        corrected = (
            subject.status_reports.filter(
                period_start=period.start, period_end=period.end
            )
            .order_by("-created_at", "-pk")
            .first()
        )
    report = StatusReport.objects.create(
        **{subject._meta.model_name: subject},
        period_start=period.start,
        period_end=period.end,
        colour=colour,
        explanation=explanation,
        author=acting_user if acting_user and acting_user.is_authenticated else None,
        corrects=corrected,
        correction_reason=correction_reason,
    )
    if closure is not None:
        before = f"{corrected.colour}: {corrected.explanation}" if corrected else None
        record_change(
            subject,
            Change.Kind.UPDATED,
            {
                "status": [before, f"{colour}: {explanation}"],
                "period": [period.label, period.label],
                "correction_reason": [None, correction_reason],
            },
            acting_user=acting_user,
        )
    return report


@transaction.atomic
def do_create_milestone(project, *, acting_user, **fields):
    milestone = Milestone.objects.create(project=project, **fields)
    sync_grants(milestone)
    record_change(
        milestone,
        Change.Kind.CREATED,
        {name: [None, describe(value)] for name, value in fields.items()},
        acting_user=acting_user,
    )
    return milestone


@transaction.atomic
def do_update_milestone(
    milestone, *, period, colour, explanation, completed_on, acting_user
):
    """A contributor's update of a milestone: colour, completion and why."""
    do_update_component(milestone, acting_user=acting_user, completed_on=completed_on)
    return do_report_status(
        milestone,
        period=period,
        colour=colour,
        explanation=explanation,
        acting_user=acting_user,
    )


@transaction.atomic
def do_record_measurement(
    indicator, *, period, value, note, acting_user, correction_reason=""
):
    """Enter the value of ``indicator`` for ``period``, replacing an earlier one.

    In a closed period only a correction is taken: with ``correction_reason``
    the measurement keeps the value it replaces and the reason, and its
    change row has both.
    """
    correction_reason = correction_reason.strip()
    closure = _closure_allowing(indicator, period, correction_reason)
    measurement = Measurement.objects.filter(
        indicator=indicator, period_start=period.start, period_end=period.end
    ).first()
    if measurement is None:
        measurement = Measurement.objects.create(
            indicator=indicator,
            period_start=period.start,
            period_end=period.end,
            value=value,
            note=note,
            entered_by=acting_user,
            correction_reason=correction_reason,
        )
        changes = {"value": [None, describe(value)], "period": [None, period.label]}
        if closure is not None:
            changes["correction_reason"] = [None, correction_reason]
        record_change(
            measurement, Change.Kind.CREATED, changes, acting_user=acting_user
        )
        return measurement
    values = {"value": value, "note": note}
    if closure is not None:
        values["correction_reason"] = correction_reason
        values["value_before_correction"] = measurement.value
    changes = _field_changes(measurement, values)
    if changes:
        measurement.entered_by = acting_user
        measurement.save(update_fields=[*changes, "entered_by", "updated_at"])
        record_change(
            measurement, Change.Kind.UPDATED, changes, acting_user=acting_user
        )
    return measurement


# People and memberships ---------------------------------------------------


def _refuse_to_remove_last_administrator(membership):
    """Keep an organisation from locking itself out: its last active
    administrator role may be neither changed nor ended.

    Locks the organisation row first, so that two administrators demoting each
    other at the same moment take turns and the second one is refused.
    """
    Organisation.objects.select_for_update().filter(
        pk=membership.organisation_id
    ).first()
    administrators = Membership.objects.active().filter(
        organisation_id=membership.organisation_id,
        role=Membership.Role.ADMINISTRATOR,
    )
    if not administrators.filter(pk=membership.pk).exists():
        return
    if not administrators.exclude(pk=membership.pk).exists():
        raise ValidationError(
            _(
                "%(organisation)s needs at least one administrator: give the "
                "role to someone else first."
            ),
            code="last_administrator",
            params={"organisation": membership.organisation},
        )


@transaction.atomic
def do_grant_membership(
    person,
    organisation,
    role,
    *,
    acting_user,
    source=Membership.Source.MANUAL,
    keep_an_administrator=False,
):
    """Give ``person`` ``role`` in ``organisation``, replacing an earlier role.

    With ``keep_an_administrator`` (the member pages), refuses with a
    ``ValidationError`` to take the last administrator role away; the HR
    import has the last word and does not ask.
    """
    membership = Membership.objects.filter(
        person=person, organisation=organisation
    ).first()
    if (
        keep_an_administrator
        and membership is not None
        and role != Membership.Role.ADMINISTRATOR
    ):
        _refuse_to_remove_last_administrator(membership)
    if membership is None:
        membership = Membership.objects.create(
            person=person, organisation=organisation, role=role, source=source
        )
        record_change(
            membership,
            Change.Kind.CREATED,
            {"role": [None, role]},
            acting_user=acting_user,
        )
    else:
        changes = _field_changes(membership, {"role": role, "end_date": None})
        if changes:
            membership.save(update_fields=[*changes, "updated_at"])
            record_change(
                membership, Change.Kind.UPDATED, changes, acting_user=acting_user
            )
    if person.user is not None:
        forget_roles(person.user)
    return membership


@transaction.atomic
def do_end_membership(
    membership, *, end_date, acting_user, keep_an_administrator=False
):
    """End ``membership`` on ``end_date`` (its last day); never deletes it.

    ``keep_an_administrator`` as for ``do_grant_membership``.
    """
    if keep_an_administrator:
        _refuse_to_remove_last_administrator(membership)
    changes = _field_changes(membership, {"end_date": end_date})
    if changes:
        membership.save(update_fields=["end_date", "updated_at"])
        record_change(membership, Change.Kind.UPDATED, changes, acting_user=acting_user)
        if membership.person.user is not None:
            forget_roles(membership.person.user)
    return bool(changes)


# People -----------------------------------------------------------------------


def end_sessions_after_commit(user_ids):
    """Log the accounts ``user_ids`` out everywhere once the transaction
    commits: a person who is no longer active keeps no session."""
    user_ids = [user_id for user_id in user_ids if user_id is not None]
    if user_ids:
        transaction.on_commit(lambda: end_sessions_of(user_ids))


@transaction.atomic
def do_deactivate_person(person, *, acting_user):
    """Deactivate ``person``, end the memberships still open today and every
    session of their account; returns whether anything changed."""
    today = timezone.localdate()
    changes = _field_changes(person, {"is_active": False})
    if changes:
        person.save(update_fields=["is_active", "updated_at"])
        record_change(person, Change.Kind.UPDATED, changes, acting_user=acting_user)
    open_memberships = person.memberships.filter(
        models.Q(end_date__isnull=True) | models.Q(end_date__gt=today)
    )
    for membership in open_memberships:
        do_end_membership(membership, acting_user=acting_user, end_date=today)
    end_sessions_after_commit([person.user_id])
    return bool(changes)


@transaction.atomic
def do_link_account(person, user, *, acting_user):
    """Connect ``person`` to the account ``user`` and give it the person's grants."""
    changes = _field_changes(person, {"user": user})
    if not changes:
        return False
    person.save(update_fields=["user", "updated_at"])
    record_change(person, Change.Kind.UPDATED, changes, acting_user=acting_user)
    for model in COMPONENT_MODELS:
        for component in model.objects.filter(responsible=person):
            sync_grants(component)
    for project in Project.objects.filter(members=person):
        sync_grants(project)
    for milestone in Milestone.objects.filter(assignee=person):
        sync_grants(milestone)
    return True


# Accounts from single sign-on -----------------------------------------------


def sso_username(subject):
    """A username derived from the identity platform's subject: unique with
    it, and without exposing it."""
    digest = hashlib.sha256(subject.encode()).hexdigest()[:24]
    return f"sso-{digest}"


@transaction.atomic
def do_create_sso_account(*, subject, first_name, last_name, email, person=None):
    """A new account for a first single sign-on, linked to ``person`` when
    the HR feed's person was found; it has no password."""
    user = User(
        username=sso_username(subject),
        oidc_subject=subject,
        first_name=first_name,
        last_name=last_name,
        email=email,
    )
    user.set_unusable_password()
    user.save()
    record_change(
        user,
        Change.Kind.CREATED,
        {
            name: [None, getattr(user, name)]
            for name in ("username", "oidc_subject", "first_name", "last_name", "email")
        },
        acting_user=user,
    )
    if person is not None:
        do_link_account(person, user, acting_user=user)
    return user


@transaction.atomic
def do_refresh_sso_account(user, *, first_name, last_name, email):
    """Take over the names and e-mail the identity platform now gives."""
    values = {"first_name": first_name, "last_name": last_name, "email": email}
    changes = _field_changes(user, values)
    if not changes:
        return False
    user.save(update_fields=list(changes))
    record_change(user, Change.Kind.UPDATED, changes, acting_user=user)
    return True


# Bulk writes ----------------------------------------------------------------


def bulk_create_with_history(model, objects, *, acting_user, batch_size=2000):
    """Insert many new rows of ``model`` with one ``created`` change each.

    For importers and the demo generator: the caller wraps it in a
    transaction together with whatever else belongs to the same unit of work.
    Both supported databases return the new ids from a bulk insert.
    """
    created = model.objects.bulk_create(objects, batch_size=batch_size)
    shown = [name for name in ("code", "title") if hasattr(model, name)]

    def summary(obj):
        if not shown:
            return {"name": [None, str(obj)]}
        return {name: [None, describe(getattr(obj, name))] for name in shown}

    rows = [
        _change_row(obj, Change.Kind.CREATED, summary(obj), acting_user)
        for obj in created
    ]
    Change.objects.bulk_create(rows, batch_size=batch_size)
    return created


# Lenses ---------------------------------------------------------------------

# Entries being renumbered are first parked this far above any real position,
# so that no row ever shares a position with a sibling on its way to its new
# place (lens_entry_unique_position and lens_entry_unique_top_position are
# checked row by row).
PARKING_OFFSET = 1_000_000

# ``do_move_lens_entry`` without ``under``: the entry stays under its parent.
KEEP_PARENT = object()


@transaction.atomic
def do_create_lens(
    *,
    name,
    kind,
    organisation,
    acting_user,
    description="",
    legislature=None,
    coordinators=(),
):
    """Create a lens of ``organisation`` (None: government-wide)."""
    lens = Lens.objects.create(
        name=name,
        kind=kind,
        organisation=organisation,
        description=description,
        legislature=legislature,
    )
    lens.coordinators.set(coordinators)

    changes = {
        "name": [None, name],
        "kind": [None, kind],
        "organisation": [None, describe(organisation)],
        "legislature": [None, describe(legislature)],
    }
    if description:
        changes["description"] = [None, description]
    if coordinators:
        changes["coordinators"] = [None, describe(list(coordinators))]
    record_change(lens, Change.Kind.CREATED, changes, acting_user=acting_user)
    logger.info("Created lens %s", lens.public_id)
    return lens


@transaction.atomic
def do_update_lens(lens, *, acting_user, coordinators=None, **values):
    """Change fields of a lens and, if given, its coordinators exactly;
    returns {field: [old, new]}."""
    changes = _field_changes(lens, values)
    fields = list(changes)
    if coordinators is not None:
        old, new = set(lens.coordinators.all()), set(coordinators)
        if old != new:
            lens.coordinators.set(new)
            changes["coordinators"] = [describe(old), describe(new)]
    if not changes:
        return changes
    lens.save(update_fields=[*fields, "updated_at"])
    record_change(lens, Change.Kind.UPDATED, changes, acting_user=acting_user)
    return changes


@transaction.atomic
def do_archive_lens(lens, *, acting_user, archived=True):
    if lens.is_archived == archived:
        return False
    lens.is_archived = archived
    lens.save(update_fields=["is_archived", "updated_at"])
    kind = Change.Kind.ARCHIVED if archived else Change.Kind.RESTORED
    record_change(
        lens, kind, {"is_archived": [not archived, archived]}, acting_user=acting_user
    )
    return True


def _locked(lens_id):
    """The lens locked until the end of the transaction: two people building
    the same lens take turns, and each one sees the positions the other left."""
    return Lens.objects.select_for_update().get(pk=lens_id)


def _fresh(lens, entry):
    """``entry`` as it stands now; a copy read before the lock may be stale."""
    fresh = lens.entries.filter(pk=entry.pk).first()
    if fresh is None:
        raise ValidationError(
            _("This entry is no longer in the lens."), code="entry_gone"
        )
    return fresh


def _children(lens, parent_id):
    return list(lens.entries.filter(parent_id=parent_id).order_by("position"))


def _renumber(entries, parent_id):
    """Put ``entries``, all the children of ``parent_id``, at the positions
    1..n in their order; only the rows that move are written."""
    moving = [
        entry
        for position, entry in enumerate(entries, start=1)
        if entry.position != position or entry.parent_id != parent_id
    ]
    if not moving:
        return
    LensEntry.objects.filter(pk__in=[entry.pk for entry in moving]).update(
        position=F("position") + PARKING_OFFSET
    )
    for position, entry in enumerate(entries, start=1):
        entry.position = position
        entry.parent_id = parent_id
    LensEntry.objects.bulk_update(moving, ["position", "parent"])


def _number_of(lens, entry):
    for number, _depth, numbered in lens.numbered_entries():
        if numbered.pk == entry.pk:
            return f"{number} {numbered}"
    return str(entry)


def _check_heading(lens, heading, moving=None):
    """Refuse a parent that is not a heading of ``lens``, or that lies within
    the entry ``moving`` (a heading cannot go under itself)."""
    if heading is None:
        return
    parents = dict(lens.entries.values_list("pk", "parent_id"))
    if heading.lens_id != lens.pk or heading.pk not in parents or not heading.heading:
        raise ValidationError(
            _("Entries go under a heading of the same lens."), code="not_a_heading"
        )
    ancestor = heading.pk
    while moving is not None and ancestor is not None:
        if ancestor == moving.pk:
            raise ValidationError(
                _("A heading cannot go under itself or its own entries."),
                code="cycle",
            )
        ancestor = parents[ancestor]


@transaction.atomic
def do_add_lens_entry(lens, *, acting_user, objective=None, heading="", under=None):
    """Add a heading or an objective at the end of heading ``under`` (None:
    the top level). An objective appears once in a lens."""
    lens = _locked(lens.pk)
    heading = heading.strip()
    if (objective is None) == (not heading):
        raise ValueError("A lens entry is either a heading or an objective.")
    _check_heading(lens, under)
    if objective is not None and lens.entries.filter(objective=objective).exists():
        raise ValidationError(
            _("%(objective)s is already in this lens."),
            code="duplicate_objective",
            params={"objective": objective},
        )

    last = lens.entries.filter(parent=under).aggregate(last=Max("position"))["last"]
    entry = LensEntry.objects.create(
        lens=lens,
        parent=under,
        position=(last or 0) + 1,
        objective=objective,
        heading=heading,
    )

    lens.save(update_fields=["updated_at"])
    record_change(
        lens,
        Change.Kind.LINKED,
        {"entries": [None, _number_of(lens, entry)]},
        acting_user=acting_user,
    )
    return entry


@transaction.atomic
def do_move_lens_entry(entry, *, acting_user, by=0, under=KEEP_PARENT):
    """Move ``entry`` ``by`` places among its siblings (-1: one up), or to
    the end of heading ``under`` (None: the top level).

    Positions are read after the lens is locked, so a move made from a page
    that another administrator has changed meanwhile still lands where asked
    and leaves positions 1..n under every parent. Returns whether it moved.
    """
    lens = _locked(entry.lens_id)
    entry = _fresh(lens, entry)
    before = _number_of(lens, entry)
    old_parent_id = entry.parent_id
    siblings = _children(lens, old_parent_id)

    if under is KEEP_PARENT:
        index = siblings.index(entry)
        target = min(max(index + by, 0), len(siblings) - 1)
        if target == index:
            return False
        siblings.insert(target, siblings.pop(index))
        _renumber(siblings, old_parent_id)
    else:
        _check_heading(lens, under, moving=entry)
        new_parent_id = under.pk if under is not None else None
        if new_parent_id == old_parent_id:
            return False
        _renumber([*_children(lens, new_parent_id), entry], new_parent_id)
        siblings.remove(entry)
        _renumber(siblings, old_parent_id)

    lens.save(update_fields=["updated_at"])
    record_change(
        lens,
        Change.Kind.UPDATED,
        {"entries": [before, _number_of(lens, entry)]},
        acting_user=acting_user,
    )
    return True


@transaction.atomic
def do_remove_lens_entry(entry, *, acting_user):
    """Remove ``entry`` and, for a heading, every entry under it; the
    entries after it move up. Returns the number of entries removed."""
    lens = _locked(entry.lens_id)
    entry = _fresh(lens, entry)
    removed = _subtree(lens, entry)

    parent_id = entry.parent_id
    entry.delete()
    _renumber(_children(lens, parent_id), parent_id)

    lens.save(update_fields=["updated_at"])
    record_change(
        lens,
        Change.Kind.UNLINKED,
        {"entries": [removed, None]},
        acting_user=acting_user,
    )
    return len(removed)


def _subtree(lens, entry):
    """``entry`` and the entries under it, numbered, in reading order."""
    subtree, depth = [], None
    for number, entry_depth, numbered in lens.numbered_entries():
        if depth is not None and entry_depth <= depth:
            break
        if numbered.pk == entry.pk:
            depth = entry_depth
        if depth is not None:
            subtree.append(f"{number} {numbered}")
    return subtree


# Editing pages of the functional administrators ------------------------------


class EditConflict(Exception):
    """The record changed since the version its editor started from."""


def _check_version(obj, version):
    saved = (
        type(obj)
        .objects.select_for_update()
        .filter(pk=obj.pk)
        .values_list("updated_at", flat=True)
        .get()
    )
    if saved.isoformat() != version:
        raise EditConflict(f"{obj._meta.model_name} {obj.pk} changed since {version}.")


@transaction.atomic
def do_edit_component(
    component, *, version, values, organisations=None, members=None, acting_user
):
    """Apply one edit form to ``component`` (or a milestone), all or nothing.

    ``version`` is the ``updated_at`` the editor started from, in ISO format;
    when the component has changed since, nothing is saved and
    ``EditConflict`` is raised. ``organisations`` and ``members`` (projects)
    are left alone when None. Returns whether anything changed.
    """
    _check_version(component, version)
    changed = bool(do_update_component(component, acting_user=acting_user, **values))
    if organisations is not None:
        changed |= do_set_organisations(
            component, organisations, acting_user=acting_user
        )
    if members is not None:
        changed |= do_set_project_members(component, members, acting_user=acting_user)
    return changed


@transaction.atomic
def do_create_project(*, organisations, members, acting_user, **fields):
    """Create a project together with its first members."""
    project = do_create_component(
        Project, organisations=organisations, acting_user=acting_user, **fields
    )
    if members:
        do_set_project_members(project, members, acting_user=acting_user)
    return project


# Bulk updates for importers ------------------------------------------------


def bulk_update_with_history(model, changed, *, acting_user, batch_size=2000):
    """Save many rows of ``model`` whose fields were already set, each with
    one ``updated`` change: ``changed`` is a list of (object, {field: [old,
    new]}) pairs, as ``apply_values`` returns them. Only the named fields are
    written."""
    if not changed:
        return 0
    fields = sorted({name for _, changes in changed for name in changes})
    has_updated_at = any(f.name == "updated_at" for f in model._meta.fields)
    model.objects.bulk_update(
        [obj for obj, _ in changed],
        [*fields, "updated_at"] if has_updated_at else fields,
        batch_size=batch_size,
    )
    Change.objects.bulk_create(
        [
            _change_row(obj, Change.Kind.UPDATED, changes, acting_user)
            for obj, changes in changed
        ],
        batch_size=batch_size,
    )
    if model is Person:
        end_sessions_after_commit(
            [
                obj.user_id
                for obj, changes in changed
                if changes.get("is_active") == [True, False]
            ]
        )
    return len(changed)


def apply_values(obj, values):
    """Set ``values`` on ``obj`` and return {field: [old, new]} of the fields
    that really changed, for ``bulk_update_with_history``."""
    changes = _field_changes(obj, values)
    if changes and hasattr(obj, "updated_at"):
        obj.updated_at = timezone.now()
    return changes


# HR imports -----------------------------------------------------------------
#
# Bulk writes for the importers of the HR system and the process register.
# Like the other bulk helpers they run inside the caller's transaction: the
# import engine applies a whole run in one.

MEMBERSHIP_FIELDS_SHOWN = ("role", "source", "start_date", "end_date")


def bulk_create_memberships(memberships, *, acting_user, batch_size=2000):
    """Insert new memberships, each with a ``created`` change that shows its
    role, source and dates."""
    created = Membership.objects.bulk_create(memberships, batch_size=batch_size)
    Change.objects.bulk_create(
        [
            _change_row(
                membership,
                Change.Kind.CREATED,
                {
                    name: [None, describe(getattr(membership, name))]
                    for name in MEMBERSHIP_FIELDS_SHOWN
                },
                acting_user,
            )
            for membership in created
        ],
        batch_size=batch_size,
    )
    return created


def bulk_update_memberships(changed, *, acting_user, batch_size=2000):
    """Save memberships changed with ``apply_values`` (ended, reopened,
    dates moved), each with an ``updated`` change; nothing is deleted."""
    return bulk_update_with_history(
        Membership, changed, acting_user=acting_user, batch_size=batch_size
    )


def bulk_create_imported_processes(processes, *, acting_user, batch_size=2000):
    """Insert processes of the process register, each attached to its lead
    organisation, as ``do_create_component`` would."""
    created = bulk_create_with_history(
        Process, processes, acting_user=acting_user, batch_size=batch_size
    )
    through = Process.organisations.through
    through.objects.bulk_create(
        [
            through(process_id=process.pk, organisation_id=process.lead_organisation_id)
            for process in created
        ],
        batch_size=batch_size,
    )


# Organisation registry imports ---------------------------------------------


def bulk_create_organisations(organisations, *, new_parents=(), acting_user):
    """Insert new organisations, each with its ``created`` change, then link
    those whose parent is new as well: ``new_parents`` holds (organisation,
    parent) pairs of ``organisations``. The caller holds the transaction."""
    created = bulk_create_with_history(
        Organisation, organisations, acting_user=acting_user
    )
    for organisation, parent in new_parents:
        organisation.parent = parent
    if new_parents:
        Organisation.objects.bulk_update(
            [organisation for organisation, _ in new_parents], ["parent"]
        )
    return created
