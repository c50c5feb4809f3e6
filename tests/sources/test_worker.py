"""A real Celery worker performs the runs, and a killed one loses nothing.

With Redis and PostgreSQL (CI's first run) the test starts ``celery worker``
in a subprocess, on the test database and on a queue of its own, and kills
it with SIGKILL in the middle of a slow run. On the embedded defaults
(SQLite in memory, no Redis) no other process can see the test database:
the same flow runs in-process, tasks eager, and the adapter stops where the
worker would have been killed.
"""

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import TransactionTestCase, override_settings

from objectives.models import Change, Organisation
from sources import sync
from sources.models import SourceState, SyncRun
from tests.eager import eager_tasks
from tests.sources.sample_source import (
    SAMPLE_RUNNERS,
    SimulatedWorkerLoss,
    agencies,
    write_feed,
)

WAIT_SECONDS = 60
Status = SyncRun.Status


class WorkerTests(TransactionTestCase):
    def setUp(self):
        self.real_worker = (
            bool(settings.REDIS_URL) and connection.vendor == "postgresql"
        )
        self.queue = f"traject-test-{uuid.uuid4().hex[:12]}"
        self.workers = []
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.folder = Path(folder.name)
        self.enterContext(
            override_settings(
                SOURCE_RUNNERS=SAMPLE_RUNNERS, SOURCE_TASK_QUEUE=self.queue
            )
        )
        if not self.real_worker:
            self.enterContext(eager_tasks())

    def tearDown(self):
        for worker in self.workers:
            self.stop(worker)
        if self.real_worker:
            self.forget_queue()
        super().tearDown()

    # The worker -----------------------------------------------------------

    def database_url(self):
        """The test database, which the worker must use instead of the
        database the settings name."""
        db = connection.settings_dict
        password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
        return (
            f"postgres://{quote(db['USER'], safe='')}{password}@{db['HOST']}:"
            f"{db['PORT'] or 5432}/{quote(db['NAME'], safe='')}"
        )

    def start_worker(self):
        number = len(self.workers) + 1
        # The worker writes to its log until it stops, after this method.
        log = open(self.folder / f"worker-{number}.log", "wb")  # noqa: SIM115
        self.addCleanup(log.close)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.sources.worker_settings",
            "DATABASE_URL": self.database_url(),
        }
        command = [
            sys.executable, "-m", "celery", "--app", "traject", "worker",
            "--pool", "solo", "--concurrency", "1", "-Q", self.queue,
            "--hostname", f"{self.queue}-{number}@%h", "--loglevel", "INFO",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
        ]  # fmt: skip
        worker = subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.workers.append(worker)
        return worker

    def stop(self, worker, sig=signal.SIGTERM):
        if worker.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(worker.pid, sig)
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait(timeout=15)

    def forget_queue(self):
        """Drop this test's queue and the messages of the killed worker, which
        Redis would otherwise hand out again in an hour."""
        import redis

        client = redis.Redis.from_url(settings.REDIS_URL)
        client.delete(self.queue)
        for tag, payload in client.hgetall("unacked").items():
            if json.loads(payload)[-1] == self.queue:
                client.hdel("unacked", tag)
                client.zrem("unacked_index", tag)
        client.close()

    def worker_log(self):
        return "\n".join(
            path.read_text(errors="replace")[-3000:]
            for path in sorted(self.folder.glob("worker-*.log"))
        )

    def wait_for(self, run, *statuses):
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            run.refresh_from_db()
            if run.status in statuses:
                return run
            time.sleep(0.2)
        self.fail(
            f"Run still {run.status} after {WAIT_SECONDS} s:\n{self.worker_log()}"
        )

    def wait_for_requeue(self, run):
        """Ask for stale runs until the lease of the killed run runs out."""
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            requeued = sync.requeue_stale_runs()
            if requeued:
                return requeued
            time.sleep(0.5)
        self.fail(f"Run {run.public_id} was never queued again.")

    # The flow --------------------------------------------------------------

    def start(self, documents, name):
        path = write_feed(self.folder / name, documents)
        return sync.start_run(
            "organisations", mode=SyncRun.Mode.INCREMENTAL, location=path
        )

    def test_a_worker_performs_runs_and_a_killed_one_loses_nothing(self):
        if self.real_worker:
            self.start_worker()
        first = self.start(
            [*agencies(900001, 2), {"ovo": "bad", "name": "Bad"}], "first.jsonl"
        )

        sync.enqueue(first)

        first = self.wait_for(first, Status.SUCCEEDED, Status.FAILED)
        self.assertEqual(first.status, Status.SUCCEEDED)
        self.assertEqual((first.read, first.created, first.rejected), (3, 2, 1))

        # A slow run, which the worker does not live to finish.
        marker = self.folder / "halt"
        slow = agencies(900101, 8, sleep=0.4 if self.real_worker else 0)
        slow[3]["halt_once"] = str(marker)
        second = self.start(slow, "second.jsonl")
        if self.real_worker:
            sync.enqueue(second)
            self.wait_for(second, Status.RUNNING)
            time.sleep(1.0)
            self.stop(self.workers[0], signal.SIGKILL)
            self.assertEqual(self.workers[0].returncode, -signal.SIGKILL)
        else:
            marker.touch()
            with self.assertRaises(SimulatedWorkerLoss):
                sync.enqueue(second)

        second.refresh_from_db()
        self.assertEqual(second.status, Status.RUNNING)
        self.assertEqual(Organisation.objects.count(), 2)

        # Another worker redoes it once it is found stale.
        if self.real_worker:
            self.start_worker()
        self.assertEqual(self.wait_for_requeue(second), [second.pk])

        second = self.wait_for(second, Status.SUCCEEDED, Status.FAILED)
        self.assertEqual((second.status, second.error), (Status.SUCCEEDED, ""))
        self.assertEqual((second.read, second.created, second.rejected), (8, 8, 0))
        numbers = list(
            Organisation.objects.order_by("ovo_number").values_list(
                "ovo_number", flat=True
            )
        )
        self.assertEqual(
            numbers,
            ["OVO900001", "OVO900002", *[f"OVO{n}" for n in range(900101, 900109)]],
        )
        created = Change.objects.filter(
            content_type=ContentType.objects.get_for_model(Organisation),
            kind=Change.Kind.CREATED,
        )
        self.assertEqual(created.count(), 10)
        if self.real_worker:
            # Each run was performed by a worker process, the second by the
            # second worker.
            logs = [path.read_text() for path in sorted(self.folder.glob("*.log"))]
            self.assertEqual([log.count("succeeded in") for log in logs], [1, 1])
        state = SourceState.objects.get(source="organisations")
        self.assertEqual((state.locked_until, state.locked_by), (None, ""))
