"""Every state change is a POST with a CSRF token, and no page changes
anything on GET: checked on every URL pattern of the project."""

import re
import uuid
from collections import Counter

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from objectives.models import (
    Indicator,
    Lens,
    Milestone,
    Objective,
    Process,
    Programme,
    Project,
)
from tests.factories import (
    make_indicator,
    make_milestone,
    make_process,
    make_programme,
    make_project,
)
from tests.personas import PersonaTestCase

# The JSON API authenticates with a token in a header, never with the session
# cookie, so a forged cross-site request carries no credentials: its views
# skip the CSRF check and answer 401 to any request without a token.
API_PREFIX = "api/"
# Views that skip Django's CSRF check, each with the reason.
CSRF_EXEMPT = {
    "reporting:transfer_import": (
        "puts its capped upload handler in place before the body is read, then "
        "checks the token itself with csrf_protect"
    ),
}
# Tables that a GET may write to: the session and the log of refused access.
BOOKKEEPING_TABLES = ("django_session", "objectives_accessrefusal")
WRITE = re.compile(r'^\s*(INSERT INTO|UPDATE|DELETE FROM)\s+"?(\w+)', re.IGNORECASE)
PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
PREFIX_MODELS = {
    "objectives": Objective,
    "projects": Project,
    "milestones": Milestone,
    "processes": Process,
    "programmes": Programme,
    "indicators": Indicator,
    "lenses": Lens,
}


def url_patterns(patterns=None, prefix="", namespace=""):
    """(route, view name, pattern) of every URL pattern, recursively."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}{pattern.namespace}:"
            yield from url_patterns(
                pattern.url_patterns, prefix + str(pattern.pattern), inner
            )
        else:
            assert isinstance(pattern, URLPattern)
            name = f"{namespace}{pattern.name}" if pattern.name else pattern.lookup_str
            yield prefix + str(pattern.pattern), name, pattern


def site_routes():
    """The project's own routes (the Django admin has regular expressions and
    its own CSRF protection, checked separately)."""
    return [
        (route, name, pattern)
        for route, name, pattern in url_patterns()
        if not name.startswith("admin:")
    ]


class CsrfTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        organisation = cls.organisation_a
        project = make_project(lead_organisation=organisation)
        cls.objects = {
            Objective: cls.plan_objective,
            Project: project,
            Milestone: make_milestone(project),
            Process: make_process(lead_organisation=organisation),
            Programme: make_programme(lead_organisation=organisation),
            Indicator: make_indicator(lead_organisation=organisation),
            Lens: cls.plan_lens,
        }

    def test_the_walk_finds_the_project_and_admin_patterns(self):
        names = {name for _, name, _ in url_patterns()}

        self.assertLessEqual(
            {"login", "objectives:home", "reporting:transfer_import", "admin:index"},
            names,
        )
        self.assertGreater(len(site_routes()), 100)

    def test_no_view_is_csrf_exempt_unless_listed_with_a_reason(self):
        exempt = {
            name
            for route, name, pattern in url_patterns()
            if getattr(pattern.callback, "csrf_exempt", False)
            and not route.startswith(API_PREFIX)
        }

        self.assertEqual(exempt, set(CSRF_EXEMPT))

    def test_every_url_refuses_a_post_without_a_token(self):
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.global_admin)

        answers = {
            route: client.post(self.path(route, pattern), {"x": "1"}).status_code
            for route, _, pattern in site_routes()
        }

        self.assertEqual(
            {
                route: status
                for route, status in answers.items()
                if status != (401 if route.startswith(API_PREFIX) else 403)
            },
            {},
        )

    def test_the_exempt_import_upload_refuses_a_post_without_a_token(self):
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.admin_a)

        response = client.post(
            reverse("reporting:transfer_import"), {"kind": "projects"}
        )

        self.assertEqual(response.status_code, 403)

    def test_no_get_changes_anything(self):
        self.client.force_login(self.global_admin)
        writes = {}
        statuses = Counter()

        for route, _, pattern in site_routes():
            with CaptureQueriesContext(connection) as queries:
                response = self.client.get(self.path(route, pattern))
            self.assertLess(response.status_code, 500, route)
            statuses[response.status_code] += 1
            tables = {
                found.group(2)
                for query in queries
                if (found := WRITE.match(query["sql"]))
                and found.group(2) not in BOOKKEEPING_TABLES
            }
            if tables:
                writes[route] = tables

        self.assertEqual(writes, {})
        # Most pages were really served, not answered with a 404.
        self.assertGreater(statuses[200], 60, statuses)

    def path(self, route, pattern):
        """``route`` with its parameters filled with existing rows where it
        names one."""
        first = route.split("/")[0]
        model = pattern.default_args.get("model")
        if model is None:
            # A route that starts with the component type gets a project.
            model = Project if first.startswith("<") else PREFIX_MODELS.get(first)

        def value(match):
            converter, name = match.group("converter"), match.group("name")
            if name == "public_id":
                row = self.objects.get(model)
                return str(row.public_id if row is not None else uuid.uuid4())
            if name == "ovo_number" or (name, converter) == ("identifier", "str"):
                return self.organisation_a.ovo_number
            if converter == "uuid":
                # A lens's closed periods, a validation: any well-formed id
                # reaches the view, and so the CSRF check.
                return str(uuid.uuid4())
            if converter in {"status_subject", "component"}:
                return "projects"
            if name == "source":
                return "staff"
            return "projects"

        return "/" + PARAMETER.sub(value, route)
