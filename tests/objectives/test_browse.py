"""The browsing pages: home, entity overview, lenses and search."""

import datetime
from unittest import mock

from django.conf import settings
from django.utils import timezone

from objectives import actions
from objectives.cascades import current_legislature
from objectives.models import (
    Confidentiality,
    Lens,
    Objective,
    ReportingFrequency,
    StatusReport,
)
from objectives.periods import Period
from tests.factories import (
    make_indicator,
    make_legislature,
    make_lens,
    make_lens_entry,
    make_milestone,
    make_objective,
    make_process,
    make_project,
)
from tests.personas import PersonaTestCase

CONFIDENTIAL = Confidentiality.CONFIDENTIAL
OPERATIONAL = Objective.Level.OPERATIONAL
Colour = StatusReport.Colour


def report(subject, colour, period=None):
    period = period or Period.of("quarterly", timezone.localdate()).previous()
    actions.do_report_status(
        subject,
        period=period,
        colour=colour,
        explanation=f"{colour} explained.",
        acting_user=None,
    )


def link(objective, field_name, target):
    actions.do_link(objective, field_name, target, acting_user=None)


class BrowseTestCase(PersonaTestCase):
    """Organisation A's cascade: SD 1 > OD 1.1 > OD 1.1.1, with a project, a
    process and an indicator; confidential and foreign rows beside them."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        a, b = cls.organisation_a, cls.organisation_b
        cls.today = timezone.localdate()
        cls.child = make_objective(
            lead_organisation=a,
            level=OPERATIONAL,
            parent=cls.plan_objective,
            code="OD 1.1",
            title="Fewer road deaths",
            responsible=cls.contributor_a.person,
        )
        cls.grandchild = make_objective(
            lead_organisation=a,
            level=OPERATIONAL,
            parent=cls.child,
            code="OD 1.1.1",
            title="Speed cameras on every regional road",
        )
        cls.confidential = make_objective(
            lead_organisation=a,
            confidentiality=CONFIDENTIAL,
            code="SD 2",
            title="Secret reorganisation",
        )
        cls.project = make_project(
            lead_organisation=a,
            code="PR 1",
            title="Section speed checks",
            responsible=cls.reader_a.person,
        )
        cls.secret_project = make_project(
            lead_organisation=a,
            code="PR 2",
            title="Secret tender",
            confidentiality=CONFIDENTIAL,
        )
        cls.process = make_process(
            lead_organisation=a, code="PC 1", title="Managing traffic signs"
        )
        cls.loose_process = make_process(
            lead_organisation=a, code="PC 2", title="Answering letters"
        )
        cls.indicator = make_indicator(
            lead_organisation=a, code="IN 1", title="Road deaths per year"
        )
        cls.objective_b = make_objective(
            lead_organisation=b, code="SD 1", title="Clean air"
        )
        cls.project_b = make_project(
            lead_organisation=b, code="PR 1", title="Low emission zone speed"
        )
        link(cls.child, "projects", cls.project)
        link(cls.child, "projects", cls.secret_project)
        link(cls.child, "projects", cls.project_b)
        link(cls.child, "processes", cls.process)
        link(cls.plan_objective, "indicators", cls.indicator)
        for number, done in enumerate([True, False, False], start=1):
            make_milestone(
                cls.project,
                code=f"M{number}",
                title=f"Step {number}",
                completed_on=cls.today if done else None,
            )
        report(cls.plan_objective, Colour.GREEN)
        report(cls.child, Colour.ORANGE)
        report(cls.project, Colour.RED)

        cls.old_legislature = make_legislature(
            name="2019–2024",
            start_date=datetime.date(2019, 7, 1),
            end_date=datetime.date(2024, 6, 30),
        )
        cls.old_objective = make_objective(
            lead_organisation=a,
            legislature=cls.old_legislature,
            code="SD 1",
            title="Previous mobility plan",
        )


def branches(overview):
    """The overview's tree as nested (title, is_match, children, components)."""

    def walk(branch):
        components = [
            row.title for row in (*branch.project, *branch.process, *branch.indicator)
        ]
        children = [walk(child) for child in branch.children]
        return (branch.objective.title, branch.is_match, children, components)

    return [walk(branch) for branch in overview.branches]


