"""The log of refused access: what is written, when, and the page that
global administrators read it on."""

import datetime
import uuid

from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from objectives import access
from objectives.models import AccessRefusal, Confidentiality, Project
from objectives.tasks import prune_access_refusals
from tests.factories import make_project
from tests.personas import PersonaTestCase

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) " + "Gecko/20100101 Firefox/140.0 " * 20
PAGE = reverse("objectives:refusal_list")


def project_url(project, suffix=""):
    return reverse("objectives:project_detail", args=[project.public_id]) + suffix


class RefusalLogTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.project_a = make_project(lead_organisation=cls.organisation_a)
        cls.secret_b = make_project(
            lead_organisation=cls.organisation_b,
            confidentiality=Confidentiality.CONFIDENTIAL,
        )

    def test_an_existing_but_invisible_component_is_logged_as_a_404(self):
        self.client.force_login(self.reader_a)

        response = self.client.get(
            project_url(self.secret_b),
            REMOTE_ADDR="192.0.2.10",
            HTTP_USER_AGENT=BROWSER,
        )

        self.assertEqual(response.status_code, 404)
        refusal = AccessRefusal.objects.get()
        self.assertEqual(
            (
                refusal.user,
                refusal.path,
                refusal.method,
                refusal.status,
                refusal.component_type,
                refusal.component_id,
                refusal.ip_address,
            ),
            (
                self.reader_a,
                project_url(self.secret_b),
                "GET",
                404,
                "project",
                str(self.secret_b.public_id),
                "192.0.2.10",
            ),
        )
        self.assertEqual(refusal.user_agent, BROWSER[:200])

    def test_a_missing_component_or_page_is_not_logged(self):
        self.client.force_login(self.reader_a)
        missing = reverse("objectives:project_detail", args=[uuid.uuid4()])

        self.assertEqual(self.client.get(missing).status_code, 404)
        self.assertEqual(self.client.get("/no-such-page/").status_code, 404)

        self.assertFalse(AccessRefusal.objects.exists())

    def test_a_forbidden_action_on_a_visible_component_is_logged_as_a_403(self):
        self.client.force_login(self.reader_a)
        url = reverse("objectives:project_archive", args=[self.project_a.public_id])

        response = self.client.post(url)

        self.assertEqual(response.status_code, 403)
        self.project_a.refresh_from_db()
        self.assertFalse(self.project_a.is_archived)
        self.assertEqual(
            list(
                AccessRefusal.objects.values_list(
                    "user__username", "method", "status", "component_type", "path"
                )
            ),
            [("reader_a", "POST", 403, "project", url)],
        )

    def test_an_allowed_request_writes_nothing_and_costs_no_extra_query(self):
        self.client.force_login(self.reader_a)

        self.assertEqual(self.client.get(project_url(self.project_a)).status_code, 200)
        with self.assertNumQueries(1):
            found = access.get_for_user(
                self.reader_a, Project, self.project_a.public_id
            )

        self.assertEqual(found, self.project_a)
        self.assertFalse(AccessRefusal.objects.exists())

    @override_settings(BEHIND_TLS_PROXY=True)
    def test_behind_the_proxy_the_address_the_proxy_appended_is_kept(self):
        self.client.force_login(self.reader_a)

        self.client.get(
            project_url(self.secret_b),
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR="203.0.113.5, 198.51.100.20",
        )

        self.assertEqual(AccessRefusal.objects.get().ip_address, "198.51.100.20")


class RefusalPageTests(PersonaTestCase):
    def refuse(self, user, count, *, start=None):
        start = start or timezone.now()
        AccessRefusal.objects.bulk_create(
            AccessRefusal(
                user=user,
                path=f"/projects/{uuid.uuid4()}/",
                method="GET",
                status=404,
                component_type="project",
                component_id=str(uuid.uuid4()),
                ip_address="192.0.2.1",
                user_agent="Firefox",
                at=start - datetime.timedelta(minutes=minutes),
            )
            for minutes in range(count)
        )

    def test_only_global_administrators_read_the_log(self):
        for user in (self.reader_a, self.admin_a, self.coordinator):
            self.client.force_login(user)
            with self.subTest(user=user.username):
                self.assertEqual(self.client.get(PAGE).status_code, 404)

    def test_the_header_links_the_page_for_global_administrators_only(self):
        self.client.force_login(self.global_admin)
        self.assertContains(self.client.get("/"), f'href="{PAGE}"')

        self.client.force_login(self.reader_a)
        self.assertNotContains(self.client.get("/"), f'href="{PAGE}"')

    def test_the_newest_refusals_come_first_and_link_their_component(self):
        project = make_project(lead_organisation=self.organisation_a)
        old = AccessRefusal.objects.create(
            user=self.reader_a,
            path="/old/",
            method="GET",
            status=404,
            at=timezone.now() - datetime.timedelta(days=2),
        )
        new = AccessRefusal.objects.create(
            user=self.reader_b,
            path=project_url(project, "archive/"),
            method="POST",
            status=403,
            component_type="project",
            component_id=str(project.public_id),
        )
        self.client.force_login(self.global_admin)

        response = self.client.get(PAGE)

        self.assertEqual(list(response.context["page"].object_list), [new, old])
        self.assertContains(response, f'<a href="{project_url(project)}">project</a>')
        self.assertContains(response, "POST " + project_url(project, "archive/"))
        self.assertContains(response, "Geweigerde toegang")

    def test_the_list_is_filtered_by_user(self):
        self.refuse(self.reader_a, 3)
        self.refuse(self.reader_b, 2)
        self.client.force_login(self.global_admin)

        response = self.client.get(PAGE, {"user": "READER_B"})

        self.assertEqual(
            {refusal.user for refusal in response.context["page"].object_list},
            {self.reader_b},
        )
        self.assertEqual(response.context["page"].paginator.count, 2)
        self.assertContains(response, 'value="READER_B"')

    def test_pages_keep_the_filter_and_the_queries_do_not_grow(self):
        self.client.force_login(self.global_admin)
        self.refuse(self.reader_a, 3)
        self.client.get(PAGE)
        with self.assertNumQueries(5):
            self.client.get(PAGE, {"user": "reader_a"})

        self.refuse(self.reader_a, 120)
        with self.assertNumQueries(5):
            response = self.client.get(PAGE, {"user": "reader_a"})

        self.assertEqual(len(response.context["page"].object_list), 50)
        self.assertContains(response, 'href="?user=reader_a&amp;page=2"')


class PruneTests(PersonaTestCase):
    def test_refusals_older_than_a_year_are_pruned_once(self):
        now = timezone.now()
        for days in (400, 366, 364, 1):
            AccessRefusal.objects.create(
                path=f"/{days}/",
                method="GET",
                status=403,
                at=now - datetime.timedelta(days=days),
            )

        self.assertEqual(prune_access_refusals(now), 2)
        self.assertEqual(prune_access_refusals(now), 0)

        self.assertEqual(
            sorted(AccessRefusal.objects.values_list("path", flat=True)),
            ["/1/", "/364/"],
        )

    def test_beat_prunes_every_night(self):
        entry = settings.CELERY_BEAT_SCHEDULE["prune-access-refusals"]

        self.assertEqual(entry["task"], "objectives.tasks.prune_access_refusals_task")
        self.assertEqual(settings.ACCESS_REFUSAL_DAYS, 365)
