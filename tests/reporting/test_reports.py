import datetime
import shutil
import tempfile
from decimal import Decimal
from unittest import mock

from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from objectives import actions
from objectives.models import Confidentiality, Lens, Objective, StatusReport
from objectives.periods import Period
from reporting import tasks
from reporting.models import ReportJob
from reporting.reports import ReportUnavailable, build_report
from tests.eager import eager_tasks
from tests.factories import (
    make_indicator,
    make_lens,
    make_lens_entry,
    make_milestone,
    make_objective,
    make_process,
    make_project,
)
from tests.personas import PersonaTestCase

TODAY = datetime.date(2026, 1, 15)
Colour = StatusReport.Colour
Status = ReportJob.Status


def report_status(subject, label, colour, explanation):
    return actions.do_report_status(
        subject,
        period=Period.parse(label),
        colour=colour,
        explanation=explanation,
        acting_user=None,
    )


def measure(indicator, label, value):
    return actions.do_record_measurement(
        indicator,
        period=Period.parse(label),
        value=Decimal(value),
        note="",
        acting_user=None,
    )


def set_target(indicator, label, value):
    period = Period.parse(label)
    return indicator.targets.create(
        period_start=period.start, period_end=period.end, value=Decimal(value)
    )


def link(objective, field_name, target):
    actions.do_link(objective, field_name, target, acting_user=None)


class ReportDataTestCase(PersonaTestCase):
    """A cascade of entity A: SD 1 > OD 1.1 with a project, a process and an
    indicator, next to a confidential project and indicator of A and a
    project of entity B linked to the same objective."""

    def setUp(self):
        super().setUp()
        # The reports speak the language of the request; tests read English.
        self.enterContext(translation.override("en"))
        # Jobs render in-process, with Redis configured or not.
        self.enterContext(eager_tasks())

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        a, b = cls.organisation_a, cls.organisation_b
        cls.operational = make_objective(
            lead_organisation=a,
            code="OD 1.1",
            title="Fewer road deaths",
            level=Objective.Level.OPERATIONAL,
            parent=cls.plan_objective,
        )
        cls.project = make_project(
            lead_organisation=a,
            code="PR 1",
            title="Section speed checks",
            start_date=datetime.date(2025, 1, 1),
            end_date=datetime.date(2027, 12, 31),
            responsible=cls.contributor_a.person,
        )
        cls.late = make_milestone(
            cls.project,
            code="M1",
            title="Cameras ordered",
            due_date=datetime.date(2025, 12, 31),
        )
        cls.completed = make_milestone(
            cls.project,
            code="M2",
            title="Sites chosen",
            due_date=datetime.date(2025, 6, 30),
            completed_on=datetime.date(2025, 6, 20),
        )
        cls.upcoming = make_milestone(
            cls.project,
            code="M3",
            title="Cameras switched on",
            due_date=datetime.date(2026, 6, 30),
        )
        report_status(cls.late, "2025-Q4", Colour.RED, "Supplier went bankrupt")
        report_status(cls.project, "2025-Q3", Colour.ORANGE, "Procurement is late")
        report_status(cls.project, "2025-Q4", Colour.GREEN, "Back on track")
        report_status(cls.plan_objective, "2025", Colour.GREEN, "Fewer deaths")
        report_status(cls.operational, "2025-Q3", Colour.RED, "Bad summer")
        report_status(cls.operational, "2025-Q4", Colour.ORANGE, "Improving")

        cls.process = make_process(
            lead_organisation=a, code="PC 1", title="Managing traffic signs"
        )
        cls.indicator = make_indicator(
            lead_organisation=a,
            code="IN 1",
            title="Road deaths per year",
            unit="deaths",
            baseline_value=Decimal(300),
            baseline_year=2019,
        )
        measure(cls.indicator, "2024", "280")
        measure(cls.indicator, "2025", "262.5")
        set_target(cls.indicator, "2025", "250")
        set_target(cls.indicator, "2029", "150")

        cls.secret_project = make_project(
            lead_organisation=a,
            code="PR 9",
            title="Secret restructuring",
            confidentiality=Confidentiality.CONFIDENTIAL,
        )
        cls.secret_indicator = make_indicator(
            lead_organisation=a,
            code="IN 9",
            title="Secret staff count",
            confidentiality=Confidentiality.CONFIDENTIAL,
        )
        cls.foreign_project = make_project(
            lead_organisation=b, code="PR 50", title="Foreign bridge works"
        )
        for field_name, target in [
            ("projects", cls.project),
            ("projects", cls.secret_project),
            ("projects", cls.foreign_project),
            ("processes", cls.process),
            ("indicators", cls.indicator),
            ("indicators", cls.secret_indicator),
        ]:
            link(cls.operational, field_name, target)
        link(cls.plan_objective, "indicators", cls.indicator)


