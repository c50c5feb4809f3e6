"""Closed periods: closing and reopening, what a closed period refuses, and
corrections with a reason."""

import datetime
from decimal import Decimal

import time_machine
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone, translation

from objectives import actions, closing
from objectives.models import (
    Change,
    Measurement,
    PeriodClosure,
    ReportingFrequency,
    StatusReport,
)
from objectives.periods import Period
from tests.factories import (
    make_indicator,
    make_milestone,
    make_project,
)
from tests.objectives.test_contribute import warm_content_types
from tests.personas import PersonaTestCase

NOW = datetime.datetime(2026, 11, 16, 10, 0, tzinfo=datetime.UTC)
Q3 = Period.parse("2026-Q3")
Q2 = Period.parse("2026-Q2")
HTMX = {"HX-Request": "true"}
ORANGE = StatusReport.Colour.ORANGE
RED = StatusReport.Colour.RED


@time_machine.travel(NOW, tick=False)
class ClosingTestCase(PersonaTestCase):
    """Entity A with a project (and its milestone), an indicator and the plan
    objective SD 1, which is in the Mobility plan of B; a project of B linked
    to SD 1 lies in the plan too."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.project = make_project(
            lead_organisation=cls.organisation_a, code="PR 1", title="Speed checks"
        )
        cls.milestone = make_milestone(cls.project, code="M1", title="Tender")
        cls.indicator = make_indicator(
            lead_organisation=cls.organisation_a,
            code="IN 1",
            title="Road deaths",
            unit="deaths",
            reporting_frequency=ReportingFrequency.QUARTERLY,
        )
        cls.project_b = make_project(
            lead_organisation=cls.organisation_b, code="PR 7", title="Bus lanes"
        )
        cls.unplanned_b = make_project(
            lead_organisation=cls.organisation_b, code="PR 8", title="Depots"
        )
        actions.do_link(cls.plan_objective, "projects", cls.project_b, acting_user=None)

    def setUp(self):
        # Messages are asserted in the source language.
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        translation.activate("en")
        self.addCleanup(translation.deactivate)

    def close(self, owner, period=Q3, user=None):
        closure, _created = closing.do_close_period(
            owner, period, acting_user=user or self.admin_a
        )
        return closure

    def report(self, subject, period=Q3, colour=ORANGE, user=None, **extra):
        return actions.do_report_status(
            subject,
            period=period,
            colour=colour,
            explanation="Tender delayed.",
            acting_user=user or self.contributor_a,
            **extra,
        )

    def measure(self, value, period=Q3, user=None, **extra):
        return actions.do_record_measurement(
            self.indicator,
            period=period,
            value=Decimal(value),
            note="",
            acting_user=user or self.contributor_a,
            **extra,
        )

    def state(self):
        """What a refused write must leave as it was."""
        return (
            list(StatusReport.objects.order_by("pk").values_list()),
            list(Measurement.objects.order_by("pk").values_list()),
            Change.objects.count(),
        )


class ClosedPeriodActionTests(ClosingTestCase):
    def test_an_entity_closure_freezes_status_of_its_components_and_milestones(self):
        self.close(self.organisation_a)
        before = self.state()

        for subject in (self.project, self.milestone, self.plan_objective):
            with self.subTest(subject=subject):
                with self.assertRaises(actions.PeriodClosed) as refused:
                    self.report(subject)
                self.assertIn(
                    "2026-Q3 is closed for Department A", str(refused.exception)
                )
                self.assertIn(
                    "closed by admin_a on Nov. 16, 2026", str(refused.exception)
                )
        self.assertEqual(self.state(), before)

    def test_a_month_within_a_closed_quarter_is_frozen_but_the_year_is_not(self):
        self.close(self.organisation_a)

        with self.assertRaises(actions.PeriodClosed):
            self.report(self.project, period=Period.parse("2026-08"))
        self.report(self.project, period=Period.parse("2026"))
        self.report(self.project, period=Q2)
        self.assertEqual(StatusReport.objects.count(), 2)

    def test_other_entities_are_not_frozen_by_a_closure_of_entity_a(self):
        self.close(self.organisation_a)

        self.report(self.unplanned_b, user=self.contributor_b)
        self.assertEqual(StatusReport.objects.count(), 1)

    def test_a_plan_closure_freezes_its_objectives_and_what_is_linked_to_them(self):
        self.close(self.plan_lens, user=self.coordinator)
        before = self.state()

        for subject in (self.plan_objective, self.project_b):
            with self.subTest(subject=subject):
                with self.assertRaises(actions.PeriodClosed) as refused:
                    self.report(subject, user=self.admin_b)
                self.assertIn("closed for Mobility plan", str(refused.exception))
        self.assertEqual(self.state(), before)
        # What the plan does not hold stays open.
        self.report(self.project)
        self.report(self.unplanned_b, user=self.contributor_b)

    def test_a_measurement_of_a_closed_period_is_refused_and_nothing_changes(self):
        self.measure("12")
        self.close(self.organisation_a)
        before = self.state()

        with self.assertRaises(actions.PeriodClosed):
            self.measure("13")
        with self.assertRaises(actions.PeriodClosed):
            self.measure("13", period=Period.parse("2026-Q3"))
        self.assertEqual(self.state(), before)
        self.measure("9", period=Q2)

    def test_a_milestone_update_in_a_closed_period_changes_nothing(self):
        self.close(self.organisation_a)
        before = (self.state(), self.milestone.completed_on)

        with self.assertRaises(actions.PeriodClosed):
            actions.do_update_milestone(
                self.milestone,
                period=Q3,
                colour=RED,
                explanation="Late.",
                completed_on=datetime.date(2026, 9, 1),
                acting_user=self.contributor_a,
            )
        self.milestone.refresh_from_db()
        self.assertEqual((self.state(), self.milestone.completed_on), before)

    def test_a_reopened_period_takes_reports_again(self):
        closure = self.close(self.organisation_a)

        self.assertTrue(
            closing.do_reopen_period(
                closure, reason="Closed too early.", acting_user=self.global_admin
            )
        )
        self.report(self.project)
        closure.refresh_from_db()
        self.assertEqual(closure.reopened_by, self.global_admin)
        self.assertEqual(closure.reopen_reason, "Closed too early.")
        self.assertEqual(StatusReport.objects.count(), 1)

    def test_closing_and_reopening_write_history(self):
        closure = self.close(self.organisation_a)
        same, created = closing.do_close_period(
            self.organisation_a, Q3, acting_user=self.admin_a
        )
        closing.do_reopen_period(
            closure, reason="Closed too early.", acting_user=self.global_admin
        )

        self.assertEqual((same, created), (closure, False))
        rows = Change.objects.filter(
            content_type=ContentType.objects.get_for_model(PeriodClosure),
            object_id=closure.pk,
        ).order_by("pk")
        self.assertEqual(
            [(row.kind, row.actor, sorted(row.changes)) for row in rows],
            [
                ("created", self.admin_a, ["organisation", "period"]),
                ("updated", self.global_admin, ["reopen_reason", "reopened_at"]),
            ],
        )

    def test_the_closure_check_costs_one_query(self):
        self.close(self.organisation_a)
        warm_content_types()

        with self.assertNumQueries(1):
            self.assertIsNotNone(actions.closure_of(self.milestone, Q3))
        with self.assertNumQueries(1):
            self.assertIsNone(actions.closure_of(self.project, Q2))


class CorrectionActionTests(ClosingTestCase):
    def test_a_status_correction_names_the_report_it_replaces_and_why(self):
        first = self.report(self.project)
        self.close(self.organisation_a)

        correction = self.report(
            self.project,
            colour=RED,
            user=self.admin_a,
            correction_reason="  The tender was cancelled in September.  ",
        )

        self.assertEqual(correction.corrects, first)
        self.assertEqual(
            correction.correction_reason, "The tender was cancelled in September."
        )
        first.refresh_from_db()
        self.assertEqual(list(first.corrections.all()), [correction])
        change = Change.objects.filter(
            object_id=self.project.pk,
            content_type=ContentType.objects.get_for_model(self.project),
        ).first()
        self.assertEqual(change.actor, self.admin_a)
        self.assertEqual(
            change.changes["correction_reason"],
            [None, "The tender was cancelled in September."],
        )

    def test_a_correction_without_reason_is_refused(self):
        self.report(self.project)
        self.close(self.organisation_a)
        before = self.state()

        for reason in ("", "   "):
            with self.assertRaises(actions.PeriodClosed):
                self.report(self.project, user=self.admin_a, correction_reason=reason)
        self.assertEqual(self.state(), before)

    def test_a_correction_of_an_open_period_is_refused(self):
        before = self.state()

        with self.assertRaisesMessage(Exception, "2026-Q3 is not closed"):
            self.report(self.project, correction_reason="Why not.")
        self.assertEqual(self.state(), before)

    def test_a_measurement_correction_keeps_the_replaced_value_and_the_reason(self):
        self.measure("12")
        self.close(self.organisation_a)

        measurement = self.measure(
            "14,5".replace(",", "."), user=self.admin_a, correction_reason="Recount."
        )

        measurement.refresh_from_db()
        self.assertEqual(
            (
                measurement.value,
                measurement.value_before_correction,
                measurement.correction_reason,
                measurement.entered_by,
            ),
            (Decimal("14.5"), Decimal("12"), "Recount.", self.admin_a),
        )
        change = Change.objects.filter(
            content_type=ContentType.objects.get_for_model(Measurement),
            object_id=measurement.pk,
        ).first()
        self.assertEqual(change.changes["value"], ["12.0000", "14.5"])
        self.assertEqual(change.changes["correction_reason"], ["", "Recount."])


class ClosedPeriodsPageTests(ClosingTestCase):
    def url(self, owner=None):
        owner = owner or self.organisation_a
        if owner == self.plan_lens:
            return reverse("objectives:lens_closed_periods", args=[owner.public_id])
        return reverse(
            "objectives:organisation_closed_periods", args=[owner.ovo_number]
        )

    def post_close(self, user, owner=None, **data):
        self.client.force_login(user)
        fields = {"period": "2026-Q3", "confirm": "on", **data}
        return self.client.post(self.url(owner), fields)

    def test_an_administrator_closes_a_period_of_the_entity(self):
        response = self.post_close(self.admin_a)

        self.assertRedirects(response, self.url(), fetch_redirect_response=False)
        closure = PeriodClosure.objects.get()
        self.assertEqual(
            (closure.organisation, closure.period, closure.closed_by),
            (self.organisation_a, Q3, self.admin_a),
        )
        page = self.client.get(self.url())
        self.assertContains(page, "2026-Q3")
        self.assertContains(page, "admin_a")
        self.assertContains(page, "Close the period")

    def test_closing_needs_the_confirmation_and_keeps_the_input(self):
        response = self.post_close(self.admin_a, confirm="", period="2026-Q2")

        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Tick the box to confirm.", status_code=400)
        self.assertContains(response, 'value="2026-Q2"', status_code=400)
        self.assertFalse(PeriodClosure.objects.exists())

    def test_a_malformed_or_future_period_is_refused(self):
        for label, message in (
            ("2026-Q5", "is not a period such as"),
            ("2027", "2027 has not started yet."),
        ):
            with self.subTest(label=label):
                response = self.post_close(self.admin_a, period=label)
                self.assertContains(response, message, status_code=400)
        self.assertFalse(PeriodClosure.objects.exists())

    def test_a_member_reads_the_list_without_the_form_and_may_not_close(self):
        self.close(self.organisation_a)
        self.client.force_login(self.contributor_a)

        page = self.client.get(self.url())
        self.assertContains(page, "2026-Q3")
        self.assertNotContains(page, "Close the period")
        self.assertNotContains(page, "Reopen")
        before = self.state(), PeriodClosure.objects.count()
        self.assertEqual(
            self.post_close(self.contributor_a, period="2026-Q2").status_code, 403
        )
        self.assertEqual((self.state(), PeriodClosure.objects.count()), before)

    def test_a_foreign_entity_gets_not_found(self):
        self.client.force_login(self.admin_b)
        self.assertEqual(self.client.get(self.url()).status_code, 404)
        self.assertEqual(self.post_close(self.admin_b).status_code, 404)
        self.assertFalse(PeriodClosure.objects.exists())

    def test_the_plan_coordinator_closes_a_period_of_the_plan(self):
        response = self.post_close(self.coordinator, owner=self.plan_lens)

        self.assertEqual(response.status_code, 302)
        closure = PeriodClosure.objects.get()
        self.assertEqual(
            (closure.lens, closure.closed_by), (self.plan_lens, self.coordinator)
        )

    def test_who_may_close_a_period_of_the_plan(self):
        for user, status in (
            (self.admin_b, 302),
            (self.reader_b, 403),
            (self.admin_a, 404),
        ):
            with self.subTest(user=user):
                PeriodClosure.objects.all().delete()
                response = self.post_close(user, owner=self.plan_lens)
                self.assertEqual(response.status_code, status)
                self.assertEqual(PeriodClosure.objects.exists(), status == 302)

    def test_only_a_global_administrator_reopens(self):
        closure = self.close(self.organisation_a)
        url = reverse("objectives:closure_reopen", args=[closure.public_id])

        self.client.force_login(self.admin_a)
        self.assertEqual(self.client.post(url, {"reason": "x"}).status_code, 403)
        self.client.force_login(self.admin_b)
        self.assertEqual(self.client.post(url, {"reason": "x"}).status_code, 404)
        self.client.force_login(self.global_admin)
        refused = self.client.post(url, {"reason": ""})
        self.assertContains(refused, "Say why the period is reopened.", status_code=400)
        closure.refresh_from_db()
        self.assertTrue(closure.is_active)

        response = self.client.post(url, {"reason": "Closed too early."})

        self.assertRedirects(response, self.url(), fetch_redirect_response=False)
        closure.refresh_from_db()
        self.assertEqual(
            (closure.reopened_by, closure.reopen_reason),
            (self.global_admin, "Closed too early."),
        )
        page = self.client.get(self.url())
        self.assertContains(page, "reopened by global_admin")
        self.assertContains(page, "Closed too early.")

    def test_the_page_queries_do_not_grow_with_the_closures(self):
        self.client.force_login(self.admin_a)
        self.close(self.organisation_a)
        self.client.get(self.url())

        # The session, the user, the organisation, the closures, the roles
        # and what every page reads.
        with self.assertNumQueries(6):
            self.client.get(self.url())
        for label in ("2025", "2026-Q1", "2026-Q2", "2026-07", "2026-08"):
            closure = self.close(self.organisation_a, Period.parse(label))
        closing.do_reopen_period(closure, reason="x", acting_user=self.global_admin)
        with self.assertNumQueries(6):
            page = self.client.get(self.url())
        self.assertEqual(len(page.context["closures"]), 6)

    def test_the_plan_page_queries_are_pinned(self):
        self.client.force_login(self.coordinator)
        self.close(self.plan_lens, user=self.coordinator)
        self.client.get(self.url(self.plan_lens))

        # The lens instead of the organisation, and whether the user
        # coordinates it (asked once for closing and validating).
        with self.assertNumQueries(7):
            self.client.get(self.url(self.plan_lens))
        self.close(self.plan_lens, Q2, user=self.coordinator)
        with self.assertNumQueries(7):
            page = self.client.get(self.url(self.plan_lens))
        self.assertContains(page, "Validate the plan")


class ClosedFormTests(ClosingTestCase):
    """The contributors' forms refuse a closed period, say why, change
    nothing and keep what was typed."""

    def status_post(self, user, headers=None, subject=None, **data):
        subject = subject or self.project
        self.client.force_login(user)
        fields = {
            "period": "2026-Q3",
            "colour": ORANGE,
            "explanation": "Typed before the refusal.",
            "known_report": "0",
            **data,
        }
        url = f"{subject.get_absolute_url()}status/"
        return self.client.post(url, fields, headers=headers)

    def test_the_status_form_refuses_and_keeps_the_input(self):
        self.close(self.organisation_a)
        before = self.state()

        for headers in (None, HTMX):
            with self.subTest(htmx=bool(headers)):
                response = self.status_post(self.contributor_a, headers=headers)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "2026-Q3 is closed for Department A")
                self.assertContains(response, "closed by admin_a")
                self.assertContains(response, "Typed before the refusal.")
                # A contributor may not correct: no way to it is offered.
                self.assertNotContains(response, "Correct this closed period")
        self.assertEqual(self.state(), before)

    def test_an_administrator_is_shown_the_way_to_a_correction(self):
        self.close(self.organisation_a)

        response = self.status_post(self.admin_a)

        correct_url = reverse(
            "objectives:status_correct", args=[self.project, self.project.public_id]
        )
        self.assertContains(response, f'href="{correct_url}"')

    def test_the_milestone_form_refuses_and_changes_nothing(self):
        self.close(self.organisation_a)
        before = self.state()
        self.client.force_login(self.contributor_a)

        response = self.client.post(
            reverse("objectives:milestone_update", args=[self.milestone.public_id]),
            {
                "period": "2026-Q3",
                "colour": RED,
                "completed_on": "01/09/2026",
                "explanation": "Typed.",
                "known_report": "0",
                "known_version": self.milestone.updated_at.isoformat(),
            },
        )

        self.assertContains(response, "2026-Q3 is closed for Department A")
        self.assertContains(response, "01/09/2026")
        self.milestone.refresh_from_db()
        self.assertIsNone(self.milestone.completed_on)
        self.assertEqual(self.state(), before)

    def test_the_measurement_form_refuses_and_keeps_the_value(self):
        self.measure("12")
        self.close(self.organisation_a)
        before = self.state()
        self.client.force_login(self.contributor_a)

        response = self.client.post(
            reverse("objectives:measurement_record", args=[self.indicator.public_id]),
            {
                "period": "2026-Q3",
                "value": "13,75",
                "note": "",
                "shown_at": timezone.now().isoformat(),
            },
        )

        self.assertContains(response, "2026-Q3 is closed for Department A")
        self.assertContains(response, 'value="13,75"')
        self.assertEqual(self.state(), before)


class CorrectionPageTests(ClosingTestCase):
    def status_url(self, subject=None):
        subject = subject or self.project
        return reverse("objectives:status_correct", args=[subject, subject.public_id])

    def post(self, user, url=None, **data):
        self.client.force_login(user)
        fields = {
            "period": "2026-Q3",
            "colour": RED,
            "explanation": "Cancelled.",
            "known_report": str(StatusReport.objects.order_by("pk").last().pk)
            if StatusReport.objects.exists()
            else "0",
            "correction_reason": "The tender was cancelled.",
            **data,
        }
        return self.client.post(url or self.status_url(), fields)

    def test_an_administrator_corrects_and_the_timeline_shows_both(self):
        first = self.report(self.project)
        self.close(self.organisation_a)

        response = self.post(self.admin_a, known_report=str(first.pk))

        self.assertRedirects(
            response, self.project.get_absolute_url(), fetch_redirect_response=False
        )
        correction = StatusReport.objects.get(corrects=first)
        self.assertEqual(correction.author, self.admin_a)
        page = self.client.get(self.project.get_absolute_url())
        self.assertContains(page, "Correction after the period was closed: The tender")
        self.assertContains(page, "Corrected</strong> by admin_a on")
        self.assertContains(page, "Tender delayed.")

    def test_a_correction_without_reason_keeps_the_input_and_saves_nothing(self):
        self.report(self.project)
        self.close(self.organisation_a)
        before = self.state()

        response = self.post(self.admin_a, correction_reason="  ")

        self.assertContains(
            response, "Give the reason for the correction", status_code=400
        )
        self.assertContains(response, "Cancelled.", status_code=400)
        self.assertEqual(self.state(), before)

    def test_an_open_period_is_not_corrected_here(self):
        before = self.state()

        response = self.post(self.admin_a)

        self.assertContains(response, "2026-Q3 is not closed", status_code=400)
        self.assertEqual(self.state(), before)

    def test_who_may_correct(self):
        self.close(self.organisation_a)
        self.close(self.plan_lens, user=self.coordinator)
        plan_url = self.status_url(self.project_b)
        cases = [
            (self.contributor_a, self.status_url(), 403),
            (self.reader_a, self.status_url(), 403),
            (self.admin_b, self.status_url(), 404),
            (self.coordinator, self.status_url(), 404),
            (self.contributor_b, plan_url, 403),
            (self.coordinator, plan_url, 302),
            (self.global_admin, self.status_url(), 302),
            (self.admin_a, self.status_url(), 302),
        ]
        for user, url, status in cases:
            with self.subTest(user=user, url=url):
                before = StatusReport.objects.count()
                self.assertEqual(self.post(user, url=url).status_code, status)
                self.assertEqual(StatusReport.objects.count(), before + (status == 302))

    def test_an_administrator_corrects_a_measurement_shown_with_its_old_value(self):
        self.measure("12")
        self.close(self.organisation_a)
        url = reverse("objectives:measurement_correct", args=[self.indicator.public_id])
        self.client.force_login(self.contributor_a)
        self.assertEqual(self.client.get(url).status_code, 403)

        self.client.force_login(self.admin_a)
        response = self.client.post(
            url,
            {
                "period": "2026-Q3",
                "value": "14",
                "note": "",
                "shown_at": timezone.now().isoformat(),
                "correction_reason": "Recount.",
            },
        )

        self.assertEqual(response.status_code, 302)
        page = self.client.get(self.indicator.get_absolute_url())
        self.assertContains(page, "Corrected after closing (was 12): Recount.")


class AdminTests(ClosingTestCase):
    def test_the_admin_refuses_to_change_a_measurement_of_a_closed_period(self):
        measurement = self.measure("12")
        self.close(self.organisation_a)
        before = self.state()
        self.client.force_login(self.global_admin)
        url = reverse("admin:objectives_measurement_change", args=[measurement.pk])

        response = self.client.post(
            url,
            {
                "indicator": self.indicator.pk,
                "period_start": "2026-07-01",
                "period_end": "2026-09-30",
                "value": "99",
                "note": "",
                "entered_by": "",
                "created_at_0": "2026-10-01",
                "created_at_1": "10:00:00",
            },
        )

        self.assertContains(response, "2026-Q3 is closed for Department A")
        self.assertEqual(self.state(), before)
        delete_url = reverse(
            "admin:objectives_measurement_delete", args=[measurement.pk]
        )
        self.assertEqual(self.client.post(delete_url, {"post": "yes"}).status_code, 403)
        self.assertEqual(self.state(), before)

    def test_the_admin_refuses_a_new_measurement_in_a_closed_period(self):
        self.close(self.organisation_a)
        before = self.state()
        self.client.force_login(self.global_admin)

        response = self.client.post(
            reverse("admin:objectives_measurement_add"),
            {
                "indicator": self.indicator.pk,
                "period_start": "2026-08-01",
                "period_end": "2026-08-31",
                "value": "99",
                "note": "",
                "entered_by": "",
                "created_at_0": "2026-10-01",
                "created_at_1": "10:00:00",
            },
        )

        self.assertContains(response, "2026-Q3 is closed for Department A")
        self.assertEqual(self.state(), before)

    def test_status_reports_cannot_be_added_or_changed_in_the_admin(self):
        report = self.report(self.project)
        self.close(self.organisation_a)
        before = self.state()
        self.client.force_login(self.global_admin)

        add = self.client.post(reverse("admin:objectives_statusreport_add"), {})
        change = self.client.post(
            reverse("admin:objectives_statusreport_change", args=[report.pk]),
            {"colour": RED, "explanation": "Changed in the admin."},
        )

        self.assertEqual((add.status_code, change.status_code), (403, 403))
        self.assertEqual(self.state(), before)
