"""Every list, search, export and report shows exactly what its reader may
see, checked against visible sets that this module computes itself from the
rules of visibility, without the access layer.

Each component's title carries a marker ("Zq-A-project-confidential") that
the pages, files and reports are searched for.
"""

import csv
import datetime
import io
import json
import re
import uuid
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from objectives import access
from objectives.access import Action
from objectives.models import (
    Confidentiality,
    Lens,
    Measurement,
    Objective,
    Project,
    StatusReport,
    Target,
)
from reporting import renderers
from reporting.api.actions import do_create_integration
from reporting.models import SmartList
from reporting.reports import build_report
from tests.factories import (
    make_indicator,
    make_lens,
    make_milestone,
    make_objective,
    make_process,
    make_programme,
    make_project,
)
from tests.personas import PersonaTestCase

MARKER = re.compile(r"Zq-[A-Za-z0-9-]+")
MAKERS = {
    "objective": make_objective,
    "project": make_project,
    "process": make_process,
    "programme": make_programme,
    "indicator": make_indicator,
}
ACTORS = (
    "reader_a",
    "contributor_a",
    "admin_a",
    "reader_b",
    "contributor_b",
    "admin_b",
    "global_admin",
    "coordinator",
)


def markers(text):
    return set(MARKER.findall(text))


