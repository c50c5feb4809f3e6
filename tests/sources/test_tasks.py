import datetime

from celery.schedules import crontab
from django.conf import settings
from django.test import TestCase, override_settings
from django.utils import timezone

from objectives.models import Organisation
from sources import sync, tasks
from sources.models import SourceState, SyncRun
from tests.eager import eager_tasks
from tests.sources.sample_source import (
    FLAKY_RUNNER,
    SAMPLE_RUNNERS,
    Flakiness,
    SampleUnavailable,
    agencies,
)
from tests.sources.test_sync import SampleFeedMixin

Status = SyncRun.Status


class TaskDefinitionTests(TestCase):
    def test_each_source_has_a_task_that_survives_a_lost_worker_and_retries(self):
        for source, task in tasks.SYNC_TASKS.items():
            with self.subTest(source):
                self.assertEqual(task.name, f"sources.tasks.sync_{source}_task")
                self.assertIs(getattr(tasks, f"sync_{source}_task"), task)
                self.assertEqual(
                    (
                        task.acks_late,
                        task.reject_on_worker_lost,
                        task.max_retries,
                        task.retry_backoff,
                        task.retry_backoff_max,
                        tuple(task.autoretry_for),
                    ),
                    (True, True, 5, True, 600, sync.retryable_errors()),
                )

    def test_beat_runs_each_source_every_night_at_the_configured_hour(self):
        schedule = settings.CELERY_BEAT_SCHEDULE
        nightly = {
            name: (
                entry["task"],
                entry["schedule"],
                entry["kwargs"],
                entry["options"]["queue"],
            )
            for name, entry in schedule.items()
            if name.startswith("sync-")
        }
        hour = settings.SOURCE_SYNC_HOUR

        self.assertEqual(
            nightly,
            {
                "sync-organisations": (
                    "sources.tasks.sync_organisations_task",
                    crontab(minute=0, hour=hour, day_of_week="mon-sat"),
                    {"full": False},
                    "celery",
                ),
                "sync-organisations-full": (
                    "sources.tasks.sync_organisations_task",
                    crontab(minute=0, hour=hour, day_of_week="sun"),
                    {"full": True},
                    "celery",
                ),
                "sync-staff": (
                    "sources.tasks.sync_staff_task",
                    crontab(minute=20, hour=hour),
                    {"full": True},
                    "celery",
                ),
                "sync-processes": (
                    "sources.tasks.sync_processes_task",
                    crontab(minute=40, hour=hour),
                    {"full": True},
                    "celery",
                ),
            },
        )
        self.assertEqual(
            schedule["requeue-stale-runs"]["task"],
            "sources.tasks.requeue_stale_runs_task",
        )


@override_settings(SOURCE_RUNNERS=SAMPLE_RUNNERS)
class SyncTaskTests(SampleFeedMixin, TestCase):
    def start(self, documents, source="organisations"):
        return sync.start_run(
            source, mode=SyncRun.Mode.FULL, location=self.feed(documents)
        )

    def test_performs_the_run_it_is_given(self):
        run = self.start(agencies(900001, 3))

        self.assertEqual(tasks.sync_organisations_task(run.pk), Status.SUCCEEDED)

        run.refresh_from_db()
        self.assertEqual((run.status, run.created), (Status.SUCCEEDED, 3))

    def test_running_a_finished_run_again_does_nothing(self):
        run = self.start(agencies(900001, 3))
        tasks.sync_staff_task(run.pk)
        Organisation.objects.all().delete()

        self.assertEqual(tasks.sync_staff_task(run.pk), Status.SUCCEEDED)

        self.assertEqual(Organisation.objects.count(), 0)
        self.assertEqual(SyncRun.objects.get().created, 3)

    def test_enqueue_sends_the_task_after_the_commit(self):
        run = self.start(agencies(900001, 2), source="processes")

        with eager_tasks():
            with self.captureOnCommitCallbacks() as callbacks:
                sync.enqueue(run)
                run.refresh_from_db()
                self.assertEqual(run.status, Status.QUEUED)
            for callback in callbacks:
                callback()

        self.assertEqual(len(callbacks), 1)
        run.refresh_from_db()
        self.assertEqual((run.status, run.created), (Status.SUCCEEDED, 2))

    def test_called_by_beat_it_creates_a_run_of_the_configured_feed_and_queues_it(self):
        path = self.feed(agencies(900001, 2))

        with (
            override_settings(SOURCE_URLS={"processes": path}),
            eager_tasks(),
            self.captureOnCommitCallbacks(execute=True),
        ):
            result = tasks.sync_processes_task.delay(full=True).get()

        self.assertEqual(result, Status.QUEUED)
        run = SyncRun.objects.get()
        self.assertEqual(
            (run.source, run.mode, run.location, run.requested_by, run.status),
            ("processes", "full", path, None, Status.SUCCEEDED),
        )
        self.assertEqual(run.created, 2)

    @override_settings(SOURCE_URLS={"organisations": "", "staff": "", "processes": ""})
    def test_called_by_beat_without_an_address_it_creates_nothing(self):
        with self.assertLogs("sources.tasks", "WARNING") as logs:
            self.assertIsNone(tasks.sync_staff_task())

        self.assertEqual(SyncRun.objects.count(), 0)
        self.assertIn("No address is configured for staff", logs.output[0])


