"""What contributors do: report a status, update a milestone, add a measurement,
inline with htmx and as pages of their own."""

import datetime
import json
from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.utils import formats, timezone, translation

from objectives import actions
from objectives.forms.contribute import plain_number
from objectives.models import Change, Measurement, StatusReport
from objectives.periods import MONTHLY, QUARTERLY, YEARLY, Period
from tests.factories import (
    make_indicator,
    make_milestone,
    make_objective,
    make_person,
    make_process,
    make_programme,
    make_project,
    make_user,
)
from tests.personas import PersonaTestCase

HTMX = {"HX-Request": "true"}
GREEN = StatusReport.Colour.GREEN
ORANGE = StatusReport.Colour.ORANGE
RED = StatusReport.Colour.RED
BLUE = StatusReport.Colour.BLUE


def warm_content_types():
    """Content types are cached for the life of a process: pinned query counts
    leave them out, whichever tests ran before."""
    ContentType.objects.get_for_models(*apps.get_app_config("objectives").get_models())


def short_date(day):
    with translation.override("en"):
        return formats.date_format(day, "SHORT_DATE_FORMAT")


def changes_of(obj):
    return list(
        Change.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        )
        .order_by("pk")
        .values_list("kind", "changes", "actor__username")
    )


class ContributeTestCase(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.project = make_project(
            lead_organisation=cls.organisation_a, code="PR 1", title="Speed checks"
        )
        cls.project_b = make_project(
            lead_organisation=cls.organisation_b, code="PR 1", title="Clean buses"
        )
        cls.milestone = make_milestone(cls.project, code="M1", title="Tender awarded")
        cls.milestone_b = make_milestone(cls.project_b, code="M1", title="Buses")
        cls.indicator = make_indicator(
            lead_organisation=cls.organisation_a,
            code="IN 1",
            title="Road deaths",
            unit="deaths",
            reporting_frequency=YEARLY,
        )
        cls.indicator_b = make_indicator(
            lead_organisation=cls.organisation_b, reporting_frequency=YEARLY
        )

    def setUp(self):
        # Messages and errors are asserted in the source language.
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        self.today = timezone.localdate()
        self.quarter = Period.of(QUARTERLY, self.today).previous()
        self.year = Period.of(YEARLY, self.today).previous()

    def rows(self):
        """What a refused request must leave untouched."""
        return (
            StatusReport.objects.count(),
            Measurement.objects.count(),
            Change.objects.count(),
        )


class StatusReportTests(ContributeTestCase):
    def url(self, component=None):
        component = component or self.project
        return f"{component.get_absolute_url()}status/"

    def post(self, component=None, user=None, headers=None, login=True, **data):
        if login:
            self.client.force_login(user or self.contributor_a)
        fields = {
            "period": self.quarter.label,
            "colour": ORANGE,
            "explanation": "Tender delayed by an objection.",
            "known_report": "0",
            **data,
        }
        return self.client.post(self.url(component), fields, headers=headers)

    def test_contributor_reports_the_status_of_a_project_of_own_organisation(self):
        changes_before = Change.objects.count()

        response = self.post(explanation="  Tender delayed by an objection.  ")

        self.assertRedirects(
            response, self.project.get_absolute_url(), fetch_redirect_response=False
        )
        report = StatusReport.objects.get()
        self.assertEqual(report.project, self.project)
        self.assertEqual(report.author, self.contributor_a)
        self.assertEqual(report.period, self.quarter)
        self.assertEqual(report.colour, ORANGE)
        self.assertEqual(report.explanation, "Tender delayed by an objection.")
        # The report is its own history: the action writes no change row.
        self.assertEqual(Change.objects.count(), changes_before)

    def test_every_component_with_a_status_has_its_form(self):
        for component in (
            make_objective(lead_organisation=self.organisation_a),
            make_process(lead_organisation=self.organisation_a),
            make_programme(lead_organisation=self.organisation_a),
        ):
            with self.subTest(component=component):
                response = self.post(component)

                self.assertRedirects(
                    response,
                    component.get_absolute_url(),
                    fetch_redirect_response=False,
                )
                self.assertEqual(component.status_reports.get().colour, ORANGE)

    def test_form_proposes_the_latest_ended_period_among_recent_ones(self):
        self.client.force_login(self.contributor_a)

        response = self.client.get(self.url())

        field = response.context["form"]["period"]
        current = Period.of(QUARTERLY, self.today)
        self.assertEqual(field.value(), self.quarter.label)
        self.assertEqual(
            [value for value, _ in field.field.choices],
            [
                current.label,
                current.previous().label,
                current.previous().previous().label,
                current.previous().previous().previous().label,
                current.previous().previous().previous().previous().label,
                current.previous().previous().previous().previous().previous().label,
            ],
        )
        self.assertEqual(field.field.choices[0][1], f"{current.label} (ongoing)")
        self.assertContains(response, "<h1>Report status</h1>", html=True)
        self.assertContains(response, "<html")

    def test_monthly_component_offers_months(self):
        project = make_project(
            lead_organisation=self.organisation_a, reporting_frequency=MONTHLY
        )
        self.client.force_login(self.contributor_a)

        response = self.client.get(self.url(project))

        field = response.context["form"]["period"]
        self.assertEqual(field.value(), Period.of(MONTHLY, self.today).previous().label)
        self.assertEqual(len(field.field.choices), 8)

    def test_colours_are_radio_buttons_with_a_dot_and_a_word(self):
        self.client.force_login(self.contributor_a)

        response = self.client.get(self.url())

        self.assertContains(response, 'type="radio"', count=5)
        self.assertContains(
            response,
            '<span class="status status-orange"><span class="dot" aria-hidden="true">'
            "</span>at risk</span>",
            html=True,
        )

    def test_reader_is_refused_and_nothing_changes(self):
        before = self.rows()
        self.client.force_login(self.reader_a)

        self.assertEqual(self.client.get(self.url()).status_code, 403)
        response = self.post(user=self.reader_a)

        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.rows(), before)

    def test_contributor_of_another_organisation_gets_not_found(self):
        before = self.rows()
        self.client.force_login(self.contributor_b)

        self.assertEqual(self.client.get(self.url()).status_code, 404)
        response = self.post(user=self.contributor_b)

        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.rows(), before)

    def test_person_responsible_without_a_role_may_report(self):
        outsider = make_user(username="responsible_x")
        person = make_person(user=outsider)
        project = make_project(lead_organisation=self.organisation_a)
        actions.do_update_component(project, acting_user=None, responsible=person)

        response = self.post(project, user=outsider)

        self.assertEqual(response.status_code, 302)
        self.assertEqual(project.status_reports.get().author, outsider)

    def test_anonymous_visitor_is_sent_to_login_and_nothing_changes(self):
        before = self.rows()

        response = self.client.post(
            self.url(), {"colour": RED, "explanation": "x", "period": "2025-Q1"}
        )

        self.assertRedirects(
            response, f"/login/?next={self.url()}", fetch_redirect_response=False
        )
        self.assertEqual(self.rows(), before)

    def test_post_without_csrf_token_is_refused_and_nothing_changes(self):
        before = self.rows()
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.contributor_a)

        response = client.post(
            self.url(),
            {"period": self.quarter.label, "colour": RED, "explanation": "Late."},
        )

        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.rows(), before)

    def test_empty_explanation_is_refused_with_the_input_kept(self):
        before = self.rows()

        response = self.post(colour=RED, explanation="   ")

        self.assertEqual(response.status_code, 200)
        form = response.context["form"]
        self.assertEqual(
            form.errors,
            {
                "explanation": [
                    "Write an explanation: a status without one cannot be saved."
                ]
            },
        )
        self.assertContains(
            response,
            '<input type="radio" name="colour" value="red" id="contribute_colour_2" '
            "required checked>",
            html=True,
        )
        self.assertContains(
            response,
            f'<option value="{self.quarter.label}" selected>{self.quarter.label}'
            "</option>",
            html=True,
        )
        self.assertContains(response, 'role="alert"')
        self.assertEqual(self.rows(), before)

    def test_period_outside_the_offered_ones_is_refused(self):
        before = self.rows()

        response = self.post(period="2011-Q1")

        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.context["form"].errors["period"],
            ["Select a valid choice. 2011-Q1 is not one of the available choices."],
        )
        self.assertEqual(self.rows(), before)

    def test_htmx_gets_the_form_alone(self):
        self.client.force_login(self.contributor_a)

        response = self.client.get(self.url(), headers=HTMX)

        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "<html")
        self.assertContains(response, f'hx-post="{self.url()}"')
        self.assertContains(response, "<h2", count=1)
        self.assertIn("HX-Request", response["Vary"])
        # Shown by traject.js when a later submission is refused by the server.
        self.assertContains(response, 'class="contribute-errors contribute-refused"')

    def test_htmx_gets_errors_in_place(self):
        response = self.post(explanation="", headers=HTMX)

        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "<html")
        self.assertContains(
            response, "Write an explanation: a status without one cannot be saved."
        )
        self.assertContains(response, "Tender delayed", count=0)
        self.assertEqual(StatusReport.objects.count(), 0)

    def test_htmx_save_reloads_the_page_content_with_the_confirmation(self):
        response = self.post(headers=HTMX)

        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b"")
        self.assertEqual(
            json.loads(response["HX-Location"]),
            {
                "path": self.project.get_absolute_url(),
                "target": "#content",
                "select": "#content",
                "swap": "outerHTML",
                "push": "false",
            },
        )
        self.assertEqual(StatusReport.objects.get().colour, ORANGE)

        page = self.client.get(self.project.get_absolute_url(), headers=HTMX)
        self.assertContains(
            page,
            '<div role="status"><ul class="messages">'
            '<li class="message message-success">'
            f"Status for {self.quarter.label} saved: orange: at risk.</li></ul></div>",
            html=True,
        )

    def test_without_javascript_a_save_redirects_with_a_message(self):
        self.client.force_login(self.contributor_a)

        response = self.client.post(
            self.url(),
            {
                "period": self.quarter.label,
                "colour": GREEN,
                "explanation": "On schedule.",
                "known_report": "0",
            },
            follow=True,
        )

        self.assertEqual(
            response.redirect_chain, [(self.project.get_absolute_url(), 302)]
        )
        self.assertEqual(
            [str(message) for message in response.context["messages"]],
            [f"Status for {self.quarter.label} saved: green: on track."],
        )

    def test_second_person_sees_the_first_report_and_keeps_the_input(self):
        self.client.force_login(self.contributor_a)
        shown = self.client.get(self.url()).context["form"]
        known = shown["known_report"].value()
        theirs = actions.do_report_status(
            self.project,
            period=self.quarter,
            colour=RED,
            explanation="Budget overrun.",
            acting_user=self.admin_a,
        )

        response = self.post(known_report=known, explanation="Only a small delay.")

        self.assertEqual(response.status_code, 200)
        form = response.context["form"]
        self.assertEqual(form.conflict, theirs)
        self.assertEqual(StatusReport.objects.get(), theirs)
        self.assertContains(response, "Someone else reported the status of")
        self.assertContains(response, "admin_a reported for")
        self.assertContains(response, "Budget overrun.")
        self.assertContains(response, "off track")
        self.assertContains(response, ">\nOnly a small delay.</textarea>")
        self.assertContains(response, "Save mine anyway")

        confirmed = self.post(
            known_report=form["known_report"].value(), explanation="Only a small delay."
        )

        self.assertEqual(confirmed.status_code, 302)
        newest = self.project.status_reports.order_by("-pk").first()
        self.assertEqual(
            (newest.author, newest.explanation, newest.period),
            (self.contributor_a, "Only a small delay.", self.quarter),
        )
        self.assertEqual(StatusReport.objects.count(), 2)

    def test_a_report_of_another_period_is_no_conflict(self):
        self.client.force_login(self.contributor_a)
        known = self.client.get(self.url()).context["form"]["known_report"].value()
        actions.do_report_status(
            self.project,
            period=self.quarter.previous(),
            colour=RED,
            explanation="Budget overrun.",
            acting_user=self.admin_a,
        )

        response = self.post(known_report=known)

        self.assertEqual(response.status_code, 302)
        self.assertEqual(StatusReport.objects.count(), 2)

    def test_an_unreadable_token_shows_the_reports_of_the_period(self):
        actions.do_report_status(
            self.project,
            period=self.quarter,
            colour=RED,
            explanation="Budget overrun.",
            acting_user=self.admin_a,
        )

        response = self.post(known_report="not a number")

        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["form"].errors.keys(), {"__all__"})
        self.assertEqual(StatusReport.objects.count(), 1)

    FORM_QUERIES = 9
    # One of them asks whether the period is closed.
    SAVE_QUERIES = 11

    def add_reports(self, count):
        for number in range(count):
            actions.do_report_status(
                self.project,
                period=self.quarter,
                colour=GREEN,
                explanation=f"Report {number}",
                acting_user=self.admin_a,
            )

    def test_form_page_queries_do_not_grow_with_the_reports(self):
        self.client.force_login(self.contributor_a)
        warm_content_types()
        with self.assertNumQueries(self.FORM_QUERIES):
            self.client.get(self.url())

        self.add_reports(5)

        warm_content_types()
        with self.assertNumQueries(self.FORM_QUERIES):
            self.client.get(self.url())

    def test_save_queries_do_not_grow_with_the_reports(self):
        self.client.force_login(self.contributor_a)
        self.add_reports(5)
        known = StatusReport.objects.order_by("-pk").first().pk
        warm_content_types()
        with self.assertNumQueries(self.SAVE_QUERIES):
            self.post(known_report=known, login=False)

        self.add_reports(5)
        known = StatusReport.objects.order_by("-pk").first().pk
        warm_content_types()
        with self.assertNumQueries(self.SAVE_QUERIES):
            response = self.post(known_report=known, login=False)
        self.assertEqual(response.status_code, 302)


