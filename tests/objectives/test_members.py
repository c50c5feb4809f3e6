"""The members of an organisation: who reads the list, who changes it."""

import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from objectives.models import Change, Membership
from tests.factories import make_membership, make_person
from tests.personas import PersonaTestCase, make_persona

Role = Membership.Role
Kind = Change.Kind


def history(obj):
    """The change rows of ``obj``, oldest first, as (kind, changes, actor)."""
    rows = Change.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    ).order_by("id")
    return [(row.kind, row.changes, row.actor_id) for row in rows]


def memberships(organisation):
    """Every membership of ``organisation``, ended ones too, as stored."""
    return sorted(
        (membership.person.full_name, membership.role, membership.end_date)
        for membership in organisation.memberships.select_related("person")
    )


class MemberTestCase(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.newcomer = make_person(first_name="Ann", last_name="Smet")
        cls.hr_member = make_person(first_name="Bart", last_name="Claes")
        make_membership(
            cls.hr_member,
            cls.organisation_a,
            Role.CONTRIBUTOR,
            source=Membership.Source.HR,
            start_date=datetime.date(2024, 9, 1),
        )

    def url(self, name="member_list", organisation=None):
        organisation = organisation or self.organisation_a
        return reverse(f"objectives:{name}", args=[organisation.ovo_number])

    def membership_of(self, user):
        return Membership.objects.get(
            person=user.person, organisation=self.organisation_a
        )

    def assertUnchanged(self):
        self.assertEqual(
            memberships(self.organisation_a),
            [
                ("Admin A", "administrator", None),
                ("Bart Claes", "contributor", None),
                ("Contributor A", "contributor", None),
                ("Reader A", "reader", None),
            ],
        )
        self.assertEqual(Change.objects.count(), self.changes_before)

    def setUp(self):
        self.changes_before = Change.objects.count()
        # The English source strings, whatever the translations say.
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


class MemberListTests(MemberTestCase):
    def test_member_reads_the_list_without_changing_it(self):
        self.client.force_login(self.reader_a)

        response = self.client.get(self.url())

        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            [
                (m.person.full_name, m.role, m.source)
                for m in response.context["page"].object_list
            ],
            [
                ("Admin A", "administrator", "manual"),
                ("Contributor A", "contributor", "manual"),
                ("Reader A", "reader", "manual"),
                ("Bart Claes", "contributor", "hr"),
            ],
        )
        self.assertIs(response.context["may_manage"], False)
        self.assertNotContains(response, "Grant a role")
        self.assertNotContains(response, "Change role")

    def test_list_shows_source_and_since_in_dutch_by_default(self):
        del self.client.cookies[settings.LANGUAGE_COOKIE_NAME]
        self.client.force_login(self.admin_a)

        response = self.client.get(self.url())

        self.assertContains(response, "<td>HR-systeem</td>", html=True)
        self.assertContains(response, "<td>01/09/2024</td>", html=True)

    def test_ending_a_role_from_the_hr_feed_comes_with_a_note(self):
        self.client.force_login(self.admin_a)

        response = self.client.get(self.url())

        self.assertContains(response, "a later import may grant it again", count=1)

    def test_ended_and_future_memberships_are_not_listed(self):
        make_membership(
            make_person(last_name="Gone"),
            self.organisation_a,
            end_date=timezone.localdate() - datetime.timedelta(days=1),
        )
        make_membership(
            make_person(last_name="Later"),
            self.organisation_a,
            start_date=timezone.localdate() + datetime.timedelta(days=1),
        )
        self.client.force_login(self.reader_a)

        response = self.client.get(self.url())

        self.assertEqual(response.context["page"].paginator.count, 4)

    def test_outsider_gets_404_for_every_member_page(self):
        self.client.force_login(self.admin_b)
        person = {"person": self.reader_a.person.personnel_number}

        for name, data in [
            ("member_list", None),
            ("member_person_search", None),
            (
                "member_grant",
                {"person": self.newcomer.personnel_number, "role": "reader"},
            ),
            ("member_change", {**person, "role": "administrator"}),
            ("member_end", person),
        ]:
            with self.subTest(name):
                url = self.url(name)
                if data is None:
                    response = self.client.get(url)
                else:
                    response = self.client.post(url, data)
                self.assertEqual(response.status_code, 404)

        self.assertUnchanged()

    def test_member_who_is_not_administrator_gets_403_for_changes(self):
        person = {"person": self.reader_a.person.personnel_number}
        for user in (self.reader_a, self.contributor_a):
            self.client.force_login(user)
            for name, data in [
                ("member_person_search", None),
                (
                    "member_grant",
                    {"person": self.newcomer.personnel_number, "role": "reader"},
                ),
                ("member_change", {**person, "role": "administrator"}),
                ("member_end", person),
            ]:
                with self.subTest(user=user.username, page=name):
                    url = self.url(name)
                    if data is None:
                        response = self.client.get(url, {"q": "Smet"})
                    else:
                        response = self.client.post(url, data)
                    self.assertEqual(response.status_code, 403)

        self.assertUnchanged()

    def test_global_administrator_reads_and_manages_any_entity(self):
        self.client.force_login(self.global_admin)

        response = self.client.get(self.url(organisation=self.organisation_b))

        self.assertEqual(response.status_code, 200)
        self.assertIs(response.context["may_manage"], True)

    def test_long_list_is_paginated(self):
        for number in range(50):
            make_membership(
                make_person(last_name=f"Zz{number:02d}"), self.organisation_a
            )
        self.client.force_login(self.reader_a)

        first = self.client.get(self.url())
        second = self.client.get(self.url(), {"page": 2})

        self.assertEqual(len(first.context["page"].object_list), 50)
        self.assertEqual(
            [m.person.last_name for m in second.context["page"].object_list],
            ["Zz46", "Zz47", "Zz48", "Zz49"],
        )
        self.assertContains(first, "Page 1 of 2")

    # The session, the user, the user's roles, the organisation, the count,
    # the page of memberships with their people, the entity switch.
    LIST_QUERIES = 7

    def test_list_queries_do_not_grow_with_the_members(self):
        self.client.force_login(self.admin_a)
        with self.assertNumQueries(self.LIST_QUERIES):
            self.client.get(self.url())

        for _number in range(20):
            make_membership(make_person(), self.organisation_a, Role.CONTRIBUTOR)

        with self.assertNumQueries(self.LIST_QUERIES):
            response = self.client.get(self.url())
        self.assertEqual(len(response.context["page"].object_list), 24)

    def test_picker_adds_one_query(self):
        self.client.force_login(self.admin_a)

        with self.assertNumQueries(self.LIST_QUERIES + 1):
            response = self.client.get(self.url(), {"q": "smet"})

        self.assertEqual(response.context["candidates"], [self.newcomer])