def cells(section):
    return [row.cells for row in section.table.rows]


def status(colour, explanation=""):
    return {"colour": colour, "explanation": explanation}


class ProjectReportTests(ReportDataTestCase):
    def build(self, user, project=None):
        project = project or self.project
        return build_report(user, "project", {"id": str(project.public_id)}, TODAY)

    def test_project_report_lists_milestones_with_status_and_overdue_flags(self):
        report = self.build(self.reader_a)

        self.assertEqual(
            [section.key for section in report.sections],
            ["project", "milestones", "status-history"],
        )
        self.assertEqual(
            cells(report.sections[1]),
            [
                [
                    "M2",
                    "Sites chosen",
                    datetime.date(2025, 6, 30),
                    datetime.date(2025, 6, 20),
                    "",
                    status(None),
                    "",
                    False,
                ],
                [
                    "M1",
                    "Cameras ordered",
                    datetime.date(2025, 12, 31),
                    None,
                    "",
                    status("red", "Supplier went bankrupt"),
                    "Supplier went bankrupt",
                    True,
                ],
                [
                    "M3",
                    "Cameras switched on",
                    datetime.date(2026, 6, 30),
                    None,
                    "",
                    status(None),
                    "",
                    False,
                ],
            ],
        )

    def test_project_facts_give_the_latest_status_and_milestone_counts(self):
        facts = {
            str(fact.label): fact.value
            for fact in self.build(self.reader_a).sections[0].facts
        }

        self.assertEqual(facts["Title"], "Section speed checks")
        self.assertEqual(facts["Responsible person"], "Contributor A")
        self.assertEqual(facts["Status"], status("green", "Back on track"))
        self.assertEqual(facts["Realises"], "OD 1.1 Fewer road deaths")
        self.assertEqual(
            (
                facts["Milestones"],
                facts["Milestones completed"],
                facts["Milestones overdue"],
            ),
            (3, 1, 1),
        )
        self.assertEqual(facts["Start date"], datetime.date(2025, 1, 1))

    def test_status_history_is_listed_newest_first(self):
        history = cells(self.build(self.reader_a).sections[2])

        self.assertEqual(
            [(row[0], row[2]["colour"], row[3]) for row in history],
            [
                ("2025-Q4", "green", "Back on track"),
                ("2025-Q3", "orange", "Procurement is late"),
            ],
        )

    def test_a_reader_of_another_entity_gets_no_report(self):
        with self.assertRaises(ReportUnavailable):
            self.build(self.reader_b)

    def test_a_confidential_project_is_reported_to_administrators_only(self):
        with self.assertRaises(ReportUnavailable):
            self.build(self.reader_a, self.secret_project)

        report = self.build(self.admin_a, self.secret_project)

        self.assertEqual(report.title, "PR 9 Secret restructuring")

    def test_queries_do_not_grow_with_the_milestones(self):
        with self.assertNumQueries(5):
            self.build(self.reader_a)
        for number in range(10, 30):
            milestone = make_milestone(self.project, code=f"M{number}")
            report_status(milestone, "2025-Q4", Colour.GREEN, "Fine")
            report_status(self.project, f"2024-{number % 12 + 1:02d}", Colour.GREY, "-")

        with self.assertNumQueries(5):
            report = self.build(self.reader_a)
        self.assertEqual(len(report.sections[1].table.rows), 23)