FULL_CASCADE = [
    (
        "Safe and smooth mobility",
        True,
        [
            (
                "Fewer road deaths",
                True,
                [("Speed cameras on every regional road", True, [], [])],
                ["Section speed checks", "Managing traffic signs"],
            )
        ],
        ["Road deaths per year"],
    )
]


class OrganisationOverviewTests(BrowseTestCase):
    url = "/organisations/OVO000001/"

    def test_reader_sees_the_cascade_with_what_realises_it(self):
        self.client.force_login(self.reader_a)
        # The English source text, whatever the translations say.
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

        response = self.client.get(self.url)

        self.assertEqual(response.status_code, 200)
        overview = response.context["overview"]
        self.assertEqual(branches(overview), FULL_CASCADE)
        self.assertEqual(overview.legislature.name, "2024-2029")
        self.assertEqual(
            [row.title for row in overview.unplaced["process"]], ["Answering letters"]
        )
        self.assertContains(response, "1/3 milestones done")
        self.assertContains(response, "Section speed checks</a>")

    def test_confidential_and_foreign_rows_are_absent(self):
        self.client.force_login(self.reader_a)

        response = self.client.get(self.url)

        for hidden in (
            "Secret reorganisation",
            "Secret tender",
            "Low emission zone",
            "Clean air",
            "Previous mobility plan",
        ):
            self.assertNotContains(response, hidden)

    def test_administrator_also_sees_the_confidential_rows(self):
        self.client.force_login(self.admin_a)

        response = self.client.get(self.url)

        overview = response.context["overview"]
        self.assertEqual(
            [branch.objective.title for branch in overview.branches],
            ["Safe and smooth mobility", "Secret reorganisation"],
        )
        self.assertEqual(
            [row.title for row in overview.branches[0].children[0].project],
            ["Section speed checks", "Secret tender"],
        )

    def test_reader_of_another_organisation_sees_the_header_only(self):
        self.client.force_login(self.reader_b)

        response = self.client.get(self.url)

        self.assertEqual(response.status_code, 200)
        self.assertEqual(branches(response.context["overview"]), [])
        self.assertEqual(response.context["overview"].unplaced["process"], [])
        self.assertNotContains(response, "Safe and smooth mobility")

    def test_header_names_the_kind_and_the_parent(self):
        self.organisation_a.parent = self.organisation_b
        self.organisation_a.save()
        self.client.force_login(self.reader_a)

        response = self.client.get(self.url)

        self.assertContains(response, "Department B</a>")
        self.assertContains(response, "OVO000001")

    def test_colour_filter_keeps_the_objectives_above_as_context(self):
        self.client.force_login(self.reader_a)

        response = self.client.get(self.url, {"colour": "red"})

        overview = response.context["overview"]
        self.assertEqual(
            branches(overview),
            [
                (
                    "Safe and smooth mobility",
                    False,
                    [("Fewer road deaths", False, [], ["Section speed checks"])],
                    [],
                )
            ],
        )
        self.assertEqual(overview.match_count, 1)
        self.assertEqual(overview.unplaced["process"], [])

    def test_no_status_filter_finds_the_rows_without_a_report(self):
        self.client.force_login(self.reader_a)

        response = self.client.get(self.url, {"colour": "none", "type": "objective"})

        self.assertEqual(
            branches(response.context["overview"]),
            [
                (
                    "Safe and smooth mobility",
                    False,
                    [
                        (
                            "Fewer road deaths",
                            False,
                            [("Speed cameras on every regional road", True, [], [])],
                            [],
                        )
                    ],
                    [],
                )
            ],
        )

    def test_type_filter_shows_only_that_type(self):
        self.client.force_login(self.reader_a)

        response = self.client.get(self.url, {"type": "process"})

        overview = response.context["overview"]
        self.assertEqual(
            branches(overview),
            [
                (
                    "Safe and smooth mobility",
                    False,
                    [("Fewer road deaths", False, [], ["Managing traffic signs"])],
                    [],
                )
            ],
        )
        self.assertEqual(
            [row.title for row in overview.unplaced["process"]], ["Answering letters"]
        )

    def test_text_filter_searches_code_and_title(self):
        self.client.force_login(self.reader_a)

        by_title = self.client.get(self.url, {"q": "SPEED"}).context["overview"]
        by_code = self.client.get(self.url, {"q": "pc 2"}).context["overview"]

        self.assertEqual(
            branches(by_title),
            [
                (
                    "Safe and smooth mobility",
                    False,
                    [
                        (
                            "Fewer road deaths",
                            False,
                            [("Speed cameras on every regional road", True, [], [])],
                            ["Section speed checks"],
                        )
                    ],
                    [],
                )
            ],
        )
        self.assertEqual(branches(by_code), [])
        self.assertEqual(
            [row.title for row in by_code.unplaced["process"]], ["Answering letters"]
        )

    def test_responsible_filter_shows_the_rows_of_that_person(self):
        self.client.force_login(self.reader_a)
        number = self.contributor_a.person.personnel_number

        response = self.client.get(self.url, {"responsible": number})

        self.assertEqual(
            branches(response.context["overview"]),
            [
                (
                    "Safe and smooth mobility",
                    False,
                    [("Fewer road deaths", True, [], [])],
                    [],
                )
            ],
        )
        self.assertContains(response, f'<option value="{number}" selected>')

    def test_responsible_choices_are_the_people_of_visible_rows(self):
        actions.do_update_component(
            self.confidential, acting_user=None, responsible=self.admin_b.person
        )
        self.client.force_login(self.reader_a)
        # The English source text, whatever the translations say.
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

        response = self.client.get(self.url)

        choices = response.context["overview"].form.fields["responsible"].choices
        self.assertEqual(
            [label for _, label in choices],
            ["Everyone", "Contributor A", "Reader A"],
        )

    def test_legislature_filter_shows_that_legislature(self):
        self.client.force_login(self.reader_a)

        response = self.client.get(self.url, {"legislature": "2019–2024"})

        overview = response.context["overview"]
        self.assertEqual(branches(overview), [("Previous mobility plan", True, [], [])])
        # The cascade of the current legislature does not realise this one.
        self.assertEqual(
            [row.title for row in overview.unplaced["project"]],
            ["Section speed checks"],
        )

    def test_unknown_filter_values_are_ignored_and_reported(self):
        self.client.force_login(self.reader_a)

        response = self.client.get(
            self.url, {"legislature": "1830", "colour": "purple"}
        )

        overview = response.context["overview"]
        self.assertEqual(overview.legislature.name, "2024-2029")
        self.assertEqual(branches(overview), FULL_CASCADE)
        self.assertEqual(list(overview.form.errors), ["colour"])

    def test_current_legislature_contains_today_else_is_the_latest(self):
        legislatures = [self.old_legislature, self.plan_objective.legislature]
        legislatures.sort(key=lambda legislature: legislature.start_date, reverse=True)

        self.assertEqual(
            current_legislature(legislatures, datetime.date(2020, 1, 1)).name,
            "2019–2024",
        )
        self.assertEqual(
            current_legislature(legislatures, datetime.date(2040, 1, 1)).name,
            "2024-2029",
        )
        self.assertIsNone(current_legislature([], datetime.date(2040, 1, 1)))

    def test_page_keeps_the_editing_hooks_and_stores_nothing_in_the_session(self):
        self.client.force_login(self.admin_a)
        session_keys = set(self.client.session.keys())

        response = self.client.get(self.url, {"colour": "red"})

        templates = [template.name for template in response.templates]
        self.assertIn(
            "objectives/includes/_organisation_components_manage.html", templates
        )
        self.assertIn(
            "objectives/includes/_organisation_members_manage.html", templates
        )
        self.assertEqual(response.context["organisation"], self.organisation_a)
        self.assertEqual(set(self.client.session.keys()), session_keys)


