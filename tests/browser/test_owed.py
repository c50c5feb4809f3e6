"""A contributor fills in what they owe, in place, and sees the list shrink."""

from django.contrib.auth import get_user_model
from django.utils import timezone

from objectives import cycle
from objectives.models import StatusReport
from tests.browser import base


class OwedJourneyTests(base.BrowserTestCase):
    def setUp(self):
        super().setUp()
        base.build_demo()
        self.contributor = get_user_model().objects.get(username="invoerder.dmow")

    def fill_first(self, page, explanation):
        """Open the first owed item in place, report it at risk and save."""
        item = page.locator("li.owed-item").first
        item_id = item.get_attribute("id")
        with page.expect_response(
            lambda response: response.request.headers.get("hx-request") == "true"
        ):
            item.get_by_role("link", name="Fill in").click()
        form = page.locator(f"#{item_id} form")
        form.wait_for()
        form.get_by_role("radio", name="at risk").check()
        form.get_by_label("Explanation").fill(explanation)
        form.get_by_role("button", name="Save").click()
        page.locator(f"#{item_id}").wait_for(state="detached")
        return item_id

    def test_contributor_fills_two_reports_in_place(self):
        owed = cycle.owed_by_user(self.contributor, timezone.localdate())
        self.assertGreaterEqual(len(owed), 2)
        page = self.log_in_as("invoerder.dmow")
        page.goto(self.url("/owed/"))
        items = page.locator("li.owed-item")
        self.assertEqual(items.count(), len(owed))
        self.assertEqual(page.locator("#owed-count").inner_text(), str(len(owed)))

        first = self.fill_first(page, "The supplier delivers two weeks late.")
        status = page.get_by_role("status")
        self.assertIn("Saved for", status.inner_text())
        self.assertEqual(items.count(), len(owed) - 1)
        self.assertEqual(page.locator("#owed-count").inner_text(), str(len(owed) - 1))

        second = self.fill_first(page, "Waiting for the permit.")
        self.assertNotEqual(first, second)
        self.assertEqual(items.count(), len(owed) - 2)
        self.assertEqual(page.locator("#owed-count").inner_text(), str(len(owed) - 2))
        self.assertEqual(page.url, self.url("/owed/"))

        # Both reports are saved, and reloading the list keeps them off it.
        self.assertEqual(
            StatusReport.objects.filter(
                author=self.contributor,
                colour=StatusReport.Colour.ORANGE,
                explanation__in=[
                    "The supplier delivers two weeks late.",
                    "Waiting for the permit.",
                ],
            ).count(),
            2,
        )
        page.reload()
        self.assertEqual(page.locator("li.owed-item").count(), len(owed) - 2)
        self.assert_accessible(page)
