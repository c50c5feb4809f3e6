import datetime
import io
import tempfile
from pathlib import Path
from unittest import mock

from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings
from django.utils import timezone

from objectives.models import Change, Organisation
from sources import sync
from sources.models import SourceState, SyncRun
from tests.factories import make_user
from tests.sources.sample_source import (
    FLAKY_RUNNER,
    SAMPLE_RUNNERS,
    Flakiness,
    SampleUnavailable,
    agencies,
    write_feed,
)

Status = SyncRun.Status


class SampleFeedMixin:
    def setUp(self):
        super().setUp()
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.folder = Path(folder.name)

    def feed(self, documents, name="feed.jsonl"):
        return write_feed(self.folder / name, documents)

    def lock(self, source="organisations", holder="someone/else", minutes=30):
        SourceState.objects.update_or_create(
            source=source,
            defaults={
                "locked_until": timezone.now() + datetime.timedelta(minutes=minutes),
                "locked_by": holder,
            },
        )

    def state(self, source="organisations"):
        return SourceState.objects.get(source=source)


@override_settings(SOURCE_RUNNERS=SAMPLE_RUNNERS)
class PerformRunTests(SampleFeedMixin, TestCase):
    def start(self, documents, **fields):
        fields = {"mode": SyncRun.Mode.INCREMENTAL, **fields}
        return sync.start_run("organisations", location=self.feed(documents), **fields)

    def test_start_run_creates_a_queued_run(self):
        user = make_user(username="central")

        run = sync.start_run(
            "staff", mode=SyncRun.Mode.FULL, location="/tmp/x", requested_by=user
        )

        self.assertEqual(
            (run.source, run.mode, run.location, run.status, run.requested_by),
            ("staff", "full", "/tmp/x", Status.QUEUED, user),
        )

    def test_start_run_refuses_an_unknown_source(self):
        with self.assertRaisesMessage(ValueError, "Unknown source 'budget'."):
            sync.start_run("budget", mode=SyncRun.Mode.FULL, location="")

        self.assertEqual(SyncRun.objects.count(), 0)

    def test_performs_the_run_with_the_configured_runner_and_acting_user(self):
        user = make_user(username="central")
        run = self.start(agencies(900001, 3), requested_by=user)

        run = sync.perform_run(run.pk)

        self.assertEqual(run.status, Status.SUCCEEDED)
        self.assertEqual((run.read, run.created), (3, 3))
        self.assertEqual(
            set(
                Change.objects.filter(
                    content_type=ContentType.objects.get_for_model(Organisation)
                ).values_list("actor", flat=True)
            ),
            {user.pk},
        )
        self.assertIsNotNone(run.started_at)

    def test_releases_the_lock_after_a_successful_run(self):
        run = self.start(agencies(900001, 1))

        sync.perform_run(run.pk)

        self.assertEqual(
            (self.state().locked_until, self.state().locked_by), (None, "")
        )

    def test_releases_the_lock_after_a_failed_run_and_records_the_error(self):
        run = self.start([{"ovo": "OVO900001", "fail": "The feed broke."}])

        run = sync.perform_run(run.pk)

        self.assertEqual(run.status, Status.FAILED)
        self.assertEqual(run.error, "RuntimeError: The feed broke.")
        self.assertEqual(
            (self.state().locked_until, self.state().locked_by), (None, "")
        )

    def test_a_runner_failing_before_the_engine_starts_fails_the_run(self):
        run = sync.start_run(
            "organisations", mode="full", location="https://feed.example/x"
        )

        run = sync.perform_run(run.pk)

        self.assertEqual(run.status, Status.FAILED)
        self.assertEqual(
            run.error,
            "SampleUnavailable: The sample source reads files, not "
            "https://feed.example/x.",
        )
        self.assertIsNotNone(run.finished_at)
        self.assertEqual(self.state().locked_by, "")

    def test_refuses_a_run_while_another_run_holds_the_source(self):
        self.lock(holder="a0000000-0000-0000-0000-000000000000/attempt")
        run = self.start(agencies(900001, 2))

        run = sync.perform_run(run.pk)

        self.assertEqual(run.status, Status.FAILED)
        self.assertEqual(run.error, "Another run of this source is in progress.")
        self.assertIsNone(run.started_at)
        self.assertEqual(Organisation.objects.count(), 0)
        self.assertEqual(
            self.state().locked_by, "a0000000-0000-0000-0000-000000000000/attempt"
        )

    def test_a_lock_of_another_source_does_not_refuse_the_run(self):
        self.lock(source="staff")
        run = self.start(agencies(900001, 1))

        self.assertEqual(sync.perform_run(run.pk).status, Status.SUCCEEDED)

    def test_an_expired_lock_is_taken_over(self):
        self.lock(minutes=-1)
        run = self.start(agencies(900001, 1))

        self.assertEqual(sync.perform_run(run.pk).status, Status.SUCCEEDED)
        self.assertEqual(self.state().locked_by, "")

    @override_settings(SOURCE_LOCK_MINUTES=7)
    def test_the_lease_lasts_the_configured_minutes(self):
        run = self.start(agencies(900001, 1))
        leases = []
        original = sync._start

        def watch(run):
            state = self.state()
            leases.append((state.locked_until - timezone.now(), state.locked_by))
            original(run)

        with mock.patch.object(sync, "_start", watch):
            sync.perform_run(run.pk)

        lease, holder = leases[0]
        self.assertAlmostEqual(lease.total_seconds(), 7 * 60, delta=5)
        self.assertTrue(holder.startswith(f"{run.public_id}/"))

    def test_another_delivery_of_a_run_at_work_leaves_it_alone(self):
        run = self.start(agencies(900001, 1))
        run.status = Status.RUNNING
        run.save()
        self.lock(holder=f"{run.public_id}/first-attempt")

        again = sync.perform_run(run.pk)

        self.assertEqual((again.status, again.error), (Status.RUNNING, ""))
        self.assertEqual(self.state().locked_by, f"{run.public_id}/first-attempt")
        self.assertEqual(Organisation.objects.count(), 0)

    def test_a_finished_run_is_not_performed_again(self):
        run = self.start(agencies(900001, 2))
        sync.perform_run(run.pk)
        Organisation.objects.all().delete()

        again = sync.perform_run(run.pk)

        self.assertEqual((again.status, again.created), (Status.SUCCEEDED, 2))
        self.assertEqual(Organisation.objects.count(), 0)

    def test_a_run_left_running_by_a_lost_worker_is_redone(self):
        run = self.start(agencies(900001, 2))
        run.status = Status.RUNNING
        run.save()

        run = sync.perform_run(run.pk)

        self.assertEqual((run.status, run.created), (Status.SUCCEEDED, 2))

    @override_settings(SOURCE_RUNNERS={"organisations": FLAKY_RUNNER})
    def test_an_error_worth_retrying_queues_the_run_again_and_is_raised(self):
        Flakiness.failures_left = 1
        self.addCleanup(setattr, Flakiness, "failures_left", 0)
        run = self.start(agencies(900001, 2))

        with self.assertRaises(SampleUnavailable):
            sync.perform_run(run.pk, retry_on=(SampleUnavailable,))

        run.refresh_from_db()
        self.assertEqual(run.status, Status.QUEUED)
        self.assertEqual(
            run.error, "SampleUnavailable: The sample source is down for maintenance."
        )
        self.assertEqual(self.state().locked_by, "")
        run = sync.perform_run(run.pk, retry_on=(SampleUnavailable,))
        self.assertEqual(
            (run.status, run.error, run.created), (Status.SUCCEEDED, "", 2)
        )

    def test_a_source_that_cannot_be_reached_is_retried_and_a_wrong_feed_is_not(self):
        from sources.clients import registry
        from sources.streaming import FeedError, SourceUnavailable

        retried = sync.retryable_errors()

        self.assertTrue(issubclass(registry.SourceUnavailable, retried))
        self.assertIs(SourceUnavailable, registry.SourceUnavailable)
        self.assertFalse(issubclass(FeedError, retried))


