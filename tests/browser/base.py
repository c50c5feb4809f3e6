"""Real-browser tests: Debian's Chromium driven by Playwright against a live
server, as a civil servant meets Traject."""

import os
from collections import Counter

from axe_playwright_python.sync_playwright import Axe
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.test import override_settings
from playwright.sync_api import sync_playwright

from objectives.demo.builder import DEMO_PASSWORD, DemoBuilder

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Violations that fail a page: WCAG 2.1 AA problems axe ranks highest.
BLOCKING_IMPACTS = {"serious", "critical"}
IMPACTS = ("critical", "serious", "moderate", "minor")

# The login form's labels in each interface language.
LOGIN_LABELS = {
    "en": ("Username", "Password", "Log in"),
    "nl": ("Gebruikersnaam", "Wachtwoord", "Aanmelden"),
}


@override_settings(DEBUG=True)
def build_demo():
    """The small demo government, with its demo accounts and passwords."""
    builder = DemoBuilder(scale=0.02, seed=5)
    builder.build()
    return builder


class BrowserTestCase(StaticLiveServerTestCase):
    """One Chromium for the class, a fresh browser context per test."""

    @classmethod
    def setUpClass(cls):
        # Playwright's synchronous API runs an event loop in this thread;
        # the ORM calls in the tests are still plain synchronous calls.
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        super().setUpClass()
        cls.playwright = sync_playwright().start()
        cls.browser = cls.playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )

    @classmethod
    def tearDownClass(cls):
        cls.browser.close()
        cls.playwright.stop()
        super().tearDownClass()
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)

    def setUp(self):
        super().setUp()
        self.contexts = []
        self.context = self.new_context()
        self.page = self.context.new_page()

    def tearDown(self):
        for context in self.contexts:
            context.close()
        super().tearDown()

    def new_context(self, **options):
        """A browser context closed after the test: its own cookies, and
        JavaScript off with ``java_script_enabled=False``."""
        context = self.browser.new_context(
            locale="en-GB", viewport={"width": 1280, "height": 900}, **options
        )
        context.set_default_timeout(15_000)
        self.contexts.append(context)
        return context

    def url(self, path):
        return f"{self.live_server_url}{path}"

    def use_english(self, context=None):
        """Choose English as the language switch does, before any page."""
        (context or self.context).add_cookies(
            [{"name": "django_language", "value": "en", "url": self.live_server_url}]
        )

    def log_in_as(self, username, *, page=None, language="en"):
        """Log in through the login form; English unless told otherwise."""
        page = page or self.page
        if language == "en":
            self.use_english(page.context)
        username_label, password_label, _ = LOGIN_LABELS[language]
        page.goto(self.url("/login/"))
        page.get_by_label(username_label).fill(username)
        page.get_by_label(password_label).fill(DEMO_PASSWORD)
        page.locator("form.login button[type=submit]").click()
        page.wait_for_url(self.url("/"))
        return page

    def axe_violations(self, page=None):
        """The violations axe-core finds on the page, as (id, impact, help,
        node count)."""
        results = Axe().run(page or self.page)
        return [
            (
                violation["id"],
                violation["impact"],
                violation["help"],
                len(violation["nodes"]),
            )
            for violation in results.response["violations"]
        ]

    def assert_accessible(self, page=None):
        """axe-core finds no serious or critical violation on the page."""
        page = page or self.page
        violations = self.axe_violations(page)
        blocking = [
            f"{rule} ({impact}): {help_text}"
            for rule, impact, help_text, _ in violations
            if impact in BLOCKING_IMPACTS
        ]
        self.assertEqual(blocking, [], page.url)
        return violations


def count_by_impact(violations):
    """How many rules axe-core found violated, per impact."""
    counts = Counter(impact for _, impact, _, _ in violations)
    return {impact: counts.get(impact, 0) for impact in IMPACTS}
