"""Legislature transitions: the succession rules, the pages and who may use
them, applying a transition, and the matrix in HTML, Excel and PDF."""

import datetime
import io
import subprocess

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from openpyxl import load_workbook

from objectives import transition_actions as actions
from objectives import transitions
from objectives.actions import do_archive_component, do_link
from objectives.models import (
    Change,
    Confidentiality,
    LegislatureTransition,
    Objective,
    ObjectiveSuccession,
)
from reporting import reports
from reporting.renderers import render_pdf, render_xlsx
from tests.factories import (
    make_indicator,
    make_legislature,
    make_objective,
    make_process,
    make_project,
)
from tests.personas import PersonaTestCase

Kind = ObjectiveSuccession.Kind
OPERATIONAL = Objective.Level.OPERATIONAL


def pdf_text(content):
    """The text of a PDF as pdftotext reads it, spaces squeezed."""
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"],
        input=content,
        capture_output=True,
        check=True,
    )
    return " ".join(result.stdout.decode().split())


class TransitionTestCase(PersonaTestCase):
    def setUp(self):
        super().setUp()
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        translation.activate("en")
        self.addCleanup(translation.deactivate)

    """Department A's objectives of 2024-2029 (SD 1 with OD 1.1, SD 2 with
    OD 2.1, SD 3) and of 2029-2034 (SD 1, SD 2, SD 4), with a project, a
    process and an indicator linked to the old ones, and a draft transition
    between both."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        a = cls.organisation_a
        cls.previous = cls.plan_objective.legislature
        cls.following = make_legislature(
            name="2029-2034",
            start_date=datetime.date(2029, 7, 1),
            end_date=datetime.date(2034, 6, 30),
        )
        cls.sd_1 = cls.plan_objective
        cls.od_11 = make_objective(
            lead_organisation=a,
            code="OD 1.1",
            title="Fewer road deaths",
            level=OPERATIONAL,
            parent=cls.sd_1,
        )
        cls.sd_2 = make_objective(lead_organisation=a, code="SD 2", title="Clean air")
        cls.od_21 = make_objective(
            lead_organisation=a,
            code="OD 2.1",
            title="Less fine dust",
            level=OPERATIONAL,
            parent=cls.sd_2,
        )
        cls.sd_3 = make_objective(lead_organisation=a, code="SD 3", title="Old ports")
        cls.new_sd_1 = cls.new_objective("SD 1", "Safe mobility")
        cls.new_sd_2 = cls.new_objective("SD 2", "Clean air and water")
        cls.new_sd_4 = cls.new_objective("SD 4", "Green energy")
        cls.new_sd_5 = cls.new_objective("SD 5", "Healthy people")
        cls.new_sd_6 = cls.new_objective("SD 6", "Clean water")
        cls.objective_b = make_objective(
            lead_organisation=cls.organisation_b, code="SD 9", title="Of B"
        )

        cls.project = make_project(lead_organisation=a, code="PR 1")
        cls.process = make_process(lead_organisation=a, code="PC 1")
        cls.indicator = make_indicator(lead_organisation=a, code="IN 1")
        cls.archived_project = make_project(lead_organisation=a, code="PR 9")
        do_link(cls.od_11, "projects", cls.project, acting_user=None)
        do_link(cls.sd_2, "processes", cls.process, acting_user=None)
        do_link(cls.sd_3, "indicators", cls.indicator, acting_user=None)
        do_link(cls.od_11, "projects", cls.archived_project, acting_user=None)
        do_archive_component(cls.archived_project, acting_user=None)

        cls.transition = actions.do_open_transition(
            a, previous=cls.previous, following=cls.following, acting_user=cls.admin_a
        )

    @classmethod
    def new_objective(cls, code, title, **fields):
        return make_objective(
            lead_organisation=cls.organisation_a,
            code=code,
            title=title,
            legislature=cls.following,
            **fields,
        )

    def map(self, previous, kind, successors=(), note=""):
        return actions.do_map_objective(
            self.transition,
            previous,
            kind=kind,
            successors=list(successors),
            note=note,
            acting_user=self.admin_a,
        )

    def map_all(self):
        """Every old objective mapped: SD 1 kept, OD 1.1 and OD 2.1 merged
        into SD 5, SD 2 split into SD 2 and SD 6, SD 3 ended."""
        self.map(self.sd_1, Kind.KEPT, [self.new_sd_1])
        self.map(self.od_11, Kind.MERGED, [self.new_sd_5])
        self.map(self.od_21, Kind.MERGED, [self.new_sd_5])
        self.map(self.sd_2, Kind.SPLIT, [self.new_sd_2, self.new_sd_6])
        self.map(self.sd_3, Kind.ENDED)

    def lines(self):
        return sorted(
            (
                s.previous_objective.code if s.previous_objective else None,
                s.kind,
                s.next_objective.code if s.next_objective else None,
            )
            for s in self.transition.successions.select_related(
                "previous_objective", "next_objective"
            )
        )

    def snapshot(self):
        """What a refused action must leave as it was."""
        return (
            self.lines(),
            Change.objects.count(),
            Objective.objects.count(),
            LegislatureTransition.objects.get(pk=self.transition.pk).status,
        )


class SuccessionRuleTests(TransitionTestCase):
    def assert_refused(self, change, message):
        before = self.snapshot()
        with self.assertRaises(ValidationError) as raised:
            change()
        self.assertIn(message, " ".join(raised.exception.messages))
        self.assertEqual(self.snapshot(), before)

    def test_kept_maps_one_old_objective_to_one_new(self):
        changed = self.map(self.sd_1, Kind.KEPT, [self.new_sd_1], note="Same aim")

        self.assertTrue(changed)
        self.assertEqual(self.lines(), [("SD 1", "kept", "SD 1")])
        change = Change.objects.filter(object_id=self.transition.pk).first()
        self.assertEqual(
            change.changes,
            {
                "succession": [
                    None,
                    [
                        "SD 1 Safe and smooth mobility → kept → SD 1 Safe mobility "
                        "(Same aim)"
                    ],
                ]
            },
        )

    def test_saving_the_same_mapping_again_changes_nothing(self):
        self.map(self.sd_1, Kind.KEPT, [self.new_sd_1])
        changes = Change.objects.count()

        self.assertFalse(self.map(self.sd_1, Kind.KEPT, [self.new_sd_1]))
        self.assertEqual(Change.objects.count(), changes)

    def test_kept_with_two_successors_is_refused(self):
        self.assert_refused(
            lambda: self.map(self.sd_1, Kind.KEPT, [self.new_sd_1, self.new_sd_2]),
            "A kept objective has exactly one successor.",
        )

    def test_split_with_one_successor_is_refused(self):
        self.assert_refused(
            lambda: self.map(self.sd_2, Kind.SPLIT, [self.new_sd_2]),
            "A split objective has at least two successors.",
        )

    def test_ended_with_a_successor_is_refused(self):
        self.assert_refused(
            lambda: self.map(self.sd_3, Kind.ENDED, [self.new_sd_2]),
            "An ended objective has no successor.",
        )

    def test_merged_with_two_successors_is_refused(self):
        self.assert_refused(
            lambda: self.map(self.sd_3, Kind.MERGED, [self.new_sd_1, self.new_sd_2]),
            "A merged objective has exactly one successor",
        )

    def test_several_old_objectives_merge_into_one_new(self):
        self.map(self.sd_2, Kind.MERGED, [self.new_sd_2])
        self.map(self.sd_3, Kind.MERGED, [self.new_sd_2])

        self.assertEqual(
            self.lines(), [("SD 2", "merged", "SD 2"), ("SD 3", "merged", "SD 2")]
        )

    def test_kept_into_a_successor_another_objective_has_is_refused(self):
        self.map(self.sd_1, Kind.KEPT, [self.new_sd_1])

        self.assert_refused(
            lambda: self.map(self.sd_2, Kind.KEPT, [self.new_sd_1]),
            "SD 1 Safe mobility already succeeds SD 1 Safe and smooth mobility "
            "(kept); only merged objectives share a successor.",
        )

    def test_merging_into_a_kept_successor_is_refused(self):
        self.map(self.sd_1, Kind.KEPT, [self.new_sd_1])

        self.assert_refused(
            lambda: self.map(self.sd_2, Kind.MERGED, [self.new_sd_1]),
            "already succeeds SD 1 Safe and smooth mobility (kept)",
        )

    def test_successor_marked_new_is_refused(self):
        actions.do_mark_new(self.transition, self.new_sd_4, acting_user=self.admin_a)

        self.assert_refused(
            lambda: self.map(self.sd_3, Kind.KEPT, [self.new_sd_4]),
            "SD 4 Green energy is marked as new: clear that mark first.",
        )

    def test_old_objective_of_another_organisation_is_refused(self):
        self.assert_refused(
            lambda: self.map(self.objective_b, Kind.ENDED),
            "SD 9 Of B is not a current objective of Department A in 2024-2029.",
        )

    def test_successor_of_the_previous_legislature_is_refused(self):
        self.assert_refused(
            lambda: self.map(self.sd_1, Kind.KEPT, [self.sd_2]),
            "SD 2 Clean air is not a current objective of Department A in 2029-2034.",
        )

    def test_marking_a_successor_as_new_is_refused(self):
        self.map(self.sd_1, Kind.KEPT, [self.new_sd_1])

        self.assert_refused(
            lambda: actions.do_mark_new(
                self.transition, self.new_sd_1, acting_user=self.admin_a
            ),
            "SD 1 Safe mobility already succeeds SD 1 Safe and smooth mobility: "
            "it is not new.",
        )

    def test_new_objective_has_no_old_one(self):
        actions.do_mark_new(
            self.transition, self.new_sd_4, note="Energy plan", acting_user=None
        )

        self.assertEqual(self.lines(), [(None, "new", "SD 4")])

    def test_clearing_forgets_the_mapping(self):
        self.map(self.sd_2, Kind.SPLIT, [self.new_sd_1, self.new_sd_2])

        actions.do_clear_succession(
            self.transition, previous=self.sd_2, acting_user=self.admin_a
        )

        self.assertEqual(self.lines(), [])

    def test_a_second_transition_from_the_same_legislature_is_refused(self):
        self.assert_refused(
            lambda: actions.do_open_transition(
                self.organisation_a,
                previous=self.previous,
                following=self.following,
                acting_user=self.admin_a,
            ),
            "Department A already has a transition from 2024-2029.",
        )

    def test_a_transition_backwards_is_refused(self):
        self.assert_refused(
            lambda: actions.do_open_transition(
                self.organisation_b,
                previous=self.following,
                following=self.previous,
                acting_user=self.admin_b,
            ),
            "2024-2029 does not follow 2029-2034.",
        )

    def test_mapping_an_applied_transition_is_refused(self):
        self.map_all()
        actions.do_apply_transition(self.transition, acting_user=self.admin_a)

        self.assert_refused(
            lambda: self.map(self.sd_3, Kind.KEPT, [self.new_sd_2]),
            "This transition has been applied: its mapping no longer changes.",
        )


class CopySuccessorTests(TransitionTestCase):
    def copy(self, previous, code, title="Copied"):
        return actions.do_copy_successor(
            self.transition, previous, code=code, title=title, acting_user=self.admin_a
        )

    def test_copy_keeps_the_objective_under_its_parents_successor(self):
        self.map(self.sd_1, Kind.KEPT, [self.new_sd_1])

        copy = self.copy(self.od_11, "OD 1.1", "Fewer road deaths")

        self.assertEqual(copy.legislature, self.following)
        self.assertEqual(copy.level, OPERATIONAL)
        self.assertEqual(copy.parent, self.new_sd_1)
        self.assertEqual(copy.lead_organisation, self.organisation_a)
        self.assertEqual(copy.title, "Fewer road deaths")
        self.assertIn(("OD 1.1", "kept", "OD 1.1"), self.lines())
        self.assertTrue(
            Change.objects.filter(object_id=copy.pk, kind=Change.Kind.CREATED).exists()
        )

    def test_a_second_copy_splits_the_objective(self):
        self.copy(self.sd_2, "SD 7")
        self.copy(self.sd_2, "SD 8")

        self.assertEqual(
            self.lines(), [("SD 2", "split", "SD 7"), ("SD 2", "split", "SD 8")]
        )

    def test_copy_with_a_taken_code_is_refused(self):
        before = self.snapshot()

        with self.assertRaises(ValidationError) as raised:
            self.copy(self.sd_3, "SD 4")

        self.assertEqual(
            raised.exception.messages,
            ["The code SD 4 is already taken in 2029-2034."],
        )
        self.assertEqual(self.snapshot(), before)

    def test_copy_of_an_ended_objective_is_refused(self):
        self.map(self.sd_3, Kind.ENDED)
        before = self.snapshot()

        with self.assertRaises(ValidationError) as raised:
            self.copy(self.sd_3, "SD 3")

        self.assertEqual(
            raised.exception.messages,
            ["SD 3 Old ports is ended: change that before adding a copy."],
        )
        self.assertEqual(self.snapshot(), before)


class ApplyTests(TransitionTestCase):
    def links(self):
        return {
            "projects": sorted(
                Objective.projects.through.objects.values_list(
                    "objective__code", "objective__legislature__name", "project__code"
                )
            ),
            "processes": sorted(
                Objective.processes.through.objects.values_list(
                    "objective__code", "objective__legislature__name", "process__code"
                )
            ),
            "indicators": sorted(
                Objective.indicators.through.objects.values_list(
                    "objective__code",
                    "objective__legislature__name",
                    "indicator__code",
                )
            ),
        }

    def test_apply_is_refused_with_what_is_missing(self):
        self.map(self.sd_1, Kind.KEPT, [self.new_sd_1])
        self.map(self.od_11, Kind.MERGED, [self.new_sd_4])
        before, links = self.snapshot(), self.links()

        with self.assertRaises(ValidationError) as raised:
            actions.do_apply_transition(self.transition, acting_user=self.admin_a)

        self.assertEqual(
            raised.exception.messages,
            [
                "SD 2 Clean air is not mapped yet.",
                "OD 2.1 Less fine dust is not mapped yet.",
                "SD 3 Old ports is not mapped yet.",
                "OD 1.1 Fewer road deaths is merged, but no other objective "
                "merges into its successor: mark it as kept, or merge another "
                "objective into it.",
            ],
        )
        self.assertEqual(self.snapshot(), before)
        self.assertEqual(self.links(), links)

    def test_components_follow_their_objectives_and_old_links_stay(self):
        self.map_all()

        made = actions.do_apply_transition(self.transition, acting_user=self.admin_a)

        self.assertEqual(made, 3)
        self.assertEqual(
            self.links(),
            {
                "projects": [
                    ("OD 1.1", "2024-2029", "PR 1"),
                    ("OD 1.1", "2024-2029", "PR 9"),
                    ("SD 5", "2029-2034", "PR 1"),
                ],
                "processes": [
                    ("SD 2", "2024-2029", "PC 1"),
                    ("SD 2", "2029-2034", "PC 1"),
                    ("SD 6", "2029-2034", "PC 1"),
                ],
                # SD 3 ended: its indicator stays where it was.
                "indicators": [("SD 3", "2024-2029", "IN 1")],
            },
        )
        transition = LegislatureTransition.objects.get(pk=self.transition.pk)
        self.assertEqual(transition.status, LegislatureTransition.Status.APPLIED)
        self.assertEqual(transition.applied_by, self.admin_a)
        linked = Change.objects.filter(
            content_type=ContentType.objects.get_for_model(Objective),
            object_id=self.new_sd_5.pk,
            kind=Change.Kind.LINKED,
        )
        self.assertEqual(
            [change.changes for change in linked],
            [{"projects": [None, str(self.project)]}],
        )

    def test_applying_twice_changes_nothing(self):
        self.map_all()
        actions.do_apply_transition(self.transition, acting_user=self.admin_a)
        before, links = self.snapshot(), self.links()

        made = actions.do_apply_transition(self.transition, acting_user=self.admin_a)

        self.assertEqual(made, 0)
        self.assertEqual(self.snapshot(), before)
        self.assertEqual(self.links(), links)

    def test_applying_costs_the_same_queries_however_many_links(self):
        self.map_all()
        counts = []
        for more in (0, 6):
            for _ in range(more):
                project = make_project(lead_organisation=self.organisation_a)
                do_link(self.sd_2, "projects", project, acting_user=None)
            with transaction.atomic():
                with CaptureQueriesContext(connection) as queries:
                    made = actions.do_apply_transition(
                        self.transition, acting_user=self.admin_a
                    )
                counts.append(len(queries))
                transaction.set_rollback(True)
            # SD 2 is split: each new project follows both successors.
            self.assertEqual(made, 3 + 2 * more)

        self.assertEqual(counts[0], counts[1])


class TransitionPageTests(TransitionTestCase):
    def url(self, name):
        return f"/transitions/{self.transition.public_id}/{name}"

    def test_administrator_opens_a_transition(self):
        self.client.force_login(self.admin_b)

        response = self.client.post(
            "/organisations/OVO000002/transitions/new/",
            {"previous": "2024-2029", "following": "2029-2034"},
        )

        transition = LegislatureTransition.objects.get(organisation=self.organisation_b)
        self.assertRedirects(response, f"/transitions/{transition.public_id}/")
        self.assertEqual(transition.opened_by, self.admin_b)
        self.assertEqual(transition.status, "draft")

    def test_mapping_page_lists_the_old_cascade(self):
        self.client.force_login(self.admin_a)

        response = self.client.get(self.url(""))

        rows = response.context["mapping"].rows
        self.assertEqual(
            [(row.depth, row.objective.code) for row in rows],
            [(1, "SD 1"), (2, "OD 1.1"), (1, "SD 2"), (2, "OD 2.1"), (1, "SD 3")],
        )
        self.assertContains(
            response, f'hx-get="/transitions/{self.transition.public_id}/map/?previous='
        )
        self.assertNotContains(response, 'name="successors"')
        self.assertContains(response, "SD 3 Old ports is not mapped yet.")
        self.assertNotContains(response, "Apply the transition</button>")
        self.assertEqual(
            [
                objective.code
                for objective, _marked, _note in (response.context["mapping"].unclaimed)
            ],
            ["SD 1", "SD 2", "SD 4", "SD 5", "SD 6"],
        )

    def test_row_is_saved_without_javascript(self):
        self.client.force_login(self.admin_a)

        response = self.client.post(
            self.url("map/"),
            {
                "previous": self.sd_3.public_id,
                "kind": "kept",
                "successors": [self.new_sd_4.public_id],
            },
        )

        self.assertRedirects(
            response,
            f"/transitions/{self.transition.public_id}/#objective-"
            f"{self.sd_3.public_id}",
        )
        self.assertEqual(self.lines(), [("SD 3", "kept", "SD 4")])

    def test_row_form_is_a_page_without_javascript_and_a_row_with_htmx(self):
        self.client.force_login(self.admin_a)
        url = self.url(f"map/?previous={self.sd_2.public_id}")

        page = self.client.get(url)
        row = self.client.get(url, headers={"HX-Request": "true"})

        self.assertTemplateUsed(page, "objectives/transitions/map_row.html")
        self.assertTemplateUsed(row, "objectives/transitions/_mapping_row.html")
        self.assertTemplateNotUsed(row, "base.html")
        for response in (page, row):
            self.assertContains(response, 'name="successors" multiple')
            self.assertContains(response, f'value="{self.new_sd_6.public_id}"')
        unknown = self.client.get(
            self.url(f"map/?previous={self.objective_b.public_id}")
        )
        self.assertEqual(unknown.status_code, 404)

    def test_refused_row_without_javascript_returns_to_its_form(self):
        self.client.force_login(self.admin_a)

        response = self.client.post(
            self.url("map/"),
            {
                "previous": self.sd_3.public_id,
                "kind": "ended",
                "successors": [self.new_sd_4.public_id],
            },
            follow=True,
        )

        self.assertEqual(
            response.redirect_chain,
            [(self.url(f"map/?previous={self.sd_3.public_id}"), 302)],
        )
        self.assertContains(response, "An ended objective has no successor.")
        self.assertEqual(self.lines(), [])

    def test_row_is_saved_with_htmx_and_shows_its_refusal(self):
        self.client.force_login(self.admin_a)

        response = self.client.post(
            self.url("map/"),
            {
                "previous": self.sd_3.public_id,
                "kind": "split",
                "successors": [self.new_sd_4.public_id],
            },
            headers={"HX-Request": "true"},
        )

        self.assertTemplateUsed(response, "objectives/transitions/_mapping_row.html")
        self.assertContains(response, "A split objective has at least two successors.")
        self.assertContains(response, f'id="objective-{self.sd_3.public_id}"')
        self.assertEqual(self.lines(), [])

    def test_copy_button_creates_the_successor(self):
        self.client.force_login(self.admin_a)

        response = self.client.post(
            self.url("copy/"),
            {"previous": self.sd_3.public_id, "code": "SD 3", "title": "Old ports"},
        )

        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.lines(), [("SD 3", "kept", "SD 3")])

    def test_apply_refused_lists_what_is_missing(self):
        self.client.force_login(self.admin_a)

        response = self.client.post(self.url("apply/"), follow=True)

        self.assertContains(response, "The transition cannot be applied yet.")
        self.assertContains(response, "SD 3 Old ports is not mapped yet.")
        self.assertEqual(
            LegislatureTransition.objects.get(pk=self.transition.pk).status, "draft"
        )

    def test_apply_leads_to_the_matrix(self):
        self.map_all()
        self.client.force_login(self.admin_a)

        response = self.client.post(self.url("apply/"))

        self.assertRedirects(response, self.url("matrix/"))
        self.assertEqual(
            LegislatureTransition.objects.get(pk=self.transition.pk).status, "applied"
        )


class TransitionAccessTests(TransitionTestCase):
    WRITES = ["map/", "copy/", "new-objectives/", "clear/", "apply/"]

    def url(self, name=""):
        return f"/transitions/{self.transition.public_id}/{name}"

    def test_foreign_administrator_gets_not_found(self):
        self.client.force_login(self.admin_b)

        for name in ["", "matrix/"]:
            with self.subTest(page=name):
                self.assertEqual(self.client.get(self.url(name)).status_code, 404)
        for name in self.WRITES:
            with self.subTest(write=name):
                before = self.snapshot()
                self.assertEqual(self.client.post(self.url(name)).status_code, 404)
                self.assertEqual(self.snapshot(), before)
        response = self.client.get("/organisations/OVO000001/transitions/")
        self.assertEqual(response.status_code, 404)

    def test_reader_may_not_map_or_apply(self):
        self.map_all()
        self.client.force_login(self.reader_a)

        self.assertEqual(self.client.get(self.url()).status_code, 403)
        data = {
            "previous": self.sd_3.public_id,
            "kind": "kept",
            "successors": [self.new_sd_4.public_id],
            "code": "SD 8",
            "title": "Copy",
            "following": self.new_sd_4.public_id,
        }
        for name in self.WRITES:
            with self.subTest(write=name):
                before = self.snapshot()
                response = self.client.post(self.url(name), data)
                self.assertEqual(response.status_code, 403)
                self.assertEqual(self.snapshot(), before)
        response = self.client.post(
            "/organisations/OVO000001/transitions/new/",
            {"previous": "2024-2029", "following": "2029-2034"},
        )
        self.assertEqual(response.status_code, 403)

    def test_reader_reads_the_list_and_the_matrix(self):
        self.client.force_login(self.reader_a)

        listing = self.client.get("/organisations/OVO000001/transitions/")
        matrix = self.client.get(self.url("matrix/"))

        self.assertEqual(listing.status_code, 200)
        self.assertNotContains(listing, "/transitions/new/")
        self.assertEqual(matrix.status_code, 200)


class MatrixTests(TransitionTestCase):
    def setUp(self):
        super().setUp()
        self.map(self.sd_1, Kind.KEPT, [self.new_sd_1], note="Same aim")
        self.map(self.sd_2, Kind.MERGED, [self.new_sd_2])
        self.map(self.od_21, Kind.MERGED, [self.new_sd_2])
        self.map(self.sd_3, Kind.ENDED)

    def rows(self, user):
        return [
            (
                line.previous.code if line.previous else "",
                str(line.get_kind_display()),
                line.following.code if line.following else "",
            )
            for line in transitions.matrix(user, self.transition)
        ]

    EXPECTED = [
        ("SD 1", "kept", "SD 1"),
        ("OD 1.1", "not mapped yet", ""),
        ("SD 2", "merged", "SD 2"),
        ("OD 2.1", "merged", "SD 2"),
        ("SD 3", "ended", ""),
        ("", "new", "SD 4"),
        ("", "new", "SD 5"),
        ("", "new", "SD 6"),
    ]

    def test_matrix_shows_both_cascades_with_the_kinds(self):
        self.assertEqual(self.rows(self.reader_a), self.EXPECTED)

    def test_matrix_page_shows_each_line(self):
        self.client.force_login(self.reader_a)

        response = self.client.get(f"/transitions/{self.transition.public_id}/matrix/")

        self.assertContains(response, '<th scope="col">2024-2029</th>', html=True)
        self.assertContains(response, "Green energy")
        self.assertContains(response, "Old ports")
        self.assertContains(response, "Same aim")
        self.assertContains(response, "?kind=transition&amp;id=")
        self.assertEqual(len(response.context["lines"]), 8)

    def test_matrix_leaves_out_what_the_reader_may_not_see(self):
        Objective.objects.filter(pk=self.new_sd_4.pk).update(
            confidentiality=Confidentiality.CONFIDENTIAL
        )
        Objective.objects.filter(pk=self.sd_3.pk).update(
            confidentiality=Confidentiality.CONFIDENTIAL
        )

        self.assertEqual(
            self.rows(self.reader_a), [*self.EXPECTED[:4], *self.EXPECTED[6:]]
        )
        self.assertEqual(self.rows(self.admin_a), self.EXPECTED)

    def report(self):
        return reports.build_report(
            self.reader_a,
            "transition",
            {"id": str(self.transition.public_id)},
            timezone.localdate(),
        )

    def test_matrix_in_excel(self):
        workbook = load_workbook(io.BytesIO(render_xlsx(self.report())))

        sheet = workbook["Matrix"]
        self.assertEqual(sheet.freeze_panes, "A2")
        self.assertEqual(sheet.auto_filter.ref, "A1:H9")
        values = [list(row) for row in sheet.iter_rows(values_only=True)]
        self.assertEqual(
            values[0],
            [
                "Previous code",
                "Previous objective",
                "Previous level",
                "Kind",
                "Next code",
                "Next objective",
                "Next level",
                "Note",
            ],
        )
        self.assertEqual(
            values[1],
            [
                "SD 1",
                "Safe and smooth mobility",
                "strategic",
                "kept",
                "SD 1",
                "Safe mobility",
                "strategic",
                "Same aim",
            ],
        )
        self.assertEqual(
            values[6],
            [None, None, None, "new", "SD 4", "Green energy", "strategic", None],
        )
        summary = {
            row[0]: row[1]
            for row in workbook["Summary"].iter_rows(min_row=2, values_only=True)
        }
        self.assertEqual(summary["Merged"], 2)
        self.assertEqual(summary["Organisation"], "Department A")

    def test_matrix_in_pdf(self):
        text = pdf_text(render_pdf(self.report()))

        self.assertIn("Previous and current objective structure", text)
        self.assertIn("Department A", text)
        for words in ("Fewer road deaths", "Old ports", "Green energy", "Clean water"):
            self.assertIn(words, text)
        self.assertIn("ended", text)
        self.assertIn("2024-2029 → 2029-2034", text)

    def test_reader_asks_for_the_matrix_as_a_report(self):
        self.client.force_login(self.reader_a)
        url = f"/reporting/reports/new/?kind=transition&id={self.transition.public_id}"

        response = self.client.get(url)

        self.assertContains(response, "Previous and current objective structure")
        self.client.force_login(self.admin_b)
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_report_of_a_foreign_transition_is_unavailable(self):
        with self.assertRaises(reports.ReportUnavailable):
            reports.build_report(
                self.admin_b,
                "transition",
                {"id": str(self.transition.public_id)},
                timezone.localdate(),
            )


class ObjectivePageTests(TransitionTestCase):
    def test_old_and_new_objective_pages_name_each_other(self):
        self.map(self.sd_2, Kind.SPLIT, [self.new_sd_1, self.new_sd_2])
        self.client.force_login(self.reader_a)

        old = self.client.get(self.sd_2.get_absolute_url())
        new = self.client.get(self.new_sd_2.get_absolute_url())

        self.assertEqual(
            [row.next_objective for row in old.context["succeeded_by"]],
            [self.new_sd_1, self.new_sd_2],
        )
        self.assertContains(old, self.new_sd_2.get_absolute_url())
        self.assertEqual(
            [row.previous_objective for row in new.context["continues"]], [self.sd_2]
        )
        self.assertContains(new, self.sd_2.get_absolute_url())

    def test_organisation_page_still_shows_the_old_cascade(self):
        self.client.force_login(self.reader_a)

        response = self.client.get(
            "/organisations/OVO000001/", {"legislature": "2024-2029"}
        )

        codes = [b.objective.code for b in response.context["overview"].branches]
        self.assertEqual(codes, ["SD 1", "SD 2", "SD 3"])

    def test_search_filters_objectives_by_legislature(self):
        self.client.force_login(self.reader_a)
        found = {}

        for name in ("2024-2029", "2029-2034", ""):
            response = self.client.get(
                "/search/", {"q": "clean", "type": "objective", "legislature": name}
            )
            found[name] = [
                (o.code, o.legislature.name) for o in response.context["page"]
            ]

        self.assertEqual(found["2024-2029"], [("SD 2", "2024-2029")])
        self.assertEqual(
            found["2029-2034"], [("SD 2", "2029-2034"), ("SD 6", "2029-2034")]
        )
        self.assertEqual(len(found[""]), 3)
        self.assertContains(response, '<option value="2029-2034">2029-2034</option>')


class TransitionQueryCountTests(TransitionTestCase):
    """The mapping and matrix pages run a pinned number of queries."""

    # Session, user, the entity switch; the transition, the roles; the old
    # objectives, the new ones and the successions.
    MAPPING = 8
    # The same: the roles are asked for the link to the mapping page.
    MATRIX = 8

    def grow(self):
        for number in range(10, 14):
            old = make_objective(
                lead_organisation=self.organisation_a, code=f"SD {number}"
            )
            new = self.new_objective(f"SD {number}", f"New {number}")
            self.map(old, Kind.KEPT, [new])
            make_objective(
                lead_organisation=self.organisation_a,
                code=f"OD {number}.1",
                level=OPERATIONAL,
                parent=old,
            )

    def assert_constant(self, url, count):
        self.client.force_login(self.admin_a)
        with self.assertNumQueries(count):
            self.client.get(url)
        self.grow()
        with self.assertNumQueries(count):
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return response

    def test_mapping_page(self):
        response = self.assert_constant(
            f"/transitions/{self.transition.public_id}/", self.MAPPING
        )

        self.assertEqual(len(response.context["mapping"].rows), 13)

    def test_row_form(self):
        url = f"/transitions/{self.transition.public_id}/map/"

        response = self.assert_constant(f"{url}?previous={self.sd_1.public_id}", 9)

        self.assertEqual(len(response.context["mapping"].choices), 5 + 4)

    def test_transition_list(self):
        url = "/organisations/OVO000001/transitions/"
        self.client.force_login(self.reader_a)
        with self.assertNumQueries(6):
            self.client.get(url)
        for number in range(3):
            actions.do_open_transition(
                self.organisation_a,
                previous=make_legislature(
                    name=f"20{number}0",
                    start_date=datetime.date(2000 + number * 5, 1, 1),
                    end_date=datetime.date(2004 + number * 5, 1, 1),
                ),
                following=self.previous,
                acting_user=None,
            )

        with self.assertNumQueries(6):
            response = self.client.get(url)

        self.assertEqual(len(response.context["transitions"]), 4)

    def test_matrix_page(self):
        response = self.assert_constant(
            f"/transitions/{self.transition.public_id}/matrix/", self.MATRIX
        )

        # Thirteen old objectives, and the five new ones of the fixtures that
        # continue none.
        self.assertEqual(len(response.context["lines"]), 13 + 5)


class DefaultLegislatureTests(TestCase):
    def test_a_new_transition_goes_from_the_previous_to_the_current(self):
        older = make_legislature(
            name="2019-2024",
            start_date=datetime.date(2019, 7, 1),
            end_date=datetime.date(2024, 6, 30),
        )
        current = make_legislature()

        found = transitions.default_legislatures(datetime.date(2026, 1, 1))

        self.assertEqual(found, (older, current))
