from django.test import override_settings

from objectives.demo.builder import DEMO_PASSWORD, DemoBuilder
from objectives.models import Project
from tests.browser import base


@override_settings(DEBUG=True)
def build_demo():
    """The small demo government, with its demo accounts and passwords."""
    builder = DemoBuilder(scale=0.02, seed=5)
    builder.build()
    return builder


class ReaderJourneyTests(base.BrowserTestCase):
    def setUp(self):
        super().setUp()
        build_demo()

    def log_in_as(self, username):
        self.page.goto(self.url("/login/"))
        self.page.get_by_label("Gebruikersnaam").fill(username)
        self.page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
        self.page.locator("form.login button[type=submit]").click()
        self.page.wait_for_url(self.url("/"))

    def test_reader_opens_a_project_and_gets_not_found_for_a_foreign_one(self):
        own = Project.objects.filter(lead_organisation__short_name="DMOW").first()
        foreign = Project.objects.filter(lead_organisation__short_name="DOV").first()
        self.log_in_as("lezer.dmow")

        self.page.goto(self.url(own.get_absolute_url()))
        self.assertEqual(
            self.page.get_by_role("heading", level=1).inner_text(),
            f"{own.code} {own.title}",
        )
        self.assert_accessible()

        response = self.page.goto(self.url(foreign.get_absolute_url()))
        self.assertEqual(response.status, 404)
        self.assertEqual(
            self.page.get_by_role("heading", level=1).inner_text(),
            "Pagina niet gevonden",
        )
        self.assertNotIn(foreign.title, self.page.content())

    def test_language_switch_turns_the_interface_to_english_and_back(self):
        self.log_in_as("lezer.dmow")
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
