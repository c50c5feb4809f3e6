import datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from objectives import actions
from objectives.closing import do_close_period
from objectives.models import (
    AccessRefusal,
    Change,
    Confidentiality,
    Measurement,
    StatusReport,
)
from objectives.periods import Period
from reporting.api.actions import do_create_integration, do_revoke_integration
from reporting.api.models import Integration
from tests.factories import (
    make_indicator,
    make_milestone,
    make_objective,
    make_process,
    make_programme,
    make_project,
)
from tests.personas import PersonaTestCase

OBJECTIVES = reverse("api:objective_list")
PROJECTS = reverse("api:project_list")
MEASUREMENTS = reverse("api:measurement_list")
STATUS_REPORTS = reverse("api:status_report_list")


class ApiTestCase(PersonaTestCase):
    """Components of A (one confidential), of B, and an integration acting as
    each of A's reader, contributor and administrator."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        a, b = cls.organisation_a, cls.organisation_b
        cls.objective_a = make_objective(lead_organisation=a, code="SD 2")
        cls.secret_a = make_objective(
            lead_organisation=a,
            code="SD 3",
            confidentiality=Confidentiality.CONFIDENTIAL,
        )
        cls.objective_b = make_objective(lead_organisation=b, code="SD 9")
        cls.project_a = make_project(lead_organisation=a)
        cls.project_b = make_project(lead_organisation=b)
        cls.indicator_a = make_indicator(lead_organisation=a)
        cls.indicator_b = make_indicator(lead_organisation=b)
        cls.tokens = {}
        for user in (cls.reader_a, cls.contributor_a, cls.admin_a, cls.global_admin):
            integration, token = do_create_integration(
                f"Warehouse of {user.username}", user, acting_user=cls.global_admin
            )
            cls.tokens[user.username] = token

    def api(self, user, path, data=None, **extra):
        headers = {"Authorization": f"Bearer {self.tokens[user.username]}"}
        if data is not None:
            return self.client.post(
                path, data, content_type="application/json", headers=headers
            )
        extra = {key: value for key, value in extra.items() if value is not None}
        return self.client.get(path, extra or None, headers=headers)

    def public_ids(self, response):
        self.assertEqual(response.status_code, 200, response.content)
        return {row["public_id"] for row in response.json()["results"]}


class TokenTests(ApiTestCase):
    def test_a_request_without_a_token_is_refused(self):
        response = self.client.get(OBJECTIVES)

        self.assertEqual(response.status_code, 401)
        self.assertEqual(response.headers["WWW-Authenticate"], "Bearer")

    def test_a_wrong_token_is_refused(self):
        response = self.client.get(
            OBJECTIVES, headers={"Authorization": "Bearer trj_not-a-token"}
        )

        self.assertEqual(response.status_code, 401)

    def test_a_revoked_token_is_refused(self):
        integration = Integration.objects.get(user=self.reader_a)
        do_revoke_integration(integration, acting_user=self.global_admin)

        response = self.api(self.reader_a, OBJECTIVES)

        self.assertEqual(response.status_code, 401)

    def test_a_logged_in_session_does_not_open_the_api(self):
        self.client.force_login(self.global_admin)

        response = self.client.get(OBJECTIVES)

        self.assertEqual(response.status_code, 401)

    def test_the_token_of_an_inactive_account_is_refused(self):
        self.reader_a.is_active = False
        self.reader_a.save(update_fields=["is_active"])

        response = self.api(self.reader_a, OBJECTIVES)

        self.assertEqual(response.status_code, 401)

    def test_the_last_use_is_recorded(self):
        integration = Integration.objects.get(user=self.reader_a)
        self.assertIsNone(integration.last_used_at)

        before = timezone.now()
        self.api(self.reader_a, OBJECTIVES)

        integration.refresh_from_db()
        self.assertGreaterEqual(integration.last_used_at, before)

    def test_only_the_hash_and_prefix_of_the_token_are_kept(self):
        token = self.tokens["reader_a"]
        integration = Integration.objects.get(user=self.reader_a)

        self.assertEqual(integration.token_prefix, token[:12])
        self.assertTrue(token.startswith("trj_"))
        self.assertNotIn(token, integration.token_hash)
        self.assertEqual(len(integration.token_hash), 64)

    def test_creating_and_revoking_write_history(self):
        integration = Integration.objects.get(user=self.reader_a)
        do_revoke_integration(integration, acting_user=self.global_admin)
        do_revoke_integration(integration, acting_user=self.global_admin)

        kinds = list(
            Change.objects.filter(
                content_type=ContentType.objects.get_for_model(Integration),
                object_id=integration.pk,
            )
            .order_by("id")
            .values_list("kind", flat=True)
        )
        self.assertEqual(kinds, [Change.Kind.CREATED, Change.Kind.UPDATED])


class AccessTests(ApiTestCase):
    def test_a_reader_lists_the_open_objectives_of_their_entity(self):
        response = self.api(self.reader_a, OBJECTIVES)

        self.assertEqual(
            self.public_ids(response),
            {str(self.plan_objective.public_id), str(self.objective_a.public_id)},
        )

    def test_an_administrator_also_lists_confidential_objectives(self):
        response = self.api(self.admin_a, OBJECTIVES)

        self.assertEqual(
            self.public_ids(response),
            {
                str(self.plan_objective.public_id),
                str(self.objective_a.public_id),
                str(self.secret_a.public_id),
            },
        )

    def test_a_global_administrator_lists_every_objective(self):
        response = self.api(self.global_admin, OBJECTIVES)

        self.assertEqual(len(self.public_ids(response)), 4)

    def test_foreign_and_confidential_components_answer_404(self):
        for component in (self.objective_b, self.secret_a):
            path = reverse("api:objective_detail", args=[component.public_id])
            with self.subTest(component=component.code):
                self.assertEqual(self.api(self.reader_a, path).status_code, 404)

    def test_a_missing_component_answers_404(self):
        path = reverse(
            "api:project_detail", args=["00000000-0000-0000-0000-000000000000"]
        )

        self.assertEqual(self.api(self.global_admin, path).status_code, 404)

    def test_the_detail_names_organisations_by_ovo_number(self):
        actions.do_update_component(
            self.objective_a,
            acting_user=None,
            responsible=self.reader_a.person,
        )
        path = reverse("api:objective_detail", args=[self.objective_a.public_id])

        body = self.api(self.reader_a, path).json()

        self.assertEqual(body["lead_organisation"], "OVO000001")
        self.assertEqual(body["organisations"], ["OVO000001"])
        self.assertEqual(
            body["responsible"],
            {
                "personnel_number": self.reader_a.person.personnel_number,
                "name": "Reader A",
            },
        )
        self.assertEqual(body["confidentiality"], "internal")
        self.assertEqual(body["legislature"], "2024-2029")
        self.assertIsNone(body["parent"])
        self.assertIsNone(body["structure_element"])

    def test_links_are_listed_only_when_both_sides_are_visible(self):
        actions.do_link(self.objective_a, "projects", self.project_a, acting_user=None)
        actions.do_link(self.objective_a, "projects", self.project_b, acting_user=None)
        path = reverse("api:objective_project_link_list")

        response = self.api(self.reader_a, path)

        self.assertEqual(
            response.json()["results"],
            [
                {
                    "objective": str(self.objective_a.public_id),
                    "project": str(self.project_a.public_id),
                }
            ],
        )
        self.assertEqual(len(self.api(self.global_admin, path).json()["results"]), 2)

    def test_status_reports_of_invisible_components_are_not_listed(self):
        for subject in (self.objective_a, self.secret_a, self.objective_b):
            actions.do_report_status(
                subject,
                period=Period.parse("2025-Q4"),
                colour=StatusReport.Colour.GREEN,
                explanation=f"On track: {subject.code}",
                acting_user=None,
            )

        response = self.api(self.reader_a, STATUS_REPORTS)

        rows = response.json()["results"]
        self.assertEqual(
            [(row["subject_type"], row["subject"], row["period"]) for row in rows],
            [("objective", str(self.objective_a.public_id), "2025-Q4")],
        )

    def test_status_reports_filter_by_component_and_period(self):
        for label in ("2025-Q3", "2025-Q4"):
            actions.do_report_status(
                self.project_a,
                period=Period.parse(label),
                colour=StatusReport.Colour.ORANGE,
                explanation="At risk",
                acting_user=None,
            )

        component = {"component": str(self.project_a.public_id)}
        all_periods = self.api(self.reader_a, STATUS_REPORTS, **component)
        one_period = self.api(
            self.reader_a, STATUS_REPORTS, period="2025-Q3", **component
        )
        other = self.api(
            self.reader_a, STATUS_REPORTS, component=str(self.objective_a.public_id)
        )

        self.assertEqual(len(all_periods.json()["results"]), 2)
        self.assertEqual(
            [row["period"] for row in one_period.json()["results"]], ["2025-Q3"]
        )
        self.assertEqual(other.json()["results"], [])

    def test_measurements_filter_by_indicator_and_changed_since(self):
        record(self.indicator_a, "2024", "10")
        record(self.indicator_b, "2024", "20")
        later = timezone.now() + datetime.timedelta(hours=1)

        visible = self.api(self.reader_a, MEASUREMENTS)
        of_a = self.api(
            self.global_admin, MEASUREMENTS, indicator=str(self.indicator_a.public_id)
        )
        recent = self.api(self.global_admin, MEASUREMENTS, changed_since=later)

        self.assertEqual(
            [row["indicator"] for row in visible.json()["results"]],
            [str(self.indicator_a.public_id)],
        )
        self.assertEqual(
            [(row["period"], row["value"]) for row in of_a.json()["results"]],
            [("2024", "10.0000")],
        )
        self.assertEqual(recent.json()["results"], [])

    def test_a_filter_that_cannot_be_read_answers_400(self):
        response = self.api(self.reader_a, MEASUREMENTS, period="last year")

        self.assertEqual(response.status_code, 400)
        self.assertIn("period", response.json())


def record(indicator, label, value, user=None):
    return actions.do_record_measurement(
        indicator,
        period=Period.parse(label),
        value=Decimal(value),
        note="",
        acting_user=user,
    )


class PaginationTests(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for _ in range(12):
            make_project(lead_organisation=cls.organisation_a)

    def walk(self, user, path, page_size):
        """Follow ``next`` (which keeps the page size) from ``path``."""
        seen, pages = [], 0
        response = self.api(user, path, page_size=page_size)
        while response is not None:
            self.assertEqual(response.status_code, 200)
            body = response.json()
            seen += [row["public_id"] for row in body["results"]]
            pages += 1
            response = self.api(user, body["next"]) if body["next"] else None
        return seen, pages

    def test_walking_every_page_meets_every_row_once(self):
        expected = {str(project.public_id) for project in self.visible_projects()}

        seen, pages = self.walk(self.reader_a, PROJECTS, page_size=5)

        self.assertEqual(len(seen), 13)
        self.assertEqual(set(seen), expected)
        self.assertEqual(pages, 3)

    def test_a_row_added_while_walking_does_not_shift_the_pages(self):
        first = self.api(self.reader_a, PROJECTS, page_size=5).json()
        make_project(lead_organisation=self.organisation_a)

        rest, _ = self.walk(self.reader_a, first["next"], page_size=None)

        seen = [row["public_id"] for row in first["results"]] + rest
        self.assertEqual(len(seen), len(set(seen)))
        self.assertGreaterEqual(len(seen), 13)

    def test_an_invalid_cursor_answers_404(self):
        response = self.api(self.reader_a, PROJECTS, cursor="bogus")

        self.assertEqual(response.status_code, 404)

    def visible_projects(self):
        from objectives import access
        from objectives.models import Project

        return access.visible(self.reader_a, Project)


class QueryCountTests(ApiTestCase):
    """A list costs the same number of queries however long its page: the
    token, the page, and one query per prefetched relation."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        a = cls.organisation_a
        for number in range(6):
            objective = make_objective(lead_organisation=a, organisations=[a])
            project = make_project(lead_organisation=a)
            make_milestone(project)
            make_process(lead_organisation=a)
            make_programme(lead_organisation=a)
            indicator = make_indicator(lead_organisation=a)
            actions.do_link(objective, "projects", project, acting_user=None)
            record(indicator, str(2020 + number), str(number))
            actions.do_report_status(
                project,
                period=Period.parse(f"{2020 + number}"),
                colour=StatusReport.Colour.GREEN,
                explanation="Fine",
                acting_user=None,
            )

    def queries(self, path, page_size):
        self.api(self.reader_a, path)  # The first use of the token is noted.
        with CaptureQueriesContext(connection) as captured:
            response = self.api(self.reader_a, path, page_size=page_size)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(response.json()["results"]), page_size)
        return len(captured)

    def test_query_counts_are_pinned_and_do_not_grow_with_the_page(self):
        expected = {
            "api:objective_list": 3,
            "api:project_list": 3,
            "api:milestone_list": 2,
            "api:process_list": 3,
            "api:programme_list": 3,
            "api:indicator_list": 3,
            "api:objective_project_link_list": 2,
            "api:status_report_list": 2,
            "api:measurement_list": 2,
        }
        for name, count in expected.items():
            path = reverse(name)
            with self.subTest(name):
                self.assertEqual(self.queries(path, page_size=2), count)
                self.assertEqual(self.queries(path, page_size=5), count)


