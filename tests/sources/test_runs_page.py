import datetime
import tempfile
from pathlib import Path

from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from objectives.models import Organisation
from sources.models import RejectedDocument, SourceState, SyncRun
from tests.eager import eager_tasks
from tests.personas import PersonaTestCase
from tests.sources.sample_source import (
    SAMPLE_RUNNERS,
    agencies,
    write_feed,
)

Status = SyncRun.Status
POLLING = 'hx-trigger="every 2s"'


def make_run(source="organisations", status=Status.SUCCEEDED, **fields):
    return SyncRun.objects.create(source=source, status=status, **fields)


class RunsPageTestCase(PersonaTestCase):
    def setUp(self):
        super().setUp()
        # The English source text, whatever the translations say.
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    def get(self, user, url):
        self.client.force_login(user)
        return self.client.get(url)


class RunListTests(RunsPageTestCase):
    url = reverse("sources:run_list")

    def test_global_administrator_sees_the_runs_newest_first_with_counts(self):
        make_run(read=10, created=7, updated=1, unchanged=2)
        newest = make_run(
            "staff",
            Status.FAILED,
            error="FeedError: truncated",
            requested_by=self.global_admin,
        )

        response = self.get(self.global_admin, self.url)

        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            list(response.context["page"]),
            [newest, *[run for run in SyncRun.objects.filter(source="organisations")]],
        )
        self.assertContains(response, '<td class="number">7</td>', html=True)
        self.assertContains(response, "HR system")
        self.assertContains(
            response, reverse("sources:run_detail", args=[newest.public_id])
        )

    def test_filters_the_runs_of_one_source(self):
        make_run("staff")
        processes = make_run("processes")

        response = self.get(self.global_admin, self.url + "?source=processes")

        self.assertEqual(list(response.context["page"]), [processes])
        self.assertEqual(response.context["chosen"], "processes")

    def test_an_unknown_source_filter_shows_every_run(self):
        make_run("staff")
        make_run("processes")

        response = self.get(self.global_admin, self.url + "?source=budget")

        self.assertEqual(len(response.context["page"]), 2)

    def test_paginates_fifty_runs_a_page(self):
        SyncRun.objects.bulk_create(
            [SyncRun(source="staff", status=Status.SUCCEEDED) for _ in range(51)]
        )

        response = self.get(self.global_admin, self.url + "?source=staff&page=2")

        self.assertEqual(len(response.context["page"]), 1)
        self.assertContains(response, 'href="?source=staff&amp;page=1"')

    @override_settings(
        SOURCE_URLS={
            "organisations": "https://registry.example/v1",
            "staff": "",
            "processes": "",
        }
    )
    def test_offers_to_run_only_the_sources_with_an_address(self):
        SourceState.objects.create(
            source="organisations",
            locked_until=timezone.now() + datetime.timedelta(minutes=5),
        )

        response = self.get(self.global_admin, self.url)

        self.assertContains(response, "https://registry.example/v1")
        self.assertContains(response, "A run is in progress", count=1)
        self.assertContains(response, "No feed address configured", count=2)
        self.assertContains(response, " disabled>", count=4)

    def test_others_get_not_found(self):
        for user in (self.admin_a, self.reader_a, self.coordinator):
            with self.subTest(user.username):
                self.assertEqual(self.get(user, self.url).status_code, 404)

    def test_anonymous_visitors_are_sent_to_the_login_page(self):
        response = self.client.get(self.url)

        self.assertRedirects(response, f"{reverse('login')}?next={self.url}")

    def test_the_header_links_to_the_runs_for_global_administrators_only(self):
        home = reverse("objectives:home")

        self.assertContains(self.get(self.global_admin, home), f'href="{self.url}"')
        self.assertNotContains(self.get(self.admin_a, home), f'href="{self.url}"')

    def test_the_number_of_queries_does_not_grow_with_the_runs(self):
        make_run(requested_by=self.global_admin)
        self.client.force_login(self.global_admin)
        with self.assertNumQueries(6):
            self.client.get(self.url)

        for source in ("staff", "processes", "organisations"):
            make_run(source, requested_by=self.admin_a)
            make_run(source, Status.FAILED)
        with self.assertNumQueries(6):
            self.client.get(self.url)


