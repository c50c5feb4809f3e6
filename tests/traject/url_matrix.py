"""What every actor gets from every URL of the project, for GET and POST.

``url_cases`` walks the URL configuration and builds, for each pattern, a
concrete address that names components of department A. ``observe`` asks
it as each actor, each request rolled back, so that one POST (an archive, a
grant) changes nothing for the next.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from objectives.linked import SPECS
from objectives.models import (
    AccessRefusal,
    BudgetArticle,
    Change,
    Confidentiality,
    LateReminderRound,
    Lens,
    LensEntry,
    Measurement,
    Membership,
    Organisation,
    PeriodClosure,
    PlanValidation,
    ReportingCalendar,
    ReportingDeadline,
    SentReminder,
    StatusReport,
    StructureElement,
    Target,
)
from objectives.periods import Period
from objectives.transition_actions import do_open_transition
from objectives.views.manage import LINK_KINDS
from reporting.api.actions import do_create_integration
from reporting.models import ImportJob, ReportJob, SmartList
from sources.models import SyncRun
from tests.factories import (
    make_indicator,
    make_legislature,
    make_lens,
    make_milestone,
    make_process,
    make_programme,
    make_project,
)
from tests.personas import PersonaTestCase

ACTORS = (
    "anonymous",
    "reader_a",
    "contributor_a",
    "admin_a",
    "reader_b",
    "contributor_b",
    "admin_b",
    "global_admin",
    "coordinator",
)
# What a request may answer, shortened: L is a redirect to a login page, R
# any other redirect.
LOGIN = "L"
REDIRECT = "R"
SESSION_COOKIE = settings.SESSION_COOKIE_NAME


@dataclass(frozen=True)
class UrlCase:
    name: str
    pattern: str
    path: str


def walk(patterns=None, prefix="", namespace=""):
    """(full pattern, namespaced name, pattern object) of every URL."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}{pattern.name}" if pattern.name else ""
            yield prefix + str(pattern.pattern), name, pattern


def row_key(full_pattern, name):
    """A pattern's row in the matrix: its name, or its pattern when unnamed
    or when one name serves several patterns (the admin's catch-alls)."""
    return name if name and not name.endswith(":None") else full_pattern


