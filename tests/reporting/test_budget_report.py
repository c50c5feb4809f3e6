"""The report "budget follows policy": per structure element of a policy
domain, its articles with the amount of one year and the objectives under
it, as a page, a PDF and a workbook."""

import datetime
import io
import re
import shutil
import tempfile
from decimal import Decimal

from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from objectives import actions
from objectives.models import Legislature, StatusReport
from objectives.periods import Period
from reporting.models import ReportJob
from reporting.reports import ReportUnavailable, build_report
from tests.budget_data import BudgetTestCase, make_article, make_element
from tests.eager import eager_tasks
from tests.factories import make_objective
from tests.reporting.test_renderers import pdf_pages, squeeze

TODAY = datetime.date(2026, 1, 15)


class BudgetReportTestCase(BudgetTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # An objective of the previous legislature stays out of 2026.
        cls.old_objective = make_objective(
            lead_organisation=cls.organisation_a,
            code="SD 1",
            title="Old roads plan",
            structure_element=cls.element,
            legislature=Legislature.objects.create(
                name="2019-2024",
                start_date=datetime.date(2019, 7, 1),
                end_date=datetime.date(2024, 6, 30),
            ),
        )
        actions.do_report_status(
            cls.plan_objective,
            period=Period.parse("2025-Q4"),
            colour=StatusReport.Colour.ORANGE,
            explanation="Behind on cameras",
            acting_user=None,
        )

    def setUp(self):
        super().setUp()
        self.enterContext(translation.override("en"))

    def build(self, user, year=2026, ovo="OVO000010"):
        return build_report(user, "budget", {"id": ovo, "year": year}, TODAY)

    def rows(self, section):
        return [row.cells for row in section.table.rows]


class BudgetReportContentTests(BudgetReportTestCase):
    def test_each_element_shows_its_articles_of_the_year_and_its_objectives(self):
        report = self.build(self.reader_a)

        self.assertEqual(
            [section.heading for section in report.sections],
            ["Summary", "SE-MOW-1 Road safety", "SE-MOW-2 Public transport"],
        )
        orange = {"colour": "orange", "explanation": "Behind on cameras"}
        self.assertEqual(
            self.rows(report.sections[1]),
            [
                [
                    "Budget article",
                    "MOW-1",
                    "Road safety: operating credits",
                    "",
                    Decimal("1200000.00"),
                    None,
                    "",
                ],
                [
                    "Budget article",
                    "MOW-2",
                    "Traffic subsidies",
                    "",
                    Decimal("500000.50"),
                    None,
                    "",
                ],
                ["Total", "", "", "", Decimal("1700000.50"), None, ""],
                [
                    "Strategic",
                    "SD 1",
                    "Safe and smooth mobility",
                    "Department A",
                    None,
                    orange,
                    "Behind on cameras",
                ],
            ],
        )
        # The confidential SD 9 is left out for a reader.
        self.assertEqual(
            [row[1] for row in self.rows(report.sections[2])], ["MOW-2", "", "SD 2"]
        )

    def test_the_summary_counts_each_article_once(self):
        report = self.build(self.reader_a)

        facts = {str(fact.label): fact.value for fact in report.sections[0].facts}
        self.assertEqual(
            facts,
            {
                "Policy domain": "Mobility and Public Works",
                "Budget year": 2026,
                "Legislature": "2024-2029",
                "Structure elements": 2,
                "Budget articles": 2,
                "Total amount (euro)": Decimal("1700000.50"),
                "Objectives": 2,
            },
        )

    def test_an_administrator_sees_the_confidential_objective(self):
        report = self.build(self.admin_a)

        self.assertEqual(
            [row[1] for row in self.rows(report.sections[2])],
            ["MOW-2", "", "SD 2", "SD 9"],
        )

    def test_a_year_of_another_legislature_shows_its_objectives(self):
        report = self.build(self.reader_a, year=2023)

        self.assertEqual(
            [row[1] for row in self.rows(report.sections[1])],
            ["MOW-1", "MOW-2", "", "SD 1"],
        )
        self.assertEqual(self.rows(report.sections[1])[3][2], "Old roads plan")
        self.assertIsNone(self.rows(report.sections[1])[0][4])

    def test_a_reader_of_another_domain_sees_the_budget_but_no_objectives(self):
        report = self.build(self.reader_b)

        self.assertEqual(
            [row[1] for row in self.rows(report.sections[1])], ["MOW-1", "MOW-2", ""]
        )

    def test_an_organisation_that_is_no_policy_domain_or_a_wild_year_is_refused(self):
        with self.assertRaisesMessage(ReportUnavailable, "does not exist"):
            self.build(self.reader_a, ovo="OVO000001")
        with self.assertRaisesMessage(ReportUnavailable, "A budget year lies between"):
            self.build(self.reader_a, year=1900)
        with self.assertRaisesMessage(ReportUnavailable, "Give a budget year"):
            self.build(self.reader_a, year="next")

    def test_queries_do_not_grow_with_the_domain(self):
        with self.assertNumQueries(6):
            self.build(self.reader_a)
        for number in range(4):
            element = make_element(self.mobility, f"SE-MOW-X{number}")
            make_article(f"MOW-X{number}", "More", [element, self.element], {2026: 7})
            make_objective(
                lead_organisation=self.organisation_a, structure_element=element
            )

        with self.assertNumQueries(6):
            report = self.build(self.reader_a)
        self.assertEqual(len(report.sections), 7)


class BudgetReportFileTests(BudgetReportTestCase):
    def test_the_pdf_has_contents_page_numbers_and_a_running_header(self):
        from reporting import renderers

        pages, _info = pdf_pages(renderers.render_pdf(self.build(self.reader_a)))

        self.assertIn(
            "Budget follows policy: Mobility and Public Works 2026", squeeze(pages[0])
        )
        contents = squeeze(re.sub(r"\.{3,}", " … ", pages[1]))
        self.assertIn("1. Summary … 3", contents)
        self.assertIn("2. SE-MOW-1 Road safety … 4", contents)
        for number, page in enumerate(pages[1:], start=2):
            with self.subTest(number):
                text = squeeze(page)
                self.assertTrue(
                    text.startswith("Mobility and Public Works · budget year 2026"),
                    text[:80],
                )
                self.assertTrue(
                    re.search(rf"{number} ?/ ?{len(pages)}$", text), text[-20:]
                )
        road_safety = squeeze(pages[3])
        self.assertIn("MOW-1 Road safety: operating 1,200,000", road_safety)
        self.assertIn("Total 1,700,000.5", road_safety)
        self.assertIn("SD 1 Safe and smooth mobility Department A", road_safety)
        self.assertNotIn("Secret tram plan", " ".join(pages))

    def test_the_workbook_has_typed_cells(self):
        from reporting import renderers

        content = renderers.render_xlsx(self.build(self.reader_a))

        workbook = load_workbook(io.BytesIO(content))
        self.assertEqual(
            workbook.sheetnames,
            ["Summary", "SE-MOW-1 Road safety", "SE-MOW-2 Public transport"],
        )
        sheet = workbook["SE-MOW-1 Road safety"]
        self.assertEqual(
            [cell.value for cell in sheet[1]],
            [
                "Type",
                "Code",
                "Title",
                "Organisation",
                "Amount (euro)",
                "Status",
                "Explanation",
            ],
        )
        article = sheet[2]
        self.assertEqual(article[4].value, 1200000)
        self.assertEqual(article[4].data_type, "n")
        self.assertEqual(sheet[4][4].value, 1700000.5)
        self.assertEqual(
            [cell.value for cell in sheet[5]],
            [
                "Strategic",
                "SD 1",
                "Safe and smooth mobility",
                "Department A",
                None,
                "orange: at risk",
                "Behind on cameras",
            ],
        )
        facts = {
            row[0].value: row[1] for row in workbook["Summary"].iter_rows(min_row=2)
        }
        self.assertEqual(facts["Budget year"].value, 2026)
        self.assertEqual(facts["Budget year"].data_type, "n")


class BudgetReportPageTests(BudgetReportTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.media_root = tempfile.mkdtemp()
        cls.enterClassContext(override_settings(MEDIA_ROOT=cls.media_root))

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(cls.media_root, ignore_errors=True)

    def setUp(self):
        super().setUp()
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        self.enterContext(eager_tasks())

    def url(self, ovo="OVO000010", **query):
        return reverse("reporting:budget_report", args=[ovo]), query

    def test_the_page_shows_the_report_of_the_chosen_year(self):
        self.client.force_login(self.reader_a)
        url, query = self.url(year=2026)

        page = self.client.get(url, query)

        self.assertContains(
            page, "Budget follows policy: Mobility and Public Works 2026"
        )
        self.assertContains(page, "1,700,000.5")
        self.assertContains(page, "Safe and smooth mobility")
        self.assertNotContains(page, "Secret tram plan")

    def test_the_page_is_not_found_for_an_organisation_that_is_no_policy_domain(self):
        self.client.force_login(self.reader_a)
        url, query = self.url(ovo="OVO000001")

        self.assertEqual(self.client.get(url, query).status_code, 404)

    def test_the_page_costs_the_same_whatever_the_size(self):
        self.client.force_login(self.reader_a)
        url, query = self.url(year=2026)
        with self.assertNumQueries(10):
            self.client.get(url, query)
        for number in range(3):
            element = make_element(self.mobility, f"SE-MOW-X{number}")
            make_article(f"MOW-X{number}", "More", [element], {2026: 7})

        with self.assertNumQueries(10):
            self.client.get(url, query)

    def test_asking_for_the_pdf_queues_a_job_that_renders_it(self):
        self.client.force_login(self.reader_a)

        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                reverse("reporting:report_new"),
                {"kind": "budget", "id": "OVO000010", "year": "2026", "format": "pdf"},
            )

        job = ReportJob.objects.get()
        self.assertRedirects(
            response, reverse("reporting:report_detail", args=[job.public_id])
        )
        self.assertEqual(
            (job.kind, job.parameters, job.status),
            ("budget", {"id": "OVO000010", "year": 2026}, ReportJob.Status.DONE),
        )
        self.assertEqual(
            job.title, "Budget follows policy: Mobility and Public Works 2026"
        )
        self.assertTrue(job.file.read().startswith(b"%PDF"))

    def test_the_new_report_page_asks_for_the_budget_year(self):
        self.client.force_login(self.reader_b)

        page = self.client.get(
            reverse("reporting:report_new"), {"kind": "budget", "id": "OVO000010"}
        )
        not_a_domain = self.client.get(
            reverse("reporting:report_new"), {"kind": "budget", "id": "OVO000001"}
        )

        self.assertContains(page, 'name="year"')
        self.assertContains(page, "Mobility and Public Works")
        self.assertEqual(not_a_domain.status_code, 404)

    def test_a_year_out_of_range_is_refused_and_nothing_is_queued(self):
        self.client.force_login(self.reader_a)

        response = self.client.post(
            reverse("reporting:report_new"),
            {"kind": "budget", "id": "OVO000010", "year": "3000", "format": "xlsx"},
        )

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "A budget year lies between")
        self.assertEqual(ReportJob.objects.count(), 0)
