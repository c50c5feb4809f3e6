"""The OpenAPI description against the API itself: schemathesis generates
requests for every operation from the description and checks that each
answer conforms to it (documented status codes, bodies matching their
schema, no server error)."""

import hypothesis
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from schemathesis.specs.openapi.checks import positive_data_acceptance

from objectives import actions
from objectives.models import StatusReport
from objectives.periods import Period
from reporting.api.actions import do_create_integration
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

# Generated requests per operation: enough to meet every parameter, few
# enough to keep the test to seconds.
EXAMPLES_PER_OPERATION = 8
SCHEMA_PATH = "/api/v1/schema/"


class OpenApiConformanceTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        a = cls.organisation_a
        objective = make_objective(lead_organisation=a)
        project = make_project(lead_organisation=a)
        make_milestone(project)
        make_process(lead_organisation=a)
        make_programme(lead_organisation=a)
        indicator = make_indicator(lead_organisation=a)
        actions.do_link(objective, "projects", project, acting_user=None)
        actions.do_link(objective, "indicators", indicator, acting_user=None)
        actions.do_report_status(
            project,
            period=Period.parse("2025-Q4"),
            colour=StatusReport.Colour.GREEN,
            explanation="On track",
            acting_user=None,
        )
        _, cls.token = do_create_integration(
            "Conformance", cls.admin_a, acting_user=None
        )

    def setUp(self):
        super().setUp()
        # As Django's test client does: the requests run inside the test's
        # transaction, whose connection must stay open between them.
        for signal in (request_started, request_finished):
            signal.disconnect(close_old_connections)
            self.addCleanup(signal.connect, close_old_connections)

    def test_every_operation_conforms_to_the_description(self):
        headers = {"Authorization": f"Bearer {self.token}"}
        app = get_wsgi_application()
        schema = schemathesis.openapi.from_wsgi(SCHEMA_PATH, app, headers=headers)
        operations = [result.ok() for result in schema.get_all_operations()]
        self.assertEqual(len(operations), 20)

        for operation in operations:
            with self.subTest(operation.label):
                self.check(operation, headers)

    def check(self, operation, headers):
        # A measurement's period must also suit its indicator's frequency
        # and have started, which a schema cannot say: a 400 for such a
        # well-formed request is right.
        excluded = []
        if operation.method.upper() == "POST":
            excluded = [positive_data_acceptance]

        @hypothesis.settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
            phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
        )
        @given(case=operation.as_strategy())
        def conforms(case):
            case.call_and_validate(headers=headers, excluded_checks=excluded)

        conforms()

    def test_the_description_needs_a_token(self):
        self.assertEqual(self.client.get(SCHEMA_PATH).status_code, 401)


class CreateIntegrationCommandTests(PersonaTestCase):
    def test_the_command_creates_an_integration_and_prints_its_token(self):
        from io import StringIO

        output = StringIO()
        call_command("create_integration", "Warehouse", "reader_a", stdout=output)

        integration = Integration.objects.get()
        self.assertEqual(integration.user, self.reader_a)
        self.assertIn(
            f"Token (shown only now): {integration.token_prefix}", output.getvalue()
        )
