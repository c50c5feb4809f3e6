"""Roll-ups and the contradictions of a green status (objectives.evidence)."""

import datetime
from decimal import Decimal

import time_machine
from django.conf import settings
from django.utils import translation

from objectives import actions, evidence
from objectives.models import (
    Confidentiality,
    Indicator,
    Objective,
    Target,
)
from objectives.periods import Period
from objectives.status import with_latest_status
from tests.factories import (
    make_indicator,
    make_lens,
    make_lens_entry,
    make_milestone,
    make_objective,
    make_process,
    make_programme,
    make_project,
)
from tests.personas import PersonaTestCase

TODAY = datetime.date(2026, 12, 3)
QUARTER = Period.of("quarterly", TODAY).previous()
YEAR_2025 = Period.parse("2025")
OPERATIONAL = Objective.Level.OPERATIONAL
CONFIDENTIAL = Confidentiality.CONFIDENTIAL
LOWER = Indicator.Direction.LOWER_IS_BETTER


def report(subject, colour):
    actions.do_report_status(
        subject,
        period=QUARTER,
        colour=colour,
        explanation=f"{colour} explained.",
        acting_user=None,
    )


def link(objective, field_name, target):
    actions.do_link(objective, field_name, target, acting_user=None)


def archive(component):
    actions.do_archive_component(component, acting_user=None)


def measure(indicator, value, target, period=YEAR_2025):
    actions.do_record_measurement(
        indicator, period=period, value=Decimal(value), note="", acting_user=None
    )
    if target is not None:
        Target.objects.create(
            indicator=indicator,
            period_start=period.start,
            period_end=period.end,
            value=Decimal(target),
        )