class HomeTests(BrowseTestCase):
    def test_reader_sees_what_they_are_responsible_for(self):
        self.client.force_login(self.reader_a)

        response = self.client.get("/")

        self.assertEqual(
            [
                [component.title for component in group["components"]]
                for group in response.context["responsibilities"]
            ],
            [[], ["Section speed checks"], [], [], []],
        )
        self.assertEqual(response.context["responsibility_count"], 1)
        self.assertContains(response, "Section speed checks</a>")

    def test_milestones_are_split_into_overdue_and_coming_up(self):
        person = self.reader_a.person
        day = self.today
        for code, title, due, completed_on in [
            ("A1", "Late step", day - datetime.timedelta(days=3), None),
            ("A2", "Done late step", day - datetime.timedelta(days=9), day),
            ("A3", "Next step", day + datetime.timedelta(days=10), None),
            ("A4", "Step due in thirty days", day + datetime.timedelta(days=30), None),
            ("A5", "Far step", day + datetime.timedelta(days=31), None),
        ]:
            make_milestone(
                self.project,
                code=code,
                title=title,
                due_date=due,
                completed_on=completed_on,
                assignee=person,
            )
        make_milestone(
            self.secret_project,
            code="S1",
            title="Secret step",
            due_date=day,
            assignee=self.contributor_a.person,
        )
        self.client.force_login(self.reader_a)
        # The English source text, whatever the translations say.
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

        response = self.client.get("/")

        self.assertEqual(
            [(m.title, m.days) for m in response.context["overdue_milestones"]],
            [("Late step", 3)],
        )
        self.assertEqual(
            [m.title for m in response.context["upcoming_milestones"]],
            ["Next step", "Step due in thirty days"],
        )
        self.assertContains(response, "3 days late")
        self.assertNotContains(response, "Secret step")

    def test_owed_reports_are_those_of_the_current_round(self):
        person = self.reader_a.person
        previous = Period.of("quarterly", self.today).previous()
        make_objective(
            lead_organisation=self.organisation_a,
            code="SD 7",
            title="Owes its report",
            responsible=person,
        )
        reported_ahead = make_objective(
            lead_organisation=self.organisation_a,
            code="SD 8",
            title="Reported for this quarter",
            responsible=person,
        )
        report(reported_ahead, Colour.GREEN, Period.of("quarterly", self.today))
        make_objective(
            lead_organisation=self.organisation_a,
            code="SD 9",
            title="Yearly without a report",
            responsible=person,
            reporting_frequency=ReportingFrequency.YEARLY,
        )
        make_project(
            lead_organisation=self.organisation_a,
            title="Starts next year",
            responsible=person,
            start_date=self.today + datetime.timedelta(days=366),
        )
        self.client.force_login(self.reader_a)
        # The English source text, whatever the translations say.
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

        response = self.client.get("/")

        owed = response.context["owed"]
        self.assertEqual(
            sorted(
                (item.obj.title, item.period.label)
                for item in owed
                if item.kind != "milestone"
            ),
            [
                ("Owes its report", previous.label),
                ("Yearly without a report", str(self.today.year - 1)),
            ],
        )
        self.assertContains(response, f'What I owe <span class="count">({len(owed)})')

    def test_a_report_for_the_last_ended_period_settles_it(self):
        self.client.force_login(self.reader_a)

        response = self.client.get("/")

        # The project was reported for the previous quarter in the set-up.
        self.assertEqual(
            [item.obj for item in response.context["owed"] if item.kind == "project"],
            [],
        )

    def test_changes_name_who_and_which_fields(self):
        actions.do_update_component(
            self.project, acting_user=self.admin_a, title="Section speed checks 2"
        )
        self.client.force_login(self.reader_a)

        response = self.client.get("/")

        latest = response.context["changes"][0]
        self.assertEqual(
            (latest.subject_title, latest.actor, latest.field_labels),
            ("Section speed checks 2", self.admin_a, ["titel"]),
        )
        self.assertEqual(latest.subject_url, self.project.get_absolute_url())
        self.assertContains(response, "Gewijzigd: titel")

    def test_changes_leave_out_confidential_and_foreign_records(self):
        self.client.force_login(self.reader_a)

        response = self.client.get("/")

        titles = {change.subject_title for change in response.context["changes"]}
        for hidden in ("Secret tender", "Secret reorganisation", "Clean air"):
            self.assertNotIn(hidden, titles)
        self.assertEqual(len(response.context["changes"]), 15)

    def test_coordinator_sees_the_plans_they_coordinate(self):
        self.client.force_login(self.coordinator)

        response = self.client.get("/")

        self.assertEqual(response.context["coordinated_lenses"], [self.plan_lens])
        self.assertContains(
            response, f'<a href="{self.plan_lens.get_absolute_url()}">Mobility plan</a>'
        )

    def test_my_organisations_link_to_their_overview(self):
        self.client.force_login(self.reader_a)

        response = self.client.get("/")

        self.assertContains(
            response, '<li><a href="/organisations/OVO000001/">Department A</a></li>'
        )


