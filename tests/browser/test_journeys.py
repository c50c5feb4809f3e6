"""A reader's journey, the language switch and the login page."""

from django.contrib.auth import get_user_model

from objectives import access
from objectives.models import Lens, Objective, Project
from tests.browser import base


class ReaderJourneyTests(base.BrowserTestCase):
    def setUp(self):
        super().setUp()
        base.build_demo()

    def test_reader_browses_the_cascade_a_lens_and_meets_a_foreign_project(self):
        reader = get_user_model().objects.get(username="lezer.dmow")
        page = self.log_in_as("lezer.dmow")

        # The entity switcher in the main navigation leads to the overview.
        navigation = page.get_by_role("navigation", name="Main navigation")
        navigation.get_by_text("My entities").click()
        navigation.get_by_role(
            "link", name="Departement Mobiliteit en Openbare Werken"
        ).click()
        page.wait_for_url(self.url("/organisations/OVO000096/"))
        self.assertEqual(
            page.get_by_role("heading", level=1).inner_text(),
            "Departement Mobiliteit en Openbare Werken (DMOW)",
        )

        # An operational objective with projects beneath it starts folded.
        folded = page.locator("li.branch.level-2").filter(
            has=page.locator(
                ":scope > details.beneath:not([open]) > summary", has_text="project"
            )
        )
        href = folded.first.locator(":scope > .row a").first.get_attribute("href")
        objective = Objective.objects.get(public_id=href.split("/")[2])
        branch = page.locator("li.branch.level-2").filter(
            has=page.locator(f":scope > .row a[href='{href}']")
        )
        projects = (
            access.visible(reader, Project)
            .filter(objectives=objective, is_archived=False)
            .order_by("code")
        )
        expected = [f"{project.code} {project.title}" for project in projects]
        self.assertTrue(expected)
        details = branch.locator(":scope > details.beneath")
        project_links = details.locator(":scope > ul > li > .row-project .row-title a")
        self.assertFalse(project_links.first.is_visible())

        # The keyboard opens it: focus its summary and press Enter.
        summary = details.locator(":scope > summary")
        summary.focus()
        self.assertTrue(
            summary.evaluate("element => element === document.activeElement")
        )
        page.keyboard.press("Enter")

        self.assertEqual(details.get_attribute("open"), "")
        self.assertTrue(project_links.first.is_visible())
        self.assertEqual(sorted(project_links.all_inner_texts()), expected)

        # The transversal plan, numbered as the lens numbers it, without the
        # objectives the reader may not see.
        navigation.get_by_role("link", name="Lenses").click()
        page.wait_for_url(self.url("/lenses/"))
        page.get_by_role("link", name="Vlaams Mobiliteitsplan", exact=True).click()
        lens = Lens.objects.get(name="Vlaams Mobiliteitsplan")
        page.wait_for_url(self.url(lens.get_absolute_url()))
        self.assertEqual(
            page.get_by_role("heading", level=1).inner_text(), "Vlaams Mobiliteitsplan"
        )
        visible = set(access.visible(reader, Objective).values_list("pk", flat=True))
        numbered = [
            (number, f"{entry.objective.code} {entry.objective.title}")
            for number, _, entry in lens.numbered_entries()
            if entry.objective_id in visible
        ]
        self.assertGreater(len(numbered), 1)
        self.assertLess(len(numbered), lens.entries.count())
        entries = page.locator(".lens-cascade .lens-entry")
        shown = [
            (
                entry.locator(".lens-number").inner_text(),
                entry.locator(":scope > .lens-body > .row .row-title > a").inner_text(),
            )
            for entry in entries.all()
        ]
        self.assertEqual(shown, numbered)

        # Another entity's project answers as if it did not exist.
        foreign = Project.objects.filter(lead_organisation__short_name="DOV").first()
        response = page.goto(self.url(foreign.get_absolute_url()))
        self.assertEqual(response.status, 404)
        self.assertEqual(
            page.get_by_role("heading", level=1).inner_text(), "Page not found"
        )
        self.assertNotIn(foreign.title, page.content())

    def test_language_switch_turns_the_interface_to_english_and_back(self):
        self.log_in_as("lezer.dmow", language="nl")
        self.assertEqual(self.page.locator("html").get_attribute("lang"), "nl")

        self.page.get_by_role("button", name="English").click()
        self.page.wait_for_load_state()
        self.assertEqual(self.page.locator("html").get_attribute("lang"), "en")
        self.assertTrue(self.page.get_by_role("button", name="Log out").is_visible())

        self.page.get_by_role("button", name="Nederlands").click()
        self.page.wait_for_load_state()
        self.assertEqual(self.page.locator("html").get_attribute("lang"), "nl")
        self.assertTrue(self.page.get_by_role("button", name="Afmelden").is_visible())

    def test_login_page_is_accessible(self):
        self.page.goto(self.url("/login/"))

        self.assert_accessible()