class RecordMeasurementTests(ApiTestCase):
    def post(self, user, **values):
        data = {"indicator": str(self.indicator_a.public_id), "period": "2025-Q3"}
        data |= {"value": "12.5", **values}
        return self.api(user, MEASUREMENTS, data)

    def history(self):
        return Change.objects.filter(
            content_type=ContentType.objects.get_for_model(Measurement)
        )

    def test_a_contributor_records_a_measurement_with_history(self):
        response = self.post(self.contributor_a, note="From the census")

        self.assertEqual(response.status_code, 201)
        self.assertEqual(
            response.json() | {"created_at": None, "updated_at": None},
            {
                "indicator": str(self.indicator_a.public_id),
                "period": "2025-Q3",
                "period_start": "2025-07-01",
                "period_end": "2025-09-30",
                "value": "12.5000",
                "note": "From the census",
                "created_at": None,
                "updated_at": None,
                "value_before_correction": None,
                "correction_reason": "",
            },
        )
        measurement = Measurement.objects.get()
        self.assertEqual(measurement.entered_by, self.contributor_a)
        change = self.history().get()
        self.assertEqual(change.kind, Change.Kind.CREATED)
        self.assertEqual(change.actor, self.contributor_a)

    def test_repeating_the_same_post_creates_no_duplicate(self):
        self.post(self.contributor_a)

        response = self.post(self.contributor_a)

        self.assertEqual(response.status_code, 200)
        self.assertEqual(Measurement.objects.count(), 1)
        self.assertEqual(self.history().count(), 1)

    def test_a_new_value_for_the_period_replaces_the_old_one(self):
        self.post(self.contributor_a)

        response = self.post(self.contributor_a, value="13")

        self.assertEqual(response.status_code, 200)
        self.assertEqual(Measurement.objects.get().value, Decimal("13"))
        self.assertEqual(self.history().count(), 2)

    def test_bad_input_gets_field_errors_and_changes_nothing(self):
        cases = [
            ({"value": "a lot"}, "value"),
            ({"period": "summer"}, "period"),
            ({"period": "2025-03"}, "period"),  # monthly, measured quarterly
            ({"period": "2099-Q1"}, "period"),  # not started
            ({"indicator": "not-a-uuid"}, "indicator"),
        ]
        for values, field in cases:
            with self.subTest(values):
                response = self.post(self.contributor_a, **values)
                self.assertEqual(response.status_code, 400)
                self.assertEqual(list(response.json()), [field])
        self.assertEqual(Measurement.objects.count(), 0)
        self.assertEqual(self.history().count(), 0)

    def test_a_closed_period_is_refused_and_changes_nothing(self):
        do_close_period(
            self.organisation_a, Period.parse("2025-Q3"), acting_user=self.admin_a
        )

        response = self.post(self.admin_a)

        self.assertEqual(response.status_code, 409)
        self.assertIn("2025-Q3", response.json()["detail"])
        self.assertEqual(Measurement.objects.count(), 0)

    def test_a_reader_is_refused_with_403_and_nothing_changes(self):
        response = self.post(self.reader_a)

        self.assertEqual(response.status_code, 403)
        self.assertEqual(Measurement.objects.count(), 0)
        self.assertEqual(self.history().count(), 0)

    def test_an_invisible_indicator_answers_404_and_nothing_changes(self):
        response = self.post(
            self.contributor_a, indicator=str(self.indicator_b.public_id)
        )

        self.assertEqual(response.status_code, 404)
        self.assertEqual(Measurement.objects.count(), 0)

    def test_without_a_token_nothing_is_recorded(self):
        response = self.client.post(
            MEASUREMENTS,
            {
                "indicator": str(self.indicator_a.public_id),
                "period": "2025",
                "value": 1,
            },
            content_type="application/json",
        )

        self.assertEqual(response.status_code, 401)
        self.assertEqual(Measurement.objects.count(), 0)