class LensListTests(BrowseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        make_lens(
            name="Coalition agreement 2024–2029",
            kind=Lens.Kind.COALITION_AGREEMENT,
            objectives=[cls.plan_objective, cls.objective_b, cls.confidential],
        )
        make_lens(
            name="Business plan A 2026",
            kind=Lens.Kind.BUSINESS_PLAN,
            organisation=cls.organisation_a,
            objectives=[cls.plan_objective, cls.child],
        )
        make_lens(
            name="Business plan B 2026",
            kind=Lens.Kind.BUSINESS_PLAN,
            organisation=cls.organisation_b,
            objectives=[cls.objective_b],
        )
        make_lens(
            name="Old business plan A",
            kind=Lens.Kind.BUSINESS_PLAN,
            organisation=cls.organisation_a,
            is_archived=True,
        )

    def groups(self, response):
        return [
            (
                str(group.label),
                [(lens.name, lens.entry_count) for lens in group.government_wide],
                [
                    (organisation.name, [lens.name for lens in lenses])
                    for organisation, lenses in group.by_entity
                ],
            )
            for group in response.context["groups"]
        ]

    def test_reader_sees_government_wide_and_own_lenses_by_kind(self):
        self.client.force_login(self.reader_a)
        # The English source text, whatever the translations say.
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

        response = self.client.get("/lenses/")

        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            self.groups(response),
            [
                ("Coalition agreement", [("Coalition agreement 2024–2029", 1)], []),
                ("Business plans", [], [("Department A", ["Business plan A 2026"])]),
            ],
        )
        self.assertContains(response, "Business plan A 2026</a>")
        for hidden in ("Business plan B 2026", "Mobility plan", "Old business plan A"):
            self.assertNotContains(response, hidden)

    def test_coordinator_also_sees_the_plan_they_coordinate(self):
        self.client.force_login(self.coordinator)
        # The English source text, whatever the translations say.
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

        response = self.client.get("/lenses/")

        self.assertEqual(
            self.groups(response),
            [
                ("Coalition agreement", [("Coalition agreement 2024–2029", 2)], []),
                ("Transversal plans", [], [("Department B", ["Mobility plan"])]),
                ("Business plans", [], [("Department B", ["Business plan B 2026"])]),
            ],
        )

    def test_page_has_the_management_hook(self):
        self.client.force_login(self.reader_a)

        response = self.client.get("/lenses/")

        self.assertIn(
            "objectives/includes/_lens_manage.html",
            [template.name for template in response.templates],
        )