class RunDetailTests(RunsPageTestCase):
    def setUp(self):
        super().setUp()
        self.run = make_run(
            read=4,
            created=2,
            rejected=2,
            finished_at=timezone.now(),
            requested_by=self.global_admin,
        )
        RejectedDocument.objects.bulk_create(
            [
                RejectedDocument(
                    run=self.run,
                    position=2,
                    identifier="OVO9",
                    reason="'OVO9' is not an OVO number.",
                    excerpt='{"ovo": "OVO9"}',
                ),
                RejectedDocument(
                    run=self.run,
                    position=4,
                    identifier="OVO900004",
                    reason="The document has no name.",
                    excerpt='{"ovo": "OVO900004"}',
                ),
            ]
        )
        self.url = reverse("sources:run_detail", args=[self.run.public_id])
        self.status_url = reverse("sources:run_status", args=[self.run.public_id])

    def test_shows_the_counts_and_the_rejected_documents_with_reasons(self):
        response = self.get(self.global_admin, self.url)

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "<dt>Created</dt><dd>2</dd>", html=True)
        self.assertContains(response, "<dt>Rejected</dt><dd>2</dd>", html=True)
        self.assertContains(response, "&#x27;OVO9&#x27; is not an OVO number.")
        self.assertContains(response, "The document has no name.")
        self.assertContains(response, "{&quot;ovo&quot;: &quot;OVO900004&quot;}")
        self.assertNotContains(response, POLLING)

    def test_shows_the_error_of_a_failed_run(self):
        self.run.status = Status.FAILED
        self.run.error = "FeedError: The feed ends inside a document."
        self.run.save()

        response = self.get(self.global_admin, self.url)

        self.assertContains(response, "FeedError: The feed ends inside a document.")
        self.assertNotContains(response, POLLING)

    def test_paginates_the_rejected_documents(self):
        RejectedDocument.objects.bulk_create(
            [
                RejectedDocument(run=self.run, position=n, reason="Bad.")
                for n in range(10, 110)
            ]
        )

        response = self.get(self.global_admin, self.url + "?page=2")

        self.assertEqual(
            [rejection.position for rejection in response.context["page"]],
            [108, 109],
        )

    def test_a_queued_run_polls_its_status_and_offers_a_reload_link(self):
        run = make_run(status=Status.QUEUED)
        url = reverse("sources:run_detail", args=[run.public_id])

        response = self.get(self.global_admin, url)

        status_url = reverse("sources:run_status", args=[run.public_id])
        self.assertContains(response, f'hx-get="{status_url}"')
        self.assertContains(response, POLLING, count=1)
        self.assertContains(
            response, f'<a href="{url}">Reload this page</a>', html=True
        )

    def test_the_fragment_of_a_running_run_keeps_polling(self):
        self.run.status = Status.RUNNING
        self.run.started_at = timezone.now()
        self.run.save()

        response = self.get(self.global_admin, self.status_url)

        self.assertContains(response, POLLING, count=1)
        self.assertContains(response, "running")
        self.assertNotContains(response, "<html")

    def test_the_fragment_of_a_finished_run_stops_polling(self):
        response = self.get(self.global_admin, self.status_url)

        self.assertNotContains(response, POLLING)
        self.assertNotContains(response, "Reload this page")
        self.assertContains(response, f'href="{self.url}#rejected"')

    def test_others_get_not_found_for_the_page_and_its_fragment(self):
        for user in (self.admin_a, self.reader_a):
            for url in (self.url, self.status_url):
                with self.subTest(user=user.username, url=url):
                    self.assertEqual(self.get(user, url).status_code, 404)

    def test_an_unknown_run_is_not_found(self):
        url = reverse(
            "sources:run_detail", args=["00000000-0000-0000-0000-000000000000"]
        )

        self.assertEqual(self.get(self.global_admin, url).status_code, 404)

    def test_the_number_of_queries_does_not_grow_with_the_rejections(self):
        self.client.force_login(self.global_admin)
        with self.assertNumQueries(6):
            self.client.get(self.url)

        RejectedDocument.objects.bulk_create(
            [
                RejectedDocument(run=self.run, position=n, reason="Bad.")
                for n in range(10, 60)
            ]
        )
        with self.assertNumQueries(6):
            self.client.get(self.url)
        with self.assertNumQueries(3):
            self.client.get(self.status_url)


@override_settings(SOURCE_RUNNERS=SAMPLE_RUNNERS)
class RunStartTests(RunsPageTestCase):
    def setUp(self):
        super().setUp()
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.path = write_feed(Path(folder.name) / "feed.jsonl", agencies(900001, 3))
        urls = {"organisations": self.path, "staff": self.path, "processes": ""}
        self.enterContext(override_settings(SOURCE_URLS=urls))

    def post(self, user, source, mode="incremental"):
        self.client.force_login(user)
        url = reverse("sources:run_start", args=[source])
        with eager_tasks(), self.captureOnCommitCallbacks(execute=True) as callbacks:
            response = self.client.post(url, {"mode": mode})
        self.callbacks = callbacks
        return response

    def test_run_now_creates_a_run_performs_it_after_commit_and_shows_it(self):
        response = self.post(self.global_admin, "organisations")

        run = SyncRun.objects.get()
        self.assertRedirects(
            response,
            reverse("sources:run_detail", args=[run.public_id]),
            fetch_redirect_response=False,
        )
        self.assertEqual(len(self.callbacks), 1)
        self.assertEqual(
            (run.source, run.mode, run.location, run.requested_by, run.status),
            ("organisations", "incremental", self.path, self.global_admin, "succeeded"),
        )
        self.assertEqual((run.read, run.created), (3, 3))

    def test_full_load_creates_a_full_run(self):
        self.post(self.global_admin, "staff", mode="full")

        run = SyncRun.objects.get()
        self.assertEqual((run.source, run.mode), ("staff", "full"))

    def test_a_source_without_an_address_is_not_run(self):
        response = self.post(self.global_admin, "processes")

        self.assertRedirects(response, reverse("sources:run_list"))
        self.assertEqual(SyncRun.objects.count(), 0)
        self.assertEqual(
            [str(m) for m in response.wsgi_request._messages],
            ["No feed address is configured for this source."],
        )

    def test_others_get_not_found_and_nothing_runs(self):
        for user in (self.admin_a, self.reader_a):
            with self.subTest(user.username):
                self.assertEqual(self.post(user, "organisations").status_code, 404)

        self.assertEqual(SyncRun.objects.count(), 0)
        self.assertEqual(
            Organisation.objects.filter(ovo_number__startswith="OVO9").count(), 0
        )

    def test_an_unknown_source_is_not_found(self):
        self.assertEqual(self.post(self.global_admin, "budget").status_code, 404)
        self.assertEqual(SyncRun.objects.count(), 0)

    def test_starting_a_run_needs_a_post(self):
        self.client.force_login(self.global_admin)

        response = self.client.get(reverse("sources:run_start", args=["staff"]))

        self.assertEqual(response.status_code, 405)
        self.assertEqual(SyncRun.objects.count(), 0)