class MilestoneUpdateTests(ContributeTestCase):
    def url(self, milestone=None):
        return f"{(milestone or self.milestone).get_absolute_url()}update/"

    def post(self, milestone=None, user=None, headers=None, login=True, **data):
        milestone = milestone or self.milestone
        if "known_version" not in data:
            milestone.refresh_from_db()
        if login:
            self.client.force_login(user or self.contributor_a)
        fields = {
            "period": self.quarter.label,
            "colour": BLUE,
            "completed_on": "",
            "explanation": "Contract signed.",
            "known_report": "0",
            "known_version": milestone.updated_at.isoformat(),
            **data,
        }
        return self.client.post(self.url(milestone), fields, headers=headers)

    def test_contributor_completes_a_milestone_with_a_flemish_date(self):
        day = self.today - datetime.timedelta(days=3)

        response = self.post(completed_on=day.strftime("%d/%m/%Y"))

        self.assertRedirects(
            response, self.milestone.get_absolute_url(), fetch_redirect_response=False
        )
        self.milestone.refresh_from_db()
        self.assertEqual(self.milestone.completed_on, day)
        self.assertEqual(
            changes_of(self.milestone)[-1],
            (
                Change.Kind.UPDATED,
                {"completed_on": [None, day.isoformat()]},
                "contributor_a",
            ),
        )
        report = self.milestone.status_reports.get()
        self.assertEqual(
            (report.colour, report.explanation, report.period, report.author),
            (BLUE, "Contract signed.", self.quarter, self.contributor_a),
        )

    def test_an_iso_date_is_accepted_too(self):
        day = self.today - datetime.timedelta(days=1)

        response = self.post(completed_on=day.isoformat())

        self.assertEqual(response.status_code, 302)
        self.milestone.refresh_from_db()
        self.assertEqual(self.milestone.completed_on, day)

    def test_form_keeps_the_completion_date_it_shows(self):
        day = self.today - datetime.timedelta(days=10)
        actions.do_update_component(self.milestone, acting_user=None, completed_on=day)
        self.client.force_login(self.contributor_a)

        form = self.client.get(self.url()).context["form"]

        self.assertEqual(form["completed_on"].value(), day)
        self.assertContains(
            self.client.get(self.url()), f'value="{day.strftime("%d/%m/%Y")}"'
        )

        changes_before = len(changes_of(self.milestone))
        response = self.post(
            completed_on=day.strftime("%d/%m/%Y"), colour=GREEN, explanation="Fine."
        )

        self.assertEqual(response.status_code, 302)
        self.assertEqual(len(changes_of(self.milestone)), changes_before)

    def test_completion_in_the_future_is_refused_and_nothing_changes(self):
        before = self.rows()
        tomorrow = self.today + datetime.timedelta(days=1)

        response = self.post(completed_on=tomorrow.strftime("%d/%m/%Y"))

        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.context["form"].errors,
            {
                "completed_on": [
                    "A milestone cannot be completed in the future (after "
                    f"{self.today.strftime('%d/%m/%Y')})."
                ]
            },
        )
        self.assertContains(response, f'value="{tomorrow.strftime("%d/%m/%Y")}"')
        self.assertContains(response, ">\nContract signed.</textarea>")
        self.milestone.refresh_from_db()
        self.assertIsNone(self.milestone.completed_on)
        self.assertEqual(self.rows(), before)

    def test_reader_is_refused_and_nothing_changes(self):
        before = self.rows()
        self.client.force_login(self.reader_a)

        self.assertEqual(self.client.get(self.url()).status_code, 403)
        response = self.post(user=self.reader_a, completed_on="01/01/2025")

        self.assertEqual(response.status_code, 403)
        self.milestone.refresh_from_db()
        self.assertIsNone(self.milestone.completed_on)
        self.assertEqual(self.rows(), before)

    def test_contributor_of_another_organisation_gets_not_found(self):
        before = self.rows()
        self.client.force_login(self.contributor_b)

        self.assertEqual(self.client.get(self.url()).status_code, 404)
        response = self.post(user=self.contributor_b, completed_on="01/01/2025")

        self.assertEqual(response.status_code, 404)
        self.milestone.refresh_from_db()
        self.assertIsNone(self.milestone.completed_on)
        self.assertEqual(self.rows(), before)

    def test_assignee_without_a_role_may_update(self):
        assignee = make_user(username="assignee_x")
        milestone = make_milestone(
            self.project, assignee=make_person(user=assignee), code="M9"
        )

        response = self.post(milestone, user=assignee)

        self.assertEqual(response.status_code, 302)
        self.assertEqual(milestone.status_reports.get().author, assignee)

    def test_htmx_gets_the_form_alone(self):
        self.client.force_login(self.contributor_a)

        response = self.client.get(self.url(), headers=HTMX)

        self.assertNotContains(response, "<html")
        self.assertContains(response, f'hx-post="{self.url()}"')
        self.assertContains(response, 'name="completed_on"')

    def test_second_person_sees_the_other_update_and_may_save_anyway(self):
        self.client.force_login(self.contributor_a)
        shown = self.client.get(self.url()).context["form"]
        day = self.today - datetime.timedelta(days=2)
        actions.do_update_milestone(
            self.milestone,
            period=self.quarter,
            colour=GREEN,
            explanation="Signed by the minister.",
            completed_on=day,
            acting_user=self.admin_a,
        )
        data = {
            "known_report": shown["known_report"].value(),
            "known_version": shown["known_version"].value(),
            "colour": ORANGE,
            "explanation": "Still waiting for the signature.",
        }
        self.client.force_login(self.contributor_a)

        response = self.client.post(
            self.url(), {"period": self.quarter.label, "completed_on": "", **data}
        )

        self.assertEqual(response.status_code, 200)
        form = response.context["form"]
        self.assertEqual(form.conflict_kind, "report")
        self.assertContains(response, "Signed by the minister.")
        self.assertContains(
            response,
            f"The milestone is now completed on {short_date(day)}.",
        )
        self.assertContains(response, ">\nStill waiting for the signature.</textarea>")
        self.assertEqual(self.milestone.status_reports.count(), 1)

        confirmed = self.client.post(
            self.url(),
            {
                **data,
                "period": self.quarter.label,
                "completed_on": "",
                "known_report": form["known_report"].value(),
                "known_version": form["known_version"].value(),
            },
        )

        self.assertEqual(confirmed.status_code, 302)
        self.milestone.refresh_from_db()
        self.assertIsNone(self.milestone.completed_on)
        self.assertEqual(
            self.milestone.status_reports.order_by("-pk").first().explanation,
            "Still waiting for the signature.",
        )

    def test_a_change_of_the_milestone_alone_is_a_conflict_too(self):
        self.client.force_login(self.contributor_a)
        shown = self.client.get(self.url()).context["form"]
        actions.do_update_component(
            self.milestone, acting_user=self.admin_a, title="Tender awarded at last"
        )
        before = self.rows()

        response = self.post(known_version=shown["known_version"].value())

        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["form"].conflict_kind, "change")
        self.assertContains(response, "admin_a changed the milestone on")
        self.assertEqual(self.rows(), before)

    FORM_QUERIES = 10
    # One of them asks whether the period is closed.
    SAVE_QUERIES = 18

    def test_form_page_and_save_queries_are_pinned_and_do_not_grow(self):
        self.client.force_login(self.contributor_a)
        warm_content_types()
        with self.assertNumQueries(self.FORM_QUERIES):
            self.client.get(self.url())
        for number in range(4):
            actions.do_report_status(
                self.milestone,
                period=self.quarter,
                colour=GREEN,
                explanation=f"Report {number}",
                acting_user=self.admin_a,
            )
        with self.assertNumQueries(self.FORM_QUERIES):
            self.client.get(self.url())

        known = self.milestone.status_reports.order_by("-pk").first().pk
        day = (self.today - datetime.timedelta(days=1)).strftime("%d/%m/%Y")
        self.milestone.refresh_from_db()
        version = self.milestone.updated_at.isoformat()
        warm_content_types()
        with self.assertNumQueries(self.SAVE_QUERIES):
            response = self.post(
                completed_on=day,
                known_version=version,
                known_report=known,
                login=False,
            )
        self.assertEqual(response.status_code, 302)


