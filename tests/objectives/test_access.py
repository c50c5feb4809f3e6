"""Who may see and do what: the access matrix and the rules around it."""

import datetime
import uuid

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from objectives import access, actions
from objectives.access import Action
from objectives.models import (
    Confidentiality,
    Lens,
    Membership,
    Milestone,
    Objective,
    Organisation,
    Process,
    Programme,
    Project,
)
from objectives.models import Indicator as IndicatorModel
from tests.factories import (
    make_indicator,
    make_lens,
    make_lens_entry,
    make_membership,
    make_milestone,
    make_objective,
    make_person,
    make_process,
    make_programme,
    make_project,
    make_user,
)
from tests.personas import PersonaTestCase, make_persona

Role = Membership.Role

# The matrix ------------------------------------------------------------------

VIEW, EDIT, CREATE, DELETE, LINK = "view", "edit", "create", "delete", "link"
ACTIONS = (VIEW, EDIT, CREATE, DELETE, LINK)

OBJECTIVE, PROJECT, MILESTONE = "objective", "project", "milestone"
PROCESS, PROGRAMME, INDICATOR = "process", "programme", "indicator"
TYPES = (OBJECTIVE, PROJECT, MILESTONE, PROCESS, PROGRAMME, INDICATOR)
MODELS = {
    OBJECTIVE: Objective,
    PROJECT: Project,
    MILESTONE: Milestone,
    PROCESS: Process,
    PROGRAMME: Programme,
    INDICATOR: IndicatorModel,
}

ALL = frozenset(TYPES)
NONE = frozenset()

OWN, FOREIGN = "own", "foreign"
INTERNAL, CONFIDENTIAL = Confidentiality.INTERNAL, Confidentiality.CONFIDENTIAL


def allowed(**types_by_action):
    """Per action, the component types on which it is allowed; none if unnamed."""
    return {action: frozenset(types_by_action.get(action, NONE)) for action in ACTIONS}


NOTHING = allowed()

# Per role, per (organisation, confidentiality) of the component: the types on
# which each action is allowed. "own" is the organisation of the persona (A;
# B for the plan coordinator), "foreign" the other one. The people named on a
# component hold no role: they are named on the components of A only (their
# "own"), the responsible person on every component, the project member in
# the projects, the assignee on the milestones.
EXPECTED = {
    "reader": {
        (OWN, INTERNAL): allowed(view=ALL),
        (OWN, CONFIDENTIAL): NOTHING,
        (FOREIGN, INTERNAL): NOTHING,
        (FOREIGN, CONFIDENTIAL): NOTHING,
    },
    "contributor": {
        (OWN, INTERNAL): allowed(view=ALL, edit=ALL),
        (OWN, CONFIDENTIAL): NOTHING,
        (FOREIGN, INTERNAL): NOTHING,
        (FOREIGN, CONFIDENTIAL): NOTHING,
    },
    "administrator": {
        (OWN, INTERNAL): allowed(view=ALL, edit=ALL, create=ALL, delete=ALL, link=ALL),
        (OWN, CONFIDENTIAL): allowed(
            view=ALL, edit=ALL, create=ALL, delete=ALL, link=ALL
        ),
        (FOREIGN, INTERNAL): NOTHING,
        (FOREIGN, CONFIDENTIAL): NOTHING,
    },
    "global administrator": {
        (OWN, INTERNAL): allowed(view=ALL, edit=ALL, create=ALL, delete=ALL, link=ALL),
        (OWN, CONFIDENTIAL): allowed(
            view=ALL, edit=ALL, create=ALL, delete=ALL, link=ALL
        ),
        (FOREIGN, INTERNAL): allowed(
            view=ALL, edit=ALL, create=ALL, delete=ALL, link=ALL
        ),
        (FOREIGN, CONFIDENTIAL): allowed(
            view=ALL, edit=ALL, create=ALL, delete=ALL, link=ALL
        ),
    },
    "plan coordinator": {
        (OWN, INTERNAL): allowed(view=ALL),
        (OWN, CONFIDENTIAL): NOTHING,
        (FOREIGN, INTERNAL): allowed(view={OBJECTIVE}),
        (FOREIGN, CONFIDENTIAL): NOTHING,
    },
    "responsible person": {
        (OWN, INTERNAL): allowed(view=ALL, edit=ALL),
        (OWN, CONFIDENTIAL): allowed(view=ALL, edit=ALL),
        (FOREIGN, INTERNAL): NOTHING,
        (FOREIGN, CONFIDENTIAL): NOTHING,
    },
    "project member": {
        (OWN, INTERNAL): allowed(view={PROJECT, MILESTONE}, edit={PROJECT, MILESTONE}),
        (OWN, CONFIDENTIAL): allowed(
            view={PROJECT, MILESTONE}, edit={PROJECT, MILESTONE}
        ),
        (FOREIGN, INTERNAL): NOTHING,
        (FOREIGN, CONFIDENTIAL): NOTHING,
    },
    "milestone assignee": {
        (OWN, INTERNAL): allowed(view={MILESTONE}, edit={MILESTONE}),
        (OWN, CONFIDENTIAL): allowed(view={MILESTONE}, edit={MILESTONE}),
        (FOREIGN, INTERNAL): NOTHING,
        (FOREIGN, CONFIDENTIAL): NOTHING,
    },
    "anonymous": {
        (OWN, INTERNAL): NOTHING,
        (OWN, CONFIDENTIAL): NOTHING,
        (FOREIGN, INTERNAL): NOTHING,
        (FOREIGN, CONFIDENTIAL): NOTHING,
    },
}