class IndicatorReportTests(ReportDataTestCase):
    def build(self, user, indicator=None):
        indicator = indicator or self.indicator
        return build_report(user, "indicator", {"id": str(indicator.public_id)}, TODAY)

    def test_indicator_report_puts_measurements_beside_targets(self):
        series = self.build(self.reader_a).sections[1]

        self.assertEqual(
            cells(series),
            [
                [
                    "2024",
                    datetime.date(2024, 1, 1),
                    datetime.date(2024, 12, 31),
                    Decimal("280"),
                    None,
                    None,
                    "",
                ],
                [
                    "2025",
                    datetime.date(2025, 1, 1),
                    datetime.date(2025, 12, 31),
                    Decimal("262.5"),
                    Decimal("250"),
                    Decimal("12.5"),
                    "",
                ],
                [
                    "2029",
                    datetime.date(2029, 1, 1),
                    datetime.date(2029, 12, 31),
                    None,
                    Decimal("150"),
                    None,
                    "",
                ],
            ],
        )

    def test_indicator_report_carries_the_chart_of_the_series(self):
        chart = self.build(self.reader_a).sections[1].charts[0]

        self.assertEqual(chart.title, "IN 1 Road deaths per year")
        self.assertTrue(chart.svg.startswith("<svg"))
        self.assertIn("Measurements from 2024 to 2025", chart.svg)
        self.assertEqual(chart.svg.count('class="point measurement"'), 2)

    def test_the_indicator_lists_only_the_objectives_the_user_may_see(self):
        facts = {
            str(f.label): f.value for f in self.build(self.reader_a).sections[0].facts
        }

        self.assertEqual(
            facts["Measures"], "SD 1 Safe and smooth mobility; OD 1.1 Fewer road deaths"
        )

    def test_a_confidential_indicator_is_unavailable_to_a_reader(self):
        with self.assertRaises(ReportUnavailable):
            self.build(self.reader_a, self.secret_indicator)

    def test_queries_do_not_grow_with_the_series(self):
        with self.assertNumQueries(4):
            self.build(self.reader_a)
        for year in range(2000, 2020):
            measure(self.indicator, str(year), year - 1700)
            set_target(self.indicator, f"{year}-Q1", "300")

        with self.assertNumQueries(4):
            report = self.build(self.reader_a)
        self.assertEqual(len(report.sections[1].table.rows), 43)


class EntityReportTests(ReportDataTestCase):
    def build(self, user, period="2025-Q4"):
        parameters = {"id": self.organisation_a.ovo_number, "period": period}
        return build_report(user, "entity", parameters, TODAY)

    def test_entity_report_shows_the_cascade_with_the_status_of_the_period(self):
        report = self.build(self.reader_a)

        self.assertEqual((report.subject, report.period), ("Department A", "2025-Q4"))
        self.assertEqual(
            [section.heading for section in report.sections],
            ["Summary", "SD 1 Safe and smooth mobility"],
        )
        self.assertEqual(
            [(row.depth, row.cells[:4]) for row in report.sections[1].table.rows],
            [
                (
                    0,
                    [
                        "Strategic",
                        "SD 1",
                        "Safe and smooth mobility",
                        status("green", "Fewer deaths"),
                    ],
                ),
                (1, ["Indicator", "IN 1", "Road deaths per year", None]),
                (
                    1,
                    [
                        "Operational",
                        "OD 1.1",
                        "Fewer road deaths",
                        status("orange", "Improving"),
                    ],
                ),
                (
                    2,
                    [
                        "Project",
                        "PR 1",
                        "Section speed checks",
                        status("green", "Back on track"),
                    ],
                ),
                (2, ["Process", "PC 1", "Managing traffic signs", status(None)]),
                (2, ["Indicator", "IN 1", "Road deaths per year", None]),
            ],
        )
        self.assertEqual(
            report.sections[1].table.rows[1].cells[4],
            "Latest measurement 2025: 262.5 deaths",
        )

    def test_an_earlier_period_shows_the_status_reported_then(self):
        rows = self.build(self.reader_a, "2025-Q3").sections[1].table.rows

        self.assertEqual(
            [(row.cells[1], row.cells[3]) for row in rows if row.cells[3]],
            [
                ("SD 1", status("green", "Fewer deaths")),
                ("OD 1.1", status("red", "Bad summer")),
                ("PR 1", status("orange", "Procurement is late")),
                ("PC 1", status(None)),
            ],
        )

    def test_confidential_and_foreign_components_are_left_out(self):
        for user, expected in [
            (self.reader_a, {"PR 1"}),
            (self.admin_a, {"PR 1", "PR 9"}),
            (self.global_admin, {"PR 1", "PR 9", "PR 50"}),
        ]:
            with self.subTest(user.username):
                rows = self.build(user).sections[1].table.rows
                projects = {row.cells[1] for row in rows if row.cells[0] == "Project"}
                self.assertEqual(projects, expected)

    def test_another_entity_sees_nothing_of_the_cascade(self):
        report = self.build(self.reader_b)

        self.assertEqual(
            [(s.key, s.table) for s in report.sections[1:]], [("cascade", None)]
        )
        facts = {str(f.label): f.value for f in report.sections[0].facts}
        self.assertEqual((facts["Objectives"], facts["Projects"]), (0, 0))

    def test_queries_do_not_grow_with_the_cascade(self):
        with self.assertNumQueries(7):
            self.build(self.reader_a)
        for number in range(2, 12):
            objective = make_objective(
                lead_organisation=self.organisation_a, code=f"SD {number}"
            )
            report_status(objective, "2025-Q4", Colour.BLUE, "Done")
            child = make_objective(
                lead_organisation=self.organisation_a,
                level=Objective.Level.OPERATIONAL,
                parent=objective,
            )
            link(child, "projects", make_project(lead_organisation=self.organisation_a))
            link(
                child,
                "indicators",
                make_indicator(lead_organisation=self.organisation_a),
            )

        with self.assertNumQueries(7):
            report = self.build(self.reader_a)
        self.assertEqual(len(report.sections), 12)