class LensDetailTests(BrowseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.coalition = make_lens(
            name="Coalition agreement 2024–2029",
            kind=Lens.Kind.COALITION_AGREEMENT,
            coordinators=[cls.contributor_a.person, cls.admin_b.person],
        )
        chapter = make_lens_entry(cls.coalition, position=1, heading="Mobility")
        make_lens_entry(
            cls.coalition, position=1, parent=chapter, objective=cls.plan_objective
        )
        foreign = make_lens_entry(
            cls.coalition, position=2, parent=chapter, objective=cls.objective_b
        )
        make_lens_entry(cls.coalition, position=1, parent=foreign, heading="Air")
        make_lens_entry(
            cls.coalition, position=3, parent=chapter, objective=cls.confidential
        )
        make_lens_entry(cls.coalition, position=4, parent=chapter, objective=cls.child)
        make_lens_entry(cls.coalition, position=2, heading="Education")
        cls.business_plan_b = make_lens(
            name="Business plan B 2026",
            kind=Lens.Kind.BUSINESS_PLAN,
            organisation=cls.organisation_b,
            objectives=[cls.objective_b],
        )

    def lines(self, response):
        return [
            (line.number, line.heading or line.objective.title)
            for line in response.context["cascade"].lines
        ]

    def test_lens_has_its_own_address(self):
        self.assertEqual(
            self.coalition.get_absolute_url(),
            f"/lenses/{self.coalition.public_id}/",
        )

    def test_reader_sees_the_numbered_entries_they_may_see(self):
        self.client.force_login(self.reader_a)

        response = self.client.get(self.coalition.get_absolute_url())

        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            self.lines(response),
            [
                ("1", "Mobility"),
                ("1.1", "Safe and smooth mobility"),
                ("1.4", "Fewer road deaths"),
                ("2", "Education"),
            ],
        )
        for hidden in ("Clean air", "Air<", "Secret reorganisation", "Secret tender"):
            self.assertNotContains(response, hidden)

    def test_each_objective_shows_what_lies_beneath_it(self):
        self.client.force_login(self.reader_a)
        # The English source text, whatever the translations say.
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

        response = self.client.get(self.coalition.get_absolute_url())

        cascade = response.context["cascade"]
        self.assertIs(cascade.shows_beneath, True)
        plan, child = cascade.lines[1].objective, cascade.lines[2].objective
        self.assertEqual(
            [objective.title for objective in plan.beneath_children],
            ["Fewer road deaths"],
        )
        self.assertEqual(
            [p.title for p in plan.beneath_children[0].beneath_projects],
            ["Section speed checks"],
        )
        self.assertEqual(
            [o.title for o in child.beneath_children],
            ["Speed cameras on every regional road"],
        )
        self.assertEqual(plan.status_colour, "green")
        self.assertContains(response, "1/3 milestones done")

    def test_coordinators_are_listed(self):
        self.client.force_login(self.reader_a)

        response = self.client.get(self.coalition.get_absolute_url())

        self.assertContains(response, "Contributor A, Admin B</dd>")

    def test_lens_of_an_organisation_without_a_role_is_not_found(self):
        self.client.force_login(self.reader_a)

        for lens in (self.business_plan_b, self.plan_lens):
            with self.subTest(lens=lens.name):
                response = self.client.get(lens.get_absolute_url())
                self.assertEqual(response.status_code, 404)

    def test_coordinator_sees_the_foreign_objective_of_their_plan(self):
        self.client.force_login(self.coordinator)

        response = self.client.get(self.plan_lens.get_absolute_url())

        self.assertEqual(self.lines(response), [("1", "Safe and smooth mobility")])
        self.assertContains(response, "Coordinator B</dd>")
        # Coordinating shows the objective, not what lies beneath it.
        self.assertNotContains(response, "Fewer road deaths")

    def test_page_has_the_management_hook(self):
        self.client.force_login(self.reader_a)

        response = self.client.get(self.coalition.get_absolute_url())

        self.assertIn(
            "objectives/includes/_lens_manage.html",
            [template.name for template in response.templates],
        )
        self.assertEqual(response.context["lens"], self.coalition)

    def test_a_long_lens_loads_what_lies_beneath_on_demand(self):
        self.client.force_login(self.reader_a)

        with mock.patch("objectives.cascades.INLINE_BENEATH_LIMIT", 1):
            response = self.client.get(self.coalition.get_absolute_url())

        self.assertIs(response.context["cascade"].shows_beneath, False)
        beneath_url = f"/objectives/{self.plan_objective.public_id}/beneath/"
        self.assertContains(response, f'hx-get="{beneath_url}"')
        self.assertContains(
            response, f'<a href="{self.plan_objective.get_absolute_url()}">'
        )

    def test_what_lies_beneath_an_objective_is_a_fragment(self):
        self.client.force_login(self.reader_a)

        response = self.client.get(f"/objectives/{self.child.public_id}/beneath/")

        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "<html")
        self.assertContains(response, "Speed cameras on every regional road</a>")
        self.assertContains(response, "Section speed checks</a>")
        self.assertNotContains(response, "Secret tender")
        self.assertNotContains(response, "Low emission zone")

    def test_what_lies_beneath_a_foreign_objective_is_not_found(self):
        self.client.force_login(self.reader_b)

        response = self.client.get(f"/objectives/{self.child.public_id}/beneath/")

        self.assertEqual(response.status_code, 404)


