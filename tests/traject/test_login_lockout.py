"""Failed logins lock the account and, separately, the address (django-axes)."""

import datetime

import time_machine
from django.test import TestCase, override_settings
from django.urls import reverse

from objectives.models import Person
from tests.factories import make_person, make_user

LOGIN = reverse("login")
PASSWORD = "a-long-and-right-password"
START = datetime.datetime(2026, 6, 15, 8, 0, tzinfo=datetime.UTC)


# Real logins hash passwords: the fast hasher keeps the tests quick.
@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class LoginLockoutTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = make_user(username="ilse", password=PASSWORD)
        make_person(user=cls.user)
        cls.other = make_user(username="jan", password=PASSWORD)

    def log_in(self, username, password, address="192.0.2.1"):
        client = self.client_class()
        response = client.post(
            LOGIN,
            {"username": username, "password": password},
            REMOTE_ADDR=address,
        )
        return response, client

    def fail(self, times, username="ilse", address="192.0.2.1"):
        for _ in range(times):
            response, _ = self.log_in(username, "wrong", address)
            # The failure that reaches the limit is answered with the lock.
            self.assertIn(response.status_code, {200, 429})

    def assert_locked_out(self, response):
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "Te veel aanmeldpogingen", status_code=429)
        self.assertContains(response, "15 minuten", status_code=429)

    def test_the_right_password_logs_in(self):
        response, client = self.log_in("ilse", PASSWORD)

        self.assertRedirects(
            response, reverse("objectives:home"), fetch_redirect_response=False
        )
        self.assertEqual(client.get(reverse("objectives:home")).status_code, 200)

    def test_five_failures_lock_the_account_from_any_address(self):
        self.fail(5, username="ilse", address="192.0.2.1")

        response, client = self.log_in("ilse", PASSWORD, address="198.51.100.7")

        self.assert_locked_out(response)
        self.assertEqual(client.get(reverse("objectives:home")).status_code, 302)
        # Another account from another address is not affected.
        response, _ = self.log_in("jan", PASSWORD, address="198.51.100.7")
        self.assertEqual(response.status_code, 302)

    def test_five_failures_from_one_address_lock_that_address_for_every_account(self):
        for username in ("a", "b", "c", "d", "e"):
            self.fail(1, username=username, address="192.0.2.1")

        response, _ = self.log_in("jan", PASSWORD, address="192.0.2.1")

        self.assert_locked_out(response)
        response, _ = self.log_in("jan", PASSWORD, address="198.51.100.7")
        self.assertEqual(response.status_code, 302)

    def test_a_person_who_left_cannot_log_in_with_the_right_password(self):
        Person.objects.filter(user=self.user).update(is_active=False)

        response, client = self.log_in("ilse", PASSWORD)

        self.assertContains(response, "Voer een juiste gebruikersnaam en wachtwoord in")
        self.assertEqual(client.get(reverse("objectives:home")).status_code, 302)
        # An account without a person (a technical administrator) still may.
        self.assertEqual(self.log_in("jan", PASSWORD)[0].status_code, 302)

    def test_a_wrong_password_is_said_so_on_the_login_form(self):
        response, _ = self.log_in("ilse", "wrong")

        self.assertContains(response, "Voer een juiste gebruikersnaam en wachtwoord in")

    def test_four_failures_do_not_lock_and_a_success_forgets_them(self):
        self.fail(4)
        response, _ = self.log_in("ilse", PASSWORD)
        self.assertEqual(response.status_code, 302)

        self.fail(4)
        response, _ = self.log_in("ilse", PASSWORD)

        self.assertEqual(response.status_code, 302)

    def test_the_lock_lifts_after_fifteen_minutes(self):
        with time_machine.travel(START, tick=False) as traveller:
            self.fail(5)
            traveller.shift(datetime.timedelta(minutes=14))
            self.assert_locked_out(self.log_in("ilse", PASSWORD)[0])

            # A refused attempt during the lock starts the quarter again.
            traveller.shift(datetime.timedelta(minutes=15, seconds=1))
            response, _ = self.log_in("ilse", PASSWORD)

        self.assertEqual(response.status_code, 302)

    def test_the_lockout_page_speaks_english_on_request(self):
        self.fail(5)
        self.client.cookies["django_language"] = "en"

        response = self.client.post(
            LOGIN, {"username": "ilse", "password": PASSWORD}, REMOTE_ADDR="192.0.2.1"
        )

        self.assertContains(response, "Too many login attempts", status_code=429)
        self.assertContains(response, "Try again in 15 minutes", status_code=429)

    def test_a_global_administrator_still_gets_the_admin_after_a_real_login(self):
        make_user(username="centraal", password=PASSWORD, is_global_admin=True)

        response, client = self.log_in("centraal", PASSWORD)

        self.assertEqual(response.status_code, 302)
        self.assertEqual(client.get(reverse("admin:index")).status_code, 200)
