"""A plan coordinator renders the report of the transversal plan they follow
and downloads it as PDF and as Excel."""

import tempfile

from reporting.models import ReportJob
from tests.browser import base
from tests.eager import eager_tasks


class CoordinatorReportJourneyTests(base.BrowserTestCase):
    def setUp(self):
        super().setUp()
        base.build_demo()
        # The live server renders the jobs in-process, with Redis or not.
        self.enterContext(eager_tasks())
        media = self.enterContext(tempfile.TemporaryDirectory())
        self.enterContext(self.settings(MEDIA_ROOT=media))

    def render_and_download(self, format_label, extension):
        page = self.page
        page.goto(self.url("/reporting/reports/"))
        page.get_by_label("Transversal plan", exact=True).select_option(
            label="Vlaams Mobiliteitsplan"
        )
        page.get_by_role("button", name="Transversal plan report").click()
        page.get_by_role("button", name=format_label, exact=True).click()

        progress = page.get_by_role("region", name="Progress")
        download_link = progress.get_by_role("link", name=f"Download ({format_label})")
        download_link.wait_for()
        self.assertIn("Done", progress.inner_text())
        with page.expect_download() as download:
            download_link.click()
        path = download.value.path()
        self.assertTrue(download.value.suggested_filename.endswith(extension))
        return path.read_bytes()

    def test_coordinator_renders_the_plan_report_as_pdf_and_excel(self):
        self.log_in_as("coordinator")

        pdf = self.render_and_download("PDF", ".pdf")
        workbook = self.render_and_download("Excel", ".xlsx")

        self.assertTrue(pdf.startswith(b"%PDF"))
        self.assertTrue(workbook.startswith(b"PK"))
        jobs = ReportJob.objects.filter(requested_by__username="coordinator")
        self.assertEqual(
            sorted(jobs.values_list("kind", "format", "status")),
            [("plan", "pdf", "done"), ("plan", "xlsx", "done")],
        )
