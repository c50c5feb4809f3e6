"""Single sign-on end to end: the code flow through Django's test client,
with real HTTP to the OpenID Connect stand-in running in a thread."""

import datetime
import html
import re
from urllib.parse import urljoin

import requests
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext

from objectives.models import Change, Membership, Person, User
from objectives.sso import SingleSignOnBackend
from tests.factories import (
    make_membership,
    make_organisation,
    make_person,
    make_user,
)
from traject.oidc_standin import Faults, ProviderStandIn

CALLBACK = "http://testserver/oidc/callback/"
OVO = "OVO000096"
BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "objectives.sso.SingleSignOnBackend",
    "objectives.backends.GlobalAdministratorBackend",
]


def identity(sub, given="An", family="Peeters", email="an.peeters@vlaanderen.be"):
    return {
        "label": f"{given} {family}",
        "sub": sub,
        "given_name": given,
        "family_name": family,
        "email": email,
        "vo_orgcode": OVO,
    }


def sso_login(client, sub, *, next_url=None):
    """Log in as the stand-in's identity ``sub``; the callback's answer."""
    callback_url = choose_identity(client, sub, next_url=next_url)
    response = client.get(callback_url)
    response.callback_url = callback_url
    return response


def choose_identity(client, sub, *, next_url=None):
    """Traject sends the browser to the provider, the user picks the identity
    ``sub`` on its page: the address the provider sends the browser back to."""
    start = client.get("/oidc/authenticate/", {"next": next_url} if next_url else None)
    assert start.status_code == 302, start
    page = requests.get(start["Location"], timeout=10)
    assert page.status_code == 200, page.text
    action = re.search(r'<form method="post" action="([^"]+)"', page.text)[1]
    hidden = {
        name: html.unescape(value)
        for name, value in re.findall(
            r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page.text
        )
    }
    buttons = re.findall(
        r'<button type="submit" name="identity" value="(\d+)">([^<]*)</button>',
        page.text,
    )
    labels = {sub_of: value for value, sub_of in buttons}
    chosen = labels[html.escape(LABELS[sub])]
    answer = requests.post(
        urljoin(page.url, action),
        data=hidden | {"identity": chosen},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302, answer.text
    assert answer.headers["Location"].startswith(CALLBACK)
    return answer.headers["Location"]


IDENTITIES = [
    identity("subject-an"),
    identity("subject-an-moved", email="an.peeters@mow.vlaanderen.be"),
    identity("subject-other-an"),
    identity("subject-jan", "Jan", "Janssens", "jan@elders.example"),
    identity("subject-nobody", "Niet", "Gekend", "niemand@vlaanderen.be"),
    identity("subject-no-ovo") | {"vo_orgcode": "96"},
    {"label": "No subject", "given_name": "X", "vo_orgcode": OVO},
]
LABELS = {item.get("sub", "none"): item["label"] for item in IDENTITIES}
# Two identities share a label otherwise; the buttons are told apart by it.
IDENTITIES[1]["label"] = LABELS["subject-an-moved"] = "An Peeters (moved)"
IDENTITIES[2]["label"] = LABELS["subject-other-an"] = "An Peeters (other)"
IDENTITIES[5]["label"] = LABELS["subject-no-ovo"] = "An Peeters (no OVO)"


class SingleSignOnTests(TestCase):
    @classmethod
    def setUpClass(cls):
        cls.provider = ProviderStandIn(IDENTITIES, redirect_uris=[CALLBACK])
        cls.provider.start()
        cls.enterClassContext(
            override_settings(
                OIDC_ENABLED=True,
                AUTHENTICATION_BACKENDS=BACKENDS,
                **cls.provider.settings(),
            )
        )
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.provider.stop()

    @classmethod
    def setUpTestData(cls):
        cls.mobility = make_organisation(ovo_number=OVO, name="Mobiliteit")
        cls.education = make_organisation(name="Onderwijs")
        cls.an = make_person(
            first_name="An", last_name="Peeters", email="An.Peeters@Vlaanderen.be"
        )
        make_membership(cls.an, cls.mobility, Membership.Role.CONTRIBUTOR)
        # The same e-mail elsewhere, and a namesake without an active role.
        namesake = make_person(
            first_name="An", last_name="Peeters", email="an.peeters@vlaanderen.be"
        )
        make_membership(namesake, cls.education, end_date=datetime.date(2020, 1, 1))
        cls.jan = make_person(
            first_name="Jan", last_name="Janssens", email="jan.janssens@mow.example"
        )
        make_membership(cls.jan, cls.mobility)

    def setUp(self):
        self.provider.faults = Faults()

    def assert_logged_in_as(self, user):
        self.assertEqual(int(self.client.session["_auth_user_id"]), user.pk)
        self.assertEqual(
            self.client.session["_auth_user_backend"],
            "objectives.sso.SingleSignOnBackend",
        )

    def assert_refused(self, response, message):
        self.assertEqual(response.status_code, 403)
        self.assertContains(response, message, status_code=403)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_login_page_offers_the_government_account(self):
        response = self.client.get("/login/?next=/search/")

        self.assertContains(
            response,
            '<a class="button" href="/oidc/authenticate/?next=/search/">'
            "Aanmelden met uw overheidsaccount</a>",
            html=True,
        )
        self.assertContains(response, 'name="password"')

    def test_first_login_creates_the_account_and_links_the_person_by_email(self):
        response = sso_login(self.client, "subject-an", next_url="/search/")

        self.assertRedirects(response, "/search/", fetch_redirect_response=False)
        user = User.objects.get(oidc_subject="subject-an")
        self.assert_logged_in_as(user)
        self.assertEqual(
            (user.first_name, user.last_name, user.email, user.has_usable_password()),
            ("An", "Peeters", "an.peeters@vlaanderen.be", False),
        )
        self.an.refresh_from_db()
        self.assertEqual(self.an.user, user)
        self.assertEqual(
            list(
                Change.objects.filter(
                    content_type=ContentType.objects.get_for_model(User),
                    object_id=user.pk,
                ).values_list("kind", "actor")
            ),
            [(Change.Kind.CREATED, user.pk)],
        )
        self.assertEqual(
            list(
                Change.objects.filter(
                    content_type=ContentType.objects.get_for_model(Person),
                    object_id=self.an.pk,
                ).values_list("changes", "actor")
            ),
            [({"user": [None, "An Peeters"]}, user.pk)],
        )
        self.assertEqual(self.client.get("/").status_code, 200)

    def test_name_matches_when_the_email_does_not(self):
        sso_login(self.client, "subject-jan")

        user = User.objects.get(oidc_subject="subject-jan")
        self.jan.refresh_from_db()
        self.assertEqual(self.jan.user, user)

    def test_second_login_with_changed_email_finds_the_same_account(self):
        sso_login(self.client, "subject-an")
        user = User.objects.get(oidc_subject="subject-an")
        self.client.logout()
        self.provider.faults = Faults(
            claims={"email": "an.peeters@mow.vlaanderen.be", "family_name": "Maes"}
        )

        response = sso_login(self.client, "subject-an")

        self.assertRedirects(response, "/", fetch_redirect_response=False)
        self.assert_logged_in_as(user)
        self.assertEqual(User.objects.filter(oidc_subject__isnull=False).count(), 1)
        user.refresh_from_db()
        self.assertEqual(
            (user.last_name, user.email), ("Maes", "an.peeters@mow.vlaanderen.be")
        )
        self.assertEqual(
            Change.objects.filter(
                object_id=user.pk, kind=Change.Kind.UPDATED
            ).values_list("changes", flat=True)[0],
            {
                "last_name": ["Peeters", "Maes"],
                "email": ["an.peeters@vlaanderen.be", "an.peeters@mow.vlaanderen.be"],
            },
        )

    def test_later_login_queries_do_not_grow_with_the_staff(self):
        sso_login(self.client, "subject-an")
        self.client.logout()
        counts = []
        for _ in range(2):
            callback_url = choose_identity(self.client, "subject-an")
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(self.client.get(callback_url).status_code, 302)
            counts.append(len(queries))
            self.client.logout()
            for number in range(20):
                person = make_person(email=f"an.peeters{number}@vlaanderen.be")
                make_membership(person, self.mobility)

        # One query finds the account with its person; the rest is the
        # session's rotation, the last login, and the login rate limiter's
        # log of the success and reset of the failures (4).
        self.assertEqual(counts, [22, 22])

    def test_other_subject_with_the_same_email_gets_a_new_account(self):
        sso_login(self.client, "subject-an")
        first = User.objects.get(oidc_subject="subject-an")
        self.client.logout()

        with self.assertLogs("objectives.sso", "WARNING") as logs:
            response = sso_login(self.client, "subject-other-an")

        self.assertEqual(response.status_code, 302)
        other = User.objects.get(oidc_subject="subject-other-an")
        self.assertNotEqual(other, first)
        self.assert_logged_in_as(other)
        self.an.refresh_from_db()
        self.assertEqual(self.an.user, first)
        self.assertFalse(Person.objects.filter(user=other).exists())
        self.assertIn("already has another account", logs.output[0])

    def test_person_linked_to_a_local_account_is_not_taken_over(self):
        local = make_user(username="an.local", email="an.peeters@vlaanderen.be")
        Person.objects.filter(pk=self.an.pk).update(user=local)

        sso_login(self.client, "subject-an")

        user = User.objects.get(oidc_subject="subject-an")
        self.assertNotEqual(user, local)
        self.assert_logged_in_as(user)
        self.an.refresh_from_db()
        self.assertEqual(self.an.user, local)
        self.assertFalse(Person.objects.filter(user=user).exists())

    def test_identity_unknown_to_the_hr_feed_gets_an_account_without_person(self):
        with self.assertLogs("objectives.sso", "WARNING") as logs:
            response = sso_login(self.client, "subject-nobody")

        self.assertEqual(response.status_code, 302)
        user = User.objects.get(oidc_subject="subject-nobody")
        self.assertFalse(Person.objects.filter(user=user).exists())
        self.assertIn("nobody matches in OVO000096", logs.output[0])

    def test_a_later_login_links_the_person_the_hr_feed_has_added(self):
        sso_login(self.client, "subject-nobody")
        self.client.logout()
        newcomer = make_person(
            first_name="Niet", last_name="Gekend", email="niemand@vlaanderen.be"
        )
        make_membership(newcomer, self.mobility)

        sso_login(self.client, "subject-nobody")

        newcomer.refresh_from_db()
        self.assertEqual(newcomer.user.oidc_subject, "subject-nobody")

    def test_inactive_person_is_refused(self):
        sso_login(self.client, "subject-an")
        self.client.logout()
        Person.objects.filter(pk=self.an.pk).update(is_active=False)

        response = sso_login(self.client, "subject-an")

        self.assert_refused(response, "Uw account in Traject is niet meer actief.")

    def test_session_ends_when_the_person_is_deactivated(self):
        sso_login(self.client, "subject-an")
        self.assertEqual(self.client.get("/").status_code, 200)

        Person.objects.filter(pk=self.an.pk).update(is_active=False)

        response = self.client.get("/")
        self.assertRedirects(response, "/login/?next=/", fetch_redirect_response=False)

    def test_deactivated_account_is_refused(self):
        sso_login(self.client, "subject-nobody")
        self.client.logout()
        User.objects.filter(oidc_subject="subject-nobody").update(is_active=False)

        response = sso_login(self.client, "subject-nobody")

        self.assert_refused(response, "Uw account in Traject is niet meer actief.")

    def test_token_signed_with_another_key_is_refused(self):
        self.provider.faults = Faults(wrong_key=True)

        with self.assertLogs("objectives.sso", "WARNING"):
            response = sso_login(self.client, "subject-an")

        self.assert_refused(
            response, "Het antwoord van het identiteitsplatform kon niet"
        )
        self.assertFalse(User.objects.filter(oidc_subject="subject-an").exists())

    def test_expired_token_is_refused(self):
        self.provider.faults = Faults(expired=True)

        with self.assertLogs("objectives.sso", "WARNING") as logs:
            response = sso_login(self.client, "subject-an")

        self.assert_refused(
            response, "Het antwoord van het identiteitsplatform kon niet"
        )
        self.assertIn("expired", logs.output[0])
        self.assertFalse(User.objects.exists())

    def test_token_for_another_client_is_refused(self):
        self.provider.faults = Faults(audience="another-client")

        with self.assertLogs("objectives.sso", "WARNING") as logs:
            response = sso_login(self.client, "subject-an")

        self.assert_refused(
            response, "Het antwoord van het identiteitsplatform kon niet"
        )
        self.assertIn("meant for another client", logs.output[0])

    def test_claims_without_subject_are_refused(self):
        response = sso_login(self.client, "none")

        self.assert_refused(response, "geen bruikbare identificatie")
        self.assertFalse(User.objects.exists())

    def test_claims_with_a_malformed_ovo_number_are_refused(self):
        response = sso_login(self.client, "subject-no-ovo")

        self.assert_refused(response, "niet met een geldig OVO-nummer")
        self.assertFalse(User.objects.exists())

    def test_replayed_callback_is_refused(self):
        first = sso_login(self.client, "subject-an")

        replayed = self.client.get(first.callback_url)

        self.assertEqual(replayed.status_code, 403)
        self.assertContains(
            replayed, "niet hier gestart of werd al gebruikt", status_code=403
        )

    def test_callback_without_a_login_under_way_is_refused(self):
        response = self.client.get("/oidc/callback/?code=old&state=forged")

        self.assert_refused(response, "niet hier gestart of werd al gebruikt")

    def test_backend_ignores_password_logins(self):
        user = make_user(username="local", password="a-long-password-1")

        self.assertTrue(
            self.client.login(username="local", password="a-long-password-1")
        )
        self.assertIsNone(
            SingleSignOnBackend().authenticate(
                None, username="local", password="a-long-password-1"
            )
        )
        self.assertEqual(int(self.client.session["_auth_user_id"]), user.pk)


@override_settings(OIDC_ENABLED=False)
class SingleSignOnOffTests(TestCase):
    def test_login_page_has_only_the_password_form(self):
        response = self.client.get("/login/")

        self.assertContains(response, 'name="password"')
        self.assertNotContains(response, "/oidc/authenticate/")

    def test_oidc_addresses_are_not_found(self):
        self.assertEqual(self.client.get("/oidc/authenticate/").status_code, 404)
        self.assertEqual(
            self.client.get("/oidc/callback/?code=a&state=b").status_code, 404
        )


@override_settings(
    OIDC_ENABLED=True,
    LOCAL_LOGIN_ENABLED=False,
    AUTHENTICATION_BACKENDS=BACKENDS,
    OIDC_OP_AUTHORIZATION_ENDPOINT="https://idp.example/authorize",
)
class LocalLoginOffTests(TestCase):
    def test_login_page_has_no_password_form(self):
        response = self.client.get("/login/")

        self.assertContains(response, "Aanmelden met uw overheidsaccount")
        self.assertNotContains(response, 'name="password"')

    def test_posted_password_is_refused(self):
        make_user(username="local", password="a-long-password-1")

        response = self.client.post(
            "/login/", {"username": "local", "password": "a-long-password-1"}
        )

        self.assertContains(
            response, "Aanmelden met een wachtwoord staat uit.", status_code=403
        )
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_admin_login_sends_to_the_login_page(self):
        response = self.client.get("/admin/login/?next=/admin/")

        self.assertRedirects(
            response, "/login/?next=/admin/", fetch_redirect_response=False
        )