# (role, organisation, confidentiality, component type, action, expected)
MATRIX = [
    (role, place, confidentiality, kind, action, kind in expected[action])
    for role, cells in EXPECTED.items()
    for (place, confidentiality), expected in cells.items()
    for kind in TYPES
    for action in ACTIONS
]


class AccessMatrixTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.responsible = make_persona("responsible_person")
        cls.project_member = make_persona("project_member")
        cls.assignee = make_persona("milestone_assignee")
        cls.personas = {
            "reader": (cls.reader_a, cls.organisation_a),
            "contributor": (cls.contributor_a, cls.organisation_a),
            "administrator": (cls.admin_a, cls.organisation_a),
            "global administrator": (cls.global_admin, cls.organisation_a),
            "plan coordinator": (cls.coordinator, cls.organisation_b),
            "responsible person": (cls.responsible, cls.organisation_a),
            "project member": (cls.project_member, cls.organisation_a),
            "milestone assignee": (cls.assignee, cls.organisation_a),
            "anonymous": (AnonymousUser(), cls.organisation_a),
        }

        cls.components = {}
        for organisation in (cls.organisation_a, cls.organisation_b):
            for confidentiality in (INTERNAL, CONFIDENTIAL):
                cls.components[organisation, confidentiality] = cls.make_components(
                    organisation, confidentiality
                )
        for position, confidentiality in enumerate((INTERNAL, CONFIDENTIAL), 2):
            objective = cls.components[cls.organisation_a, confidentiality][OBJECTIVE]
            make_lens_entry(cls.plan_lens, position=position, objective=objective)

    @classmethod
    def make_components(cls, organisation, confidentiality):
        is_a = organisation == cls.organisation_a
        named = {
            "lead_organisation": organisation,
            "confidentiality": confidentiality,
            "responsible": cls.responsible.person if is_a else None,
        }
        project = make_project(
            members=[cls.project_member.person] if is_a else [], **named
        )
        return {
            OBJECTIVE: make_objective(**named),
            PROJECT: project,
            MILESTONE: make_milestone(
                project, assignee=cls.assignee.person if is_a else None
            ),
            PROCESS: make_process(**named),
            PROGRAMME: make_programme(**named),
            INDICATOR: make_indicator(**named),
        }

    def answers_against_matrix(self, role):
        """Every case of ``role`` where ``can``, ``can_create`` or ``visible``
        disagrees with the matrix."""
        user, own = self.personas[role]
        (foreign,) = {self.organisation_a, self.organisation_b} - {own}
        mismatches = []
        for case in MATRIX:
            case_role, place, confidentiality, kind, action, expected = case
            if case_role != role:
                continue
            organisation = own if place == OWN else foreign
            component = self.components[organisation, confidentiality][kind]
            if action == CREATE:
                answer = access.can_create(user, MODELS[kind], organisation)
            else:
                answer = access.can(user, Action(action), component)
            if answer != expected:
                mismatches.append((*case[:5], f"can answers {answer}"))
            if action == VIEW:
                listed = (
                    access.visible(user, MODELS[kind]).filter(pk=component.pk).exists()
                )
                if listed != expected:
                    mismatches.append((*case[:5], f"visible lists it: {listed}"))
        return mismatches

    def test_matrix_holds_1080_cases(self):
        self.assertEqual(len(MATRIX), 1080)
        self.assertEqual(len(set(case[:5] for case in MATRIX)), 1080)

    def test_matrix_has_every_role_place_and_confidentiality(self):
        self.assertEqual(set(EXPECTED), set(self.personas))
        for cells in EXPECTED.values():
            self.assertEqual(
                set(cells),
                {(p, c) for p in (OWN, FOREIGN) for c in (INTERNAL, CONFIDENTIAL)},
            )

    def test_reader_matches_matrix(self):
        self.assertEqual(self.answers_against_matrix("reader"), [])

    def test_contributor_matches_matrix(self):
        self.assertEqual(self.answers_against_matrix("contributor"), [])

    def test_administrator_matches_matrix(self):
        self.assertEqual(self.answers_against_matrix("administrator"), [])

    def test_global_administrator_matches_matrix(self):
        self.assertEqual(self.answers_against_matrix("global administrator"), [])

    def test_plan_coordinator_matches_matrix(self):
        self.assertEqual(self.answers_against_matrix("plan coordinator"), [])

    def test_responsible_person_matches_matrix(self):
        self.assertEqual(self.answers_against_matrix("responsible person"), [])

    def test_project_member_matches_matrix(self):
        self.assertEqual(self.answers_against_matrix("project member"), [])

    def test_milestone_assignee_matches_matrix(self):
        self.assertEqual(self.answers_against_matrix("milestone assignee"), [])

    def test_anonymous_matches_matrix(self):
        self.assertEqual(self.answers_against_matrix("anonymous"), [])