class VisibleSetTests(PersonaTestCase):
    """Department A and B each have an internal and a confidential component
    of every type, each project a milestone; B's transversal plan refers to
    an internal and a confidential objective of A."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.components = []
        for owner, organisation in (
            ("A", cls.organisation_a),
            ("B", cls.organisation_b),
        ):
            for kind, make in MAKERS.items():
                for secrecy in (Confidentiality.INTERNAL, Confidentiality.CONFIDENTIAL):
                    marker = f"Zq-{owner}-{kind}-{secrecy}"
                    component = make(
                        lead_organisation=organisation,
                        code=f"{kind[:2].upper()} {owner}{secrecy[0]}",
                        title=f"{marker} component",
                        confidentiality=secrecy,
                    )
                    cls.components.append((marker, owner, kind, secrecy, component))
                    if kind == "project":
                        make_milestone(
                            component,
                            code=f"M {owner}{secrecy[0]}",
                            title=f"{marker}-milestone step",
                        )
        cls.secret_plan_objective = cls.component("Zq-A-objective-confidential")
        cls.internal_a_objective = cls.component("Zq-A-objective-internal")
        cls.plan_lens.entries.all().delete()
        for position, objective in enumerate(
            (cls.internal_a_objective, cls.secret_plan_objective), start=1
        ):
            cls.plan_lens.entries.create(position=position, objective=objective)
        cls.lens_a = make_lens(
            name="Policy note A",
            kind=Lens.Kind.POLICY_NOTE,
            organisation=cls.organisation_a,
            objectives=[
                cls.internal_a_objective,
                cls.secret_plan_objective,
                cls.component("Zq-B-objective-internal"),
            ],
        )

    @classmethod
    def component(cls, marker):
        return next(c for m, *_rest, c in cls.components if m == marker)

    # The rules, computed here ---------------------------------------------

    def roles(self, actor):
        return {
            "reader_a": ("A", "reader"),
            "contributor_a": ("A", "contributor"),
            "admin_a": ("A", "administrator"),
            "reader_b": ("B", "reader"),
            "contributor_b": ("B", "contributor"),
            "admin_b": ("B", "administrator"),
            "coordinator": ("B", "reader"),
        }.get(actor)

    def may_see(self, actor, owner, kind, secrecy):
        """DESIGN's rules: members see their organisation's internal
        components, administrators its confidential ones too, a global
        administrator everything, a plan coordinator the internal objectives
        of their plan."""
        if actor == "global_admin":
            return True
        organisation, role = self.roles(actor)
        confidential = secrecy == Confidentiality.CONFIDENTIAL
        if organisation == owner:
            return role == "administrator" or not confidential
        return (
            actor == "coordinator"
            and kind == "objective"
            and owner == "A"
            and not confidential
        )

    def visible_markers(self, actor, kinds=None, with_milestones=True):
        seen = set()
        for marker, owner, kind, secrecy, _component in self.components:
            if kinds is not None and kind not in kinds:
                continue
            if self.may_see(actor, owner, kind, secrecy):
                seen.add(marker)
                if kind == "project" and with_milestones:
                    seen.add(f"{marker}-milestone")
        return seen

    # Pages, files and reports -------------------------------------------

    def get_text(self, actor, url, **params):
        self.client.force_login(getattr(self, actor))
        response = self.client.get(url, params)
        self.assertEqual(response.status_code, 200, url)
        return response.content.decode()

    def test_search_finds_exactly_the_visible_components_of_each_type(self):
        for actor in ACTORS:
            for kind in (*MAKERS, "milestone"):
                with self.subTest(actor=actor, kind=kind):
                    text = self.get_text(
                        actor, reverse("objectives:search"), q="Zq-", type=kind
                    )
                    expected = {
                        marker
                        for marker in self.visible_markers(actor)
                        if marker.split("-")[2] == kind
                        or (kind == "milestone" and marker.endswith("-milestone"))
                    }
                    if kind != "milestone":
                        expected = {m for m in expected if "milestone" not in m}

                    self.assertEqual(markers(text), expected)

    def test_the_api_lists_exactly_the_visible_components_of_each_type(self):
        for actor in ACTORS:
            _integration, token = do_create_integration(
                actor, getattr(self, actor), acting_user=self.global_admin
            )
            headers = {"Authorization": f"Bearer {token}"}
            for kind in (*MAKERS, "milestone"):
                with self.subTest(actor=actor, kind=kind):
                    response = self.client.get(
                        reverse(f"api:{kind}_list"), {"page_size": 500}, headers=headers
                    )
                    self.assertEqual(response.status_code, 200)
                    self.assertIsNone(response.json()["next"])
                    seen = markers(response.content.decode())
                    if kind == "milestone":
                        seen = {m for m in seen if m.endswith("-milestone")}
                        expected = {
                            m
                            for m in self.visible_markers(actor, {"project"})
                            if m.endswith("-milestone")
                        }
                    else:
                        expected = self.visible_markers(
                            actor, {kind}, with_milestones=False
                        )

                    self.assertEqual(seen, expected)

    def test_search_counts_only_the_visible_components(self):
        for actor in ACTORS:
            with self.subTest(actor=actor):
                self.client.force_login(getattr(self, actor))
                response = self.client.get(reverse("objectives:search"), {"q": "Zq-"})
                visible = self.visible_markers(actor)
                expected = {
                    kind: len(
                        [m for m in visible if kind in m and "milestone" not in m]
                    )
                    for kind in MAKERS
                }
                expected["milestone"] = len(
                    [m for m in visible if m.endswith("-milestone")]
                )

                self.assertEqual(
                    {group.name: group.total for group in response.context["groups"]},
                    expected,
                )

    def test_lens_list_counts_only_the_visible_objectives_of_each_lens(self):
        for actor in ACTORS:
            with self.subTest(actor=actor):
                self.client.force_login(getattr(self, actor))
                response = self.client.get(reverse("objectives:lens_list"))
                counts = {
                    lens.pk: lens.entry_count
                    for group in response.context["groups"]
                    for lens in group.government_wide
                    + [lens for _owner, lenses in group.by_entity for lens in lenses]
                }
                visible = self.visible_markers(actor, {"objective"})
                for lens, markers_in_lens in (
                    (
                        self.lens_a,
                        {
                            "Zq-A-objective-internal",
                            "Zq-A-objective-confidential",
                            "Zq-B-objective-internal",
                        },
                    ),
                    (
                        self.plan_lens,
                        {"Zq-A-objective-internal", "Zq-A-objective-confidential"},
                    ),
                ):
                    if lens.pk in counts:
                        self.assertEqual(
                            counts[lens.pk], len(markers_in_lens & visible), lens.name
                        )

    def test_the_entity_overview_shows_no_component_its_reader_may_not_see(self):
        for actor in ACTORS:
            for organisation in (self.organisation_a, self.organisation_b):
                with self.subTest(actor=actor, organisation=organisation.short_name):
                    text = self.get_text(actor, organisation.get_absolute_url())
                    owner = organisation.short_name
                    allowed = {
                        m for m in self.visible_markers(actor) if f"-{owner}-" in m
                    }

                    self.assertLessEqual(markers(text), allowed)
                    # Objectives, projects and processes head the cascade.
                    for kind in ("objective",):
                        self.assertLessEqual(
                            {m for m in allowed if m.split("-")[2] == kind}
                            - markers(text),
                            set(),
                        )

    def test_lens_pages_and_the_lens_list_name_only_visible_objectives(self):
        for actor in ACTORS:
            for lens in (self.lens_a, self.plan_lens):
                self.client.force_login(getattr(self, actor))
                response = self.client.get(lens.get_absolute_url())
                if response.status_code == 404:
                    continue
                with self.subTest(actor=actor, lens=lens.name):
                    text = response.content.decode()
                    objectives = self.visible_markers(actor, kinds={"objective"})
                    in_lens = {
                        m
                        for m in objectives
                        if m
                        in {
                            "Zq-A-objective-internal",
                            "Zq-A-objective-confidential",
                        }
                        | (
                            {"Zq-B-objective-internal"}
                            if lens == self.lens_a
                            else set()
                        )
                    }

                    self.assertEqual(
                        {m for m in markers(text) if "objective" in m}, in_lens
                    )

    def test_exports_hold_exactly_the_visible_rows(self):
        kinds = {
            "objectives": {"objective"},
            "projects": {"project"},
            "indicators": {"indicator"},
        }
        for actor in ACTORS:
            for slug, types in kinds.items():
                with self.subTest(actor=actor, kind=slug):
                    self.client.force_login(getattr(self, actor))
                    response = self.client.get(
                        reverse("reporting:transfer_export"),
                        {"kind": slug, "file_format": "csv"},
                    )
                    rows = csv.reader(
                        io.StringIO(response.content.decode("utf-8-sig")),
                        delimiter=";",
                    )
                    text = "\n".join(";".join(row) for row in rows)

                    self.assertEqual(
                        markers(text),
                        self.visible_markers(actor, types, with_milestones=False),
                    )

    def test_milestone_exports_follow_their_projects(self):
        for actor in ACTORS:
            with self.subTest(actor=actor):
                self.client.force_login(getattr(self, actor))
                response = self.client.get(
                    reverse("reporting:transfer_export"),
                    {"kind": "milestones", "file_format": "csv"},
                )
                text = response.content.decode("utf-8-sig")
                expected = {
                    m
                    for m in self.visible_markers(actor, {"project"})
                    if m.endswith("-milestone")
                }

                self.assertEqual(
                    {m for m in markers(text) if m.endswith("-milestone")}, expected
                )

    def test_entity_and_lens_reports_hold_only_what_their_reader_may_see(self):
        today = timezone.localdate()
        period = f"{today.year}"
        for actor in ACTORS:
            user = getattr(self, actor)
            for kind, parameters in (
                ("entity", {"id": "OVO000001", "period": period}),
                ("entity", {"id": "OVO000002", "period": period}),
                ("lens", {"id": str(self.lens_a.public_id)}),
                ("plan", {"id": str(self.plan_lens.public_id)}),
            ):
                with self.subTest(actor=actor, kind=kind, parameters=parameters):
                    try:
                        report = build_report(user, kind, parameters, today)
                    except Exception as error:  # an invisible lens: refused
                        self.assertIn(kind, ("lens", "plan"), error)
                        continue
                    text = renderers.render(report, "html").decode()

                    self.assertLessEqual(markers(text), self.visible_markers(actor))

    def test_a_smartlist_of_every_type_lists_exactly_the_visible_components(self):
        for actor in ACTORS:
            for kind in (*MAKERS, "milestone"):
                with self.subTest(actor=actor, kind=kind):
                    smartlist = SmartList.objects.create(
                        owner=getattr(self, actor),
                        name=f"Every {kind}",
                        component_type=kind,
                        columns=["code", "title"],
                        sort_column="code",
                    )
                    url = reverse(
                        "reporting:smartlist_detail", args=[smartlist.public_id]
                    )
                    text = self.get_text(actor, url)
                    visible = self.visible_markers(actor)
                    if kind == "milestone":
                        expected = {m for m in visible if m.endswith("-milestone")}
                    else:
                        expected = {
                            m
                            for m in visible
                            if m.split("-")[2] == kind and "milestone" not in m
                        }

                    self.assertEqual(markers(text), expected)

    def test_the_language_does_not_change_what_is_shown(self):
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        text = self.get_text("reader_b", reverse("objectives:search"), q="Zq-")

        self.assertLessEqual(markers(text), self.visible_markers("reader_b"))


# The open-data set ------------------------------------------------------------

PUBLISHED_KINDS = {
    "objectives": "objective",
    "projects": "project",
    "milestones": "milestone",
    "processes": "process",
    "programmes": "programme",
    "indicators": "indicator",
}
SECRECIES = ("internal", "confidential", "public", "archived")
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def as_page(response, path):
    """A page without its own address and its CSRF token, which differ on
    every page."""
    return CSRF_TOKEN.sub("", response.content.decode()).replace(path, "")


class PublishedSetTests(PersonaTestCase):
    """Department A and B each have an internal, a confidential, a public and
    an archived public component of every type, each with a status report
    (an indicator: a measurement and a target); each project has a
    milestone, the public project of A also an archived one. A's public
    objective links to every project, process, indicator and objective,
    and A's public programme bundles every project, so that each open-data
    file has links to leave out."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.markers = {}  # marker: component
        for owner, organisation in (
            ("A", cls.organisation_a),
            ("B", cls.organisation_b),
        ):
            for kind, make in MAKERS.items():
                for secrecy in SECRECIES:
                    cls.make_component(owner, organisation, kind, make, secrecy)
        cls.make_milestone("Zq-A-project-public-archivedmilestone", archived=True)
        cls.make_links()

    @classmethod
    def make_component(cls, owner, organisation, kind, make, secrecy):
        marker = f"Zq-{owner}-{kind}-{secrecy}"
        component = make(
            lead_organisation=organisation,
            code=f"{kind[:2].upper()} {owner}{secrecy[:2]}",
            title=f"{marker} component",
            confidentiality=Confidentiality.PUBLIC
            if secrecy == "archived"
            else secrecy,
            is_archived=secrecy == "archived",
        )
        cls.markers[marker] = component
        if kind == "indicator":
            for model, text in ((Measurement, "note"), (Target, None)):
                model.objects.create(
                    indicator=component,
                    period_start=datetime.date(2025, 1, 1),
                    period_end=datetime.date(2025, 12, 31),
                    value=Decimal("12.5"),
                    **({text: f"{marker}-measurement"} if text else {}),
                )
        else:
            cls.make_status(kind, component, marker)
        if kind == "project":
            cls.make_milestone(f"{marker}-milestone")

    @classmethod
    def make_milestone(cls, marker, archived=False):
        project = cls.markers[marker.rsplit("-", 1)[0]]
        milestone = make_milestone(
            project,
            code="M archived" if archived else "M 1",
            title=f"{marker} step",
            is_archived=archived,
        )
        cls.markers[marker] = milestone
        cls.make_status("milestone", milestone, marker)

    @classmethod
    def make_status(cls, kind, component, marker):
        StatusReport.objects.create(
            **{kind: component},
            period_start=datetime.date(2026, 1, 1),
            period_end=datetime.date(2026, 3, 31),
            colour=StatusReport.Colour.GREEN,
            explanation=f"{marker}-status",
        )

    @classmethod
    def make_links(cls):
        hub = cls.markers["Zq-A-objective-public"]
        bundle = cls.markers["Zq-A-programme-public"]
        for marker, component in cls.markers.items():
            kind = marker.split("-")[2]
            if "milestone" in marker or component == hub:
                continue
            if kind == "objective":
                hub.contributes_to.add(component)
                if marker.startswith("Zq-A-"):
                    Objective.objects.filter(pk=component.pk).update(parent=hub)
            elif kind in ("project", "process", "indicator"):
                getattr(hub, {"process": "processes"}.get(kind, f"{kind}s")).add(
                    component
                )
                if kind == "project":
                    bundle.projects.add(component)
        Objective.objects.filter(pk=hub.pk).update(
            parent=cls.markers["Zq-B-objective-public"]
        )

    # The rules, computed here ---------------------------------------------

    def published_markers(self):
        """DESIGN's rule: public components that are not archived; the
        milestones of those projects that are not archived themselves."""
        found = {m for m in self.markers if m.endswith("-public")}
        return found | {
            m
            for m in self.markers
            if m.endswith("-public-milestone") and m.rsplit("-", 1)[0] in found
        }

    def published_of(self, kind):
        return {
            m
            for m in self.published_markers()
            if (kind == "milestone") == m.endswith("milestone")
            and (kind == "milestone" or m.split("-")[2] == kind)
        }

    def published_ids(self):
        return {str(self.markers[m].public_id) for m in self.published_markers()}

    def named_ids(self, text):
        """The components whose address ``text`` names."""
        by_id = {str(c.public_id): m for m, c in self.markers.items()}
        return {by_id[found] for found in UUID.findall(text) if found in by_id}

    def assert_names_only_published(self, text):
        self.assertLessEqual(self.named_ids(text), self.published_markers())
        allowed = self.published_markers() | {
            f"{m}-{suffix}"
            for m in self.published_markers()
            for suffix in ("status", "measurement")
        }
        self.assertLessEqual(markers(text), allowed)

    def get(self, name, *args):
        response = self.client.get(reverse(f"opendata:{name}", args=args))
        self.assertEqual(response.status_code, 200, name)
        if response.streaming:
            return b"".join(response.streaming_content).decode()
        return response.content.decode()

    # The access layer -----------------------------------------------------

    def test_an_anonymous_visitor_sees_exactly_the_published_components(self):
        for kind in (*MAKERS, "milestone"):
            with self.subTest(kind=kind):
                model = access.model_named(kind)
                seen = {
                    component.title.split()[0]
                    for component in access.visible(AnonymousUser(), model)
                }

                self.assertEqual(seen, self.published_of(kind))
                self.assertEqual(
                    set(access.published(model)),
                    set(access.visible(AnonymousUser(), model)),
                )

    def test_an_anonymous_visitor_sees_the_history_of_published_components_only(
        self,
    ):
        anonymous = AnonymousUser()
        reports = {
            report.explanation for report in access.visible(anonymous, StatusReport)
        }
        measurements = {m.note for m in access.visible(anonymous, Measurement)}
        targets = {
            t.indicator.title.split()[0] for t in access.visible(anonymous, Target)
        }

        published = self.published_markers()
        self.assertEqual(
            reports,
            {f"{m}-status" for m in published if m.split("-")[2] != "indicator"},
        )
        self.assertEqual(
            measurements, {f"{m}-measurement" for m in self.published_of("indicator")}
        )
        self.assertEqual(targets, self.published_of("indicator"))

    def test_a_member_sees_the_status_reports_of_the_components_they_see(self):
        # A reader of A sees A's components that are not confidential,
        # archived ones included, and the milestones of those projects.
        visible = {
            m
            for m in self.markers
            if m.startswith("Zq-A-")
            and m.split("-")[2] != "indicator"
            and m.split("-")[3] != "confidential"
        }
        reports = {
            report.explanation for report in access.visible(self.reader_a, StatusReport)
        }

        self.assertEqual(reports, {f"{m}-status" for m in visible})

    def test_an_anonymous_visitor_may_view_only_published_components(self):
        for marker, component in self.markers.items():
            with self.subTest(marker=marker):
                self.assertEqual(
                    access.can(AnonymousUser(), Action.VIEW, component),
                    marker in self.published_markers(),
                )
                self.assertIs(
                    access.can(AnonymousUser(), Action.EDIT, component), False
                )

    def test_an_unpublished_component_is_fetched_like_a_missing_one(self):
        answers = set()
        for public_id in (
            self.markers["Zq-A-project-internal"].public_id,
            self.markers["Zq-A-project-confidential"].public_id,
            self.markers["Zq-A-project-archived"].public_id,
            uuid.uuid4(),
        ):
            with self.assertRaises(Http404) as refused:
                access.get_published(Project, public_id)
            answers.add(str(refused.exception))
        public = self.markers["Zq-A-project-public"]

        self.assertEqual(len(answers), 1)
        self.assertEqual(access.get_published(Project, public.public_id), public)

    def test_an_inactive_account_sees_no_open_data_through_visible(self):
        self.reader_a.is_active = False

        self.assertFalse(access.visible(self.reader_a, Project).exists())

    def test_the_web_pages_still_refuse_an_anonymous_visitor(self):
        public = self.markers["Zq-A-project-public"]
        for url in (
            public.get_absolute_url(),
            reverse("objectives:search") + "?q=Zq-",
        ):
            with self.subTest(url=url):
                response = self.client.get(url)

                self.assertEqual(response.status_code, 302)
                self.assertIn("login", response["Location"])

    # The open-data files ----------------------------------------------------

    def test_each_json_data_set_holds_exactly_the_published_rows(self):
        for slug, kind in PUBLISHED_KINDS.items():
            with self.subTest(slug=slug):
                text = self.get("dataset_json", slug)
                items = json.loads(text)["items"]

                self.assertEqual(
                    {item["title"].split()[0] for item in items},
                    self.published_of(kind),
                )
                self.assert_names_only_published(text)

    def test_each_csv_data_set_holds_exactly_the_published_rows(self):
        for slug, kind in PUBLISHED_KINDS.items():
            with self.subTest(slug=slug):
                text = self.get("dataset_csv", slug)
                rows = list(csv.DictReader(io.StringIO(text)))

                self.assertEqual(
                    {row["title"].split()[0] for row in rows},
                    self.published_of(kind),
                )
                self.assert_names_only_published(text)

    def test_the_status_report_data_sets_hold_only_published_components(self):
        expected = {
            f"{m}-status"
            for m in self.published_markers()
            if m.split("-")[2] != "indicator"
        }
        for name in ("dataset_json", "dataset_csv"):
            with self.subTest(name=name):
                text = self.get(name, "status-reports")

                self.assertEqual(markers(text), expected)
                self.assertEqual(
                    self.named_ids(text),
                    {m for m in self.published_markers() if "indicator" not in m},
                )

    def test_the_measurement_data_sets_hold_only_published_indicators(self):
        published = self.published_of("indicator")
        for name in ("dataset_json", "dataset_csv"):
            with self.subTest(name=name):
                text = self.get(name, "measurements")

                self.assertEqual(markers(text), {f"{m}-measurement" for m in published})
                self.assertEqual(self.named_ids(text), published)

    def test_each_published_component_has_its_files_with_only_published_links(self):
        for marker in self.published_markers():
            component = self.markers[marker]
            args = (type(component), component.public_id)
            with self.subTest(marker=marker):
                document = self.get("component_json", *args)
                history = self.get("component_csv", *args)

                self.assertEqual(json.loads(document)["title"].split()[0], marker)
                self.assert_names_only_published(document)
                self.assert_names_only_published(history)
                suffix = "measurement" if "indicator" in marker else "status"
                self.assertIn(f"{marker}-{suffix}", document)

    def test_the_hub_links_to_exactly_the_published_components(self):
        hub = self.markers["Zq-A-objective-public"]
        document = json.loads(self.get("component_json", Objective, hub.public_id))

        def named(uris):
            return {m for m in self.named_ids(" ".join(uris))}

        self.assertEqual(named(document["projects"]), self.published_of("project"))
        self.assertEqual(named(document["processes"]), self.published_of("process"))
        self.assertEqual(named(document["indicators"]), self.published_of("indicator"))
        self.assertEqual(named(document["contributes_to"]), {"Zq-B-objective-public"})
        self.assertEqual(named([document["parent"]]), {"Zq-B-objective-public"})
        self.assertEqual(document["children"], [])

    def test_an_unpublished_component_is_not_found_like_an_unknown_one(self):
        for marker, component in self.markers.items():
            if marker in self.published_markers():
                continue
            for name in ("component_json", "component_csv"):
                with self.subTest(marker=marker, name=name):
                    pages = []
                    for public_id in (component.public_id, uuid.uuid4()):
                        path = reverse(
                            f"opendata:{name}", args=[type(component), public_id]
                        )
                        response = self.client.get(path)
                        self.assertEqual(response.status_code, 404)
                        pages.append(as_page(response, path))

                    self.assertEqual(pages[0], pages[1])

    def test_the_catalogue_and_the_landing_page_name_no_component(self):
        for name in ("dataset_list", "catalogue_jsonld", "catalogue_turtle"):
            with self.subTest(name=name):
                text = self.get(name)

                self.assertEqual(markers(text), set())
                self.assertEqual(self.named_ids(text), set())

    def test_a_logged_in_user_gets_the_same_open_data_as_anyone(self):
        anonymous = self.get("dataset_json", "objectives")
        self.client.force_login(self.global_admin)

        self.assertEqual(self.get("dataset_json", "objectives"), anonymous)