class RefusedAccessTests(ApiTestCase):
    """The API's refusals go to the same log as those of the web pages."""

    def test_an_invisible_component_is_logged_with_the_integrations_account(self):
        path = reverse("api:objective_detail", args=[self.secret_a.public_id])

        self.assertEqual(self.api(self.reader_a, path).status_code, 404)

        refusal = AccessRefusal.objects.get()
        self.assertEqual(refusal.user, self.reader_a)
        self.assertEqual(refusal.status, 404)
        self.assertEqual(refusal.method, "GET")
        self.assertEqual(refusal.path, path)
        self.assertEqual(refusal.component_type, "objective")
        self.assertEqual(refusal.component_id, str(self.secret_a.public_id))

    def test_a_refused_measurement_is_logged_as_403(self):
        response = self.api(
            self.reader_a,
            MEASUREMENTS,
            {
                "indicator": str(self.indicator_a.public_id),
                "period": "2025",
                "value": 1,
            },
        )

        self.assertEqual(response.status_code, 403)
        refusal = AccessRefusal.objects.get()
        self.assertEqual((refusal.user, refusal.status), (self.reader_a, 403))
        self.assertEqual(refusal.component_id, str(self.indicator_a.public_id))

    def test_what_is_not_a_refusal_is_not_logged(self):
        missing = reverse(
            "api:project_detail", args=["00000000-0000-0000-0000-000000000000"]
        )
        self.assertEqual(self.api(self.global_admin, missing).status_code, 404)
        self.assertEqual(self.client.get(OBJECTIVES).status_code, 401)
        self.assertEqual(self.api(self.reader_a, OBJECTIVES).status_code, 200)

        self.assertFalse(AccessRefusal.objects.exists())