@override_settings(SOURCE_RUNNERS=SAMPLE_RUNNERS)
class SyncSourceCommandTests(SampleFeedMixin, TestCase):
    def call(self, *args):
        out = io.StringIO()
        call_command("sync_source", *args, stdout=out)
        return out.getvalue()

    def test_runs_a_file_and_prints_the_counts_and_the_first_rejections(self):
        path = self.feed(
            [*agencies(900001, 3), {"ovo": "X1", "name": "Bad"}, {"ovo": "OVO900009"}]
        )

        output = self.call("organisations", "--file", path, "--full")

        run = SyncRun.objects.get()
        self.assertEqual(
            output.splitlines(),
            [
                f"Run {run.public_id} of organisations (full) from {path}: succeeded",
                "  read              5",
                "  created           3",
                "  updated           0",
                "  ended             0",
                "  unchanged         0",
                "  rejected          2",
                "First rejected documents (of 2):",
                "  #4 X1: 'X1' is not an OVO number.",
                "  #5 OVO900009: The document has no name.",
            ],
        )
        self.assertEqual((run.mode, run.location), ("full", path))

    def test_a_failed_run_exits_with_its_error(self):
        path = self.feed([{"ovo": "OVO900001", "fail": "The feed broke."}])

        with self.assertRaisesMessage(
            CommandError,
            "The run of organisations failed: RuntimeError: The feed broke.",
        ):
            self.call("organisations", "--file", path)

        self.assertEqual(SyncRun.objects.get().status, Status.FAILED)

    def test_a_locked_source_exits_without_running(self):
        self.lock(source="staff")
        path = self.feed(agencies(900001, 1))

        with self.assertRaisesMessage(
            CommandError,
            "The run of staff failed: Another run of this source is in progress.",
        ):
            self.call("staff", "--file", path)

        self.assertEqual(Organisation.objects.count(), 0)

    def test_a_missing_file_is_refused_before_any_run(self):
        with self.assertRaisesMessage(
            CommandError, "The file /nowhere/feed.jsonl does not exist."
        ):
            self.call("processes", "--file", "/nowhere/feed.jsonl")

        self.assertEqual(SyncRun.objects.count(), 0)

    @override_settings(SOURCE_URLS={"organisations": "", "staff": "", "processes": ""})
    def test_without_an_address_the_command_asks_for_one(self):
        with self.assertRaisesMessage(
            CommandError,
            "No feed address is configured for staff: give --url or --file.",
        ):
            self.call("staff")

        self.assertEqual(SyncRun.objects.count(), 0)

    @override_settings(
        SOURCE_URLS={"organisations": "https://registry.example/v1", "staff": ""}
    )
    def test_reads_the_configured_address_when_none_is_given(self):
        with self.assertRaisesMessage(
            CommandError, "SampleUnavailable: The sample source reads files, not "
        ):
            self.call("organisations")

        self.assertEqual(SyncRun.objects.get().location, "https://registry.example/v1")

    def test_url_and_file_exclude_each_other(self):
        with self.assertRaisesMessage(CommandError, "not allowed with argument"):
            self.call("staff", "--url", "https://x.example", "--file", "/tmp/x")