class EvidenceTestCase(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.objective = make_objective(
            lead_organisation=cls.organisation_a, code="SD 7", title="Clean air"
        )
        report(cls.objective, "green")

    def setUp(self):
        self.enterContext(translation.override("en"))

    def annotated(self, user, objectives=(), projects=(), programmes=()):
        """Fresh rows with their latest status, annotated for ``user``."""
        rows = {}
        for name, model, given in (
            ("objectives", Objective, objectives),
            ("projects", type(projects[0]) if projects else None, projects),
            ("programmes", type(programmes[0]) if programmes else None, programmes),
        ):
            rows[name] = (
                list(
                    with_latest_status(
                        model.objects.filter(pk__in=[c.pk for c in given])
                    ).order_by("code")
                )
                if given
                else []
            )
        evidence.annotate(user, today=TODAY, **rows)
        return rows

    def contradictions_of(self, user, objective=None):
        rows = self.annotated(user, objectives=[objective or self.objective])
        return rows["objectives"][0].contradictions

    def project(self, colour=None, objective=None, **fields):
        fields.setdefault("lead_organisation", self.organisation_a)
        project = make_project(**fields)
        link(objective or self.objective, "projects", project)
        if colour:
            report(project, colour)
        return project


class RollUpTests(EvidenceTestCase):
    def test_objective_counts_children_projects_and_processes_per_colour(self):
        a = self.organisation_a
        child = make_objective(lead_organisation=a, parent=self.objective)
        report(child, "red")
        self.project("green")
        self.project("red")
        self.project()
        process = make_process(lead_organisation=a)
        link(self.objective, "processes", process)
        report(process, "green")

        rollup = self.annotated(self.reader_a, [self.objective])["objectives"][0].rollup

        self.assertEqual(rollup.counts, {"green": 2, "red": 2, None: 1})
        self.assertEqual(rollup.total, 5)
        self.assertEqual(str(rollup), "2 green, 2 red, 1 no status")

    def test_archived_and_invisible_children_are_not_counted(self):
        a = self.organisation_a
        archived_child = make_objective(lead_organisation=a, parent=self.objective)
        archive(archived_child)
        archive(self.project("red"))
        self.project("red", confidentiality=CONFIDENTIAL)
        self.project("orange")

        for user, expected in ((self.reader_a, {"orange": 1}),):
            rows = self.annotated(user, [self.objective])["objectives"]
            self.assertEqual(rows[0].rollup.counts, expected)
        rows = self.annotated(self.admin_a, [self.objective])["objectives"]
        self.assertEqual(rows[0].rollup.counts, {"orange": 1, "red": 1})

    def test_project_counts_milestones_and_programme_counts_projects(self):
        project = self.project("green")
        report(make_milestone(project), "blue")
        report(make_milestone(project), "blue")
        make_milestone(project)
        archive_me = make_milestone(project)
        actions.do_archive_component(archive_me, acting_user=None)
        programme = make_programme(lead_organisation=self.organisation_a)
        link(programme, "projects", project)
        link(programme, "projects", make_project(lead_organisation=self.organisation_a))

        rows = self.annotated(self.reader_a, projects=[project], programmes=[programme])

        self.assertEqual(rows["projects"][0].rollup.counts, {"blue": 2, None: 1})
        self.assertEqual(rows["programmes"][0].rollup.counts, {"green": 1, None: 1})

    def test_component_without_children_has_an_empty_rollup(self):
        rows = self.annotated(self.reader_a, [self.objective])

        self.assertEqual(rows["objectives"][0].rollup.total, 0)
        self.assertEqual(rows["objectives"][0].rollup.parts, [])


class ObjectiveProjectRuleTests(EvidenceTestCase):
    def test_green_objective_with_a_red_project_names_it(self):
        project = self.project("red", code="PR 9", title="Filters")
        self.project("green")

        (found,) = self.contradictions_of(self.reader_a)

        self.assertEqual(found.rule, evidence.OBJECTIVE_PROJECTS)
        (item,) = found.evidence
        self.assertEqual(item.kind, evidence.RED_PROJECT)
        self.assertEqual(item.name, "PR 9 Filters")
        self.assertEqual(item.url, project.get_absolute_url())
        self.assertIn("PR 9 Filters: off track", str(found))

    def test_red_project_of_an_operational_objective_counts_one_level_down(self):
        child = make_objective(
            lead_organisation=self.organisation_a,
            level=OPERATIONAL,
            parent=self.objective,
        )
        grandchild = make_objective(
            lead_organisation=self.organisation_a, level=OPERATIONAL, parent=child
        )
        self.project("red", objective=child, code="PR 1")
        self.project("red", objective=grandchild, code="PR 2")

        (found,) = self.contradictions_of(self.reader_a)

        self.assertEqual([item.code for item in found.evidence], ["PR 1"])

    def test_projects_of_an_archived_operational_objective_are_ignored(self):
        child = make_objective(
            lead_organisation=self.organisation_a,
            level=OPERATIONAL,
            parent=self.objective,
        )
        self.project("red", objective=child)
        archive(child)

        self.assertEqual(self.contradictions_of(self.reader_a), [])

    def test_archived_red_project_is_ignored(self):
        archive(self.project("red"))

        self.assertEqual(self.contradictions_of(self.reader_a), [])

    def test_overdue_milestone_is_named_with_its_due_date(self):
        project = self.project("green", code="PR 4")
        make_milestone(
            project, code="M1", title="Tender", due_date=datetime.date(2026, 11, 1)
        )
        make_milestone(project, code="M2", due_date=TODAY)

        (found,) = self.contradictions_of(self.reader_a)

        (item,) = found.evidence
        self.assertEqual(item.kind, evidence.OVERDUE_MILESTONE)
        self.assertEqual(item.due_date, datetime.date(2026, 11, 1))
        self.assertEqual(str(item), "M1 Tender (PR 4): overdue since Nov. 1, 2026")

    def test_completed_or_archived_milestone_past_its_date_is_not_overdue(self):
        project = self.project("green")
        make_milestone(
            project,
            due_date=datetime.date(2026, 1, 1),
            completed_on=datetime.date(2026, 2, 1),
        )
        archived = make_milestone(project, due_date=datetime.date(2026, 1, 1))
        actions.do_archive_component(archived, acting_user=None)

        self.assertEqual(self.contradictions_of(self.reader_a), [])

    def test_objective_that_is_not_green_has_no_contradiction(self):
        self.project("red")
        for colour in ("orange", "red", "blue"):
            report(self.objective, colour)
            with self.subTest(colour=colour):
                self.assertEqual(self.contradictions_of(self.reader_a), [])

    def test_invisible_red_project_is_not_revealed(self):
        self.project("red", confidentiality=CONFIDENTIAL, title="Secret")

        self.assertEqual(self.contradictions_of(self.reader_a), [])
        (found,) = self.contradictions_of(self.admin_a)
        self.assertEqual(found.evidence[0].title, "Secret")

    def test_invisible_milestone_of_a_visible_objective_is_not_revealed(self):
        project = self.project(
            "green", confidentiality=CONFIDENTIAL, lead_organisation=self.organisation_a
        )
        make_milestone(project, due_date=datetime.date(2026, 1, 1))

        self.assertEqual(self.contradictions_of(self.reader_a), [])
        self.assertEqual(len(self.contradictions_of(self.admin_a)), 1)


class ObjectiveIndicatorRuleTests(EvidenceTestCase):
    def indicator(self, **fields):
        indicator = make_indicator(lead_organisation=self.organisation_a, **fields)
        link(self.objective, "indicators", indicator)
        return indicator

    def test_higher_is_better_indicator_below_target_is_named_with_values(self):
        indicator = self.indicator(code="IN 1", title="Clean days", unit="days")
        measure(indicator, "80", "90")

        (found,) = self.contradictions_of(self.reader_a)

        self.assertEqual(found.rule, evidence.OBJECTIVE_INDICATORS)
        (item,) = found.evidence
        self.assertEqual((item.value, item.target), (Decimal("80"), Decimal("90")))
        self.assertEqual(item.url, indicator.get_absolute_url())
        self.assertEqual(
            str(item),
            "IN 1 Clean days: 80 days against a target of at least 90 days (2025)",
        )

    def test_higher_is_better_indicator_at_or_above_target_is_fine(self):
        measure(self.indicator(), "90", "90")
        measure(self.indicator(), "95", "90")

        self.assertEqual(self.contradictions_of(self.reader_a), [])

    def test_lower_is_better_indicator_above_target_misses_it(self):
        measure(self.indicator(direction=LOWER, unit="deaths"), "120", "100")

        (found,) = self.contradictions_of(self.reader_a)

        self.assertIn("at most 100 deaths", str(found.evidence[0]))

    def test_lower_is_better_indicator_below_target_is_fine(self):
        measure(self.indicator(direction=LOWER), "80", "100")

        self.assertEqual(self.contradictions_of(self.reader_a), [])

    def test_only_the_latest_measurement_against_its_own_period_counts(self):
        indicator = self.indicator()
        measure(indicator, "10", "90", period=Period.parse("2024"))
        measure(indicator, "95", "90")

        self.assertEqual(self.contradictions_of(self.reader_a), [])

    def test_measurement_without_a_target_for_its_period_is_not_judged(self):
        indicator = self.indicator()
        measure(indicator, "10", None)
        Target.objects.create(
            indicator=indicator,
            period_start=datetime.date(2029, 1, 1),
            period_end=datetime.date(2029, 12, 31),
            value=Decimal("90"),
        )

        self.assertEqual(self.contradictions_of(self.reader_a), [])

    def test_archived_or_invisible_indicator_is_ignored(self):
        archived = self.indicator()
        measure(archived, "10", "90")
        archive(archived)
        measure(self.indicator(confidentiality=CONFIDENTIAL), "10", "90")

        self.assertEqual(self.contradictions_of(self.reader_a), [])
        (found,) = self.contradictions_of(self.admin_a)
        self.assertEqual(len(found.evidence), 1)

    def test_objective_that_is_not_green_is_not_judged_by_its_indicators(self):
        measure(self.indicator(), "10", "90")
        report(self.objective, "orange")

        self.assertEqual(self.contradictions_of(self.reader_a), [])


class ProjectMilestoneRuleTests(EvidenceTestCase):
    def contradictions_of_project(self, user, project):
        return self.annotated(user, projects=[project])["projects"][0].contradictions

    def test_green_project_with_overdue_and_red_milestones_names_them(self):
        project = make_project(lead_organisation=self.organisation_a)
        report(project, "green")
        make_milestone(
            project, code="M1", title="Late", due_date=datetime.date(2026, 10, 1)
        )
        red = make_milestone(
            project, code="M2", title="Stuck", due_date=datetime.date(2027, 3, 1)
        )
        report(red, "red")
        report(make_milestone(project, due_date=datetime.date(2027, 3, 1)), "green")

        (found,) = self.contradictions_of_project(self.reader_a, project)

        self.assertEqual(found.rule, evidence.PROJECT_MILESTONES)
        self.assertEqual(
            [(item.code, item.kind) for item in found.evidence],
            [("M1", evidence.OVERDUE_MILESTONE), ("M2", evidence.RED_MILESTONE)],
        )

    def test_completed_red_milestone_does_not_contradict(self):
        project = make_project(lead_organisation=self.organisation_a)
        report(project, "green")
        done = make_milestone(
            project,
            due_date=datetime.date(2026, 1, 1),
            completed_on=datetime.date(2026, 1, 5),
        )
        report(done, "red")

        self.assertEqual(self.contradictions_of_project(self.reader_a, project), [])

    def test_project_that_is_not_green_has_no_contradiction(self):
        project = make_project(lead_organisation=self.organisation_a)
        report(project, "orange")
        make_milestone(project, due_date=datetime.date(2026, 1, 1))

        self.assertEqual(self.contradictions_of_project(self.reader_a, project), [])


class QueryCountTests(EvidenceTestCase):
    """The roll-ups and contradictions of a list cost four queries at most,
    whatever the number of rows and of the evidence."""

    def grow(self, number):
        a = self.organisation_a
        objectives, projects = [], []
        for _index in range(number):
            objective = make_objective(lead_organisation=a)
            report(objective, "green")
            child = make_objective(lead_organisation=a, parent=objective)
            project = self.project("red", objective=child)
            make_milestone(project, due_date=datetime.date(2026, 1, 1))
            report(project, "green")
            indicator = make_indicator(lead_organisation=a)
            link(objective, "indicators", indicator)
            measure(indicator, "1", "2")
            objectives.append(objective)
            projects.append(project)
        return objectives, projects

    def count(self, objectives, projects):
        rows = [
            list(with_latest_status(model.objects.filter(pk__in=[c.pk for c in cs])))
            for model, cs in ((Objective, objectives), (type(projects[0]), projects))
        ]
        with self.assertNumQueries(4):
            evidence.annotate(
                self.reader_a, objectives=rows[0], projects=rows[1], today=TODAY
            )
        return rows

    def test_four_queries_for_one_row_or_many(self):
        objectives, projects = self.grow(1)
        self.count(objectives, projects)

        objectives, projects = self.grow(4)
        rows = self.count(objectives, projects)

        self.assertEqual({len(o.contradictions) for o in rows[0]}, {2})
        self.assertEqual({len(p.contradictions) for p in rows[1]}, {1})

    def test_same_queries_whatever_the_colours(self):
        report(self.objective, "orange")
        self.project("red")
        rows = list(with_latest_status(Objective.objects.filter(pk=self.objective.pk)))

        with self.assertNumQueries(4):
            evidence.annotate(self.reader_a, objectives=rows, today=TODAY)

        self.assertEqual(rows[0].contradictions, [])
        self.assertEqual(rows[0].rollup.counts, {"red": 1})

    def test_no_queries_without_rows(self):
        with self.assertNumQueries(0):
            evidence.annotate(self.reader_a, today=TODAY)


class PageTests(EvidenceTestCase):
    """The roll-ups and contradictions where the status is shown."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        a = cls.organisation_a
        cls.red_project = make_project(lead_organisation=a, code="PR 1", title="Red")
        link(cls.objective, "projects", cls.red_project)
        report(cls.red_project, "red")
        cls.secret = make_project(
            lead_organisation=a,
            code="PR 2",
            title="Hidden work",
            confidentiality=CONFIDENTIAL,
        )
        link(cls.objective, "projects", cls.secret)
        report(cls.secret, "red")
        cls.green_project = make_project(
            lead_organisation=a, code="PR 3", title="Green"
        )
        link(cls.objective, "projects", cls.green_project)
        report(cls.green_project, "green")
        cls.late = make_milestone(
            cls.green_project,
            code="M 1",
            title="Tender out",
            due_date=datetime.date(2026, 11, 2),
        )
        cls.lens = make_lens(
            name="Air plan", organisation=a, objectives=[cls.objective]
        )

    def setUp(self):
        super().setUp()
        self.enterContext(time_machine.travel(TODAY, tick=False))
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        self.client.force_login(self.reader_a)

    def test_objective_page_names_the_visible_evidence_only(self):
        response = self.client.get(self.objective.get_absolute_url())

        self.assertContains(response, 'class="contradiction" role="note"')
        self.assertContains(
            response, "Reported on track, but projects beneath it are not"
        )
        self.assertContains(
            response,
            f'<a href="{self.red_project.get_absolute_url()}">'
            '<span class="code">PR 1</span> Red</a>: off track',
            html=False,
        )
        self.assertContains(response, 'Tender out</a> <span class="muted">(PR 3)')
        self.assertContains(response, "overdue since Nov. 2, 2026")
        self.assertNotContains(response, "Hidden work")
        self.assertContains(response, "Beneath it: 1 green, 1 red")

    def test_administrator_sees_the_confidential_evidence(self):
        self.client.force_login(self.admin_a)

        response = self.client.get(self.objective.get_absolute_url())

        self.assertContains(response, "Hidden work</a>: off track")
        self.assertContains(response, "Beneath it: 1 green, 2 red")

    def test_project_page_names_its_overdue_milestone(self):
        response = self.client.get(self.green_project.get_absolute_url())

        self.assertContains(
            response, "Reported on track, but milestones are late or off track"
        )
        self.assertContains(
            response,
            f'<a href="{self.late.get_absolute_url()}">'
            '<span class="code">M 1</span> Tender out</a>: overdue since',
        )
        self.assertContains(response, "Beneath it: 1 no status")

    def test_project_page_without_contradiction_shows_no_warning(self):
        actions.do_update_milestone(
            self.late,
            period=QUARTER,
            colour="blue",
            explanation="Done.",
            completed_on=datetime.date(2026, 11, 20),
            acting_user=None,
        )

        response = self.client.get(self.green_project.get_absolute_url())

        self.assertNotContains(response, 'class="contradiction"')
        self.assertContains(response, "Beneath it: 1 blue")

    def test_entity_overview_rows_carry_the_marker_and_the_rollup(self):
        response = self.client.get(self.organisation_a.get_absolute_url())

        self.assertContains(response, 'class="contradiction-marker"', count=2)
        self.assertContains(response, "PR 1 Red: off track")
        self.assertNotContains(response, "Hidden work")
        self.assertContains(
            response,
            '<span class="visually-hidden"> green,</span>',
        )

    def test_lens_page_rows_carry_the_marker_and_the_rollup(self):
        response = self.client.get(self.lens.get_absolute_url())

        self.assertContains(response, 'class="contradiction-marker"', count=2)
        self.assertContains(response, 'title="Beneath it: 1 green, 1 red"')
        self.assertNotContains(response, "Hidden work")

    def test_dutch_pages_name_the_colours_in_dutch(self):
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"

        response = self.client.get(self.objective.get_absolute_url())

        self.assertContains(response, "Onderliggend: 1 groen, 1 rood")
        self.assertContains(response, "te laat sinds 2 november 2026")


class PageQueryCountTests(EvidenceTestCase):
    """The pages run as many queries with much evidence as with little."""

    def setUp(self):
        super().setUp()
        self.enterContext(time_machine.travel(TODAY, tick=False))
        self.lens = make_lens(
            name="Air plan", organisation=self.organisation_a, objectives=[]
        )
        self.position = 0
        self.client.force_login(self.reader_a)

    def grow(self, number):
        a = self.organisation_a
        for _index in range(number):
            child = make_objective(
                lead_organisation=a,
                level=OPERATIONAL,
                parent=self.objective,
                legislature=self.objective.legislature,
            )
            report(child, "green")
            project = self.project("red", objective=child)
            make_milestone(project, due_date=datetime.date(2026, 1, 1))
            green = self.project("green")
            make_milestone(green, due_date=datetime.date(2026, 2, 1))
            indicator = make_indicator(lead_organisation=a)
            link(self.objective, "indicators", indicator)
            measure(indicator, "1", "2")
            self.position += 1
            make_lens_entry(self.lens, position=self.position, objective=child)

    def assert_constant(self, url, count):
        self.grow(1)
        with self.assertNumQueries(count):
            before = self.client.get(url)
        self.grow(3)
        with self.assertNumQueries(count):
            after = self.client.get(url)
        return before, after

    def test_objective_page(self):
        before, after = self.assert_constant(self.objective.get_absolute_url(), 15)

        (projects, indicators) = after.context["contradictions"]
        self.assertEqual(len(projects.evidence), 4 + 4 + 4)
        self.assertEqual(len(indicators.evidence), 4)

    def test_entity_overview(self):
        before, after = self.assert_constant(self.organisation_a.get_absolute_url(), 15)

        self.assertContains(after, 'class="contradiction-marker"', count=1 + 4 + 4)

    def test_lens_page(self):
        before, after = self.assert_constant(self.lens.get_absolute_url(), 16)

        self.assertContains(after, 'class="contradiction-marker"', count=4)
