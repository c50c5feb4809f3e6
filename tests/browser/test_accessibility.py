"""axe-core on each main page of Traject, as its users meet them."""

import datetime
import json
import os

from django.utils import timezone

from objectives import actions
from objectives.models import Indicator, Lens, Milestone, Objective, Project
from objectives.periods import Period
from tests.browser import base

# Set to a file name to keep the per-page counts of axe-core's findings.
REPORT = os.environ.get("AXE_REPORT")


def contradict(objective, project):
    """Make ``objective`` and ``project`` green with red and overdue evidence
    beneath them, so that the pages show their warnings."""
    period = Period.of("quarterly", timezone.localdate())
    for subject, colour in ((objective, "green"), (project, "green")):
        actions.do_report_status(
            subject,
            period=period,
            colour=colour,
            explanation="Reported on track.",
            acting_user=None,
        )
    actions.do_link(objective, "projects", project, acting_user=None)
    actions.do_create_milestone(
        project,
        acting_user=None,
        code="LATE",
        title="A milestone past its date",
        due_date=timezone.localdate() - datetime.timedelta(days=30),
    )


class AccessibilityTests(base.BrowserTestCase):
    def setUp(self):
        super().setUp()
        base.build_demo()
        self.findings = {}

    def check(self, name):
        """Run axe-core on the page as it stands; keep what it finds."""
        self.findings[name] = self.axe_violations()

    def visit(self, name, path, *, wait_for=None):
        response = self.page.goto(self.url(path))
        self.assertEqual(response.status, 200, path)
        if wait_for:
            self.page.locator(wait_for).first.wait_for()
        self.check(name)

    def test_main_pages_have_no_serious_or_critical_violation(self):
        dmow = {"lead_organisation__short_name": "DMOW", "is_archived": False}
        objective = Objective.objects.filter(
            level=Objective.Level.STRATEGIC, legislature__name="2024–2029", **dmow
        ).first()
        project = Project.objects.filter(milestones__isnull=False, **dmow).first()
        indicator = Indicator.objects.filter(measurements__isnull=False, **dmow).first()
        milestone = Milestone.objects.filter(
            project__lead_organisation__short_name="DMOW"
        ).first()
        plan = Lens.objects.get(name="Vlaams Mobiliteitsplan")
        business_plan = Lens.objects.filter(organisation__short_name="DMOW").first()
        contradict(objective, project)

        self.use_english()
        self.visit("login", "/login/")
        self.visit("open data (anonymous)", "/open-data/")
        page = self.log_in_as("beheerder.dmow")
        self.check("home (My Traject)")
        self.visit("entity overview", "/organisations/OVO000096/")
        self.visit("lens list", "/lenses/")
        self.visit("lens page", plan.get_absolute_url())
        self.visit("search results", "/search/?q=fiets")
        self.visit("objective page", objective.get_absolute_url())
        self.visit("project page", project.get_absolute_url())
        self.visit(
            "indicator page", indicator.get_absolute_url(), wait_for="figure svg"
        )
        self.visit("milestone page", milestone.get_absolute_url())

        # A contributor's form: inline on the detail page, and on its own.
        page.get_by_role("link", name="Update milestone").click()
        page.locator("#contribute-form").wait_for()
        self.check("milestone update form (inline)")
        self.visit(
            "status report form (page)", f"/projects/{project.public_id}/status/"
        )

        self.visit("objective create form", "/organisations/OVO000096/objectives/new/")
        self.visit("links page", f"/objectives/{objective.public_id}/links/")
        page.get_by_label("Find projects to link, by code or title").fill("P00")
        page.locator("#candidates-projects .candidate-list").wait_for()
        self.check("links page with picker results")
        self.visit("lens builder", f"/lenses/{business_plan.public_id}/build/")
        page.get_by_label("Search objectives by code or title").fill("SD")
        page.locator("#objective-candidates .picker-results").wait_for()
        self.check("lens builder with picker results")
        self.visit("new lens form", "/lenses/new/")
        self.visit("member list", "/organisations/OVO000096/members/")
        response = page.goto(self.url(f"/projects/{objective.public_id}/"))
        self.assertEqual(response.status, 404)
        self.check("not found page")

        summary = {
            name: base.count_by_impact(violations)
            for name, violations in self.findings.items()
        }
        if REPORT:
            with open(REPORT, "w", encoding="utf-8") as report:
                json.dump(
                    {"counts": summary, "violations": self.findings}, report, indent=2
                )
        blocking = {
            name: [
                f"{rule} ({impact}, {nodes} nodes): {help_text}"
                for rule, impact, help_text, nodes in violations
                if impact in base.BLOCKING_IMPACTS
            ]
            for name, violations in self.findings.items()
        }
        self.assertEqual({name: found for name, found in blocking.items() if found}, {})
