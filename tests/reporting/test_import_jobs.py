"""Large imports: a worker checks the file, the user reads every row's
outcome, then a worker applies it, all or nothing, as that user."""

import datetime
from unittest import mock

from django.test import override_settings
from django.urls import reverse

from objectives.models import Change, Membership, Project
from reporting import tasks
from reporting.models import ImportJob
from reporting.transfer import jobs
from tests.eager import eager_tasks
from tests.reporting.test_transfer import (
    PROJECT_HEADERS,
    TransferTestCase,
    workbook_bytes,
)

Status = ImportJob.Status


@override_settings(IMPORT_INLINE_ROWS=2)
class LargeImportTests(TransferTestCase):
    def projects_file(self):
        return workbook_bytes(
            PROJECT_HEADERS,
            [
                ["OVO000001", "PR 1", "Section speed checks", "2025-01-01"],
                ["OVO000001", "PR 7", "Safe school routes", "2026-01-01"],
                ["OVO000001", "PR 8", "Cycling to work", "2026-03-01"],
            ],
        )

    def upload_large(self, user, data=None, kind="projects"):
        with eager_tasks(), self.captureOnCommitCallbacks(execute=True):
            response = self.upload(user, kind, data or self.projects_file())
        return response

    def job_of(self, response):
        self.assertEqual(response.status_code, 302)
        return ImportJob.objects.get(requested_by=response.wsgi_request.user)

    def apply(self, job):
        url = reverse("reporting:import_job_apply", args=[job.public_id])
        with eager_tasks(), self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(url)
        if response.status_code != 302:
            return response
        return self.client.get(response.url)

    def test_a_large_upload_is_checked_by_a_worker_and_writes_nothing(self):
        before = self.state()

        response = self.upload_large(self.admin_a)

        job = self.job_of(response)
        self.assertRedirects(
            response, reverse("reporting:import_job", args=[job.public_id])
        )
        self.assertEqual((job.step, job.status, job.row_count), ("check", "done", 3))
        self.assertEqual(self.state(), before)
        page = self.client.get(response.url)
        self.assertContains(page, "2 new, 1 to update, 0 unchanged, 0 with errors.")
        self.assertContains(page, "OVO000001 · PR 8")
        self.assertContains(
            page, reverse("reporting:import_job_apply", args=[job.public_id])
        )

    def test_applying_a_checked_job_writes_every_row_with_history(self):
        job = self.job_of(self.upload_large(self.admin_a))

        page = self.apply(job)

        self.assertContains(
            page, "The import is applied: 2 new, 1 updated, 0 unchanged."
        )
        job.refresh_from_db()
        self.assertEqual((job.step, job.status), ("apply", "done"))
        created = Project.objects.get(code="PR 8")
        self.assertEqual(created.start_date, datetime.date(2026, 3, 1))
        self.assertEqual(
            Change.objects.filter(actor=self.admin_a, kind="created").count(), 2
        )
        self.assertEqual(self.pending_files(), [])
        self.assertNotContains(page, "import_job_apply")

    def test_a_job_is_applied_once_even_if_asked_twice(self):
        job = self.job_of(self.upload_large(self.admin_a))
        self.apply(job)
        changes = Change.objects.count()

        page = self.apply(job)

        self.assertContains(page, "This import cannot be applied now.")
        self.assertEqual(Change.objects.count(), changes)
        self.assertEqual(tasks.import_task.apply(args=[job.pk]).get(), Status.DONE)
        self.assertEqual(Change.objects.count(), changes)

    def test_a_file_with_an_error_row_offers_nothing_to_apply(self):
        data = workbook_bytes(
            PROJECT_HEADERS,
            [
                ["OVO000001", "PR 7", "Safe school routes", "2026-01-01"],
                ["OVO000001", "PR 8", "Cycling to work", "next spring"],
                ["OVO000002", "PR 2", "Foreign project", "2026-01-01"],
            ],
        )
        before = self.state()

        job = self.job_of(self.upload_large(self.admin_a, data))
        page = self.client.get(reverse("reporting:import_job", args=[job.public_id]))

        self.assertContains(page, "Nothing has been saved.")
        self.assertContains(page, "1 new, 0 to update, 0 unchanged, 2 with errors.")
        self.assertNotContains(page, "/apply/")
        self.assertEqual(self.apply(job).status_code, 200)
        self.assertEqual(self.state(), before)

    def test_the_job_belongs_to_the_user_who_uploaded_it(self):
        job = self.job_of(self.upload_large(self.admin_a))
        before = self.state()
        self.client.force_login(self.admin_b)

        for name in ("import_job", "import_job_progress"):
            url = reverse(f"reporting:{name}", args=[job.public_id])
            self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.apply(job).status_code, 404)
        self.assertEqual(self.state(), before)

    def test_an_administrator_demoted_before_the_worker_applies_saves_nothing(self):
        job = self.job_of(self.upload_large(self.admin_a))
        before = self.state()
        url = reverse("reporting:import_job_apply", args=[job.public_id])
        with self.captureOnCommitCallbacks(execute=False) as queued:
            self.client.post(url)
        Membership.objects.filter(person=self.person_a).update(
            role=Membership.Role.READER
        )

        with eager_tasks():
            for callback in queued:
                callback()

        job.refresh_from_db()
        self.assertEqual(job.status, Status.FAILED)
        self.assertIn("You may no longer import", job.error)
        self.assertEqual(self.state(), before)

    def test_a_failing_worker_says_why_and_saves_nothing(self):
        before = self.state()
        with mock.patch(
            "reporting.transfer.importing.dry_run", side_effect=OSError("disk full")
        ):
            job = self.job_of(self.upload_large(self.admin_a))

        page = self.client.get(reverse("reporting:import_job", args=[job.public_id]))

        self.assertEqual(job.status, Status.FAILED)
        self.assertContains(page, "The import could not be run: OSError: disk full")
        self.assertEqual(self.state(), before)

    def test_the_progress_block_polls_until_the_worker_is_done(self):
        with self.captureOnCommitCallbacks(execute=False):
            response = self.upload(self.admin_a, "projects", self.projects_file())
        job = self.job_of(response)
        progress_url = reverse("reporting:import_job_progress", args=[job.public_id])

        queued = self.client.get(response.url)
        polled = self.client.get(progress_url)
        jobs.perform(job.pk)
        finished = self.client.get(progress_url)

        self.assertContains(queued, f'hx-get="{progress_url}"')
        self.assertContains(polled, "Waiting for a worker.")
        self.assertEqual(finished.status_code, 204)
        self.assertEqual(finished["HX-Refresh"], "true")

    def test_a_small_file_is_still_checked_within_the_request(self):
        data = workbook_bytes(
            PROJECT_HEADERS, [["OVO000001", "PR 7", "Safe school routes", None]]
        )

        response = self.upload(self.admin_a, "projects", data)

        self.assertContains(response, "1 new, 0 to update, 0 unchanged")
        self.assertFalse(ImportJob.objects.exists())

    def test_a_large_file_with_unknown_columns_is_refused_at_once(self):
        data = workbook_bytes(
            [*PROJECT_HEADERS, "colour"],
            [["OVO000001", f"PR {n}", "Title", None, "red"] for n in range(3)],
        )

        response = self.upload(self.admin_a, "projects", data)

        self.assertContains(response, "Traject does not know: colour")
        self.assertFalse(ImportJob.objects.exists())
        self.assertEqual(self.pending_files(), [])