class PersonPickerTests(MemberTestCase):
    def search(self, query):
        self.client.force_login(self.admin_a)
        response = self.client.get(self.url("member_person_search"), {"q": query})
        self.assertTemplateUsed(response, "objectives/members/_people.html")
        self.assertTemplateNotUsed(response, "base.html")
        return [person.full_name for person in response.context["candidates"]]

    def test_picker_finds_people_by_every_word_and_by_personnel_number(self):
        self.assertEqual(self.search("ann SMET"), ["Ann Smet"])
        self.assertEqual(self.search(self.hr_member.personnel_number), ["Bart Claes"])
        self.assertEqual(self.search(""), [])

    def test_picker_leaves_out_people_who_left(self):
        make_person(first_name="Ann", last_name="Smets", is_active=False)

        self.assertEqual(self.search("smet"), ["Ann Smet"])


class MemberChangeTests(MemberTestCase):
    def post(self, name, user=None, **data):
        self.client.force_login(user or self.admin_a)
        return self.client.post(self.url(name), data, follow=True)

    def test_administrator_grants_a_role(self):
        response = self.post(
            "member_grant", person=self.newcomer.personnel_number, role="contributor"
        )

        membership = Membership.objects.get(person=self.newcomer)
        self.assertEqual(
            (membership.organisation, membership.role, membership.source),
            (self.organisation_a, "contributor", "manual"),
        )
        self.assertEqual(
            history(membership),
            [(Kind.CREATED, {"role": [None, "contributor"]}, self.admin_a.pk)],
        )
        self.assertContains(response, "Ann Smet is now contributor.")

    def test_granting_to_someone_who_left_is_refused(self):
        gone = make_person(first_name="Gone", is_active=False)

        self.post("member_grant", person=gone.personnel_number, role="reader")

        self.assertUnchanged()

    def test_administrator_changes_a_role(self):
        self.post(
            "member_change",
            person=self.reader_a.person.personnel_number,
            role="contributor",
        )

        membership = self.membership_of(self.reader_a)
        self.assertEqual(membership.role, "contributor")
        self.assertEqual(
            history(membership),
            [(Kind.UPDATED, {"role": ["reader", "contributor"]}, self.admin_a.pk)],
        )

    def test_changing_the_role_of_a_non_member_is_refused(self):
        response = self.post(
            "member_change", person=self.newcomer.personnel_number, role="reader"
        )

        self.assertContains(response, "Ann Smet holds no role here.")
        self.assertUnchanged()
        self.assertFalse(Membership.objects.filter(person=self.newcomer).exists())

    def test_administrator_ends_a_membership_from_the_hr_feed(self):
        yesterday = timezone.localdate() - datetime.timedelta(days=1)

        response = self.post("member_end", person=self.hr_member.personnel_number)

        membership = Membership.objects.get(person=self.hr_member)
        self.assertEqual(membership.end_date, yesterday)
        self.assertEqual(
            history(membership),
            [
                (
                    Kind.UPDATED,
                    {"end_date": [None, yesterday.isoformat()]},
                    self.admin_a.pk,
                )
            ],
        )
        self.assertEqual(
            [m.person.full_name for m in response.context["page"].object_list],
            ["Admin A", "Contributor A", "Reader A"],
        )

    def test_ended_member_loses_access(self):
        self.post("member_end", person=self.reader_a.person.personnel_number)

        self.client.force_login(self.reader_a)
        self.assertEqual(self.client.get(self.url()).status_code, 404)

    def test_last_administrator_cannot_end_or_lower_their_own_role(self):
        admin = {"person": self.admin_a.person.personnel_number}

        ended = self.post("member_end", **admin)
        lowered = self.post("member_change", **admin, role="reader")
        regranted = self.post("member_grant", **admin, role="contributor")

        message = (
            "A needs at least one administrator: give the role to someone else first."
        )
        for response in (ended, lowered, regranted):
            self.assertContains(response, message)
        self.assertUnchanged()

    def test_nobody_takes_the_last_administrator_role_away(self):
        self.post(
            "member_end",
            user=self.global_admin,
            person=self.admin_a.person.personnel_number,
        )

        self.assertUnchanged()

    def test_administrator_steps_down_once_there_is_another(self):
        self.post(
            "member_change",
            person=self.contributor_a.person.personnel_number,
            role="administrator",
        )

        self.post(
            "member_change",
            person=self.admin_a.person.personnel_number,
            role="reader",
        )

        self.assertEqual(self.membership_of(self.admin_a).role, "reader")
        self.assertEqual(self.membership_of(self.contributor_a).role, "administrator")

    def test_lost_administrator_role_takes_effect_at_once(self):
        second = make_persona("second_admin", self.organisation_a, Role.ADMINISTRATOR)

        self.post("member_end", user=second, person=second.person.personnel_number)
        response = self.client.post(
            self.url("member_change"),
            {"person": self.reader_a.person.personnel_number, "role": "contributor"},
        )

        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.membership_of(self.reader_a).role, "reader")


class MemberHookTests(MemberTestCase):
    def render_hook(self, user, organisation):
        request = RequestFactory().get("/")
        request.user = user
        return render_to_string(
            "objectives/includes/_organisation_members_manage.html",
            {"organisation": organisation},
            request=request,
        )

    def test_organisation_page_links_its_members_to_members_only(self):
        link = self.url()

        self.assertIn(link, self.render_hook(self.reader_a, self.organisation_a))
        self.assertIn(link, self.render_hook(self.global_admin, self.organisation_a))
        self.assertNotIn(link, self.render_hook(self.admin_b, self.organisation_a))

    def test_organisation_page_includes_the_hook(self):
        self.client.force_login(self.reader_a)

        response = self.client.get(self.organisation_a.get_absolute_url())

        self.assertContains(response, f'href="{self.url()}"')
