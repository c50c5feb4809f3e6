"""Sessions end after half an hour idle and twelve hours after the login,
and every session of a person ends when the person is deactivated."""

import datetime

import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import TestCase
from django.urls import reverse

from objectives import actions
from objectives.models import Membership, Person
from sources.adapters.staff import StaffAdapter
from sources.engine import run_import
from sources.models import Source, SyncRun
from tests.factories import make_membership, make_organisation, make_person, make_user

START = datetime.datetime(2026, 6, 15, 8, 0, tzinfo=datetime.UTC)
HOME = reverse("objectives:home")


def is_logged_in(client):
    response = client.get(HOME)
    return response.status_code == 200


class SessionLifetimeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = make_user(username="ilse")
        make_person(user=cls.user)

    def test_the_settings_are_thirty_minutes_idle_and_twelve_hours_at_most(self):
        self.assertEqual(
            (settings.SESSION_COOKIE_AGE, settings.SESSION_ABSOLUTE_AGE),
            (30 * 60, 12 * 60 * 60),
        )

    def test_a_session_ends_after_thirty_minutes_without_a_request(self):
        with time_machine.travel(START, tick=False) as traveller:
            self.client.force_login(self.user)
            self.assertTrue(is_logged_in(self.client))
            traveller.shift(datetime.timedelta(minutes=29))
            self.assertTrue(is_logged_in(self.client))
            traveller.shift(datetime.timedelta(minutes=29))
            self.assertTrue(is_logged_in(self.client))

            traveller.shift(datetime.timedelta(minutes=30, seconds=1))
            response = self.client.get(HOME)

        self.assertRedirects(
            response, f"{reverse('login')}?next={HOME}", fetch_redirect_response=False
        )

    def test_requests_close_together_do_not_write_the_session_each_time(self):
        with time_machine.travel(START, tick=False) as traveller:
            self.client.force_login(self.user)
            self.client.get(HOME)
            expiry = Session.objects.get().expire_date
            traveller.shift(datetime.timedelta(seconds=30))
            self.client.get(HOME)
            self.assertEqual(Session.objects.get().expire_date, expiry)
            traveller.shift(datetime.timedelta(seconds=31))
            self.client.get(HOME)

        self.assertEqual(
            Session.objects.get().expire_date,
            START + datetime.timedelta(minutes=31, seconds=1),
        )

    def test_a_busy_session_ends_twelve_hours_after_the_login(self):
        with time_machine.travel(START, tick=False) as traveller:
            self.client.force_login(self.user)
            # A request every twenty minutes until 11:40, then at 11:59:59.
            for _ in range(36):
                self.assertTrue(is_logged_in(self.client))
                traveller.shift(datetime.timedelta(minutes=20))
            traveller.shift(datetime.timedelta(seconds=-1))
            self.assertTrue(is_logged_in(self.client))

            traveller.shift(datetime.timedelta(seconds=2))
            response = self.client.get(HOME, follow=True)

        login = f"{reverse('login')}?next={HOME}"
        self.assertEqual(response.redirect_chain, [(login, 302)])
        self.assertContains(response, "Uw sessie is afgelopen")
        self.assertFalse(is_logged_in(self.client))


class DeactivationEndsSessionsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.organisation = make_organisation(ovo_number="OVO000096", name="Mobiliteit")
        cls.user = make_user(username="leaver")
        cls.person = make_person(user=cls.user, personnel_number="100001")
        make_membership(cls.person, cls.organisation)
        cls.colleague = make_user(username="colleague")
        make_person(user=cls.colleague)

    def setUp(self):
        self.client.force_login(self.user)
        self.other_client = self.client_class()
        self.other_client.force_login(self.user)
        self.colleague_client = self.client_class()
        self.colleague_client.force_login(self.colleague)
        self.assertTrue(is_logged_in(self.client))

    def assert_only_the_colleague_is_logged_in(self):
        self.assertFalse(is_logged_in(self.client))
        self.assertFalse(is_logged_in(self.other_client))
        self.assertTrue(is_logged_in(self.colleague_client))

    def test_deactivating_a_person_logs_out_every_session_of_their_account(self):
        with self.captureOnCommitCallbacks(execute=True):
            changed = actions.do_deactivate_person(self.person, acting_user=None)

        self.assertTrue(changed)
        self.person.refresh_from_db()
        self.assertFalse(self.person.is_active)
        self.assertEqual(
            Membership.objects.active().filter(person=self.person).count(), 0
        )
        self.assert_only_the_colleague_is_logged_in()

    def test_deactivating_a_person_in_the_admin_logs_them_out(self):
        admin = self.client_class()
        admin.force_login(make_user(username="centraal", is_global_admin=True))
        url = reverse("admin:objectives_person_change", args=[self.person.pk])

        with self.captureOnCommitCallbacks(execute=True):
            response = admin.post(
                url,
                {
                    "personnel_number": "100001",
                    "first_name": "Lotte",
                    "last_name": "Claes",
                    "email": "",
                    "function": "",
                    "user": self.user.pk,
                },
            )

        self.assertEqual(response.status_code, 302)
        self.assertFalse(Person.objects.get(pk=self.person.pk).is_active)
        self.assert_only_the_colleague_is_logged_in()

    def test_a_leaver_in_the_hr_feed_is_logged_out(self):
        leaving = {
            "personnelNumber": "100001",
            "firstName": "Lotte",
            "lastName": "Claes",
            "email": "lotte.claes@traject.example",
            "organisationOvo": "OVO000096",
            "function": "Beleidsmedewerker",
            "startDate": "2020-01-01",
            "endDate": "2026-05-31",
        }
        run = SyncRun.objects.create(source=Source.STAFF, mode=SyncRun.Mode.FULL)
        adapter = StaffAdapter(today=datetime.date(2026, 6, 15))

        with self.captureOnCommitCallbacks(execute=True):
            run_import(run, adapter, [leaving])

        self.assertFalse(Person.objects.get(pk=self.person.pk).is_active)
        self.assert_only_the_colleague_is_logged_in()

    def test_a_person_the_full_hr_feed_no_longer_lists_is_logged_out(self):
        Membership.objects.filter(person=self.person).update(
            source=Membership.Source.HR
        )
        run = SyncRun.objects.create(source=Source.STAFF, mode=SyncRun.Mode.FULL)
        adapter = StaffAdapter(today=datetime.date(2026, 6, 15))

        with self.captureOnCommitCallbacks(execute=True):
            run_import(run, adapter, [])

        self.assertFalse(Person.objects.get(pk=self.person.pk).is_active)
        self.assert_only_the_colleague_is_logged_in()
