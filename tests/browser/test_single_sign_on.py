"""Logging in with the government account, through the OpenID Connect
stand-in with the demo's identities, in a real browser."""

import json

from django.test import override_settings

from objectives.models import User
from tests.browser import base
from traject.oidc_standin import DEFAULT_IDENTITIES, ProviderStandIn

BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "objectives.sso.SingleSignOnBackend",
    "objectives.backends.GlobalAdministratorBackend",
]


class SingleSignOnBrowserTests(base.BrowserTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        identities = json.loads(DEFAULT_IDENTITIES.read_text(encoding="utf-8"))
        cls.provider = ProviderStandIn(
            identities, redirect_uris=[f"{cls.live_server_url}/oidc/callback/"]
        )
        cls.provider.start()
        cls.enterClassContext(
            override_settings(
                OIDC_ENABLED=True,
                LOCAL_LOGIN_ENABLED=False,
                AUTHENTICATION_BACKENDS=BACKENDS,
                **cls.provider.settings(),
            )
        )

    @classmethod
    def tearDownClass(cls):
        cls.provider.stop()
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        base.build_demo()

    def test_reader_logs_in_with_the_government_account(self):
        page = self.page
        page.goto(self.url("/organisations/OVO000096/"))
        page.wait_for_url(self.url("/login/?next=/organisations/OVO000096/"))
        self.assertEqual(page.locator("form.login").count(), 0)

        page.get_by_role("link", name="Aanmelden met uw overheidsaccount").click()
        page.wait_for_url(f"{self.provider.issuer}/authorize?*")
        page.get_by_role("button", name="Lezer DMOW (reader, OVO000096)").click()

        page.wait_for_url(self.url("/organisations/OVO000096/"))
        self.assertEqual(page.locator(".account .who").inner_text(), "Lezer DMOW")
        self.assertEqual(
            page.get_by_role("heading", level=1).inner_text(),
            "Departement Mobiliteit en Openbare Werken (DMOW)",
        )
        reader = User.objects.get(username="lezer.dmow")
        self.assertEqual(reader.oidc_subject, "demo-lezer.dmow")
        self.assertEqual(reader.email, "lezer.dmow@traject.example")

    def test_newcomer_lands_on_the_home_page_with_an_account_of_its_own(self):
        page = self.page
        page.goto(self.url("/login/"))
        page.get_by_role("link", name="Aanmelden met uw overheidsaccount").click()
        page.get_by_role("button", name="Nieuwe Medewerker").click()

        page.wait_for_url(self.url("/"))
        self.assertEqual(
            page.locator(".account .who").inner_text(), "Nieuwe Medewerker"
        )
        newcomer = User.objects.get(oidc_subject="demo-new-employee")
        self.assertFalse(newcomer.has_usable_password())
        self.assertFalse(hasattr(newcomer, "person"))
