"""A contributor reports: a milestone inline with htmx, a project's status
on a page of its own with JavaScript off."""

from django.contrib.auth import get_user_model
from django.utils import timezone

from objectives import access
from objectives.access import Action
from objectives.forms.contribute import latest_ended_period
from objectives.models import Milestone, Project, StatusReport
from tests.browser import base


def editable(user, queryset):
    """The first row of ``queryset`` that ``user`` may edit."""
    return next(
        row for row in queryset.order_by("pk") if access.can(user, Action.EDIT, row)
    )


class ContributorJourneyTests(base.BrowserTestCase):
    def setUp(self):
        super().setUp()
        base.build_demo()
        self.contributor = get_user_model().objects.get(username="invoerder.dmow")

    def history_entry(self, page, period):
        """The entry of the status history for ``period``."""
        history = page.get_by_role("region", name="Status history")
        return history.locator(".timeline > .timeline-entry").filter(
            has=page.locator(".period-tag").get_by_text(period, exact=True)
        )

    def test_contributor_updates_a_milestone_inline(self):
        milestone = editable(
            self.contributor,
            Milestone.objects.filter(
                project__lead_organisation__short_name="DMOW", completed_on=None
            ),
        )
        period = latest_ended_period(
            milestone.reporting_frequency, timezone.localdate()
        ).label
        explanation = "The supplier delivers two weeks late; testing moves to May."
        page = self.log_in_as("invoerder.dmow")
        page.goto(self.url(milestone.get_absolute_url()))

        panel = page.get_by_role("region", name="Update milestone")
        with page.expect_response(
            lambda response: (
                response.url.endswith("/update/")
                and response.request.headers.get("hx-request") == "true"
            )
        ):
            panel.get_by_role("link", name="Update milestone").click()
        # The form opens in place, on the milestone's own page.
        self.assertEqual(
            panel.get_by_role("heading", level=2).inner_text(), "Update milestone"
        )
        self.assertEqual(page.url, self.url(milestone.get_absolute_url()))
        self.assertEqual(panel.get_by_label("Period").input_value(), period)
        panel.get_by_role("radio", name="at risk").check()
        panel.get_by_label("Explanation").fill(explanation)
        panel.get_by_role("button", name="Save").click()

        messages = page.locator("main .messages")
        messages.wait_for()
        self.assertEqual(
            messages.inner_text(),
            f"Milestone updated, status for {period}: orange: at risk.",
        )
        self.assertEqual(page.url, self.url(milestone.get_absolute_url()))
        # htmx put the focus on the confirmation.
        self.assertTrue(
            messages.evaluate("element => element === document.activeElement")
        )
        entry = self.history_entry(page, period)
        self.assertEqual(entry.count(), 1)
        self.assertIn("timeline-orange", entry.get_attribute("class"))
        self.assertEqual(entry.locator(".status").first.inner_text(), "at risk")
        self.assertEqual(
            entry.locator(".timeline-text").first.inner_text(), explanation
        )

        report = milestone.status_reports.latest("created_at")
        self.assertEqual(
            (report.colour, report.explanation, report.period.label),
            (StatusReport.Colour.ORANGE, explanation, period),
        )
        self.assertEqual(report.author.username, "invoerder.dmow")

    def test_contributor_reports_a_project_status_without_javascript(self):
        project = editable(
            self.contributor,
            Project.objects.filter(lead_organisation__short_name="DMOW"),
        )
        period = latest_ended_period(
            project.reporting_frequency, timezone.localdate()
        ).label
        explanation = "Two permits are still pending; the works start a month later."
        context = self.new_context(java_script_enabled=False)
        page = self.log_in_as("invoerder.dmow", page=context.new_page())
        page.goto(self.url(project.get_absolute_url()))

        page.get_by_role("region", name="Report status").get_by_role(
            "link", name="Report status"
        ).click()
        form_url = self.url(f"/projects/{project.public_id}/status/")
        page.wait_for_url(form_url)
        self.assertEqual(
            page.get_by_role("heading", level=1).inner_text(), "Report status"
        )
        page.get_by_label("Period").select_option(period)
        page.get_by_role("radio", name="at risk").check()
        page.get_by_label("Explanation").fill(explanation)
        page.get_by_role("button", name="Save").click()

        page.wait_for_url(self.url(project.get_absolute_url()))
        self.assertEqual(
            page.locator("main .messages").inner_text(),
            f"Status for {period} saved: orange: at risk.",
        )
        entry = self.history_entry(page, period)
        self.assertEqual(entry.count(), 1)
        self.assertIn("timeline-orange", entry.get_attribute("class"))
        self.assertEqual(
            entry.locator(".timeline-text").first.inner_text(), explanation
        )

        report = project.status_reports.latest("created_at")
        self.assertEqual(
            (report.colour, report.explanation, report.period.label),
            (StatusReport.Colour.ORANGE, explanation, period),
        )
