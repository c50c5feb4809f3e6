"""Every list, search, export and report shows exactly what its reader may
see, checked against visible sets that this module computes itself from the
rules of visibility, without the access layer.

Each component's title carries a marker ("Zq-A-project-confidential") that
the pages, files and reports are searched for.
"""

import csv
import io
import re

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from objectives.models import Confidentiality, Lens
from reporting import renderers
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
