"""Real-browser tests: Debian's Chromium driven by Playwright against a live
server, as a civil servant meets Traject."""

import os

from axe_playwright_python.sync_playwright import Axe
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from playwright.sync_api import sync_playwright

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
        self.context = self.browser.new_context(
            locale="en-GB", viewport={"width": 1280, "height": 900}
        )
        self.context.set_default_timeout(15_000)
        self.page = self.context.new_page()

    def tearDown(self):
        self.context.close()
        super().tearDown()

    def url(self, path):
        return f"{self.live_server_url}{path}"

    def assert_accessible(self):
        """axe-core finds no serious or critical violation on the page."""
        results = Axe().run(self.page)
        blocking = [
            f"{violation['id']} ({violation['impact']}): {violation['help']}"
            for violation in results.response["violations"]
            if violation["impact"] in BLOCKING_IMPACTS
        ]
        self.assertEqual(blocking, [], self.page.url)
        return results