# The rules around the matrix --------------------------------------------------


class GetForUserTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.objective_a = make_objective(lead_organisation=cls.organisation_a)
        cls.confidential_a = make_objective(
            lead_organisation=cls.organisation_a, confidentiality=CONFIDENTIAL
        )
        cls.objective_b = make_objective(lead_organisation=cls.organisation_b)

    def test_reader_gets_visible_objective_to_view(self):
        objective = access.get_for_user(
            self.reader_a, Objective, self.objective_a.public_id
        )

        self.assertEqual(objective, self.objective_a)

    def test_foreign_objective_is_not_found(self):
        with self.assertRaises(Http404):
            access.get_for_user(self.reader_a, Objective, self.objective_b.public_id)

    def test_confidential_objective_is_not_found_for_reader(self):
        with self.assertRaises(Http404):
            access.get_for_user(self.reader_a, Objective, self.confidential_a.public_id)

    def test_missing_objective_is_not_found(self):
        with self.assertRaises(Http404):
            access.get_for_user(self.global_admin, Objective, uuid.uuid4())

    def test_foreign_objective_is_not_found_even_for_an_action(self):
        with self.assertRaises(Http404):
            access.get_for_user(
                self.admin_a, Objective, self.objective_b.public_id, Action.LINK
            )

    def test_reader_is_refused_editing_visible_objective(self):
        with self.assertRaises(PermissionDenied):
            access.get_for_user(
                self.reader_a, Objective, self.objective_a.public_id, Action.EDIT
            )

    def test_contributor_is_refused_archiving_visible_objective(self):
        with self.assertRaises(PermissionDenied):
            access.get_for_user(
                self.contributor_a, Objective, self.objective_a.public_id, Action.DELETE
            )

    def test_contributor_gets_objective_to_edit(self):
        objective = access.get_for_user(
            self.contributor_a, Objective, self.objective_a.public_id, Action.EDIT
        )

        self.assertEqual(objective, self.objective_a)

    def test_anonymous_visitor_finds_nothing(self):
        with self.assertRaises(Http404):
            access.get_for_user(AnonymousUser(), Objective, self.objective_a.public_id)


class GovernmentWideProgrammeTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.programme = make_programme(
            lead_organisation=cls.organisation_a, is_government_wide=True
        )
        cls.confidential = make_programme(
            lead_organisation=cls.organisation_a,
            is_government_wide=True,
            confidentiality=CONFIDENTIAL,
        )
        cls.outsider = make_persona("outsider_without_role")

    def answers(self, user, programme):
        return {
            action: access.can(user, action, programme)
            for action in (Action.VIEW, Action.EDIT, Action.LINK, Action.DELETE)
        }

    def is_listed(self, user, programme):
        return access.visible(user, Programme).filter(pk=programme.pk).exists()

    def test_every_user_sees_government_wide_programme(self):
        for user in (self.reader_b, self.admin_b, self.outsider):
            with self.subTest(user=user.username):
                self.assertIs(access.can(user, Action.VIEW, self.programme), True)
                self.assertIs(self.is_listed(user, self.programme), True)

    def test_anonymous_visitor_does_not_see_government_wide_programme(self):
        self.assertIs(access.can(AnonymousUser(), Action.VIEW, self.programme), False)
        self.assertIs(self.is_listed(AnonymousUser(), self.programme), False)

    def test_global_administrator_manages_government_wide_programme(self):
        self.assertEqual(
            self.answers(self.global_admin, self.programme),
            {
                Action.VIEW: True,
                Action.EDIT: True,
                Action.LINK: True,
                Action.DELETE: True,
            },
        )

    def test_administrator_of_lead_organisation_does_not_manage_it(self):
        self.assertIs(access.can(self.admin_a, Action.LINK, self.programme), False)
        self.assertIs(access.can(self.admin_a, Action.DELETE, self.programme), False)

    def test_administrator_of_lead_organisation_edits_it_like_its_contributor(self):
        # Editing (status, description) is the contributor's work; an
        # administrator may do at least what a contributor of the same
        # organisation may.
        self.assertEqual(
            self.answers(self.contributor_a, self.programme),
            {
                Action.VIEW: True,
                Action.EDIT: True,
                Action.LINK: False,
                Action.DELETE: False,
            },
        )
        self.assertEqual(
            self.answers(self.admin_a, self.programme),
            {
                Action.VIEW: True,
                Action.EDIT: True,
                Action.LINK: False,
                Action.DELETE: False,
            },
        )

    def test_reader_of_other_organisation_does_not_edit_it(self):
        self.assertEqual(
            self.answers(self.contributor_b, self.programme),
            {
                Action.VIEW: True,
                Action.EDIT: False,
                Action.LINK: False,
                Action.DELETE: False,
            },
        )

    def test_only_global_administrator_creates_government_wide_programme(self):
        self.assertIs(access.can_create(self.global_admin, Programme, None), True)
        self.assertIs(access.can_create(self.admin_a, Programme, None), False)
        self.assertIs(access.can_create(self.admin_b, Programme, None), False)

    def test_confidential_one_is_hidden_from_readers(self):
        for user in (self.reader_a, self.reader_b, self.outsider):
            with self.subTest(user=user.username):
                self.assertIs(access.can(user, Action.VIEW, self.confidential), False)
                self.assertIs(self.is_listed(user, self.confidential), False)

    def test_confidential_one_is_seen_by_administrator_of_its_organisation(self):
        # Confidential: visible to the people named on it and the
        # administrators of its organisations; can and visible must agree.
        self.assertEqual(
            {
                "can": access.can(self.admin_a, Action.VIEW, self.confidential),
                "visible": self.is_listed(self.admin_a, self.confidential),
            },
            {"can": True, "visible": True},
        )


class LensAccessTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.coalition = make_lens(
            name="Coalition agreement", kind=Lens.Kind.COALITION_AGREEMENT
        )
        cls.business_plan_a = make_lens(
            name="Business plan A",
            kind=Lens.Kind.BUSINESS_PLAN,
            organisation=cls.organisation_a,
        )
        cls.plan_of_a = make_lens(
            name="Children's rights plan",
            kind=Lens.Kind.TRANSVERSAL_PLAN,
            organisation=cls.organisation_a,
            coordinators=[cls.coordinator.person],
        )
        cls.outsider = make_persona("outsider_without_role")

    def visible_names(self, user):
        return sorted(access.visible(user, Lens).values_list("name", flat=True))

    def test_government_wide_lens_is_visible_to_every_user(self):
        for user in (self.reader_a, self.reader_b, self.outsider):
            with self.subTest(user=user.username):
                self.assertIs(access.can(user, Action.VIEW, self.coalition), True)

    def test_anonymous_visitor_sees_no_lens(self):
        self.assertIs(access.can(AnonymousUser(), Action.VIEW, self.coalition), False)
        self.assertEqual(self.visible_names(AnonymousUser()), [])

    def test_reader_sees_government_wide_lenses_and_those_of_own_organisation(self):
        self.assertEqual(
            self.visible_names(self.reader_a),
            ["Business plan A", "Children's rights plan", "Coalition agreement"],
        )

    def test_reader_does_not_see_lens_of_other_organisation(self):
        self.assertIs(
            access.can(self.reader_b, Action.VIEW, self.business_plan_a), False
        )
        self.assertEqual(
            self.visible_names(self.reader_b), ["Coalition agreement", "Mobility plan"]
        )

    def test_coordinator_sees_lens_of_other_organisation_they_coordinate(self):
        self.assertIs(access.can(self.coordinator, Action.VIEW, self.plan_of_a), True)
        self.assertEqual(
            self.visible_names(self.coordinator),
            ["Children's rights plan", "Coalition agreement", "Mobility plan"],
        )

    def test_person_without_role_sees_only_government_wide_lenses(self):
        self.assertEqual(self.visible_names(self.outsider), ["Coalition agreement"])

    def test_administrator_edits_lens_of_own_organisation_only(self):
        self.assertIs(access.can(self.admin_a, Action.EDIT, self.business_plan_a), True)
        self.assertIs(
            access.can(self.admin_b, Action.EDIT, self.business_plan_a), False
        )
        self.assertIs(access.can(self.admin_a, Action.EDIT, self.coalition), False)

    def test_reader_and_coordinator_do_not_edit_lens(self):
        self.assertIs(
            access.can(self.reader_a, Action.EDIT, self.business_plan_a), False
        )
        self.assertIs(access.can(self.coordinator, Action.EDIT, self.plan_of_a), False)
        self.assertIs(
            access.can(self.coordinator, Action.DELETE, self.plan_of_a), False
        )

    def test_only_global_administrator_edits_government_wide_lens(self):
        self.assertIs(access.can(self.global_admin, Action.EDIT, self.coalition), True)
        self.assertIs(access.can_create(self.global_admin, Lens, None), True)
        self.assertIs(access.can_create(self.admin_a, Lens, None), False)

    def test_administrator_creates_lens_in_own_organisation_only(self):
        self.assertIs(access.can_create(self.admin_a, Lens, self.organisation_a), True)
        self.assertIs(access.can_create(self.admin_a, Lens, self.organisation_b), False)
        self.assertIs(
            access.can_create(self.reader_a, Lens, self.organisation_a), False
        )


class PlanCoordinatorTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.referenced_confidential = make_objective(
            lead_organisation=cls.organisation_a,
            confidentiality=CONFIDENTIAL,
            title="Confidential road plan",
        )
        make_lens_entry(cls.plan_lens, position=2, heading="Cycling")
        make_lens_entry(
            cls.plan_lens, position=3, objective=cls.referenced_confidential
        )
        cls.unreferenced = make_objective(
            lead_organisation=cls.organisation_a, title="Fewer road deaths"
        )
        cls.objective_b = make_objective(
            lead_organisation=cls.organisation_b, title="More people cycle"
        )

    def visible_titles(self, user):
        return sorted(access.visible(user, Objective).values_list("title", flat=True))

    def test_coordinator_sees_referenced_internal_objective_of_other_organisation(self):
        self.assertIs(
            access.can(self.coordinator, Action.VIEW, self.plan_objective), True
        )
        self.assertIs(
            access.can(self.coordinator, Action.EDIT, self.plan_objective), False
        )

    def test_coordinator_does_not_see_referenced_confidential_objective(self):
        self.assertIs(
            access.can(self.coordinator, Action.VIEW, self.referenced_confidential),
            False,
        )

    def test_coordinator_sees_exactly_own_and_referenced_internal_objectives(self):
        self.assertEqual(
            self.visible_titles(self.coordinator),
            ["More people cycle", "Safe and smooth mobility"],
        )

    def test_reader_of_coordinating_organisation_does_not_see_referenced_objective(
        self,
    ):
        self.assertIs(
            access.can(self.reader_b, Action.VIEW, self.plan_objective), False
        )
        self.assertEqual(self.visible_titles(self.reader_b), ["More people cycle"])


class MembershipValidityTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.objective = make_objective(lead_organisation=cls.organisation_a)
        cls.today = timezone.localdate()

    def make_member(self, role=Role.READER, *, is_active=True, **membership):
        user = make_user()
        person = make_person(user=user, is_active=is_active)
        make_membership(person, self.organisation_a, role, **membership)
        return user

    def sees_objective(self, user):
        return {
            "can": access.can(user, Action.VIEW, self.objective),
            "visible": access.visible(user, Objective)
            .filter(pk=self.objective.pk)
            .exists(),
            "roles": access.roles_by_organisation(user),
        }

    def test_membership_ended_yesterday_gives_no_access(self):
        user = self.make_member(end_date=self.today - datetime.timedelta(days=1))

        self.assertEqual(
            self.sees_objective(user), {"can": False, "visible": False, "roles": {}}
        )

    def test_membership_ending_today_still_gives_access(self):
        user = self.make_member(end_date=self.today)

        self.assertEqual(
            self.sees_objective(user),
            {
                "can": True,
                "visible": True,
                "roles": {self.organisation_a.pk: Role.READER},
            },
        )

    def test_membership_starting_tomorrow_gives_no_access_yet(self):
        user = self.make_member(start_date=self.today + datetime.timedelta(days=1))

        self.assertEqual(
            self.sees_objective(user), {"can": False, "visible": False, "roles": {}}
        )

    def test_inactive_person_gets_no_access(self):
        user = self.make_member(Role.ADMINISTRATOR, is_active=False)

        self.assertEqual(
            self.sees_objective(user), {"can": False, "visible": False, "roles": {}}
        )
        self.assertIs(access.can_create(user, Objective, self.organisation_a), False)

    def test_ended_administrator_cannot_create(self):
        user = self.make_member(
            Role.ADMINISTRATOR, end_date=self.today - datetime.timedelta(days=1)
        )

        self.assertIs(access.can_create(user, Objective, self.organisation_a), False)

    def test_inactive_account_of_global_administrator_gets_no_access(self):
        user = make_user(is_global_admin=True, is_active=False)

        self.assertIs(access.can(user, Action.VIEW, self.objective), False)
        self.assertEqual(list(access.visible(user, Objective)), [])
        self.assertIs(access.can_create(user, Objective, self.organisation_a), False)

    def test_inactive_person_gets_no_access_from_being_named_or_coordinating(self):
        # An inactive person has left: the HR mirror keeps the record, but
        # neither a naming on a component nor a coordination gives access.
        user = make_user()
        person = make_person(user=user)
        actions.do_update_component(
            self.objective, acting_user=None, responsible=person
        )
        self.plan_lens.coordinators.add(person)
        person.is_active = False
        person.save(update_fields=["is_active"])

        self.assertEqual(
            {
                "named": access.can(user, Action.EDIT, self.objective),
                "coordinating": access.can(user, Action.VIEW, self.plan_objective),
                "visible": sorted(
                    access.visible(user, Objective).values_list("code", flat=True)
                ),
            },
            {"named": False, "coordinating": False, "visible": []},
        )

    def test_granting_a_role_takes_effect_without_reloading_the_user(self):
        user = self.make_member(Role.READER)
        self.assertIs(access.can(user, Action.EDIT, self.objective), False)

        actions.do_grant_membership(
            user.person, self.organisation_a, Role.CONTRIBUTOR, acting_user=None
        )

        self.assertIs(access.can(user, Action.EDIT, self.objective), True)


class SecondOrganisationTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.objective = make_objective(lead_organisation=cls.organisation_a)

    def answers(self):
        return (
            access.can(self.reader_b, Action.VIEW, self.objective),
            access.can(self.contributor_b, Action.EDIT, self.objective),
            access.can(self.admin_b, Action.LINK, self.objective),
        )

    def test_attaching_second_organisation_opens_component_there(self):
        self.assertEqual(self.answers(), (False, False, False))

        actions.do_set_organisations(
            self.objective, [self.organisation_b], acting_user=self.admin_a
        )

        self.assertEqual(self.answers(), (True, True, True))
        self.assertEqual(
            list(access.visible(self.reader_b, Objective)), [self.objective]
        )


class SharingTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.objective = make_objective(
            lead_organisation=cls.organisation_a, confidentiality=CONFIDENTIAL
        )

    def test_shared_person_sees_but_does_not_edit(self):
        actions.do_share(self.objective, self.reader_b.person, acting_user=None)

        self.assertIs(access.can(self.reader_b, Action.VIEW, self.objective), True)
        self.assertIs(access.can(self.reader_b, Action.EDIT, self.objective), False)
        self.assertEqual(
            list(access.visible(self.reader_b, Objective)), [self.objective]
        )

    def test_sharing_a_project_shares_its_milestones(self):
        project = make_project(lead_organisation=self.organisation_a)
        milestone = make_milestone(project)

        actions.do_share(project, self.reader_b.person, acting_user=None)

        self.assertIs(access.can(self.reader_b, Action.VIEW, milestone), True)
        self.assertEqual(list(access.visible(self.reader_b, Milestone)), [milestone])


class OrganisationsOfTests(PersonaTestCase):
    def names(self, user):
        return sorted(access.organisations_of(user).values_list("name", flat=True))

    def test_member_has_the_organisations_of_their_roles(self):
        self.assertEqual(self.names(self.reader_a), ["Department A"])
        self.assertEqual(self.names(self.coordinator), ["Department B"])

    def test_global_administrator_without_role_has_no_organisations(self):
        self.assertEqual(self.names(self.global_admin), [])

    def test_ended_membership_is_not_an_organisation_of_global_administrator(self):
        person = self.global_admin.person
        make_membership(person, self.organisation_a, Role.ADMINISTRATOR)
        make_membership(
            person,
            self.organisation_b,
            Role.READER,
            end_date=timezone.localdate() - datetime.timedelta(days=1),
        )

        self.assertEqual(self.names(self.global_admin), ["Department A"])

    def test_every_user_may_look_up_an_organisation(self):
        self.assertEqual(
            access.get_organisation(self.reader_b, "OVO000001"), self.organisation_a
        )

    def test_unknown_organisation_and_anonymous_visitor_are_not_found(self):
        with self.assertRaises(Http404):
            access.get_organisation(self.reader_a, "OVO999999")
        with self.assertRaises(Http404):
            access.get_organisation(AnonymousUser(), "OVO000001")

    def test_administrator_manages_memberships_of_own_organisation_only(self):
        self.assertIs(
            access.can_manage_memberships(self.admin_a, self.organisation_a), True
        )
        self.assertIs(
            access.can_manage_memberships(self.admin_a, self.organisation_b), False
        )
        self.assertIs(
            access.can_manage_memberships(self.contributor_a, self.organisation_a),
            False,
        )

    def test_access_layer_refuses_models_it_does_not_know(self):
        with self.assertRaises(TypeError):
            access.visible(self.reader_a, Membership)
        with self.assertRaises(TypeError):
            access.can(self.reader_a, Action.VIEW, self.organisation_a)
        self.assertEqual(
            access.visible(self.reader_a, Organisation).count(),
            Organisation.objects.count(),
        )


class ArchivedComponentTests(PersonaTestCase):
    def test_archived_component_takes_no_contribution_from_anyone(self):
        project = make_project(lead_organisation=self.organisation_a)
        actions.do_archive_component(project, acting_user=self.admin_a)

        for user in (self.contributor_a, self.admin_a, self.global_admin):
            self.assertIs(access.can(user, Action.EDIT, project), False)
            self.assertIs(access.can(user, Action.VIEW, project), True)
        self.assertIs(access.can(self.admin_a, Action.DELETE, project), True)
        self.assertIs(access.can(self.admin_a, Action.LINK, project), True)
