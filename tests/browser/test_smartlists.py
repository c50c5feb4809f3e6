"""A reader builds a smartlist of their entity's projects, shares it with
their entity, opens it and exports it to Excel."""

import io
import tempfile

from django.contrib.auth import get_user_model
from openpyxl import load_workbook

from objectives import access
from objectives.cascades import in_organisation
from objectives.models import Organisation, Project
from reporting.models import ReportJob, SmartList
from tests.browser import base
from tests.eager import eager_tasks

DMOW = "OVO000096"


class SmartListJourneyTests(base.BrowserTestCase):
    def setUp(self):
        super().setUp()
        base.build_demo()
        self.enterContext(eager_tasks())
        media = self.enterContext(tempfile.TemporaryDirectory())
        self.enterContext(self.settings(MEDIA_ROOT=media))

    def test_reader_builds_shares_opens_and_exports_a_list(self):
        reader = get_user_model().objects.get(username="lezer.dmow")
        organisation = Organisation.objects.get(ovo_number=DMOW)
        expected = (
            access.visible(reader, Project)
            .filter(in_organisation(Project, organisation), is_archived=False)
            .order_by("code", "pk")
        )
        page = self.log_in_as("lezer.dmow")

        navigation = page.get_by_role("navigation", name="Main navigation")
        navigation.get_by_role("link", name="Smartlists").click()
        page.get_by_role("link", name="New smartlist").click()
        page.get_by_label("Projects").check()
        page.get_by_role("button", name="Next").click()

        # The preview follows the filters without a reload (htmx).
        preview = page.get_by_role("region", name="Preview")
        page.get_by_label("Name").fill("Mobility projects")
        page.get_by_label("Organisation (OVO number)").fill(DMOW)
        page.get_by_label("Organisation (OVO number)").press("Tab")
        preview.get_by_text(f"{expected.count()} components").wait_for()
        self.assert_accessible()
        page.get_by_label("Shared with").select_option(label=organisation.name)
        page.get_by_role("button", name="Save").click()

        smartlist = SmartList.objects.get(owner=reader)
        page.wait_for_url(self.url(f"/reporting/smartlists/{smartlist.public_id}/"))
        self.assertEqual(smartlist.shared_with, organisation)
        self.assertEqual(smartlist.filters, {"organisation": DMOW})
        self.assertEqual(
            page.get_by_role("heading", level=1).inner_text(), "Mobility projects"
        )
        self.assert_accessible()
        first_codes = page.locator("table.smartlist-table tbody tr td:first-child")
        self.assertEqual(
            first_codes.all_inner_texts()[:5],
            [project.code for project in expected[:5]],
        )

        page.get_by_role("button", name="Excel", exact=True).click()
        progress = page.get_by_role("region", name="Progress")
        download_link = progress.get_by_role("link", name="Download (Excel)")
        download_link.wait_for()
        with page.expect_download() as download:
            download_link.click()
        workbook = load_workbook(io.BytesIO(download.value.path().read_bytes()))
        codes = [row[0] for row in workbook.active.iter_rows(values_only=True)]
        self.assertEqual(codes[1:], [project.code for project in expected])
        self.assertEqual(
            list(ReportJob.objects.values_list("kind", "format", "status")),
            [("smartlist", "xlsx", "done")],
        )
