"""Validating a transversal plan: the signed-off PDF of a period, kept byte
for byte; and the import of measurements refusing closed periods."""

import datetime
import hashlib
import shutil
import subprocess
import tempfile
from decimal import Decimal
from unittest import mock

import time_machine
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from objectives import actions, closing
from objectives.models import (
    Change,
    Lens,
    Measurement,
    PeriodClosure,
    PlanValidation,
    ReportingFrequency,
    StatusReport,
)
from objectives.periods import Period
from reporting import validation as validating
from reporting.transfer.importing import ERROR
from tests.eager import eager_tasks
from tests.factories import make_indicator, make_lens, make_project
from tests.personas import PersonaTestCase
from tests.reporting.test_transfer import IMPORT_URL, workbook_bytes

NOW = datetime.datetime(2026, 11, 16, 10, 0, tzinfo=datetime.UTC)
Q3 = Period.parse("2026-Q3")
Status = PlanValidation.Status


def pdf_text(content):
    """The text of a PDF as pdftotext reads it, spaces squeezed."""
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"],
        input=content,
        capture_output=True,
        check=True,
    )
    return " ".join(result.stdout.decode().split())


@time_machine.travel(NOW, tick=False)
class ValidationTestCase(PersonaTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.media_root = tempfile.mkdtemp(prefix="traject-validations-")
        cls.enterClassContext(override_settings(MEDIA_ROOT=cls.media_root))

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(cls.media_root, ignore_errors=True)

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # Attached to B too, so that the coordinator (a reader of B) sees it.
        cls.project = make_project(
            lead_organisation=cls.organisation_a,
            organisations=[cls.organisation_b],
            code="PR 1",
            title="Speed checks",
        )
        actions.do_link(cls.plan_objective, "projects", cls.project, acting_user=None)
        for subject, label, colour, explanation in (
            (cls.plan_objective, "2026-Q3", "orange", "Fewer checks than planned."),
            (cls.plan_objective, "2026-Q4", "red", "A later quarter."),
            (cls.project, "2026-Q3", "green", "Cameras installed."),
        ):
            actions.do_report_status(
                subject,
                period=Period.parse(label),
                colour=colour,
                explanation=explanation,
                acting_user=None,
            )
        cls.coordinator.first_name, cls.coordinator.last_name = "Cora", "Ordina"
        cls.coordinator.save()

    def setUp(self):
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        translation.activate("en")
        self.addCleanup(translation.deactivate)

    def validate_url(self, lens=None):
        lens = lens or self.plan_lens
        return reverse("reporting:plan_validate", args=[lens.public_id])

    def download_url(self, validation):
        return reverse(
            "reporting:validation_download",
            args=[validation.lens.public_id, validation.public_id],
        )

    def post_validate(self, user, **data):
        self.client.force_login(user)
        fields = {"period": "2026-Q3", "confirm": "on", **data}
        with eager_tasks(), self.captureOnCommitCallbacks(execute=True):
            return self.client.post(self.validate_url(), fields)


class ValidateTests(ValidationTestCase):
    def test_the_coordinator_validates_closes_and_gets_a_signed_pdf(self):
        response = self.post_validate(self.coordinator)

        self.assertRedirects(
            response, self.plan_lens.get_absolute_url(), fetch_redirect_response=False
        )
        validation = PlanValidation.objects.get()
        closure = PeriodClosure.objects.get()
        self.assertEqual(
            (closure.lens, closure.period, closure.closed_by),
            (self.plan_lens, Q3, self.coordinator),
        )
        self.assertEqual(
            (validation.status, validation.closure, validation.validated_by),
            (Status.DONE, closure, self.coordinator),
        )
        with validation.file.open("rb") as opened:
            content = opened.read()
        self.assertEqual(validation.sha256, hashlib.sha256(content).hexdigest())
        text = pdf_text(content)
        self.assertIn("Mobility plan", text)
        self.assertIn("2026-Q3", text)
        self.assertIn("Validated by Cora Ordina on Nov. 16, 2026", text)
        # The status of the period validated, not the latest one.
        self.assertIn("SD 1 Safe and smooth at risk Fewer checks than", text)
        self.assertIn("PR 1 Speed checks on track Cameras installed.", text)
        self.assertNotIn("A later quarter.", text)

    def test_the_validation_freezes_the_plan_period(self):
        self.post_validate(self.coordinator)

        with self.assertRaises(actions.PeriodClosed):
            actions.do_report_status(
                self.project,
                period=Q3,
                colour="red",
                explanation="Too late.",
                acting_user=self.admin_a,
            )

    def test_a_period_closed_already_is_reused(self):
        closure, _ = closing.do_close_period(
            self.plan_lens, Q3, acting_user=self.admin_b
        )

        self.post_validate(self.coordinator)

        self.assertEqual(PlanValidation.objects.get().closure, closure)
        self.assertEqual(PeriodClosure.objects.count(), 1)

    def test_the_download_is_the_same_bytes_after_later_status_changes(self):
        self.post_validate(self.coordinator)
        validation = PlanValidation.objects.get()
        self.client.force_login(self.reader_b)
        first = b"".join(
            self.client.get(self.download_url(validation)).streaming_content
        )

        actions.do_report_status(
            self.plan_objective,
            period=Q3,
            colour="red",
            explanation="Corrected afterwards.",
            acting_user=self.admin_a,
            correction_reason="A recount.",
        )
        actions.do_report_status(
            self.project,
            period=Period.parse("2026-Q4"),
            colour="red",
            explanation="Stopped.",
            acting_user=self.admin_a,
        )
        response = self.client.get(self.download_url(validation))
        again = b"".join(response.streaming_content)

        self.assertEqual(first, again)
        self.assertEqual(hashlib.sha256(again).hexdigest(), validation.sha256)
        self.assertEqual(response["X-Content-SHA256"], validation.sha256)
        self.assertNotIn("Corrected afterwards.", pdf_text(again))

    def test_who_may_validate(self):
        for user, status in (
            (self.reader_b, 403),
            (self.admin_b, 403),
            (self.contributor_a, 404),
        ):
            with self.subTest(user=user):
                before = Change.objects.count()
                self.assertEqual(self.post_validate(user).status_code, status)
                self.assertFalse(PlanValidation.objects.exists())
                self.assertFalse(PeriodClosure.objects.exists())
                self.assertEqual(Change.objects.count(), before)
        self.assertEqual(self.post_validate(self.global_admin).status_code, 302)

    def test_a_lens_that_is_no_plan_is_not_validated(self):
        lens = make_lens(
            name="Business plan", kind=Lens.Kind.BUSINESS_PLAN, organisation=None
        )
        self.client.force_login(self.global_admin)

        response = self.client.post(
            self.validate_url(lens), {"period": "2026-Q3", "confirm": "on"}
        )

        self.assertEqual(response.status_code, 404)
        self.assertFalse(PeriodClosure.objects.exists())

    def test_a_refused_validation_keeps_the_input(self):
        response = self.post_validate(self.coordinator, confirm="", period="2026-Q2")

        self.assertContains(response, "Tick the box to confirm.", status_code=400)
        self.assertContains(response, 'value="2026-Q2"', status_code=400)
        self.assertFalse(PlanValidation.objects.exists())

    def test_the_download_is_for_those_who_see_the_lens(self):
        self.post_validate(self.coordinator)
        validation = PlanValidation.objects.get()
        other = make_lens(
            name="Other plan",
            kind=Lens.Kind.TRANSVERSAL_PLAN,
            organisation=self.organisation_a,
        )

        self.client.force_login(self.reader_a)
        self.assertEqual(
            self.client.get(self.download_url(validation)).status_code, 404
        )
        wrong_lens = reverse(
            "reporting:validation_download",
            args=[other.public_id, validation.public_id],
        )
        self.assertEqual(self.client.get(wrong_lens).status_code, 404)
        self.client.force_login(self.reader_b)
        self.assertEqual(
            self.client.get(self.download_url(validation)).status_code, 200
        )

    def test_a_failed_render_says_why_and_can_be_retried(self):
        failing = mock.Mock(side_effect=OSError("disk full"))
        with mock.patch.dict("reporting.renderers.RENDERERS", {"pdf": failing}):
            self.post_validate(self.coordinator)
        validation = PlanValidation.objects.get()
        self.assertEqual(
            (validation.status, validation.error, validation.file.name),
            (Status.FAILED, "The report could not be made: OSError: disk full", ""),
        )
        page = self.client.get(self.plan_lens.get_absolute_url())
        self.assertContains(page, "OSError: disk full")
        retry_url = reverse(
            "reporting:validation_retry",
            args=[self.plan_lens.public_id, validation.public_id],
        )
        self.client.force_login(self.reader_b)
        self.assertEqual(self.client.post(retry_url).status_code, 403)

        self.client.force_login(self.coordinator)
        with eager_tasks(), self.captureOnCommitCallbacks(execute=True):
            self.client.post(retry_url)

        validation.refresh_from_db()
        self.assertEqual((validation.status, validation.error), (Status.DONE, ""))
        self.assertEqual(len(validation.sha256), 64)

    def test_a_done_validation_is_not_rendered_again(self):
        self.post_validate(self.coordinator)
        validation = PlanValidation.objects.get()

        with mock.patch("reporting.reports.build_report") as build:
            self.assertEqual(validating.perform_validation(validation.pk), "done")
            self.assertFalse(validating.retry_validation(validation))
        build.assert_not_called()


class LensPageTests(ValidationTestCase):
    def test_the_lens_page_lists_the_validations_with_a_download_link(self):
        self.post_validate(self.coordinator)
        validation = PlanValidation.objects.get()

        self.client.force_login(self.reader_b)
        page = self.client.get(self.plan_lens.get_absolute_url())

        self.assertContains(page, "Validations")
        self.assertContains(page, "Cora Ordina")
        self.assertContains(page, f'href="{self.download_url(validation)}"')
        self.assertContains(page, "Validated report 2026-Q3 (PDF)")

    def test_the_lens_page_reads_the_validations_in_one_query(self):
        self.client.force_login(self.reader_b)
        url = self.plan_lens.get_absolute_url()
        self.client.get(url)
        with self.assertNumQueries(10) as first:
            self.client.get(url)
        for label in ("2025-Q4", "2026-Q1", "2026-Q2"):
            PlanValidation.objects.create(
                lens=self.plan_lens,
                closure=closing.do_close_period(
                    self.plan_lens, Period.parse(label), acting_user=self.coordinator
                )[0],
                period_start=Period.parse(label).start,
                period_end=Period.parse(label).end,
                validated_by=self.coordinator,
                validated_at=NOW,
                status=Status.FAILED,
                error="Broken.",
            )

        with self.assertNumQueries(len(first.captured_queries)):
            page = self.client.get(url)
        self.assertEqual(len(page.context["validations"]), 3)


class ImportTests(ValidationTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.indicator = make_indicator(
            lead_organisation=cls.organisation_a,
            code="IN 1",
            reporting_frequency=ReportingFrequency.QUARTERLY,
        )
        actions.do_record_measurement(
            cls.indicator,
            period=Q3,
            value=Decimal("12"),
            note="",
            acting_user=None,
        )

    def upload(self, rows):
        data = workbook_bytes(
            ["indicator_organisation", "indicator_code", "period", "value", "note"],
            rows,
        )
        self.client.force_login(self.contributor_a)
        from django.core.files.uploadedfile import SimpleUploadedFile

        return self.client.post(
            IMPORT_URL,
            {"kind": "measurements", "file": SimpleUploadedFile("m.xlsx", data)},
        )

    def test_rows_of_a_closed_period_are_row_errors_and_nothing_is_applied(self):
        closing.do_close_period(self.organisation_a, Q3, acting_user=self.admin_a)
        before = (
            list(Measurement.objects.values_list("value", "updated_at")),
            Change.objects.count(),
            StatusReport.objects.count(),
        )

        response = self.upload(
            [
                ["OVO000001", "IN 1", "2026-Q3", "13", ""],
                ["OVO000001", "IN 1", "2026-Q2", "9", ""],
            ]
        )

        rows = response.context["report"].rows
        self.assertEqual([row.outcome for row in rows], [ERROR, "new"])
        self.assertIn("2026-Q3 is closed for Department A", " ".join(rows[0].errors))
        # A file with an error row offers nothing to apply.
        self.assertIsNone(response.context.get("token"))
        after = (
            list(Measurement.objects.values_list("value", "updated_at")),
            Change.objects.count(),
            StatusReport.objects.count(),
        )
        self.assertEqual(after, before)

    def test_rows_of_an_open_period_still_import(self):
        response = self.upload([["OVO000001", "IN 1", "2026-Q3", "13", ""]])

        self.assertEqual(
            [row.outcome for row in response.context["report"].rows], ["update"]
        )


class PlanReportPeriodTests(ValidationTestCase):
    def build(self, **parameters):
        from reporting.reports import build_report

        parameters = {"id": str(self.plan_lens.public_id), **parameters}
        return build_report(self.global_admin, "plan", parameters, NOW.date())

    def explanations(self, report):
        return [row.cells[5] for row in report.sections[0].table.rows]

    def test_the_plan_report_takes_the_status_of_a_period(self):
        latest = self.build()
        of_q3 = self.build(period="2026-Q3")

        self.assertEqual(
            self.explanations(latest), ["A later quarter.", "Cameras installed."]
        )
        self.assertEqual(
            self.explanations(of_q3),
            ["Fewer checks than planned.", "Cameras installed."],
        )
        self.assertEqual(of_q3.period, "2026-Q3")
        self.assertEqual(latest.period, "as of Nov. 16, 2026")

    def test_a_malformed_period_makes_the_report_unavailable(self):
        from reporting.reports import ReportUnavailable

        with self.assertRaisesMessage(ReportUnavailable, "2026-Q9 is not a period"):
            self.build(period="2026-Q9")

    def test_the_period_costs_no_extra_query(self):
        with self.assertNumQueries(7) as latest:
            self.build()
        with self.assertNumQueries(len(latest.captured_queries)):
            self.build(period="2026-Q3")
