"""The people every test suite works with.

Two organisations, A and B. In A: a reader, a contributor and an
administrator; in B: a reader, a contributor and an administrator. A global
administrator without any role, and a plan coordinator: a reader of B who
coordinates the transversal plan of B, which refers to an objective of A.
"""

from django.test import TestCase

from objectives.models import Lens, Membership
from tests.factories import (
    make_lens,
    make_membership,
    make_objective,
    make_organisation,
    make_person,
    make_user,
)

Role = Membership.Role


def make_persona(username, organisation=None, role=None, **user_fields):
    """A user linked to a person, with ``role`` in ``organisation`` if given."""
    user = make_user(username=username, **user_fields)
    first_name, _, last_name = username.partition("_")
    person = make_person(
        user=user, first_name=first_name.title(), last_name=last_name.upper()
    )
    if organisation is not None:
        make_membership(person, organisation, role)
    return user


class PersonaTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.organisation_a = make_organisation(
            ovo_number="OVO000001", name="Department A", short_name="A"
        )
        cls.organisation_b = make_organisation(
            ovo_number="OVO000002", name="Department B", short_name="B"
        )

        cls.reader_a = make_persona("reader_a", cls.organisation_a, Role.READER)
        cls.contributor_a = make_persona(
            "contributor_a", cls.organisation_a, Role.CONTRIBUTOR
        )
        cls.admin_a = make_persona("admin_a", cls.organisation_a, Role.ADMINISTRATOR)
        cls.reader_b = make_persona("reader_b", cls.organisation_b, Role.READER)
        cls.contributor_b = make_persona(
            "contributor_b", cls.organisation_b, Role.CONTRIBUTOR
        )
        cls.admin_b = make_persona("admin_b", cls.organisation_b, Role.ADMINISTRATOR)
        cls.global_admin = make_persona("global_admin", is_global_admin=True)

        cls.plan_objective = make_objective(
            lead_organisation=cls.organisation_a,
            code="SD 1",
            title="Safe and smooth mobility",
        )
        cls.coordinator = make_persona("coordinator_b", cls.organisation_b, Role.READER)
        cls.plan_lens = make_lens(
            name="Mobility plan",
            kind=Lens.Kind.TRANSVERSAL_PLAN,
            organisation=cls.organisation_b,
            objectives=[cls.plan_objective],
            coordinators=[cls.coordinator.person],
        )
