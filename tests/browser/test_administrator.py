"""A functional administrator creates an objective, links projects to it and
builds a business plan lens."""

from playwright.sync_api import expect

from objectives.models import Lens, LensEntry, Objective, Project
from tests.browser import base

TITLE = "Safer crossings for cyclists"


class AdministratorJourneyTests(base.BrowserTestCase):
    def setUp(self):
        super().setUp()
        base.build_demo()
        self.page = self.log_in_as("beheerder.dmow")

    def create_objective(self):
        page = self.page
        page.goto(self.url("/organisations/OVO000096/"))
        page.get_by_role("navigation", name="Create in this entity").get_by_role(
            "link", name="New objective"
        ).click()
        page.wait_for_url(self.url("/organisations/OVO000096/objectives/new/"))
        page.get_by_role("radio", name="strategic").check()
        page.get_by_role("radio", name="2024–2029").check()
        page.get_by_label("Code (required)").fill("SD 90")
        page.get_by_label("Title (required)").fill(TITLE)
        page.get_by_label("Responsible person").select_option(label="DMOW, Beheerder")
        page.get_by_role("button", name="Save").click()
        objective = Objective.objects.get(
            code="SD 90", lead_organisation__short_name="DMOW"
        )
        page.wait_for_url(self.url(objective.get_absolute_url()))
        return objective

    def test_administrator_creates_an_objective_and_links_two_projects(self):
        page = self.page
        objective = self.create_objective()
        self.assertEqual(
            page.get_by_role("heading", level=1).inner_text(), f"SD 90 {TITLE}"
        )
        self.assertEqual(objective.level, Objective.Level.STRATEGIC)
        projects = list(
            Project.objects.filter(
                lead_organisation__short_name="DMOW", is_archived=False
            ).order_by("code")[:2]
        )

        page.get_by_role("navigation", name="Manage this objective").get_by_role(
            "link", name="Links"
        ).click()
        page.wait_for_url(self.url(f"/objectives/{objective.public_id}/links/"))
        for project in projects:
            section = page.get_by_role("region", name="Projects", exact=True)
            # The picker searches as one types (htmx) ...
            section.get_by_label("Find projects to link, by code or title").fill(
                project.code
            )
            link = section.get_by_role("button", name=f"Link {project}", exact=True)
            link.wait_for()
            # ... and links with a plain form.
            link.click()
            page.get_by_text(f"“{project}” has been linked.").wait_for()

        section = page.get_by_role("region", name="Projects", exact=True)
        self.assertEqual(
            section.locator(".linked-list .candidate > a").all_inner_texts(),
            [str(project) for project in projects],
        )

        page.get_by_role("link", name=f"Back to SD 90 {TITLE}").click()
        page.wait_for_url(self.url(objective.get_absolute_url()))
        linked = page.get_by_role("region", name="Projects")
        self.assertEqual(linked.get_by_role("heading").inner_text(), "Projects 2")
        self.assertEqual(
            linked.locator(".linked-title").all_inner_texts(),
            [str(project) for project in projects],
        )
        self.assertEqual(set(objective.projects.all()), set(projects))

    def test_administrator_builds_a_business_plan_and_reorders_it(self):
        page = self.page
        first = self.create_objective()
        second = Objective.objects.get(
            code="SD 1",
            lead_organisation__short_name="DMOW",
            legislature__name="2024–2029",
        )

        page.goto(self.url("/lenses/"))
        page.get_by_role("link", name="New lens").click()
        page.get_by_label("Name").fill("Business plan DMOW 2028")
        page.get_by_label("Kind").select_option(label="business plan")
        page.get_by_label("Organisation").select_option(label="DMOW")
        page.get_by_label("Legislature").select_option(label="2024–2029")
        page.get_by_role("button", name="Create lens").click()
        lens = Lens.objects.get(name="Business plan DMOW 2028")
        page.wait_for_url(self.url(f"/lenses/{lens.public_id}/build/"))
        self.assertEqual(lens.kind, Lens.Kind.BUSINESS_PLAN)
        self.assertEqual(lens.organisation.short_name, "DMOW")

        adding = page.get_by_role("region", name="Add a heading")
        adding.get_by_label("Heading").fill("Safe mobility")
        adding.get_by_role("button", name="Add heading").click()
        page.wait_for_url("**/build/#structure")

        for objective in (first, second):
            adding = page.get_by_role("region", name="Add objectives")
            adding.get_by_label("Search objectives by code or title").fill(
                objective.code
            )
            add = adding.get_by_role("button", name=f"Add {objective}", exact=True)
            add.wait_for()
            adding.get_by_label("Place under").select_option(label="1 Safe mobility")
            add.click()
            page.locator("main .messages").get_by_text(
                f"{objective} added.", exact=True
            ).wait_for()

        structure = page.get_by_role("table")
        self.assertEqual(
            self.structure_rows(structure),
            [("1", "Safe mobility"), ("1.1", first.code), ("1.2", second.code)],
        )

        structure.get_by_role("button", name="Move up 1.2").click()
        page.wait_for_url("**/build/#entry-*")
        self.assertEqual(
            self.structure_rows(page.get_by_role("table")),
            [("1", "Safe mobility"), ("1.1", second.code), ("1.2", first.code)],
        )

        heading = LensEntry.objects.get(lens=lens, heading="Safe mobility")
        self.assertEqual((heading.parent, heading.position), (None, 1))
        self.assertEqual(
            [
                (entry.objective, entry.parent, entry.position)
                for entry in LensEntry.objects.filter(
                    lens=lens, objective__isnull=False
                ).order_by("position")
            ],
            [(second, heading, 1), (first, heading, 2)],
        )

        # The lens itself reads in the new order.
        page.get_by_role("link", name="View the lens").click()
        page.wait_for_url(self.url(lens.get_absolute_url()))
        entries = page.locator(".lens-cascade .lens-entry")
        self.assertEqual(
            [
                (
                    entry.locator(".lens-number").inner_text(),
                    entry.locator(
                        ":scope > .lens-body > .row .row-title > a"
                    ).inner_text(),
                )
                for entry in entries.all()
            ],
            [("1.1", str(second)), ("1.2", str(first))],
        )

        # In the builder, each objective is a link named by its code and title,
        # as everywhere else in Traject.
        page.go_back()
        links = page.get_by_role("table").locator("tbody td a")
        expect(links.nth(0)).to_have_accessible_name(str(second), timeout=1000)
        expect(links.nth(1)).to_have_accessible_name(str(first), timeout=1000)

    def structure_rows(self, table):
        """The builder's structure as (number, heading or objective code)."""
        return [
            (
                row.get_by_role("rowheader").inner_text(),
                row.locator("td").first.locator("strong, .code").first.inner_text(),
            )
            for row in table.locator("tbody tr").all()
        ]