class MeasurementTests(ContributeTestCase):
    def url(self, indicator=None):
        return f"{(indicator or self.indicator).get_absolute_url()}measurements/new/"

    def post(self, indicator=None, user=None, headers=None, login=True, **data):
        if login:
            self.client.force_login(user or self.contributor_a)
        fields = {
            "period": self.year.label,
            "value": "12,5",
            "note": "",
            "shown_at": timezone.now().isoformat(),
            **data,
        }
        return self.client.post(self.url(indicator), fields, headers=headers)

    def test_value_with_a_decimal_comma_is_recorded(self):
        response = self.post(note="Provisional figure.")

        self.assertRedirects(
            response, self.indicator.get_absolute_url(), fetch_redirect_response=False
        )
        measurement = Measurement.objects.get()
        self.assertEqual(
            (
                measurement.indicator,
                measurement.period_start,
                measurement.period_end,
                measurement.value,
                measurement.note,
                measurement.entered_by,
            ),
            (
                self.indicator,
                self.year.start,
                self.year.end,
                Decimal("12.5"),
                "Provisional figure.",
                self.contributor_a,
            ),
        )
        self.assertEqual(
            changes_of(measurement),
            [
                (
                    Change.Kind.CREATED,
                    {"value": [None, "12.5"], "period": [None, self.year.label]},
                    "contributor_a",
                )
            ],
        )

    def test_numbers_are_read_as_people_type_them(self):
        for typed, read in [
            ("12,5", "12.5"),
            ("12.5", "12.5"),
            ("1.234,5", "1234.5"),
            ("1,234.5", "1234.5"),
            ("12 345,25", "12345.25"),
            ("-3", "-3"),
        ]:
            with self.subTest(typed=typed):
                self.assertEqual(plain_number(typed), read)

    def test_replacing_a_measurement_keeps_the_history(self):
        measurement = actions.do_record_measurement(
            self.indicator,
            period=self.year,
            value=Decimal("10"),
            note="",
            acting_user=self.admin_a,
        )

        response = self.post(value="11,75")

        self.assertEqual(response.status_code, 302)
        measurement.refresh_from_db()
        self.assertEqual(measurement.value, Decimal("11.75"))
        self.assertEqual(measurement.entered_by, self.contributor_a)
        self.assertEqual(Measurement.objects.count(), 1)
        self.assertEqual(
            changes_of(measurement)[-1],
            (
                Change.Kind.UPDATED,
                {"value": ["10.0000", "11.75"]},
                "contributor_a",
            ),
        )

    def test_a_period_of_another_frequency_is_refused(self):
        before = self.rows()

        response = self.post(period=f"{self.year.label}-Q2")

        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.context["form"].errors,
            {
                "period": [
                    f"This indicator is measured yearly; {self.year.label}-Q2 does "
                    f"not fit. Enter a period such as {self.year.label}."
                ]
            },
        )
        self.assertContains(response, f'value="{self.year.label}-Q2"')
        self.assertContains(response, 'value="12,5"')
        self.assertEqual(self.rows(), before)

    def test_a_period_not_yet_started_and_a_bad_label_are_refused(self):
        before = self.rows()
        next_year = str(self.today.year + 1)

        response = self.post(period=next_year, value="1.2.3")

        self.assertEqual(
            response.context["form"].errors,
            {
                "period": [f"{next_year} has not started yet."],
                "value": ["Enter a number."],
            },
        )
        response = self.post(period="last year")
        self.assertEqual(
            response.context["form"].errors,
            {"period": ["last year is not a period such as 2025, 2025-Q2 or 2025-03."]},
        )
        self.assertEqual(self.rows(), before)

    def test_reader_is_refused_and_nothing_changes(self):
        before = self.rows()
        self.client.force_login(self.reader_a)

        self.assertEqual(self.client.get(self.url()).status_code, 403)
        response = self.post(user=self.reader_a)

        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.rows(), before)

    def test_contributor_of_another_organisation_gets_not_found(self):
        before = self.rows()
        self.client.force_login(self.contributor_b)

        self.assertEqual(self.client.get(self.url()).status_code, 404)
        response = self.post(user=self.contributor_b)

        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.rows(), before)

    def test_form_proposes_the_latest_ended_period_and_recent_ones(self):
        self.client.force_login(self.contributor_a)

        response = self.client.get(self.url())

        self.assertEqual(response.context["form"]["period"].value(), self.year.label)
        current = Period.of(YEARLY, self.today)
        self.assertContains(
            response,
            '<datalist id="contribute_period_suggestions">'
            + "".join(
                f'<option value="{year}"></option>'
                for year in range(current.start.year, current.start.year - 4, -1)
            )
            + "</datalist>",
            html=True,
        )

    def test_second_person_sees_the_other_value_and_may_replace_it(self):
        self.client.force_login(self.contributor_a)
        shown_at = self.client.get(self.url()).context["form"]["shown_at"].value()
        theirs = actions.do_record_measurement(
            self.indicator,
            period=self.year,
            value=Decimal("13.2"),
            note="From the police figures.",
            acting_user=self.admin_a,
        )

        response = self.post(shown_at=shown_at, value="12,5")

        self.assertEqual(response.status_code, 200)
        form = response.context["form"]
        self.assertEqual(form.conflict, theirs)
        self.assertContains(response, f"admin_a entered for {self.year.label} on")
        self.assertContains(response, "<strong>13.2 deaths</strong>")
        self.assertContains(response, "From the police figures.")
        self.assertContains(response, 'value="12,5"')
        theirs.refresh_from_db()
        self.assertEqual(theirs.value, Decimal("13.2"))

        confirmed = self.post(shown_at=form["shown_at"].value(), value="12,5")

        self.assertEqual(confirmed.status_code, 302)
        theirs.refresh_from_db()
        self.assertEqual(theirs.value, Decimal("12.5"))

    def test_htmx_gets_the_form_and_its_errors_alone(self):
        self.client.force_login(self.contributor_a)

        shown = self.client.get(self.url(), headers=HTMX)
        refused = self.post(value="", headers=HTMX)

        for response in (shown, refused):
            self.assertNotContains(response, "<html")
            self.assertContains(response, f'hx-post="{self.url()}"')
        self.assertContains(refused, "Enter the measured value, such as 12,5.")

    FORM_QUERIES = 8
    # One of them asks whether the period is closed.
    SAVE_QUERIES = 13

    def test_form_page_queries_do_not_grow_with_the_measurements(self):
        self.client.force_login(self.contributor_a)
        warm_content_types()
        with self.assertNumQueries(self.FORM_QUERIES):
            self.client.get(self.url())

        period = self.year
        for number in range(6):
            period = period.previous()
            actions.do_record_measurement(
                self.indicator,
                period=period,
                value=Decimal(number),
                note="",
                acting_user=None,
            )

        warm_content_types()
        with self.assertNumQueries(self.FORM_QUERIES):
            response = self.client.get(self.url())
        self.assertEqual(len(response.context["recalled"]), 4)

    def test_save_queries_are_pinned(self):
        self.client.force_login(self.contributor_a)
        warm_content_types()
        with self.assertNumQueries(self.SAVE_QUERIES):
            response = self.post(login=False)
        self.assertEqual(response.status_code, 302)