class SearchTests(BrowseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        make_milestone(cls.project, code="M9", title="Speed camera tender awarded")
        make_milestone(cls.secret_project, code="M9", title="Secret speed tender")
        cls.described = make_process(
            lead_organisation=cls.organisation_a,
            code="PC 3",
            title="Maintaining roads",
            description="Includes the speed bumps.",
        )

    def results(self, response):
        return [
            (group.name, group.total, [result.title for result in group.results])
            for group in response.context["groups"]
        ]

    def test_reader_finds_visible_components_of_every_type(self):
        self.client.force_login(self.reader_a)

        response = self.client.get("/search/", {"q": "speed"})

        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            self.results(response),
            [
                ("objective", 1, ["Speed cameras on every regional road"]),
                ("project", 1, ["Section speed checks"]),
                ("process", 1, ["Maintaining roads"]),
                ("programme", 0, []),
                ("indicator", 0, []),
                ("milestone", 1, ["Speed camera tender awarded"]),
            ],
        )
        for hidden in ("Secret", "Low emission zone"):
            self.assertNotContains(response, hidden)

    def test_every_word_must_occur(self):
        self.client.force_login(self.reader_a)

        response = self.client.get("/search/", {"q": "speed  checks"})

        self.assertEqual(
            [group.results for group in response.context["groups"] if group.total],
            [[self.project]],
        )

    def test_matches_in_code_or_title_come_before_the_description(self):
        make_process(
            lead_organisation=self.organisation_a, code="PC 0", title="Speed limits"
        )
        self.client.force_login(self.reader_a)

        response = self.client.get("/search/", {"q": "speed"})

        self.assertEqual(
            self.results(response)[2],
            ("process", 2, ["Speed limits", "Maintaining roads"]),
        )

    def test_short_or_empty_query_shows_guidance(self):
        self.client.force_login(self.reader_a)

        for query in ({}, {"q": ""}, {"q": " sp "}):
            with self.subTest(query=query):
                response = self.client.get("/search/", query)
                self.assertEqual(response.status_code, 200)
                self.assertNotIn("groups", response.context)
                self.assertContains(response, 'id="search-help"')

    def test_one_type_is_paginated(self):
        for number in range(23):
            make_project(
                lead_organisation=self.organisation_a,
                code=f"SP {number:02d}",
                title=f"Speed bump {number}",
            )
        self.client.force_login(self.reader_a)

        first = self.client.get("/search/", {"q": "speed", "type": "project"})
        second = self.client.get(
            "/search/", {"q": "speed", "type": "project", "page": 2}
        )

        self.assertEqual(first.context["page"].paginator.count, 24)
        self.assertEqual(len(first.context["page"].object_list), 20)
        self.assertEqual(
            [project.code for project in second.context["page"].object_list],
            ["SP 19", "SP 20", "SP 21", "SP 22"],
        )
        self.assertContains(first, "page=2")
        self.assertContains(first, 'aria-current="page">Projecten</a>')

    def test_the_preview_links_to_all_results_of_a_type(self):
        for number in range(6):
            make_project(lead_organisation=self.organisation_a, title=f"Speed {number}")
        self.client.force_login(self.reader_a)

        response = self.client.get("/search/", {"q": "speed"})

        self.assertEqual(self.results(response)[1][1], 7)
        self.assertEqual(len(self.results(response)[1][2]), 5)
        self.assertContains(response, "?q=speed&amp;type=project")

    def test_unknown_type_shows_guidance(self):
        self.client.force_login(self.reader_a)

        response = self.client.get("/search/", {"q": "speed", "type": "lens"})

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'id="search-help"')