@override_settings(SOURCE_RUNNERS={"organisations": FLAKY_RUNNER})
class RetryTests(SampleFeedMixin, TestCase):
    """A task whose source is unavailable tries the same run again later.

    The retryable errors of the real clients are not installed with these
    tests; the sample's error stands in for them, with the same options."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.task = tasks.make_sync_task(
            "organisations",
            "tests.sources.flaky_sync_task",
            autoretry_for=(SampleUnavailable,),
        )

    def setUp(self):
        super().setUp()
        self.addCleanup(setattr, Flakiness, "failures_left", 0)
        self.run_ = sync.start_run(
            "organisations", mode="full", location=self.feed(agencies(900001, 2))
        )

    def test_retries_the_same_run_until_the_source_answers(self):
        Flakiness.failures_left = 2

        with eager_tasks(propagate=False):
            result = self.task.delay(self.run_.pk).get()

        self.assertEqual(result, Status.SUCCEEDED)
        self.run_.refresh_from_db()
        self.assertEqual((self.run_.created, self.run_.error), (2, ""))
        self.assertEqual(SyncRun.objects.count(), 1)
        self.assertEqual(Flakiness.failures_left, 0)

    def test_gives_up_after_five_retries_and_fails_the_run(self):
        Flakiness.failures_left = 10

        with eager_tasks(propagate=False):
            result = self.task.delay(self.run_.pk).get()

        self.assertEqual(result, Status.FAILED)
        self.assertEqual(Flakiness.failures_left, 4)
        self.run_.refresh_from_db()
        self.assertEqual(
            self.run_.error,
            "SampleUnavailable: The sample source is down for maintenance.",
        )
        self.assertEqual(Organisation.objects.count(), 0)

    def test_in_process_the_run_fails_at_once_instead_of_raising(self):
        Flakiness.failures_left = 1

        with eager_tasks(propagate=True):
            result = self.task.delay(self.run_.pk).get()

        self.assertEqual(result, Status.FAILED)
        self.assertEqual(Flakiness.failures_left, 0)
        self.run_.refresh_from_db()
        self.assertEqual(
            self.run_.error,
            "SampleUnavailable: The sample source is down for maintenance.",
        )


@override_settings(SOURCE_RUNNERS=SAMPLE_RUNNERS)
class RequeueStaleRunsTests(SampleFeedMixin, TestCase):
    def start(self, status, *, age_minutes=0):
        run = sync.start_run(
            "organisations", mode="full", location=self.feed(agencies(900001, 2))
        )
        created_at = timezone.now() - datetime.timedelta(minutes=age_minutes)
        SyncRun.objects.filter(pk=run.pk).update(status=status, created_at=created_at)
        return run

    def requeue(self):
        with eager_tasks(), self.captureOnCommitCallbacks(execute=True):
            return tasks.requeue_stale_runs_task()

    def test_a_running_run_whose_lease_ran_out_is_queued_and_redone(self):
        run = self.start(Status.RUNNING)
        self.lock(holder=f"{run.public_id}/dead-attempt", minutes=-1)

        self.assertEqual(self.requeue(), [run.pk])

        run.refresh_from_db()
        self.assertEqual((run.status, run.created), (Status.SUCCEEDED, 2))
        self.assertEqual(Organisation.objects.count(), 2)
        self.assertEqual(SourceState.objects.get().locked_by, "")

    def test_a_running_run_with_a_live_lease_is_left_alone(self):
        run = self.start(Status.RUNNING)
        self.lock(holder=f"{run.public_id}/live-attempt")

        self.assertEqual(self.requeue(), [])

        run.refresh_from_db()
        self.assertEqual(run.status, Status.RUNNING)

    def test_a_run_queued_longer_than_a_lease_is_queued_again(self):
        lost = self.start(Status.QUEUED, age_minutes=121)
        self.start(Status.QUEUED, age_minutes=5)

        self.assertEqual(self.requeue(), [lost.pk])

        self.assertEqual(
            list(SyncRun.objects.order_by("pk").values_list("status", flat=True)),
            [Status.SUCCEEDED, Status.QUEUED],
        )

    def test_finished_runs_are_never_queued_again(self):
        self.start(Status.SUCCEEDED, age_minutes=500)
        self.start(Status.FAILED, age_minutes=500)

        self.assertEqual(self.requeue(), [])