class ContributePanelTests(ContributeTestCase):
    def test_contributor_sees_the_form_opener_on_each_kind_of_component(self):
        self.client.force_login(self.contributor_a)
        for component, url, label in [
            (
                self.project,
                f"{self.project.get_absolute_url()}status/",
                "Report status",
            ),
            (
                self.milestone,
                f"{self.milestone.get_absolute_url()}update/",
                "Update milestone",
            ),
            (
                self.indicator,
                f"{self.indicator.get_absolute_url()}measurements/new/",
                "Add measurement",
            ),
        ]:
            with self.subTest(component=component):
                response = self.client.get(component.get_absolute_url())

                self.assertContains(
                    response,
                    f'<a class="button" href="{url}" hx-get="{url}" '
                    'hx-target="#contribute-bar" hx-swap="outerHTML">'
                    f"{label}</a>",
                    html=True,
                )

    def test_reader_sees_nothing_of_it(self):
        self.client.force_login(self.reader_a)
        for component in (self.project, self.milestone, self.indicator):
            with self.subTest(component=component):
                response = self.client.get(component.get_absolute_url())

                self.assertEqual(response.status_code, 200)
                self.assertNotContains(response, 'id="contribute"')

    def test_assignee_without_a_role_sees_it_on_the_milestone(self):
        assignee = make_user(username="assignee_y")
        milestone = make_milestone(
            self.project, assignee=make_person(user=assignee), code="M8"
        )
        self.client.force_login(assignee)

        response = self.client.get(milestone.get_absolute_url())

        self.assertContains(response, 'id="contribute"')


