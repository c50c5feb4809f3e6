"""The detail page of every component type: fields, links, status, history."""

import datetime
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from objectives import actions
from objectives.models import (
    Confidentiality,
    Lens,
    Measurement,
    Objective,
    StatusReport,
    Target,
)
from objectives.periods import Period
from tests.factories import (
    make_indicator,
    make_lens,
    make_milestone,
    make_objective,
    make_person,
    make_process,
    make_programme,
    make_project,
)
from tests.personas import PersonaTestCase

Colour = StatusReport.Colour
CONFIDENTIAL = Confidentiality.CONFIDENTIAL
SVG = "{http://www.w3.org/2000/svg}"


def report(subject, label, colour, explanation, user=None):
    return actions.do_report_status(
        subject,
        period=Period.parse(label),
        colour=colour,
        explanation=explanation,
        acting_user=user,
    )


def codes(items):
    return [item.code for item in items]


class DetailTestCase(PersonaTestCase):
    """Organisation A's cascade with links to B's and to confidential work."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        a, b = cls.organisation_a, cls.organisation_b
        cls.today = timezone.localdate()
        cls.responsible = make_person(
            first_name="Ann", last_name="Peeters", email="ann.peeters@example.org"
        )

        cls.objective = make_objective(
            lead_organisation=a,
            organisations=[b],
            code="SD 3",
            title="Safe and smooth traffic",
            description="Fewer accidents on every road.",
            responsible=cls.responsible,
        )
        cls.child = make_objective(
            lead_organisation=a,
            level=Objective.Level.OPERATIONAL,
            parent=cls.objective,
            code="OD 3.1",
            title="Fewer road deaths",
        )
        cls.confidential_child = make_objective(
            lead_organisation=a,
            level=Objective.Level.OPERATIONAL,
            parent=cls.objective,
            code="OD 3.9",
            title="Secret child",
            confidentiality=CONFIDENTIAL,
        )
        cls.foreign_objective = make_objective(
            lead_organisation=b, code="SD 7", title="Clean air in B"
        )
        cls.helper = make_objective(lead_organisation=a, code="SD 4", title="Helper")
        actions.do_link(cls.helper, "contributes_to", cls.objective, acting_user=None)
        actions.do_link(
            cls.objective, "contributes_to", cls.plan_objective, acting_user=None
        )
        actions.do_link(
            cls.foreign_objective, "contributes_to", cls.objective, acting_user=None
        )

        cls.project = make_project(
            lead_organisation=a,
            code="PR 1",
            title="Section speed checks",
            start_date=datetime.date(2025, 1, 1),
            end_date=datetime.date(2027, 6, 30),
            members=[cls.responsible, make_person(first_name="Bo", last_name="Claes")],
        )
        cls.foreign_project = make_project(
            lead_organisation=b, code="PR 8", title="Foreign project"
        )
        cls.confidential_project = make_project(
            lead_organisation=a,
            code="PR 9",
            title="Confidential project",
            confidentiality=CONFIDENTIAL,
        )
        for project in (cls.project, cls.foreign_project, cls.confidential_project):
            actions.do_link(cls.objective, "projects", project, acting_user=None)

        cls.process = make_process(
            lead_organisation=a,
            code="PC 1",
            title="Managing traffic signs",
            valid_from=datetime.date(2020, 1, 1),
            is_imported=True,
        )
        actions.do_link(cls.objective, "processes", cls.process, acting_user=None)
        cls.indicator = make_indicator(
            lead_organisation=a,
            code="IN 1",
            title="Road deaths per year",
            unit="deaths",
            source="Statbel",
            calculation_method="Deaths within 30 days.",
            direction="down",
            baseline_value=Decimal("340"),
            baseline_year=2019,
            responsible=cls.responsible,
        )
        actions.do_link(cls.objective, "indicators", cls.indicator, acting_user=None)

        cls.lens = make_lens(
            name="Coalition agreement",
            kind=Lens.Kind.COALITION_AGREEMENT,
            objectives=[cls.objective],
        )
        make_lens(
            name="Business plan B",
            kind=Lens.Kind.BUSINESS_PLAN,
            organisation=b,
            objectives=[cls.objective],
        )

        report(cls.objective, "2025-Q1", Colour.GREEN, "On schedule.")
        report(cls.objective, "2025-Q2", Colour.ORANGE, "Tender late.", cls.admin_a)
        report(cls.objective, "2025-Q2", Colour.RED, "Tender failed.", cls.admin_a)
        report(cls.project, "2025", Colour.GREEN, "Going well.")
        report(cls.foreign_project, "2025", Colour.RED, "Stuck.")

    def get(self, component, user=None, english=True):
        self.client.force_login(user or self.reader_a)
        if english:
            self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return self.client.get(component.get_absolute_url())


class ObjectiveDetailTests(DetailTestCase):
    def test_objective_shows_kind_code_title_and_latest_status(self):
        response = self.get(self.objective)

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, '<p class="kind">Objective · strategic</p>')
        self.assertContains(
            response,
            '<h1><span class="code">SD 3</span> Safe and smooth traffic</h1>',
            html=True,
        )
        self.assertEqual(
            response.context["latest_status"].explanation, "Tender failed."
        )
        self.assertContains(
            response,
            '<span class="status status-red"><span class="dot" aria-hidden="true">'
            '</span>off track</span><span class="status-explanation">Tender failed.'
            "</span>",
        )
        self.assertContains(response, 'Latest status <span class="period-tag">2025-Q2')

    def test_objective_fields_are_written_for_people(self):
        response = self.get(self.objective)

        self.assertEqual(
            [(str(row["label"]), row["value"]) for row in response.context["fields"]],
            [
                ("responsible person", self.responsible),
                ("level", "strategic"),
                ("legislature", self.objective.legislature),
                ("structure element", None),
                ("confidentiality", "internal"),
                ("reporting frequency", "quarterly"),
            ],
        )
        self.assertContains(response, "Ann Peeters")
        self.assertContains(
            response,
            '<a class="small" href="mailto:ann.peeters@example.org">'
            "ann.peeters@example.org</a>",
        )
        self.assertContains(response, '<span class="empty" title="not filled in">—')
        self.assertContains(response, "Fewer accidents on every road.")

    def test_organisations_are_listed_with_the_lead_marked(self):
        response = self.get(self.objective)

        self.assertEqual(
            [o.name for o in response.context["organisations"]],
            ["Department A", "Department B"],
        )
        self.assertContains(
            response,
            '<a href="/organisations/OVO000001/">Department A</a> '
            '<span class="tag">lead</span>',
        )

    def test_reader_sees_visible_links_in_both_directions(self):
        response = self.get(self.objective)

        context = response.context
        self.assertIsNone(context["parent"])
        self.assertEqual(codes(context["children"]), ["OD 3.1"])
        self.assertEqual(codes(context["contributes_to"]), ["SD 1"])
        self.assertEqual(codes(context["contributions_from"]), ["SD 4"])
        self.assertEqual(codes(context["projects"]), ["PR 1"])
        self.assertEqual(codes(context["processes"]), ["PC 1"])
        self.assertEqual(codes(context["indicators"]), ["IN 1"])
        self.assertEqual(context["projects"][0].status_colour, "green")

    def test_links_the_reader_may_not_see_are_not_listed(self):
        response = self.get(self.objective)

        for hidden in (
            "Secret child",
            "Clean air in B",
            "Foreign project",
            "Confidential project",
        ):
            self.assertNotContains(response, hidden)

    def test_administrator_also_sees_confidential_links(self):
        response = self.get(self.objective, self.admin_a)

        self.assertEqual(codes(response.context["children"]), ["OD 3.1", "OD 3.9"])
        self.assertEqual(codes(response.context["projects"]), ["PR 1", "PR 9"])

    def test_operational_objective_shows_its_parent_with_status(self):
        response = self.get(self.child)

        self.assertEqual(response.context["parent"].pk, self.objective.pk)
        self.assertEqual(response.context["parent"].status_colour, "red")
        self.assertContains(response, "Part of")
        self.assertContains(response, self.objective.get_absolute_url())

    def test_objective_names_only_the_lenses_the_reader_may_see(self):
        response = self.get(self.objective)

        self.assertEqual(
            [lens.name for lens in response.context["lenses"]],
            ["Coalition agreement"],
        )
        self.assertContains(response, "Coalition agreement · government-wide")
        self.assertNotContains(response, "Business plan B")

    def test_reader_of_the_lens_organisation_sees_that_lens_too(self):
        response = self.get(self.objective, self.reader_b)

        self.assertEqual(
            [lens.name for lens in response.context["lenses"]],
            ["Business plan B", "Coalition agreement"],
        )


class StatusHistoryTests(DetailTestCase):
    def test_timeline_is_newest_first_with_corrections_folded(self):
        response = self.get(self.objective)

        periods = response.context["status_periods"]
        self.assertEqual(
            [
                (
                    entry["report"].period.label,
                    entry["report"].explanation,
                    [earlier.explanation for earlier in entry["earlier"]],
                )
                for entry in periods
            ],
            [
                ("2025-Q2", "Tender failed.", ["Tender late."]),
                ("2025-Q1", "On schedule.", []),
            ],
        )
        self.assertContains(response, '<details class="corrections">', count=1)
        self.assertContains(response, "1 earlier report for this period")

    def test_timeline_names_author_or_system(self):
        response = self.get(self.objective)

        self.assertContains(response, "Reported by admin_a on ", count=3)
        self.assertContains(response, "Reported by the system on ", count=1)

    def test_older_periods_are_folded_after_six(self):
        for month in range(1, 9):
            report(self.process, f"2024-{month:02d}", Colour.GREEN, f"Month {month}.")

        response = self.get(self.process)

        self.assertEqual(len(response.context["status_periods"]), 8)
        self.assertContains(response, "2 earlier periods")
        self.assertContains(response, '<details class="earlier-periods">')

    def test_component_without_status_says_so(self):
        response = self.get(self.process)

        self.assertIsNone(response.context["latest_status"])
        self.assertContains(response, "no status")
        self.assertContains(response, "No status reported yet.", count=2)


class ChangeHistoryTests(DetailTestCase):
    def test_changes_name_who_when_and_each_field_by_its_label(self):
        actions.do_update_component(
            self.objective,
            acting_user=self.admin_a,
            title="Safe traffic",
            confidentiality=Confidentiality.PUBLIC,
        )

        response = self.get(self.objective)

        latest = response.context["changes"][0]
        self.assertEqual(latest["change"].actor, self.admin_a)
        self.assertEqual(
            [
                (str(field["label"]), str(field["old"]), str(field["new"]))
                for field in latest["fields"]
            ],
            [
                ("confidentiality", "internal", "public"),
                ("title", "Safe and smooth traffic", "Safe traffic"),
            ],
        )
        self.assertContains(response, "<strong>Updated</strong> · admin_a · ")
        self.assertContains(
            response,
            "<dt>Title</dt>\n                <dd>Safe and smooth traffic "
            '<span aria-hidden="true">→</span>',
        )

    def test_dates_in_the_history_are_written_in_dutch(self):
        actions.do_update_component(
            self.project, acting_user=None, end_date=datetime.date(2027, 12, 31)
        )

        response = self.get(self.project, english=False)

        fields = response.context["changes"][0]["fields"]
        self.assertEqual(
            [(field["old"], field["new"]) for field in fields],
            [("30 juni 2027", "31 december 2027")],
        )
        self.assertContains(response, "systeem")

    def test_links_recorded_on_the_target_are_labelled_by_model(self):
        response = self.get(self.project)

        linked = [
            entry
            for entry in response.context["changes"]
            if entry["change"].kind == "linked"
        ]
        self.assertEqual(
            [
                (str(f["label"]), f["old"], f["new"])
                for entry in linked
                for f in entry["fields"]
            ],
            [("objective", None, "SD 3 Safe and smooth traffic")],
        )

    def linked_names(self, response):
        return [
            str(field["new"])
            for entry in response.context["changes"]
            if entry["change"].kind == "linked"
            for field in entry["fields"]
        ]

    def test_history_withholds_linked_components_the_reader_may_not_see(self):
        response = self.get(self.objective)

        self.assertEqual(
            sorted(self.linked_names(response)),
            [
                "IN 1 Road deaths per year",
                "PC 1 Managing traffic signs",
                "PR 1 Section speed checks",
                "SD 1 Safe and smooth mobility",
                "SD 4 Helper",
                "a component not shown here",
                "a component not shown here",
                "a component not shown here",
            ],
        )
        self.assertNotContains(response, "Clean air in B")

    def test_history_names_linked_components_the_reader_may_see(self):
        response = self.get(self.objective, self.reader_b)

        self.assertIn("SD 7 Clean air in B", self.linked_names(response))
        self.assertIn("PR 8 Foreign project", self.linked_names(response))


class ProjectDetailTests(DetailTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        day = datetime.timedelta(days=1)
        cls.late = make_milestone(
            cls.project,
            code="M1",
            title="Tender awarded",
            due_date=cls.today - 30 * day,
            assignee=cls.responsible,
        )
        cls.done = make_milestone(
            cls.project,
            code="M2",
            title="Pilot started",
            due_date=cls.today - 20 * day,
            completed_on=cls.today - 25 * day,
        )
        cls.next = make_milestone(
            cls.project, code="M3", title="Evaluation", due_date=cls.today + 60 * day
        )
        report(cls.done, "2025", Colour.BLUE, "Done early.")
        programme = make_programme(
            lead_organisation=cls.organisation_a, code="PG 1", title="Cycling"
        )
        actions.do_link(programme, "projects", cls.project, acting_user=None)

    def test_project_shows_fields_links_and_members(self):
        response = self.get(self.project, english=False)

        context = response.context
        self.assertEqual(codes(context["objectives"]), ["SD 3"])
        self.assertEqual(codes(context["programmes"]), ["PG 1"])
        self.assertEqual(
            [member.full_name for member in context["members"]],
            ["Bo Claes", "Ann Peeters"],
        )
        self.assertContains(response, "<dd>1 januari 2025\n</dd>", html=False)
        self.assertContains(response, "<dd>30 juni 2027\n</dd>", html=False)
        self.assertContains(response, "2025")

    def test_milestones_are_listed_with_due_date_assignee_and_status(self):
        response = self.get(self.project, english=False)

        self.assertEqual(
            [
                (m.code, m.is_overdue, m.status_colour)
                for m in response.context["milestones"]
            ],
            [("M1", True, None), ("M2", False, "blue"), ("M3", False, None)],
        )
        self.assertContains(response, "Ann Peeters</td>")
        late = self.late.due_date
        self.assertContains(
            response,
            f'{late.day} {_dutch_month(late)} {late.year}<br><strong class="overdue">',
        )
        self.assertContains(response, '<tr class="is-overdue">', count=1)

    def test_milestone_progress_is_counted(self):
        response = self.get(self.project)

        self.assertEqual(
            response.context["milestone_progress"],
            {"total": 3, "completed": 1, "overdue": 1},
        )
        self.assertContains(response, "1 of 3 milestones completed")
        self.assertContains(response, '<strong class="overdue">1 overdue</strong>')
        self.assertContains(response, '<progress value="1" max="3" aria-hidden="true">')


class MilestoneDetailTests(DetailTestCase):
    def test_milestone_shows_its_project_assignee_and_timeline(self):
        milestone = make_milestone(
            self.project,
            code="M1",
            title="Tender awarded",
            due_date=datetime.date(2025, 3, 31),
            assignee=self.responsible,
        )
        actions.do_update_milestone(
            milestone,
            period=Period.parse("2025-Q1"),
            colour=Colour.BLUE,
            explanation="Awarded.",
            completed_on=datetime.date(2025, 3, 20),
            acting_user=self.contributor_a,
        )

        response = self.get(milestone, english=False)

        self.assertEqual(response.context["project"].pk, self.project.pk)
        self.assertEqual(response.context["project"].status_colour, "green")
        self.assertEqual(
            [(str(row["label"]), row["value"]) for row in response.context["fields"]],
            [
                ("toegewezen aan", self.responsible),
                ("vervaldatum", datetime.date(2025, 3, 31)),
                ("afgerond op", datetime.date(2025, 3, 20)),
                ("rapporteringsfrequentie", "per kwartaal"),
            ],
        )
        self.assertContains(response, "31 maart 2025")
        self.assertEqual(response.context["latest_status"].explanation, "Awarded.")

    def test_project_the_reader_may_not_see_is_not_shown(self):
        milestone = make_milestone(
            self.foreign_project, title="Shared step", assignee=self.reader_a.person
        )

        response = self.get(milestone)

        self.assertEqual(response.status_code, 200)
        self.assertIsNone(response.context["project"])
        self.assertNotContains(response, "Foreign project")


class ProcessDetailTests(DetailTestCase):
    def test_process_shows_validity_register_note_and_objectives(self):
        response = self.get(self.process, english=False)

        fields = {row["name"]: row["value"] for row in response.context["fields"]}
        self.assertEqual(fields["valid_from"], datetime.date(2020, 1, 1))
        self.assertIsNone(fields["valid_until"])
        self.assertIs(fields["is_imported"], True)
        self.assertContains(response, "1 januari 2020")
        self.assertEqual(codes(response.context["objectives"]), ["SD 3"])

    def test_process_from_the_register_says_so(self):
        response = self.get(self.process)

        self.assertContains(response, "From the process register")
        self.assertContains(response, "<dt>From the process register</dt>")
        self.assertContains(response, "<dd>yes</dd>", html=True)


class ProgrammeDetailTests(DetailTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.programme = make_programme(
            lead_organisation=cls.organisation_a,
            code="PG 2",
            title="Cycling Flanders",
            is_government_wide=True,
        )
        colours = [Colour.GREEN, Colour.GREEN, Colour.RED, None, Colour.BLUE]
        for number, colour in enumerate(colours):
            project = make_project(
                lead_organisation=cls.organisation_a, code=f"PR 2{number}"
            )
            if colour:
                report(project, "2025", colour, "Reported.")
            actions.do_link(cls.programme, "projects", project, acting_user=None)
        for project in (cls.foreign_project, cls.confidential_project):
            actions.do_link(cls.programme, "projects", project, acting_user=None)

    def test_programme_counts_visible_projects_per_colour(self):
        response = self.get(self.programme)

        self.assertEqual(
            [(c["colour"], c["count"]) for c in response.context["colour_counts"]],
            [
                ("green", 2),
                ("orange", 0),
                ("red", 1),
                ("grey", 0),
                ("blue", 1),
                (None, 1),
            ],
        )
        self.assertEqual(
            codes(response.context["projects"]),
            ["PR 20", "PR 21", "PR 22", "PR 23", "PR 24"],
        )
        self.assertNotContains(response, "Foreign project")
        self.assertNotContains(response, "Confidential project")

    def test_administrator_counts_the_confidential_project_too(self):
        response = self.get(self.programme, self.admin_a)

        counts = {c["colour"]: c["count"] for c in response.context["colour_counts"]}
        self.assertEqual(counts[None], 2)

    def test_programme_says_it_is_government_wide(self):
        response = self.get(self.programme)

        self.assertContains(response, "<dt>Government-wide</dt>")
        self.assertContains(response, "A government-wide programme")

    def test_reader_of_another_organisation_follows_a_government_wide_programme(
        self,
    ):
        response = self.get(self.programme, self.reader_b)

        self.assertEqual(response.status_code, 200)
        self.assertEqual(codes(response.context["projects"]), ["PR 8"])


class IndicatorDetailTests(DetailTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for year, value in ((2019, "340"), (2020, "322.5"), (2021, "1310")):
            actions.do_record_measurement(
                cls.indicator,
                period=Period.parse(str(year)),
                value=Decimal(value),
                note="Provisional." if year == 2021 else "",
                acting_user=cls.contributor_a,
            )
        for year, value in ((2021, "300"), (2029, "150")):
            period = Period.parse(str(year))
            Target.objects.create(
                indicator=cls.indicator,
                period_start=period.start,
                period_end=period.end,
                value=Decimal(value),
            )

    def svg(self, response):
        match = re.search(r"<svg .*?</svg>", response.content.decode(), re.S)
        return ET.fromstring(match.group(0))

    def test_indicator_shows_its_metadata(self):
        response = self.get(self.indicator)

        self.assertEqual(
            [(row["name"], str(row["value"])) for row in response.context["fields"]],
            [
                ("responsible", "Ann Peeters"),
                ("kind", "effect indicator"),
                ("unit", "deaths"),
                ("source", "Statbel"),
                ("calculation_method", "Deaths within 30 days."),
                ("direction", "lower is better"),
                ("confidentiality", "internal"),
                ("reporting_frequency", "quarterly"),
                ("baseline", "340 (2019)"),
            ],
        )
        self.assertEqual(codes(response.context["objectives"]), ["SD 3"])

    def test_measurements_and_targets_are_tabled_per_period(self):
        response = self.get(self.indicator, english=False)

        self.assertEqual(
            [
                (row["period"].label, row["measurement"], row["target"], row["note"])
                for row in response.context["series"]
            ],
            [
                ("2019", "340", None, ""),
                ("2020", "322,5", None, ""),
                ("2021", "1.310", "300", "Provisional."),
                ("2029", None, "150", ""),
            ],
        )
        self.assertContains(response, '<p class="big-number">1.310 <span class="unit">')

    def test_indicator_page_draws_the_chart_with_a_point_per_measurement(self):
        response = self.get(self.indicator)

        svg = self.svg(response)
        self.assertEqual(svg.get("role"), "img")
        self.assertEqual(svg.find(f"{SVG}title").text, "IN 1 Road deaths per year")
        circles = [c for c in svg.iter(f"{SVG}circle") if "point" in c.get("class", "")]
        squares = [r for r in svg.iter(f"{SVG}rect") if "point" in r.get("class", "")]
        self.assertEqual((len(circles), len(squares)), (3, 2))
        self.assertTrue(svg.find(f"{SVG}desc").text.endswith("Lower is better."))

    def test_indicator_without_measurements_still_shows_a_chart(self):
        indicator = make_indicator(lead_organisation=self.organisation_a)

        response = self.get(indicator)

        self.assertIsNone(response.context["latest_measurement"])
        self.assertEqual(response.context["series"], [])
        self.assertEqual(
            self.svg(response).find(f"{SVG}desc").text,
            "No measurements or targets yet.",
        )

    def test_measurement_of_a_foreign_indicator_is_never_shown(self):
        foreign = make_indicator(lead_organisation=self.organisation_b)
        actions.do_record_measurement(
            foreign,
            period=Period.parse("2020"),
            value=Decimal("999"),
            note="",
            acting_user=None,
        )

        response = self.get(foreign)

        self.assertEqual(response.status_code, 404)
        self.assertEqual(Measurement.objects.filter(indicator=foreign).count(), 1)


class ForeignComponentTests(DetailTestCase):
    def test_every_component_type_of_another_organisation_is_not_found(self):
        b = self.organisation_b
        project = make_project(lead_organisation=b)
        components = [
            self.foreign_objective,
            project,
            make_milestone(project),
            make_process(lead_organisation=b),
            make_programme(lead_organisation=b),
            make_indicator(lead_organisation=b),
        ]

        for component in components:
            with self.subTest(component=type(component).__name__):
                response = self.get(component)
                self.assertEqual(response.status_code, 404)

    def test_confidential_component_is_not_found_for_reader(self):
        response = self.get(self.confidential_project)

        self.assertEqual(response.status_code, 404)


class DetailQueryCountTests(DetailTestCase):
    """Each page type runs a pinned number of queries, whatever it shows."""

    # Session, user and the entity switch of base.html are three of each;
    # the managing actions' permission checks two more (the roles and the
    # grants), three on a milestone (its own grants and its project's). The
    # linked components of every section of a page come in one query (was
    # one per component type: objective 14, project 13). An objective's
    # contradictions take three more (its projects, their late milestones,
    # its indicators); the other roll-ups and contradictions come from the
    # sections already read. An objective's successions across legislatures
    # take one more.
    QUERIES = {
        "objective": 15,
        "project": 12,
        "milestone": 11,
        "process": 10,
        "programme": 10,
        "indicator": 11,
    }

    def assert_constant(self, component, grow):
        self.client.force_login(self.reader_a)
        url = component.get_absolute_url()
        expected = self.QUERIES[component._meta.model_name]
        with self.assertNumQueries(expected):
            self.client.get(url)

        grow()

        with self.assertNumQueries(expected):
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return response

    def test_objective_page(self):
        def grow():
            for number in range(3):
                child = make_objective(
                    lead_organisation=self.organisation_a,
                    level=Objective.Level.OPERATIONAL,
                    parent=self.objective,
                    responsible=make_person(),
                )
                actions.do_link(
                    child, "contributes_to", self.objective, acting_user=None
                )
                for field, maker in (
                    ("projects", make_project),
                    ("processes", make_process),
                    ("indicators", make_indicator),
                ):
                    actions.do_link(
                        self.objective,
                        field,
                        maker(lead_organisation=self.organisation_a),
                        acting_user=None,
                    )
                make_lens(name=f"Lens {number}", objectives=[self.objective])
                report(self.objective, f"2024-Q{number + 1}", Colour.GREEN, "Fine.")

        response = self.assert_constant(self.objective, grow)
        self.assertEqual(len(response.context["children"]), 4)
        self.assertEqual(len(response.context["projects"]), 4)
        self.assertEqual(len(response.context["lenses"]), 4)

    def test_project_page(self):
        def grow():
            for number in range(4):
                milestone = make_milestone(self.project, assignee=make_person())
                report(milestone, "2025", Colour.GREEN, "Fine.")
                report(self.project, f"2020-Q{number + 1}", Colour.GREEN, "Fine.")
                objective = make_objective(lead_organisation=self.organisation_a)
                actions.do_link(objective, "projects", self.project, acting_user=None)
                programme = make_programme(lead_organisation=self.organisation_a)
                actions.do_link(programme, "projects", self.project, acting_user=None)
            actions.do_set_project_members(
                self.project, [make_person() for _ in range(3)], acting_user=None
            )

        response = self.assert_constant(self.project, grow)
        self.assertEqual(len(response.context["milestones"]), 4)
        self.assertEqual(len(response.context["members"]), 3)

    def test_milestone_page(self):
        milestone = make_milestone(self.project, assignee=self.responsible)

        def grow():
            for number in range(4):
                report(milestone, f"2025-Q{number + 1}", Colour.GREEN, "Fine.")
                actions.do_update_component(
                    milestone, acting_user=self.admin_a, title=f"Step {number}"
                )

        response = self.assert_constant(milestone, grow)
        self.assertEqual(len(response.context["status_periods"]), 4)

    def test_process_page(self):
        def grow():
            for number in range(4):
                objective = make_objective(lead_organisation=self.organisation_a)
                actions.do_link(objective, "processes", self.process, acting_user=None)
                report(self.process, f"2025-Q{number + 1}", Colour.GREEN, "Fine.")

        response = self.assert_constant(self.process, grow)
        self.assertEqual(len(response.context["objectives"]), 5)

    def test_programme_page(self):
        programme = make_programme(lead_organisation=self.organisation_a)

        def grow():
            for number in range(4):
                project = make_project(lead_organisation=self.organisation_a)
                report(project, "2025", Colour.RED, "Late.")
                actions.do_link(programme, "projects", project, acting_user=None)
                report(programme, f"2025-Q{number + 1}", Colour.GREEN, "Fine.")

        response = self.assert_constant(programme, grow)
        self.assertEqual(response.context["colour_counts"][2]["count"], 4)

    def test_indicator_page(self):
        def grow():
            for year in range(2010, 2016):
                actions.do_record_measurement(
                    self.indicator,
                    period=Period.parse(str(year)),
                    value=Decimal(year),
                    note="",
                    acting_user=None,
                )
                period = Period.parse(str(year + 20))
                Target.objects.create(
                    indicator=self.indicator,
                    period_start=period.start,
                    period_end=period.end,
                    value=Decimal(year),
                )
            objective = make_objective(lead_organisation=self.organisation_a)
            actions.do_link(objective, "indicators", self.indicator, acting_user=None)

        response = self.assert_constant(self.indicator, grow)
        self.assertEqual(len(response.context["series"]), 12)


DUTCH_MONTHS = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]


def _dutch_month(day):
    return DUTCH_MONTHS[day.month - 1]
