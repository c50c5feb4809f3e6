"""Every write, its history rows and its grants."""

import datetime
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from guardian.models import UserObjectPermission

from objectives import access, actions
from objectives.access import Action
from objectives.models import (
    Change,
    Confidentiality,
    Measurement,
    Membership,
    Milestone,
    Objective,
    Process,
    Project,
    StatusReport,
)
from objectives.periods import Period
from tests.factories import (
    make_indicator,
    make_legislature,
    make_membership,
    make_milestone,
    make_objective,
    make_person,
    make_process,
    make_programme,
    make_project,
    make_user,
)
from tests.personas import PersonaTestCase

Role = Membership.Role
Kind = Change.Kind


def history(obj):
    """The change rows of ``obj``, oldest first, as (kind, changes, actor)."""
    rows = Change.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    ).order_by("id")
    return [(row.kind, row.changes, row.actor_id) for row in rows]


def grant_holders(obj, verb="change"):
    """Usernames holding the ``verb`` object permission on ``obj``."""
    return sorted(
        UserObjectPermission.objects.filter(
            content_type=ContentType.objects.get_for_model(obj),
            object_pk=str(obj.pk),
            permission__codename=f"{verb}_{obj._meta.model_name}",
        ).values_list("user__username", flat=True)
    )


class CreateComponentTests(PersonaTestCase):
    def test_creation_writes_one_created_change_with_every_field(self):
        objective = actions.do_create_component(
            Objective,
            organisations=[self.organisation_b],
            acting_user=self.admin_a,
            lead_organisation=self.organisation_a,
            code="SD 7",
            title="Clean air",
            level=Objective.Level.STRATEGIC,
            legislature=make_legislature(),
            responsible=self.contributor_a.person,
        )

        self.assertEqual(
            history(objective),
            [
                (
                    Kind.CREATED,
                    {
                        "lead_organisation": [None, "A"],
                        "code": [None, "SD 7"],
                        "title": [None, "Clean air"],
                        "level": [None, "strategic"],
                        "legislature": [None, "2024-2029"],
                        "responsible": [None, "Contributor A"],
                        "organisations": [None, ["A", "B"]],
                    },
                    self.admin_a.pk,
                )
            ],
        )

    def test_creation_always_includes_the_lead_organisation(self):
        process = actions.do_create_component(
            Process,
            organisations=[],
            acting_user=self.admin_a,
            lead_organisation=self.organisation_a,
            code="PC 1",
            title="Managing traffic signs",
        )

        self.assertEqual(list(process.organisations.all()), [self.organisation_a])

    def test_creation_grants_the_responsible_person(self):
        indicator = make_indicator(
            lead_organisation=self.organisation_a,
            responsible=self.reader_b.person,
        )

        self.assertEqual(grant_holders(indicator), ["reader_b"])


class UpdateComponentTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.objective = make_objective(
            lead_organisation=cls.organisation_a,
            title="Fewer road deaths",
            description="Halve them by 2030.",
            responsible=cls.contributor_a.person,
        )

    def test_update_writes_old_and_new_value_of_changed_fields(self):
        changes = actions.do_update_component(
            self.objective,
            acting_user=self.admin_a,
            title="No road deaths",
            description="Halve them by 2030.",
        )

        self.assertEqual(changes, {"title": ["Fewer road deaths", "No road deaths"]})
        self.assertEqual(
            history(self.objective)[1:],
            [
                (
                    Kind.UPDATED,
                    {"title": ["Fewer road deaths", "No road deaths"]},
                    self.admin_a.pk,
                )
            ],
        )
        self.objective.refresh_from_db()
        self.assertEqual(self.objective.title, "No road deaths")

    def test_update_without_change_writes_nothing(self):
        updated_at = self.objective.updated_at

        changes = actions.do_update_component(
            self.objective, acting_user=self.admin_a, title="Fewer road deaths"
        )

        self.assertEqual(changes, {})
        self.assertEqual(len(history(self.objective)), 1)
        self.objective.refresh_from_db()
        self.assertEqual(self.objective.updated_at, updated_at)

    def test_update_saves_only_the_changed_fields(self):
        # Another writer changed the description since the object was read;
        # saving the title must not write the stale description back.
        Objective.objects.filter(pk=self.objective.pk).update(description="Newer.")

        actions.do_update_component(
            self.objective, acting_user=self.admin_a, title="No road deaths"
        )

        self.objective.refresh_from_db()
        self.assertEqual(
            (self.objective.title, self.objective.description),
            ("No road deaths", "Newer."),
        )

    def test_changing_responsible_moves_the_grant(self):
        self.assertEqual(grant_holders(self.objective), ["contributor_a"])

        changes = actions.do_update_component(
            self.objective, acting_user=self.admin_a, responsible=self.reader_b.person
        )

        self.assertEqual(changes, {"responsible": ["Contributor A", "Reader B"]})
        self.assertEqual(grant_holders(self.objective), ["reader_b"])
        self.assertIs(access.can(self.reader_b, Action.EDIT, self.objective), True)

    def test_removing_responsible_removes_the_grant(self):
        actions.do_update_component(
            self.objective, acting_user=self.admin_a, responsible=None
        )

        self.assertEqual(grant_holders(self.objective), [])

    def test_changing_milestone_assignee_moves_the_grant(self):
        milestone = make_milestone(
            make_project(lead_organisation=self.organisation_a),
            assignee=self.reader_a.person,
        )
        self.assertEqual(grant_holders(milestone), ["reader_a"])

        actions.do_update_component(
            milestone, acting_user=self.admin_a, assignee=self.contributor_b.person
        )

        self.assertEqual(grant_holders(milestone), ["contributor_b"])
        self.assertEqual(
            history(milestone)[1:],
            [
                (
                    Kind.UPDATED,
                    {"assignee": ["Reader A", "Contributor B"]},
                    self.admin_a.pk,
                )
            ],
        )


class SetOrganisationsTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.project = make_project(lead_organisation=cls.organisation_a)

    def test_attaching_an_organisation_writes_old_and_new_set(self):
        changed = actions.do_set_organisations(
            self.project, [self.organisation_b], acting_user=self.admin_a
        )

        self.assertIs(changed, True)
        self.assertEqual(
            history(self.project)[1:],
            [(Kind.UPDATED, {"organisations": [["A"], ["A", "B"]]}, self.admin_a.pk)],
        )

    def test_lead_organisation_cannot_be_detached(self):
        changed = actions.do_set_organisations(
            self.project, [], acting_user=self.admin_a
        )

        self.assertIs(changed, False)
        self.assertEqual(list(self.project.organisations.all()), [self.organisation_a])
        self.assertEqual(len(history(self.project)), 1)


class ArchiveComponentTests(PersonaTestCase):
    def test_archiving_and_restoring_write_their_own_kinds(self):
        process = make_process(lead_organisation=self.organisation_a)

        self.assertIs(
            actions.do_archive_component(process, acting_user=self.admin_a), True
        )
        self.assertIs(
            actions.do_archive_component(process, acting_user=self.admin_a), False
        )
        self.assertIs(
            actions.do_archive_component(
                process, acting_user=self.admin_a, archived=False
            ),
            True,
        )

        self.assertEqual(
            [(kind, changes) for kind, changes, _ in history(process)[1:]],
            [
                (Kind.ARCHIVED, {"is_archived": [False, True]}),
                (Kind.RESTORED, {"is_archived": [True, False]}),
            ],
        )
        process.refresh_from_db()
        self.assertIs(process.is_archived, False)


class LinkTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.objective = make_objective(
            lead_organisation=cls.organisation_a, code="SD 3", title="Safe mobility"
        )
        cls.project = make_project(
            lead_organisation=cls.organisation_a, code="PR 9", title="Speed checks"
        )

    def test_link_writes_a_row_on_both_sides(self):
        linked = actions.do_link(
            self.objective, "projects", self.project, acting_user=self.admin_a
        )

        self.assertIs(linked, True)
        self.assertEqual(list(self.objective.projects.all()), [self.project])
        self.assertEqual(
            history(self.objective)[1:],
            [(Kind.LINKED, {"projects": [None, "PR 9 Speed checks"]}, self.admin_a.pk)],
        )
        self.assertEqual(
            history(self.project)[1:],
            [
                (
                    Kind.LINKED,
                    {"objective": [None, "SD 3 Safe mobility"]},
                    self.admin_a.pk,
                )
            ],
        )

    def test_linking_twice_writes_nothing_the_second_time(self):
        actions.do_link(self.objective, "projects", self.project, acting_user=None)

        linked = actions.do_link(
            self.objective, "projects", self.project, acting_user=None
        )

        self.assertIs(linked, False)
        self.assertEqual(len(history(self.objective)), 2)
        self.assertEqual(len(history(self.project)), 2)

    def test_unlink_writes_a_row_on_both_sides(self):
        actions.do_link(self.objective, "projects", self.project, acting_user=None)

        unlinked = actions.do_unlink(
            self.objective, "projects", self.project, acting_user=self.admin_a
        )

        self.assertIs(unlinked, True)
        self.assertEqual(list(self.objective.projects.all()), [])
        self.assertEqual(
            history(self.objective)[-1],
            (Kind.UNLINKED, {"projects": ["PR 9 Speed checks", None]}, self.admin_a.pk),
        )
        self.assertEqual(
            history(self.project)[-1],
            (
                Kind.UNLINKED,
                {"objective": ["SD 3 Safe mobility", None]},
                self.admin_a.pk,
            ),
        )

    def test_unlinking_what_is_not_linked_writes_nothing(self):
        unlinked = actions.do_unlink(
            self.objective, "projects", self.project, acting_user=None
        )

        self.assertIs(unlinked, False)
        self.assertEqual(len(history(self.objective)), 1)

    def test_objective_cannot_contribute_to_itself(self):
        with self.assertRaises(ValueError):
            actions.do_link(
                self.objective, "contributes_to", self.objective, acting_user=None
            )

        self.assertEqual(list(self.objective.contributes_to.all()), [])
        self.assertEqual(len(history(self.objective)), 1)

    def test_only_known_links_are_linked(self):
        with self.assertRaises(ValueError):
            actions.do_link(
                self.project, "members", self.reader_a.person, acting_user=None
            )

        self.assertEqual(list(self.project.members.all()), [])

    def test_link_many_writes_what_do_link_writes_in_a_few_queries(self):
        projects = [self.project] + [
            make_project(lead_organisation=self.organisation_a) for _ in range(4)
        ]
        other = make_objective(lead_organisation=self.organisation_a)
        actions.do_link(self.objective, "projects", projects[0], acting_user=None)
        pairs = [(self.objective, project) for project in projects]
        pairs += [(other, projects[1]), (other, projects[1])]

        with self.assertNumQueries(5):
            made = actions.do_link_many("projects", pairs, acting_user=self.admin_a)

        self.assertEqual(made, 5)
        self.assertEqual(set(self.objective.projects.all()), set(projects))
        self.assertEqual(list(other.projects.all()), [projects[1]])
        self.assertEqual(
            history(projects[1])[1:],
            [
                (Kind.LINKED, {"objective": [None, objective]}, self.admin_a.pk)
                for objective in (
                    actions.describe(self.objective),
                    actions.describe(other),
                )
            ],
        )
        # Created, linked to the first project alone, then to four more.
        self.assertEqual(len(history(self.objective)), 1 + 1 + 4)
        self.assertEqual(actions.do_link_many("projects", pairs, acting_user=None), 0)

    def test_link_many_refuses_unknown_links_and_mixed_sources(self):
        programme = make_programme(lead_organisation=self.organisation_a)
        refused = [
            ("members", [(self.project, self.reader_a.person)]),
            ("projects", [(self.objective, self.project), (programme, self.project)]),
            ("contributes_to", [(self.objective, self.objective)]),
        ]
        for field_name, pairs in refused:
            with self.subTest(field_name), self.assertRaises(ValueError):
                actions.do_link_many(field_name, pairs, acting_user=None)

        self.assertEqual(list(self.objective.projects.all()), [])
        self.assertEqual(actions.do_link_many("projects", [], acting_user=None), 0)

    def test_programme_bundles_projects(self):
        programme = make_programme(lead_organisation=self.organisation_a)

        actions.do_link(programme, "projects", self.project, acting_user=None)

        self.assertEqual(list(self.project.programmes.all()), [programme])


class ProjectMembersTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.project = make_project(
            lead_organisation=cls.organisation_a, responsible=cls.admin_a.person
        )

    def test_members_get_grants_and_a_history_row(self):
        changed = actions.do_set_project_members(
            self.project,
            [self.reader_b.person, self.contributor_b.person],
            acting_user=self.admin_a,
        )

        self.assertIs(changed, True)
        self.assertEqual(
            grant_holders(self.project), ["admin_a", "contributor_b", "reader_b"]
        )
        self.assertEqual(
            history(self.project)[1:],
            [
                (
                    Kind.UPDATED,
                    {"members": [[], ["Contributor B", "Reader B"]]},
                    self.admin_a.pk,
                )
            ],
        )

    def test_removed_member_loses_the_grant_but_responsible_keeps_it(self):
        actions.do_set_project_members(
            self.project, [self.reader_b.person], acting_user=None
        )

        actions.do_set_project_members(self.project, [], acting_user=None)

        self.assertEqual(grant_holders(self.project), ["admin_a"])
        self.assertIs(access.can(self.reader_b, Action.VIEW, self.project), False)

    def test_same_members_write_nothing(self):
        changed = actions.do_set_project_members(self.project, [], acting_user=None)

        self.assertIs(changed, False)
        self.assertEqual(len(history(self.project)), 1)


class ShareTests(PersonaTestCase):
    def test_sharing_grants_viewing_once(self):
        objective = make_objective(lead_organisation=self.organisation_a)

        first = actions.do_share(objective, self.reader_b.person, acting_user=None)
        second = actions.do_share(objective, self.reader_b.person, acting_user=None)

        self.assertEqual((first, second), (True, False))
        self.assertEqual(grant_holders(objective, "view"), ["reader_b"])
        self.assertEqual(
            history(objective)[1:],
            [(Kind.UPDATED, {"shared_with": [None, "Reader B"]}, None)],
        )

    def test_person_without_account_cannot_be_shared_with(self):
        objective = make_objective(lead_organisation=self.organisation_a)

        with self.assertRaises(ValueError):
            actions.do_share(objective, make_person(), acting_user=None)

        self.assertEqual(grant_holders(objective, "view"), [])


class ReportStatusTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.project = make_project(lead_organisation=cls.organisation_a)

    def test_report_keeps_colour_period_explanation_and_author(self):
        report = actions.do_report_status(
            self.project,
            period=Period.parse("2025-Q2"),
            colour=StatusReport.Colour.ORANGE,
            explanation="  Delayed by the tender.  ",
            acting_user=self.contributor_a,
        )

        report.refresh_from_db()
        self.assertEqual(
            (
                report.project,
                report.period_start,
                report.period_end,
                report.colour,
                report.explanation,
                report.author,
            ),
            (
                self.project,
                datetime.date(2025, 4, 1),
                datetime.date(2025, 6, 30),
                "orange",
                "Delayed by the tender.",
                self.contributor_a,
            ),
        )

    def test_newer_report_of_same_period_keeps_the_earlier_one(self):
        for colour in (StatusReport.Colour.GREEN, StatusReport.Colour.RED):
            actions.do_report_status(
                self.project,
                period=Period.parse("2025"),
                colour=colour,
                explanation=f"Now {colour}.",
                acting_user=None,
            )

        self.assertEqual(
            list(self.project.status_reports.values_list("colour", flat=True)),
            ["red", "green"],
        )

    def test_empty_explanation_is_refused_and_nothing_changes(self):
        with self.assertRaises(ValueError):
            actions.do_report_status(
                self.project,
                period=Period.parse("2025"),
                colour=StatusReport.Colour.GREEN,
                explanation="   ",
                acting_user=self.contributor_a,
            )

        self.assertEqual(StatusReport.objects.count(), 0)
        self.assertEqual(len(history(self.project)), 1)


class UpdateMilestoneTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.milestone = make_milestone(
            make_project(lead_organisation=cls.organisation_a)
        )

    def test_update_completes_milestone_and_reports_status(self):
        report = actions.do_update_milestone(
            self.milestone,
            period=Period.parse("2026-06"),
            colour=StatusReport.Colour.BLUE,
            explanation="Tender awarded.",
            completed_on=datetime.date(2026, 6, 12),
            acting_user=self.contributor_a,
        )

        self.assertEqual(report.milestone, self.milestone)
        self.assertEqual(
            history(self.milestone)[1:],
            [
                (
                    Kind.UPDATED,
                    {"completed_on": [None, "2026-06-12"]},
                    self.contributor_a.pk,
                )
            ],
        )

    def test_update_without_explanation_changes_nothing(self):
        with self.assertRaises(ValueError):
            actions.do_update_milestone(
                self.milestone,
                period=Period.parse("2026-06"),
                colour=StatusReport.Colour.BLUE,
                explanation="",
                completed_on=datetime.date(2026, 6, 12),
                acting_user=self.contributor_a,
            )

        self.assertIsNone(Milestone.objects.get(pk=self.milestone.pk).completed_on)
        self.assertEqual(len(history(self.milestone)), 1)
        self.assertEqual(StatusReport.objects.count(), 0)


class RecordMeasurementTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.indicator = make_indicator(lead_organisation=cls.organisation_a)
        cls.year = Period.parse("2025")

    def record(self, value, note=""):
        return actions.do_record_measurement(
            self.indicator,
            period=self.year,
            value=value,
            note=note,
            acting_user=self.contributor_a,
        )

    def test_first_measurement_is_created_with_history(self):
        measurement = self.record(Decimal("12.5"))

        self.assertEqual(
            history(measurement),
            [
                (
                    Kind.CREATED,
                    {"value": [None, "12.5"], "period": [None, "2025"]},
                    self.contributor_a.pk,
                )
            ],
        )

    def test_second_measurement_of_same_period_replaces_the_first(self):
        first = self.record(Decimal("12.5"))

        second = self.record(Decimal("14"), note="Corrected figure.")

        self.assertEqual(second.pk, first.pk)
        self.assertEqual(
            list(Measurement.objects.values_list("value", "note")),
            [(Decimal("14.0000"), "Corrected figure.")],
        )
        self.assertEqual(
            history(second)[1:],
            [
                (
                    Kind.UPDATED,
                    {
                        "value": ["12.5000", "14"],
                        "note": ["", "Corrected figure."],
                    },
                    self.contributor_a.pk,
                )
            ],
        )

    def test_same_measurement_again_writes_nothing(self):
        first = self.record(Decimal("12.5"))

        self.record(Decimal("12.5"))

        self.assertEqual(len(history(first)), 1)


class MembershipActionTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.person = make_person(with_user=True)

    def test_granting_a_new_membership_writes_created_row(self):
        membership = actions.do_grant_membership(
            self.person, self.organisation_a, Role.READER, acting_user=self.admin_a
        )

        self.assertEqual(
            history(membership),
            [(Kind.CREATED, {"role": [None, "reader"]}, self.admin_a.pk)],
        )

    def test_granting_again_replaces_the_role(self):
        first = actions.do_grant_membership(
            self.person, self.organisation_a, Role.READER, acting_user=None
        )

        second = actions.do_grant_membership(
            self.person, self.organisation_a, Role.ADMINISTRATOR, acting_user=None
        )

        self.assertEqual(second.pk, first.pk)
        self.assertEqual(
            list(Membership.objects.filter(person=self.person).values_list("role")),
            [("administrator",)],
        )
        self.assertEqual(
            history(second)[1:],
            [(Kind.UPDATED, {"role": ["reader", "administrator"]}, None)],
        )

    def test_granting_the_same_role_writes_nothing(self):
        membership = actions.do_grant_membership(
            self.person, self.organisation_a, Role.READER, acting_user=None
        )

        actions.do_grant_membership(
            self.person, self.organisation_a, Role.READER, acting_user=None
        )

        self.assertEqual(len(history(membership)), 1)

    def test_granting_reopens_an_ended_membership(self):
        membership = make_membership(
            self.person,
            self.organisation_a,
            Role.READER,
            end_date=datetime.date(2025, 1, 31),
        )

        actions.do_grant_membership(
            self.person, self.organisation_a, Role.READER, acting_user=None
        )

        membership.refresh_from_db()
        self.assertIsNone(membership.end_date)
        self.assertEqual(
            history(membership),
            [(Kind.UPDATED, {"end_date": ["2025-01-31", None]}, None)],
        )

    def test_ending_a_membership_removes_access(self):
        membership = make_membership(self.person, self.organisation_a, Role.READER)
        yesterday = timezone.localdate() - datetime.timedelta(days=1)

        ended = actions.do_end_membership(
            membership, end_date=yesterday, acting_user=self.admin_a
        )

        self.assertIs(ended, True)
        self.assertEqual(
            history(membership),
            [
                (
                    Kind.UPDATED,
                    {"end_date": [None, yesterday.isoformat()]},
                    self.admin_a.pk,
                )
            ],
        )
        self.assertEqual(access.roles_by_organisation(self.person.user), {})


class LinkAccountTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.person = make_person(first_name="Nora", last_name="Peeters")
        cls.objective = make_objective(
            lead_organisation=cls.organisation_a,
            responsible=cls.person,
            confidentiality=Confidentiality.CONFIDENTIAL,
        )
        cls.project = make_project(
            lead_organisation=cls.organisation_a, members=[cls.person]
        )
        cls.milestone = make_milestone(
            make_project(lead_organisation=cls.organisation_a), assignee=cls.person
        )

    def test_linked_account_gets_the_grants_of_the_person(self):
        user = make_user(username="npeeters")
        self.assertEqual(grant_holders(self.objective), [])

        linked = actions.do_link_account(self.person, user, acting_user=self.admin_a)

        self.assertIs(linked, True)
        self.assertEqual(
            (
                grant_holders(self.objective),
                grant_holders(self.project),
                grant_holders(self.milestone),
            ),
            (["npeeters"], ["npeeters"], ["npeeters"]),
        )
        self.assertIs(access.can(user, Action.EDIT, self.objective), True)
        self.assertEqual(
            history(self.person),
            [(Kind.UPDATED, {"user": [None, "npeeters"]}, self.admin_a.pk)],
        )

    def test_linking_the_same_account_again_writes_nothing(self):
        user = make_user()
        actions.do_link_account(self.person, user, acting_user=None)

        linked = actions.do_link_account(self.person, user, acting_user=None)

        self.assertIs(linked, False)
        self.assertEqual(len(history(self.person)), 1)


class BulkCreateTests(PersonaTestCase):
    def test_bulk_creation_writes_one_created_row_per_object(self):
        processes = [
            Process(
                lead_organisation=self.organisation_a, code=f"PC {n}", title=f"Work {n}"
            )
            for n in (1, 2, 3)
        ]

        created = actions.bulk_create_with_history(
            Process, processes, acting_user=self.global_admin, batch_size=2
        )

        self.assertEqual(
            [history(process) for process in created],
            [
                [
                    (
                        Kind.CREATED,
                        {"code": [None, f"PC {n}"], "title": [None, f"Work {n}"]},
                        self.global_admin.pk,
                    )
                ]
                for n in (1, 2, 3)
            ],
        )
        self.assertEqual(
            Change.objects.filter(
                content_type=ContentType.objects.get_for_model(Process)
            ).count(),
            3,
        )


class RecordChangeTests(PersonaTestCase):
    def test_record_change_of_anonymous_actor_keeps_no_actor(self):
        project = Project.objects.create(
            lead_organisation=self.organisation_a, code="PR 1", title="Plain"
        )

        actions.record_change(project, Kind.UPDATED, {}, acting_user=AnonymousUser())

        self.assertEqual(history(project), [(Kind.UPDATED, {}, None)])