class RefusedRequestTests(ContributeTestCase):
    def forms(self):
        """Each form's address and a submission it would accept."""
        return [
            (
                f"{self.project.get_absolute_url()}status/",
                {"period": self.quarter.label, "colour": RED, "explanation": "Late."},
            ),
            (
                f"{self.milestone.get_absolute_url()}update/",
                {
                    "period": self.quarter.label,
                    "colour": BLUE,
                    "completed_on": "01/01/2025",
                    "explanation": "Done.",
                    "known_version": self.milestone.updated_at.isoformat(),
                },
            ),
            (
                f"{self.indicator.get_absolute_url()}measurements/new/",
                {"period": self.year.label, "value": "3", "note": ""},
            ),
        ]

    def assert_nothing_changed(self, before):
        self.assertEqual(self.rows(), before)
        self.milestone.refresh_from_db()
        self.assertIsNone(self.milestone.completed_on)

    def test_anonymous_visitor_changes_nothing(self):
        before = self.rows()
        for url, data in self.forms():
            with self.subTest(url=url):
                response = self.client.post(url, data, headers=HTMX)

                self.assertRedirects(
                    response, f"/login/?next={url}", fetch_redirect_response=False
                )
        self.assert_nothing_changed(before)

    def test_post_without_csrf_token_changes_nothing(self):
        before = self.rows()
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.contributor_a)
        for url, data in self.forms():
            with self.subTest(url=url):
                self.assertEqual(client.post(url, data).status_code, 403)
        self.assert_nothing_changed(before)

    def test_other_methods_are_not_allowed(self):
        self.client.force_login(self.contributor_a)
        for url, _ in self.forms():
            with self.subTest(url=url):
                self.assertEqual(self.client.put(url).status_code, 405)

    def test_the_same_forms_are_accepted_from_a_contributor(self):
        self.client.force_login(self.contributor_a)
        for url, data in self.forms():
            with self.subTest(url=url):
                self.assertEqual(self.client.post(url, data).status_code, 302)
        self.milestone.refresh_from_db()
        self.assertEqual(self.milestone.completed_on, datetime.date(2025, 1, 1))