class LensReportTests(ReportDataTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.foreign_objective = make_objective(
            lead_organisation=cls.organisation_b, code="SD 7", title="Foreign goal"
        )
        cls.lens = make_lens(name="Coalition agreement", organisation=None)
        chapter = make_lens_entry(cls.lens, position=1, heading="Chapter 4 Mobility")
        make_lens_entry(
            cls.lens, position=1, objective=cls.plan_objective, parent=chapter
        )
        make_lens_entry(cls.lens, position=2, objective=cls.operational, parent=chapter)
        make_lens_entry(cls.lens, position=2, objective=cls.foreign_objective)

    def build(self, user):
        return build_report(user, "lens", {"id": str(self.lens.public_id)}, TODAY)

    def test_lens_report_follows_the_numbered_cascade(self):
        report = self.build(self.reader_a)

        self.assertEqual(
            [section.heading for section in report.sections], ["1 Chapter 4 Mobility"]
        )
        self.assertEqual(
            [row.cells[:4] + [row.cells[5]] for row in report.sections[0].table.rows],
            [
                ["1", "Heading", "", "Chapter 4 Mobility", None],
                [
                    "1.1",
                    "Strategic",
                    "SD 1",
                    "Safe and smooth mobility",
                    status("green", "Fewer deaths"),
                ],
                ["", "Indicator", "IN 1", "Road deaths per year", None],
                [
                    "1.2",
                    "Operational",
                    "OD 1.1",
                    "Fewer road deaths",
                    status("orange", "Improving"),
                ],
                [
                    "",
                    "Project",
                    "PR 1",
                    "Section speed checks",
                    status("green", "Back on track"),
                ],
                ["", "Indicator", "IN 1", "Road deaths per year", None],
            ],
        )

    def test_each_indicator_gets_one_chart_per_section(self):
        charts = self.build(self.reader_a).sections[0].charts

        self.assertEqual(
            [chart.title for chart in charts], ["IN 1 Road deaths per year"]
        )

    def test_entries_the_user_may_not_see_are_left_out(self):
        report = self.build(self.reader_b)

        self.assertEqual(
            [section.heading for section in report.sections],
            ["1 Chapter 4 Mobility", "2 SD 7 Foreign goal"],
        )
        self.assertEqual(len(report.sections[0].table.rows), 1)
        self.assertEqual(report.sections[0].charts, [])

    def test_queries_do_not_grow_with_the_lens(self):
        with self.assertNumQueries(8):
            self.build(self.reader_a)
        for position in range(3, 13):
            objective = make_objective(lead_organisation=self.organisation_a)
            link(
                objective,
                "projects",
                make_project(lead_organisation=self.organisation_a),
            )
            indicator = make_indicator(lead_organisation=self.organisation_a)
            measure(indicator, "2025", "1")
            link(objective, "indicators", indicator)
            make_lens_entry(self.lens, position=position, objective=objective)

        with self.assertNumQueries(8):
            report = self.build(self.reader_a)
        self.assertEqual(len(report.sections), 11)
        self.assertEqual(sum(len(s.charts) for s in report.sections), 11)


class PlanReportTests(ReportDataTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.foreign_objective = make_objective(
            lead_organisation=cls.organisation_b, code="SD 7", title="Foreign goal"
        )
        link(cls.foreign_objective, "projects", cls.foreign_project)
        cls.plan = make_lens(
            name="Mobility plan 2",
            kind=Lens.Kind.TRANSVERSAL_PLAN,
            organisation=None,
        )
        make_lens_entry(cls.plan, position=1, objective=cls.operational)
        make_lens_entry(cls.plan, position=2, objective=cls.foreign_objective)

    def build(self, user):
        return build_report(user, "plan", {"id": str(self.plan.public_id)}, TODAY)

    def test_each_entity_shows_its_contributions_projects_and_overdue_milestones(
        self,
    ):
        report = self.build(self.global_admin)

        self.assertEqual(
            [section.heading for section in report.sections],
            ["Department A", "Department B"],
        )
        self.assertEqual(
            [row.cells[:4] + row.cells[6:] for row in report.sections[0].table.rows],
            [
                ["1", "Objective", "OD 1.1", "Fewer road deaths", None, None],
                [
                    "",
                    "Project",
                    "PR 1",
                    "Section speed checks",
                    self.project.end_date,
                    None,
                ],
                [
                    "",
                    "Overdue milestone",
                    "M1",
                    "Cameras ordered",
                    datetime.date(2025, 12, 31),
                    15,
                ],
                ["", "Project", "PR 9", "Secret restructuring", None, None],
                ["", "Project", "PR 50", "Foreign bridge works", None, None],
            ],
        )
        facts = {str(fact.label): fact.value for fact in report.sections[0].facts}
        self.assertEqual(
            facts,
            {
                "Contributions": 1,
                "Projects": 3,
                "Projects off track": 0,
                "Projects at risk": 0,
                "Overdue milestones": 1,
            },
        )
        self.assertEqual(
            [row.cells[2] for row in report.sections[1].table.rows],
            ["SD 7", "PR 50"],
        )

    def test_a_reader_sees_only_their_own_entity_and_nothing_confidential(self):
        report = self.build(self.reader_a)

        self.assertEqual([s.heading for s in report.sections], ["Department A"])
        codes = [row.cells[2] for row in report.sections[0].table.rows]
        self.assertEqual(codes, ["OD 1.1", "PR 1", "M1"])

    def test_it_renders_in_every_format(self):
        from reporting import renderers

        report = self.build(self.reader_a)

        html = renderers.render(report, "html")
        self.assertIn(b"Cameras ordered", html)
        self.assertIn(b"Department A", html)
        self.assertTrue(renderers.render(report, "pdf").startswith(b"%PDF"))
        self.assertTrue(renderers.render(report, "xlsx").startswith(b"PK"))

    def test_queries_do_not_grow_with_the_plan(self):
        with self.assertNumQueries(6):
            self.build(self.reader_a)
        for position in range(3, 13):
            objective = make_objective(lead_organisation=self.organisation_a)
            project = make_project(lead_organisation=self.organisation_a)
            make_milestone(project, due_date=datetime.date(2025, 1, 1))
            link(objective, "projects", project)
            make_lens_entry(self.plan, position=position, objective=objective)

        with self.assertNumQueries(6):
            report = self.build(self.reader_a)
        self.assertEqual(len(report.sections[0].table.rows), 33)


class MediaRootMixin:
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.media_root = tempfile.mkdtemp(prefix="traject-reports-")
        cls.enterClassContext(override_settings(MEDIA_ROOT=cls.media_root))

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(cls.media_root, ignore_errors=True)


class ReportTaskTests(MediaRootMixin, ReportDataTestCase):
    def queue(self, user=None, file_format="xlsx", kind="project", parameters=None):
        return ReportJob.objects.create(
            requested_by=user or self.reader_a,
            kind=kind,
            parameters=parameters or {"id": str(self.project.public_id)},
            format=file_format,
            language="en",
        )

    def test_the_task_renders_the_report_and_keeps_the_file_for_some_days(self):
        job = self.queue()

        self.assertEqual(tasks.render_report_task.apply(args=[job.pk]).get(), "done")

        job.refresh_from_db()
        self.assertEqual((job.status, job.progress, job.error), ("done", 100, ""))
        self.assertEqual(job.title, "PR 1 Section speed checks")
        self.assertEqual(job.expires_at - job.finished_at, datetime.timedelta(days=7))
        self.assertTrue(job.file.name.endswith(f"{job.public_id}.xlsx"))
        with job.file.open("rb") as opened:
            self.assertEqual(opened.read(2), b"PK")

    def test_a_finished_job_is_not_rendered_again(self):
        job = self.queue()
        tasks.perform_job(job.pk)
        job.refresh_from_db()

        with mock.patch("reporting.reports.build_report") as build:
            self.assertEqual(tasks.perform_job(job.pk), "done")

        build.assert_not_called()
        self.assertEqual(ReportJob.objects.get(pk=job.pk).file.name, job.file.name)

    def test_a_job_another_worker_runs_is_left_alone_until_it_is_stale(self):
        job = self.queue()
        ReportJob.objects.filter(pk=job.pk).update(
            status=Status.RUNNING, started_at=timezone.now()
        )

        self.assertEqual(tasks.perform_job(job.pk), "running")

        ReportJob.objects.filter(pk=job.pk).update(
            started_at=timezone.now() - datetime.timedelta(hours=1)
        )
        self.assertEqual(tasks.perform_job(job.pk), "done")

    def test_a_failed_render_says_why_and_can_be_retried(self):
        job = self.queue()
        failing = mock.Mock(side_effect=OSError("disk full"))
        with mock.patch.dict("reporting.renderers.RENDERERS", {"xlsx": failing}):
            self.assertEqual(tasks.perform_job(job.pk), "failed")
        job.refresh_from_db()
        self.assertEqual(
            (job.status, job.error, job.file.name),
            ("failed", "The report could not be made: OSError: disk full", ""),
        )

        with self.captureOnCommitCallbacks(execute=True):
            self.assertTrue(tasks.retry_report(job))

        job.refresh_from_db()
        self.assertEqual((job.status, job.error, job.progress), ("done", "", 100))

    def test_a_report_on_what_the_user_may_no_longer_see_fails_with_the_reason(self):
        job = self.queue(user=self.reader_b)

        tasks.perform_job(job.pk)

        job.refresh_from_db()
        self.assertEqual(
            (job.status, job.error),
            (
                "failed",
                "The subject of this report does not exist or you may not see it.",
            ),
        )

    def test_the_task_writes_progress_as_the_sections_are_rendered(self):
        job = self.queue(file_format="pdf")
        seen = []

        def render(report, progress):
            for share in (0.25, 0.5, 1.0):
                progress(share)
                seen.append(ReportJob.objects.get(pk=job.pk).progress)
            return b"%PDF-1.7"

        with mock.patch.dict("reporting.renderers.RENDERERS", {"pdf": render}):
            tasks.perform_job(job.pk)

        self.assertEqual(seen, [31, 52, 95])
        job.refresh_from_db()
        self.assertEqual(job.progress, 100)

    def test_a_done_job_cannot_be_retried(self):
        job = self.queue()
        tasks.perform_job(job.pk)

        self.assertFalse(tasks.retry_report(job))

    def test_the_purge_deletes_expired_files_and_marks_their_jobs(self):
        old, fresh = self.queue(), self.queue()
        tasks.perform_job(old.pk)
        tasks.perform_job(fresh.pk)
        ReportJob.objects.filter(pk=old.pk).update(
            expires_at=timezone.now() - datetime.timedelta(minutes=1)
        )
        old.refresh_from_db()
        storage, name = old.file.storage, old.file.name

        self.assertEqual(tasks.purge_expired_reports_task.apply().get(), 1)

        old.refresh_from_db()
        fresh.refresh_from_db()
        self.assertEqual((old.status, old.file.name), ("expired", ""))
        self.assertFalse(storage.exists(name))
        self.assertEqual(fresh.status, "done")
        self.assertTrue(fresh.file.storage.exists(fresh.file.name))

    def test_the_render_task_is_acknowledged_late_and_the_purge_runs_every_night(
        self,
    ):
        self.assertTrue(tasks.render_report_task.acks_late)
        self.assertEqual(
            settings.CELERY_BEAT_SCHEDULE["purge-expired-reports"]["task"],
            "reporting.tasks.purge_expired_reports_task",
        )


class ReportPageTests(MediaRootMixin, ReportDataTestCase):
    def setUp(self):
        super().setUp()
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    def new_url(self, kind="project", identifier=None):
        identifier = identifier or self.project.public_id
        return f"{reverse('reporting:report_new')}?kind={kind}&id={identifier}"

    def ask(self, user, file_format="pdf", kind="project", identifier=None, **extra):
        self.client.force_login(user)
        data = {
            "kind": kind,
            "id": str(identifier or self.project.public_id),
            "format": file_format,
            **extra,
        }
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(reverse("reporting:report_new"), data)
        return response

    def test_the_component_page_links_to_its_report(self):
        self.client.force_login(self.reader_a)

        response = self.client.get(self.project.get_absolute_url())

        query = f"?kind=project&amp;id={self.project.public_id}"
        self.assertContains(response, f'href="/reporting/reports/new/{query}"')

    def test_the_entity_page_links_to_its_report(self):
        self.client.force_login(self.reader_a)

        response = self.client.get(self.organisation_a.get_absolute_url())

        query = f"?kind=entity&amp;id={self.organisation_a.ovo_number}"
        self.assertContains(response, f'href="/reporting/reports/new/{query}"')

    def test_a_transversal_plan_links_to_its_lens_and_plan_reports(self):
        self.client.force_login(self.coordinator)

        response = self.client.get(self.plan_lens.get_absolute_url())

        identifier = self.plan_lens.public_id
        for kind in ("lens", "plan"):
            query = f"?kind={kind}&amp;id={identifier}"
            self.assertContains(response, f'href="/reporting/reports/new/{query}"')

    def test_a_lens_other_than_a_plan_has_no_plan_report_link(self):
        lens = make_lens(name="Policy note", organisation=self.organisation_a)
        self.client.force_login(self.reader_a)

        response = self.client.get(lens.get_absolute_url())

        self.assertContains(response, f"?kind=lens&amp;id={lens.public_id}")
        self.assertNotContains(response, "?kind=plan&amp;")

    def test_the_new_report_page_offers_the_three_formats(self):
        self.client.force_login(self.reader_a)

        response = self.client.get(self.new_url())

        self.assertContains(response, "PR 1 Section speed checks")
        for value in ("html", "pdf", "xlsx"):
            self.assertContains(response, f'name="format" value="{value}"')

    def test_a_report_on_an_invisible_component_is_not_found(self):
        for user, url in [
            (self.reader_b, self.new_url()),
            (self.reader_a, self.new_url(identifier=self.secret_project.public_id)),
            (self.reader_a, self.new_url(identifier="not-a-uuid")),
            (self.reader_a, self.new_url(kind="salary")),
        ]:
            with self.subTest(url):
                self.client.force_login(user)
                self.assertEqual(self.client.get(url).status_code, 404)

        response = self.ask(self.reader_b)

        self.assertEqual(response.status_code, 404)
        self.assertFalse(ReportJob.objects.exists())

    def test_asking_queues_a_job_and_shows_its_page(self):
        response = self.ask(self.reader_a, "html")

        job = ReportJob.objects.get()
        self.assertRedirects(
            response, reverse("reporting:report_detail", args=[job.public_id])
        )
        self.assertEqual(
            (job.requested_by, job.kind, job.format, job.status),
            (self.reader_a, "project", "html", "done"),
        )
        page = self.client.get(response.url)
        self.assertContains(
            page, reverse("reporting:report_download", args=[job.public_id])
        )
        self.assertNotContains(page, "hx-trigger")

    def test_an_entity_report_keeps_the_chosen_period(self):
        self.ask(
            self.reader_a,
            "xlsx",
            kind="entity",
            identifier=self.organisation_a.ovo_number,
            period="2025-Q3",
        )

        job = ReportJob.objects.get()
        self.assertEqual(job.parameters, {"id": "OVO000001", "period": "2025-Q3"})

    def test_a_malformed_period_is_refused_and_nothing_is_queued(self):
        response = self.ask(
            self.reader_a,
            "pdf",
            kind="entity",
            identifier=self.organisation_a.ovo_number,
            period="2025-Q5",
        )

        self.assertContains(response, "2025-Q5 is not a period such as 2025")
        self.assertFalse(ReportJob.objects.exists())

    def test_a_running_job_page_polls_every_two_seconds(self):
        job = ReportJob.objects.create(
            requested_by=self.reader_a,
            kind="project",
            parameters={},
            format="pdf",
            status=Status.RUNNING,
            progress=40,
        )
        self.client.force_login(self.reader_a)
        progress_url = reverse("reporting:report_progress", args=[job.public_id])

        page = self.client.get(reverse("reporting:report_detail", args=[job.public_id]))

        self.assertContains(page, f'hx-get="{progress_url}" hx-trigger="every 2s"')
        self.assertContains(page, "40% done.")
        self.assertContains(page, "Reload this page")
        self.assertContains(self.client.get(progress_url), 'value="40"')

    def test_the_file_is_served_only_to_the_user_who_asked(self):
        self.ask(self.reader_a, "html")
        job = ReportJob.objects.get()
        url = reverse("reporting:report_download", args=[job.public_id])

        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment;", response["Content-Disposition"])
        self.assertIn(b"Section speed checks", b"".join(response.streaming_content))

        for user in (self.admin_a, self.contributor_a, self.global_admin):
            with self.subTest(user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(url).status_code, 404)
                detail = reverse("reporting:report_detail", args=[job.public_id])
                self.assertEqual(self.client.get(detail).status_code, 404)

    def test_an_expired_report_says_so(self):
        self.ask(self.reader_a, "html")
        job = ReportJob.objects.get()
        ReportJob.objects.filter(pk=job.pk).update(
            expires_at=timezone.now() - datetime.timedelta(seconds=1)
        )
        tasks.purge_expired_reports()

        response = self.client.get(
            reverse("reporting:report_download", args=[job.public_id])
        )

        self.assertContains(response, "Report expired", status_code=410)
        self.assertContains(response, "Make it again", status_code=410)

    def test_the_retry_button_queues_a_failed_job_again(self):
        job = ReportJob.objects.create(
            requested_by=self.reader_a,
            kind="project",
            parameters={"id": str(self.project.public_id)},
            format="html",
            status=Status.FAILED,
            error="The report could not be made: OSError: disk full",
        )
        self.client.force_login(self.reader_a)
        page = self.client.get(reverse("reporting:report_detail", args=[job.public_id]))
        self.assertContains(page, "OSError: disk full")
        self.assertContains(page, "Retry")

        self.client.force_login(self.admin_a)
        retry = reverse("reporting:report_retry", args=[job.public_id])
        self.assertEqual(self.client.post(retry).status_code, 404)
        job.refresh_from_db()
        self.assertEqual(job.status, "failed")

        self.client.force_login(self.reader_a)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(retry)
        job.refresh_from_db()
        self.assertEqual(job.status, "done")

    def test_my_reports_lists_only_my_own_jobs(self):
        self.ask(self.reader_a, "html")
        self.ask(self.admin_a, "html", identifier=self.secret_project.public_id)

        self.client.force_login(self.reader_a)
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(reverse("reporting:report_list"))

        self.assertContains(response, "PR 1 Section speed checks")
        self.assertNotContains(response, "Secret restructuring")
        self.assertContains(response, '<option value="OVO000001">Department A</option>')
        self.assertGreater(len(queries), 0)

    def test_my_reports_costs_the_same_whatever_the_number_of_jobs(self):
        self.client.force_login(self.reader_a)
        url = reverse("reporting:report_list")
        ReportJob.objects.create(
            requested_by=self.reader_a, kind="project", format="pdf", title="X"
        )
        self.client.get(url)
        with CaptureQueriesContext(connection) as few:
            self.client.get(url)
        for _number in range(19):
            ReportJob.objects.create(
                requested_by=self.reader_a, kind="project", format="pdf", title="X"
            )

        with CaptureQueriesContext(connection) as many:
            response = self.client.get(url)

        self.assertEqual(len(many), len(few))
        self.assertContains(response, "Project report: X", count=20)
