"""Small explicit factories: each makes one row with unique, readable defaults.

Components are created through the actions layer, so that their lead
organisation is among their organisations and the grants of the people named
on them exist, as in the application.
"""

import datetime
import itertools

from objectives import actions
from objectives.models import (
    Indicator,
    Legislature,
    Lens,
    LensEntry,
    Membership,
    Objective,
    Organisation,
    Person,
    Process,
    Programme,
    Project,
    User,
)

# Starts above the numbers the personas spell out (OVO000001, OVO000002).
_numbers = itertools.count(1000)

DEFAULT_LEGISLATURE = "2024-2029"


def _next_number():
    return next(_numbers)


def make_organisation(**fields):
    number = _next_number()
    fields.setdefault("ovo_number", f"OVO{number:06d}")
    fields.setdefault("name", f"Organisation {number}")
    return Organisation.objects.create(**fields)


def make_user(password=None, **fields):
    """An account; without ``password`` it cannot log in with one (tests use
    ``force_login``), which also spares the slow password hashing."""
    number = _next_number()
    fields.setdefault("username", f"user{number}")
    return User.objects.create_user(password=password, **fields)


def make_person(*, with_user=False, user=None, **fields):
    """A staff member; ``with_user`` also makes the account linked to it."""
    number = _next_number()
    fields.setdefault("personnel_number", f"{number:06d}")
    fields.setdefault("first_name", "Person")
    fields.setdefault("last_name", f"Number {number}")
    if user is None and with_user:
        user = make_user()
    return Person.objects.create(user=user, **fields)


def make_membership(person, organisation, role=Membership.Role.READER, **fields):
    return Membership.objects.create(
        person=person, organisation=organisation, role=role, **fields
    )


def make_legislature(**fields):
    if not fields:
        legislature, _ = Legislature.objects.get_or_create(
            name=DEFAULT_LEGISLATURE,
            defaults={
                "start_date": datetime.date(2024, 7, 1),
                "end_date": datetime.date(2029, 6, 30),
            },
        )
        return legislature
    return Legislature.objects.create(**fields)


def _make_component(model, prefix, *, lead_organisation, organisations, **fields):
    number = _next_number()
    fields.setdefault("code", f"{prefix} {number}")
    fields.setdefault("title", f"{model._meta.verbose_name.title()} {number}")
    return actions.do_create_component(
        model,
        organisations=organisations,
        acting_user=None,
        lead_organisation=lead_organisation or make_organisation(),
        **fields,
    )


def make_objective(*, lead_organisation=None, organisations=(), **fields):
    fields.setdefault("level", Objective.Level.STRATEGIC)
    if "legislature" not in fields:
        fields["legislature"] = make_legislature()
    prefix = "SD" if fields["level"] == Objective.Level.STRATEGIC else "OD"
    return _make_component(
        Objective,
        prefix,
        lead_organisation=lead_organisation,
        organisations=organisations,
        **fields,
    )


def make_project(*, lead_organisation=None, organisations=(), members=(), **fields):
    project = _make_component(
        Project,
        "PR",
        lead_organisation=lead_organisation,
        organisations=organisations,
        **fields,
    )
    if members:
        actions.do_set_project_members(project, members, acting_user=None)
    return project


def make_milestone(project=None, **fields):
    number = _next_number()
    fields.setdefault("code", f"M{number}")
    fields.setdefault("title", f"Milestone {number}")
    fields.setdefault("due_date", datetime.date(2026, 6, 30))
    return actions.do_create_milestone(
        project or make_project(), acting_user=None, **fields
    )


def make_process(*, lead_organisation=None, organisations=(), **fields):
    return _make_component(
        Process,
        "PC",
        lead_organisation=lead_organisation,
        organisations=organisations,
        **fields,
    )


def make_programme(*, lead_organisation=None, organisations=(), **fields):
    return _make_component(
        Programme,
        "PG",
        lead_organisation=lead_organisation,
        organisations=organisations,
        **fields,
    )


def make_indicator(*, lead_organisation=None, organisations=(), **fields):
    fields.setdefault("kind", Indicator.Kind.EFFECT)
    fields.setdefault("unit", "count")
    return _make_component(
        Indicator,
        "IN",
        lead_organisation=lead_organisation,
        organisations=organisations,
        **fields,
    )


def make_lens(*, objectives=(), coordinators=(), **fields):
    """A lens whose entries refer to ``objectives``, numbered from 1."""
    number = _next_number()
    fields.setdefault("name", f"Lens {number}")
    fields.setdefault("kind", Lens.Kind.OTHER)
    lens = Lens.objects.create(**fields)
    lens.coordinators.set(coordinators)
    for position, objective in enumerate(objectives, start=1):
        make_lens_entry(lens, position=position, objective=objective)
    return lens


def make_lens_entry(lens, *, position, objective=None, heading="", parent=None):
    return LensEntry.objects.create(
        lens=lens,
        position=position,
        objective=objective,
        heading=heading,
        parent=parent,
    )