class NavigationTests(BrowseTestCase):
    def test_navigation_links_the_lenses_and_offers_search(self):
        self.client.force_login(self.reader_a)

        response = self.client.get("/lenses/")

        self.assertContains(response, '<a href="/lenses/" aria-current="page">')
        self.assertContains(response, '<label for="nav-search-q"')
        self.assertContains(response, 'action="/search/" role="search"')

    def test_anonymous_visitor_is_sent_to_login(self):
        for url in ("/lenses/", "/search/?q=speed", "/organisations/OVO000001/"):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 302)
                self.assertTrue(response["Location"].startswith("/login/"))


class BrowseQueryCountTests(BrowseTestCase):
    """Each page reads a fixed number of queries however many rows it shows:
    session and user, the entity switcher's organisations, and the page's
    own."""

    # Seven of them for "What I owe": one per kind of report and the lens
    # calendars.
    HOME = 18
    # One more than the cascade needs: the roles, for the managing links.
    # Four for the roll-ups and contradictions of the rows (the roll-ups,
    # the objectives' projects, the late milestones, the indicators).
    OVERVIEW = 15
    # The lens pages ask the roles once more, for the lens builder's links;
    # the lens page and its fragment add the same four for the evidence.
    LENS_LIST = 5
    LENS = 17
    BENEATH = 10
    # The search form lists the legislatures to filter objectives by.
    SEARCH = 10
    SEARCH_ONE_TYPE = 6

    def grow(self, count):
        """More of everything in organisation A, all for reader A."""
        person = self.reader_a.person
        coalition = self.lens
        for number in range(count):
            objective = make_objective(
                lead_organisation=self.organisation_a,
                level=OPERATIONAL,
                parent=self.plan_objective,
                title=f"Speed extra objective {number}",
                responsible=person,
            )
            project = make_project(
                lead_organisation=self.organisation_a,
                title=f"Speed extra project {number}",
                responsible=person,
            )
            link(objective, "projects", project)
            link(
                objective,
                "processes",
                make_process(lead_organisation=self.organisation_a),
            )
            link(
                objective,
                "indicators",
                make_indicator(lead_organisation=self.organisation_a),
            )
            make_milestone(
                project,
                title=f"Speed extra milestone {number}",
                assignee=person,
                due_date=self.today,
            )
            report(project, Colour.GREEN)
            make_lens_entry(coalition, position=10 + number, objective=objective)
            make_lens(
                name=f"Extra lens {number}",
                organisation=self.organisation_a,
                objectives=[objective],
            )

    def assert_constant(self, url, count, data=None):
        with self.assertNumQueries(count):
            before = self.client.get(url, data)
        self.grow(3)
        with self.assertNumQueries(count):
            after = self.client.get(url, data)
        return before, after

    def setUp(self):
        self.lens = make_lens(
            name="Business plan",
            organisation=self.organisation_a,
            legislature=self.plan_objective.legislature,
            objectives=[self.plan_objective, self.child],
        )
        self.client.force_login(self.reader_a)

    def test_home(self):
        before, after = self.assert_constant("/", self.HOME)

        self.assertEqual(after.context["responsibility_count"], 7)
        self.assertEqual(len(after.context["upcoming_milestones"]), 3)

    def test_entity_overview(self):
        before, after = self.assert_constant("/organisations/OVO000001/", self.OVERVIEW)

        self.assertEqual(len(after.context["overview"].branches[0].children), 4)

    def test_entity_overview_with_filters(self):
        self.assert_constant(
            "/organisations/OVO000001/", self.OVERVIEW, {"q": "speed", "colour": "red"}
        )

    def test_lens_list(self):
        before, after = self.assert_constant("/lenses/", self.LENS_LIST)

        self.assertEqual(after.context["groups"][0].count, 4)

    def test_lens_page(self):
        before, after = self.assert_constant(self.lens.get_absolute_url(), self.LENS)

        self.assertEqual(len(after.context["cascade"].lines), 5)

    def test_what_lies_beneath(self):
        url = f"/objectives/{self.plan_objective.public_id}/beneath/"

        before, after = self.assert_constant(url, self.BENEATH)

        self.assertEqual(len(after.context["objective"].beneath_children), 4)

    def test_search(self):
        before, after = self.assert_constant("/search/", self.SEARCH, {"q": "speed"})

        self.assertEqual(after.context["groups"][1].total, 4)

    def test_search_of_one_type(self):
        data = {"q": "speed", "type": "project"}

        before, after = self.assert_constant("/search/", self.SEARCH_ONE_TYPE, data)

        self.assertEqual(after.context["page"].paginator.count, 4)