class MatrixData(PersonaTestCase):
    """Components of A of every type, and a lens, a report job, an import
    job, a source run and an API integration to address."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        a = cls.organisation_a
        cls.objective = cls.plan_objective
        cls.project = make_project(lead_organisation=a, code="PR 1")
        cls.milestone = make_milestone(cls.project, code="M1")
        # The open-data files address a public project.
        cls.public_project = make_project(
            lead_organisation=a, code="PR 2", confidentiality=Confidentiality.PUBLIC
        )
        cls.process = make_process(lead_organisation=a, code="PC 1")
        cls.programme = make_programme(lead_organisation=a, code="PG 1")
        cls.indicator = make_indicator(lead_organisation=a, code="IN 1")
        cls.lens = make_lens(
            name="Policy note A",
            kind=Lens.Kind.POLICY_NOTE,
            organisation=a,
            objectives=[cls.objective],
        )
        cls.status = StatusReport.objects.create(
            project=cls.project,
            period_start=Period.parse("2026-Q1").start,
            period_end=Period.parse("2026-Q1").end,
            colour=StatusReport.Colour.GREEN,
            explanation="On track",
        )
        cls.report_job = ReportJob.objects.create(
            requested_by=cls.reader_a, kind="project", format="pdf"
        )
        cls.import_job = ImportJob.objects.create(
            requested_by=cls.admin_a,
            kind="projects",
            name="projects.xlsx",
            token="x" * 32,
            row_count=3,
        )
        cls.sync_run = SyncRun.objects.create(source="organisations")
        closed_quarter = Period.parse("2025-Q4")
        cls.closure = PeriodClosure.objects.create(
            organisation=a,
            period_start=closed_quarter.start,
            period_end=closed_quarter.end,
            closed_by=cls.admin_a,
            closed_at=timezone.now(),
        )
        plan_closure = PeriodClosure.objects.create(
            lens=cls.plan_lens,
            period_start=closed_quarter.start,
            period_end=closed_quarter.end,
            closed_by=cls.coordinator,
            closed_at=timezone.now(),
        )
        cls.validation = PlanValidation.objects.create(
            lens=cls.plan_lens,
            closure=plan_closure,
            period_start=closed_quarter.start,
            period_end=closed_quarter.end,
            validated_by=cls.coordinator,
            validated_at=timezone.now(),
            status=PlanValidation.Status.FAILED,
            error="The worker stopped.",
        )
        calendar = ReportingCalendar.objects.create(lens=cls.lens)
        ReportingDeadline.objects.create(
            calendar=calendar,
            period_start=closed_quarter.start,
            period_end=closed_quarter.end,
            tier="delivery",
            due_on=closed_quarter.end,
        )
        SentReminder.objects.create(
            user=cls.contributor_a,
            subject_kind="project",
            subject_id=cls.project.pk,
            period_start=closed_quarter.start,
            period_end=closed_quarter.end,
            stage=SentReminder.Stage.choices[0][0],
        )
        LateReminderRound.objects.create(
            organisation=a,
            period_start=closed_quarter.start,
            period_end=closed_quarter.end,
            requested_on=closed_quarter.end,
            requested_by=cls.admin_a,
        )
        AccessRefusal.objects.create(
            user=cls.reader_b, path="/projects/x/", method="GET", status=404
        )
        cls.smartlist = SmartList.objects.create(
            owner=cls.contributor_a,
            name="Projects of A",
            component_type="project",
            columns=["code", "title"],
            sort_column="code",
            shared_with=a,
        )
        quarter = Period.parse("2026-Q1")
        cls.measurement = Measurement.objects.create(
            indicator=cls.indicator,
            period_start=quarter.start,
            period_end=quarter.end,
            value=Decimal("4"),
        )
        cls.target = Target.objects.create(
            indicator=cls.indicator,
            period_start=quarter.start,
            period_end=quarter.end,
            value=Decimal("5"),
        )
        # Department A doubles as a policy domain: its administrator manages
        # its budget.
        Organisation.objects.filter(pk=a.pk).update(
            kind=Organisation.Kind.POLICY_DOMAIN
        )
        a.refresh_from_db()
        cls.structure_element = StructureElement.objects.create(
            code="SE 1", title="Mobility", policy_domain=a
        )
        cls.budget_article = BudgetArticle.objects.create(
            code="BA 1", title="Road safety"
        )
        cls.budget_article.structure_elements.add(cls.structure_element)
        cls.integration, _token = do_create_integration(
            "Warehouse", cls.reader_a, acting_user=cls.global_admin
        )
        cls.transition = do_open_transition(
            a,
            previous=cls.objective.legislature,
            following=make_legislature(
                name="2029-2034",
                start_date=datetime.date(2029, 7, 1),
                end_date=datetime.date(2034, 6, 30),
            ),
            acting_user=cls.admin_a,
        )

    # Addresses -------------------------------------------------------------

    def objects_by_prefix(self):
        return {
            "objective": self.objective,
            "project": self.project,
            "milestone": self.milestone,
            "process": self.process,
            "programme": self.programme,
            "indicator": self.indicator,
            "lens": self.lens,
            "report": self.report_job,
            "import_job": self.import_job,
            "run": self.sync_run,
            "smartlist": self.smartlist,
            "closure": self.closure,
            "plan": self.plan_lens,
            "validation": self.plan_lens,
            "owed": self.project,
            "measurement": self.indicator,
            "status": self.project,
            "linked": self.project,
            "structure_element": self.structure_element,
            "budget_article": self.budget_article,
            "transition": self.transition,
            "integration": self.integration,
        }

    def subject_of(self, name):
        namespace, _, short = name.partition(":")
        if namespace == "opendata":
            return self.public_project
        if short == "milestone_create":
            return self.project
        for prefix, obj in self.objects_by_prefix().items():
            if short.startswith(prefix):
                return obj
        raise LookupError(f"No component to address for {name}.")

    def admin_object_id(self, full_pattern):
        model_name = full_pattern.split("/")[2]
        objects = {
            "user": self.reader_a,
            "organisation": self.organisation_a,
            "person": self.reader_a.person,
            "membership": Membership.objects.filter(
                person=self.reader_a.person
            ).first(),
            "objective": self.objective,
            "project": self.project,
            "milestone": self.milestone,
            "process": self.process,
            "programme": self.programme,
            "indicator": self.indicator,
            "lens": self.lens,
            "statusreport": self.status,
            "measurement": self.measurement,
            "target": self.target,
            "structureelement": self.structure_element,
            "budgetarticle": self.budget_article,
            "lensentry": LensEntry.objects.filter(lens=self.lens).first(),
            "legislature": self.objective.legislature,
            "change": Change.objects.order_by("pk").first(),
        }
        if model_name not in objects:
            model = apps.get_model("objectives", model_name)
            objects[model_name] = model.objects.order_by("pk").first()
        return str(objects[model_name].pk)

    def address(self, full_pattern, name):
        """A concrete path for ``full_pattern`` naming A's components."""
        path = "/" + full_pattern.lstrip("^").rstrip("$")
        if name.startswith("admin:") or path.startswith("/admin/"):
            return self.admin_address(path, full_pattern)
        replacements = {}
        if "<uuid:public_id>" in path:
            replacements["<uuid:public_id>"] = str(self.subject_of(name).public_id)
        replacements["<str:ovo_number>"] = self.organisation_a.ovo_number
        replacements["<str:identifier>"] = self.organisation_a.ovo_number
        replacements["<uuid:identifier>"] = str(self.plan_lens.public_id)
        replacements["<uuid:validation_id>"] = str(self.validation.public_id)
        replacements["<status_subject:model>"] = "projects"
        replacements["<component:model>"] = "projects"
        replacements["<str:source>"] = "organisations"
        replacements["<slug:dataset>"] = "projects"
        if name == "objectives:owed_fill":
            replacements["<slug:kind>"] = "project"
        elif "<slug:kind>" in path:
            subject = self.subject_of(name)
            replacements["<slug:kind>"] = LINK_KINDS[type(subject)][0].slug
        if "<slug:section>" in path:
            spec = next(s for s in SPECS[type(self.project)] if not s.is_single)
            replacements["<slug:section>"] = spec.key
        for placeholder, value in replacements.items():
            path = path.replace(placeholder, value)
        return path

    def admin_address(self, path, full_pattern):
        path = path.replace("^", "").replace("$", "")
        project_type = ContentType.objects.get_for_model(self.project)
        replacements = {
            "<path:content_type_id>/<path:object_id>": (
                f"{project_type.pk}/{self.project.pk}"
            ),
            "<id>": str(self.reader_a.pk),
            "(?P<app_label>objectives)": "objectives",
            "(?P<url>.*)": "nowhere/",
        }
        if "<path:object_id>" in path and "content_type_id" not in path:
            replacements["<path:object_id>"] = self.admin_object_id(full_pattern)
        for placeholder, value in replacements.items():
            path = path.replace(placeholder, value)
        return path

    def url_cases(self):
        cases = {}
        for full_pattern, name, _pattern in walk():
            key = row_key(full_pattern, name)
            cases[key] = UrlCase(key, full_pattern, self.address(full_pattern, name))
        return cases

    # Requests --------------------------------------------------------------

    def setUp(self):
        super().setUp()
        # One client per actor, logged in once; a logout is rolled back
        # with its request, and the session cookie put back.
        self.clients = {}
        for actor in ACTORS:
            client = Client()
            if actor != "anonymous":
                client.force_login(getattr(self, actor))
            self.clients[actor] = (client, client.cookies.get(SESSION_COOKIE))

    def outcome(self, response):
        if response.status_code in (301, 302, 303):
            location = response["Location"]
            return LOGIN if "login" in location.split("?")[0] else REDIRECT
        return str(response.status_code)

    def ask(self, actor, method, path):
        """One request as ``actor``, rolled back afterwards."""
        client, session = self.clients[actor]
        client.cookies.clear()
        if session is not None:
            client.cookies[SESSION_COOKIE] = session.value
        with transaction.atomic():
            send = client.get if method == "GET" else client.post
            response = send(path)
            transaction.set_rollback(True)
        return self.outcome(response)

    def observe(self, case):
        return (
            " ".join(self.ask(actor, "GET", case.path) for actor in ACTORS),
            " ".join(self.ask(actor, "POST", case.path) for actor in ACTORS),
        )
