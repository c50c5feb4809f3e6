"""Building lenses: the actions that keep positions whole, and the pages."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import F
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from objectives import actions
from objectives.models import Change, Confidentiality, Lens, LensEntry, Objective
from tests.factories import (
    make_legislature,
    make_lens,
    make_lens_entry,
    make_objective,
    make_person,
)
from tests.personas import PersonaTestCase

Kind = Change.Kind


def history(obj):
    """The change rows of ``obj``, oldest first, as (kind, changes, actor)."""
    rows = Change.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    ).order_by("id")
    return [(row.kind, row.changes, row.actor_id) for row in rows]


def structure(lens):
    """The lens as its reader sees it: (number, heading or objective code)."""
    return [
        (number, entry.heading or entry.objective.code)
        for number, _depth, entry in lens.numbered_entries()
    ]


def positions(lens):
    """The stored rows: (parent heading, position, heading or code)."""
    return [
        (
            entry.parent.heading if entry.parent else None,
            entry.position,
            entry.heading or entry.objective.code,
        )
        for entry in lens.entries.select_related("parent", "objective").order_by(
            F("parent__position").asc(nulls_first=True), "position"
        )
    ]


class LensTestCase(PersonaTestCase):
    """Lens A of organisation A: two chapters, objectives SD 11..SD 14."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.sd = {
            number: make_objective(
                lead_organisation=cls.organisation_a,
                code=f"SD {number}",
                title=f"Objective {number}",
            )
            for number in (11, 12, 13, 14, 15)
        }
        cls.lens = make_lens(
            name="Business plan A",
            kind=Lens.Kind.BUSINESS_PLAN,
            organisation=cls.organisation_a,
            legislature=make_legislature(),
        )
        cls.chapter_1 = make_lens_entry(cls.lens, position=1, heading="Chapter 1")
        cls.chapter_2 = make_lens_entry(cls.lens, position=2, heading="Chapter 2")
        cls.entry_11 = make_lens_entry(
            cls.lens, position=1, parent=cls.chapter_1, objective=cls.sd[11]
        )
        cls.entry_12 = make_lens_entry(
            cls.lens, position=2, parent=cls.chapter_1, objective=cls.sd[12]
        )
        cls.entry_13 = make_lens_entry(
            cls.lens, position=1, parent=cls.chapter_2, objective=cls.sd[13]
        )
        cls.entry_14 = make_lens_entry(cls.lens, position=3, objective=cls.sd[14])

        cls.objective_b = make_objective(
            lead_organisation=cls.organisation_b, code="SD 21", title="Clean air"
        )
        cls.government_lens = make_lens(
            name="Coalition agreement", kind=Lens.Kind.COALITION_AGREEMENT
        )

    def setUp(self):
        # The English source strings, whatever the translations say.
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    def assertUnchanged(self):
        """The lens still has its six entries where setUpTestData put them."""
        self.assertEqual(
            structure(self.lens),
            [
                ("1", "Chapter 1"),
                ("1.1", "SD 11"),
                ("1.2", "SD 12"),
                ("2", "Chapter 2"),
                ("2.1", "SD 13"),
                ("3", "SD 14"),
            ],
        )
        self.assertEqual(history(self.lens), [])


class LensEntryActionTests(LensTestCase):
    def setUp(self):
        super().setUp()
        # Refusals in the English source text, whatever the translations say.
        self.enterContext(translation.override("en"))

    def move(self, entry, **kwargs):
        return actions.do_move_lens_entry(entry, acting_user=self.admin_a, **kwargs)

    def test_objective_is_added_at_the_end_of_the_top_level(self):
        entry = actions.do_add_lens_entry(
            self.lens, objective=self.sd[15], acting_user=self.admin_a
        )

        self.assertEqual(entry.position, 4)
        self.assertEqual(structure(self.lens)[-1], ("4", "SD 15"))
        self.assertEqual(
            history(self.lens),
            [
                (
                    Kind.LINKED,
                    {"entries": [None, "4 SD 15 Objective 15"]},
                    self.admin_a.pk,
                )
            ],
        )

    def test_heading_is_added_under_a_heading_after_its_entries(self):
        entry = actions.do_add_lens_entry(
            self.lens, heading="  Section  ", under=self.chapter_1, acting_user=None
        )

        self.assertEqual((entry.heading, entry.position), ("Section", 3))
        self.assertEqual(
            structure(self.lens)[:4],
            [
                ("1", "Chapter 1"),
                ("1.1", "SD 11"),
                ("1.2", "SD 12"),
                ("1.3", "Section"),
            ],
        )

    def test_objectives_nest_under_a_heading_within_a_heading(self):
        section = actions.do_add_lens_entry(
            self.lens, heading="Section", under=self.chapter_2, acting_user=None
        )

        actions.do_add_lens_entry(
            self.lens, objective=self.sd[15], under=section, acting_user=None
        )

        self.assertEqual(
            structure(self.lens)[3:],
            [
                ("2", "Chapter 2"),
                ("2.1", "SD 13"),
                ("2.2", "Section"),
                ("2.2.1", "SD 15"),
                ("3", "SD 14"),
            ],
        )

    def test_same_objective_twice_is_refused(self):
        with self.assertRaisesMessage(
            ValidationError, "SD 12 Objective 12 is already in this lens."
        ):
            actions.do_add_lens_entry(
                self.lens, objective=self.sd[12], acting_user=self.admin_a
            )

        self.assertUnchanged()

    def test_entry_goes_only_under_a_heading_of_the_same_lens(self):
        other = make_lens_entry(self.government_lens, position=1, heading="Other")

        for parent in (self.entry_11, other):
            with self.assertRaises(ValidationError):
                actions.do_add_lens_entry(
                    self.lens, objective=self.sd[15], under=parent, acting_user=None
                )

        self.assertUnchanged()

    def test_entry_is_either_heading_or_objective(self):
        with self.assertRaises(ValueError):
            actions.do_add_lens_entry(self.lens, heading=" ", acting_user=None)
        with self.assertRaises(ValueError):
            actions.do_add_lens_entry(
                self.lens, heading="Both", objective=self.sd[15], acting_user=None
            )

        self.assertUnchanged()

    def test_moving_up_swaps_with_the_previous_sibling(self):
        moved = self.move(self.entry_14, by=-1)

        self.assertIs(moved, True)
        self.assertEqual(
            positions(self.lens),
            [
                (None, 1, "Chapter 1"),
                (None, 2, "SD 14"),
                (None, 3, "Chapter 2"),
                ("Chapter 1", 1, "SD 11"),
                ("Chapter 1", 2, "SD 12"),
                ("Chapter 2", 1, "SD 13"),
            ],
        )
        self.assertEqual(
            history(self.lens),
            [
                (
                    Kind.UPDATED,
                    {"entries": ["3 SD 14 Objective 14", "2 SD 14 Objective 14"]},
                    self.admin_a.pk,
                )
            ],
        )

    def test_moving_a_heading_down_takes_its_entries_along(self):
        self.move(self.chapter_1, by=1)

        self.assertEqual(
            structure(self.lens),
            [
                ("1", "Chapter 2"),
                ("1.1", "SD 13"),
                ("2", "Chapter 1"),
                ("2.1", "SD 11"),
                ("2.2", "SD 12"),
                ("3", "SD 14"),
            ],
        )

    def test_moving_past_either_end_changes_nothing(self):
        self.assertIs(self.move(self.chapter_1, by=-1), False)
        self.assertIs(self.move(self.entry_12, by=1), False)
        self.assertIs(self.move(self.entry_13, by=-1), False)

        self.assertUnchanged()

    def test_moving_under_a_heading_appends_and_closes_the_gap(self):
        self.move(self.entry_11, under=self.chapter_2)

        self.assertEqual(
            positions(self.lens),
            [
                (None, 1, "Chapter 1"),
                (None, 2, "Chapter 2"),
                (None, 3, "SD 14"),
                ("Chapter 1", 1, "SD 12"),
                ("Chapter 2", 1, "SD 13"),
                ("Chapter 2", 2, "SD 11"),
            ],
        )
        self.assertEqual(
            history(self.lens)[0][1],
            {"entries": ["1.1 SD 11 Objective 11", "2.2 SD 11 Objective 11"]},
        )

    def test_moving_to_the_top_level_appends_at_the_end(self):
        self.move(self.entry_11, under=None)

        self.assertEqual(
            structure(self.lens),
            [
                ("1", "Chapter 1"),
                ("1.1", "SD 12"),
                ("2", "Chapter 2"),
                ("2.1", "SD 13"),
                ("3", "SD 14"),
                ("4", "SD 11"),
            ],
        )

    def test_moving_under_the_same_heading_changes_nothing(self):
        self.assertIs(self.move(self.entry_11, under=self.chapter_1), False)
        self.assertIs(self.move(self.entry_14, under=None), False)

        self.assertUnchanged()

    def test_heading_cannot_go_under_itself_or_its_own_entries(self):
        section = make_lens_entry(
            self.lens, position=3, parent=self.chapter_1, heading="Section"
        )

        for target in (self.chapter_1, section):
            with self.assertRaisesMessage(ValidationError, "cannot go under itself"):
                self.move(self.chapter_1, under=target)

        self.assertEqual(positions(self.lens)[0], (None, 1, "Chapter 1"))
        self.assertEqual(history(self.lens), [])

    def test_stale_entry_moves_from_where_it_is_now(self):
        # Another administrator moved SD 14 to the top meanwhile: this copy
        # still says position 3.
        stale = LensEntry.objects.get(pk=self.entry_14.pk)
        self.move(self.entry_14, by=-1)
        self.move(self.entry_14, by=-1)

        self.move(stale, by=1)

        self.assertEqual(
            structure(self.lens)[:4],
            [("1", "Chapter 1"), ("1.1", "SD 11"), ("1.2", "SD 12"), ("2", "SD 14")],
        )
        self.assertEqual(
            [position for _parent, position, _label in positions(self.lens)],
            [1, 2, 3, 1, 2, 1],
        )

    def test_every_entry_action_first_locks_the_lens_row(self):
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        # Entries read afresh, as a view reads them: their lens is not loaded.
        entry_14, entry_11 = LensEntry.objects.filter(
            pk__in=[self.entry_14.pk, self.entry_11.pk]
        ).order_by("-position")
        steps = [
            ("add", actions.do_add_lens_entry, self.lens, {"heading": "Section"}),
            ("move", actions.do_move_lens_entry, entry_14, {"by": -1}),
            ("remove", actions.do_remove_lens_entry, entry_11, {}),
        ]

        for name, action, subject, arguments in steps:
            with self.subTest(name), CaptureQueriesContext(connection) as queries:
                action(subject, acting_user=None, **arguments)
            first = next(
                query["sql"]
                for query in queries.captured_queries
                if query["sql"].startswith("SELECT")
            )
            self.assertIn('FROM "objectives_lens" WHERE', first)
            self.assertIs(first.endswith(lock), True)

    def test_removing_a_heading_removes_its_entries_and_closes_the_gap(self):
        removed = actions.do_remove_lens_entry(self.chapter_1, acting_user=self.admin_a)

        self.assertEqual(removed, 3)
        self.assertEqual(
            positions(self.lens),
            [(None, 1, "Chapter 2"), (None, 2, "SD 14"), ("Chapter 2", 1, "SD 13")],
        )
        self.assertEqual(
            history(self.lens),
            [
                (
                    Kind.UNLINKED,
                    {
                        "entries": [
                            [
                                "1 Chapter 1",
                                "1.1 SD 11 Objective 11",
                                "1.2 SD 12 Objective 12",
                            ],
                            None,
                        ]
                    },
                    self.admin_a.pk,
                )
            ],
        )
        self.assertEqual(Objective.objects.filter(pk=self.sd[11].pk).count(), 1)

    def test_removing_an_entry_moves_the_later_ones_up(self):
        actions.do_remove_lens_entry(self.entry_11, acting_user=None)

        self.assertEqual(positions(self.lens)[3], ("Chapter 1", 1, "SD 12"))

    def test_removing_an_entry_already_removed_is_refused(self):
        actions.do_remove_lens_entry(self.entry_14, acting_user=None)

        with self.assertRaisesMessage(ValidationError, "no longer in the lens"):
            actions.do_remove_lens_entry(self.entry_14, acting_user=None)

        self.assertEqual(self.lens.entries.count(), 5)


class LensActionTests(LensTestCase):
    def test_creating_a_lens_writes_created_row(self):
        person = make_person(first_name="Ann", last_name="Smet")

        lens = actions.do_create_lens(
            name="Poverty plan",
            kind=Lens.Kind.TRANSVERSAL_PLAN,
            organisation=self.organisation_a,
            coordinators=[person],
            acting_user=self.admin_a,
        )

        self.assertEqual(list(lens.coordinators.all()), [person])
        self.assertEqual(
            history(lens),
            [
                (
                    Kind.CREATED,
                    {
                        "name": [None, "Poverty plan"],
                        "kind": [None, "transversal_plan"],
                        "organisation": [None, "A"],
                        "legislature": [None, None],
                        "coordinators": [None, ["Ann Smet"]],
                    },
                    self.admin_a.pk,
                )
            ],
        )

    def test_updating_a_lens_records_fields_and_coordinators(self):
        person = make_person(first_name="Ann", last_name="Smet")

        changes = actions.do_update_lens(
            self.lens,
            name="Business plan A 2026",
            description="",
            coordinators=[person],
            acting_user=self.admin_a,
        )

        expected = {
            "name": ["Business plan A", "Business plan A 2026"],
            "coordinators": [[], ["Ann Smet"]],
        }
        self.assertEqual(changes, expected)
        self.assertEqual(
            history(self.lens), [(Kind.UPDATED, expected, self.admin_a.pk)]
        )
        self.lens.refresh_from_db()
        self.assertEqual(self.lens.name, "Business plan A 2026")

    def test_updating_without_changes_writes_nothing(self):
        changes = actions.do_update_lens(
            self.lens, name="Business plan A", coordinators=[], acting_user=None
        )

        self.assertEqual(changes, {})
        self.assertEqual(history(self.lens), [])

    def test_archiving_and_restoring_a_lens(self):
        self.assertIs(actions.do_archive_lens(self.lens, acting_user=None), True)
        self.assertIs(actions.do_archive_lens(self.lens, acting_user=None), False)
        actions.do_archive_lens(self.lens, acting_user=None, archived=False)

        self.assertEqual(
            history(self.lens),
            [
                (Kind.ARCHIVED, {"is_archived": [False, True]}, None),
                (Kind.RESTORED, {"is_archived": [True, False]}, None),
            ],
        )


class LensBuildPageTests(LensTestCase):
    def build_url(self, lens=None, name="lens_build"):
        return reverse(f"objectives:{name}", args=[(lens or self.lens).public_id])

    def test_administrator_sees_the_numbered_structure(self):
        self.client.force_login(self.admin_a)

        response = self.client.get(self.build_url())

        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            [
                (row["number"], row["depth"], row["is_first"], row["is_last"])
                for row in response.context["rows"]
            ],
            [
                ("1", 0, True, False),
                ("1.1", 1, True, False),
                ("1.2", 1, False, True),
                ("2", 0, False, False),
                ("2.1", 1, True, True),
                ("3", 0, False, True),
            ],
        )
        self.assertEqual(
            [number for number, _heading in response.context["headings"]], ["1", "2"]
        )
        self.assertEqual(response.context["rows"][0]["taken_along"], 2)
        self.assertContains(response, "Remove heading 1 and the 2 entries under it?")

    def test_move_targets_exclude_the_entry_itself_and_its_parent(self):
        self.client.force_login(self.admin_a)

        rows = self.client.get(self.build_url()).context["rows"]

        targets = {
            row["number"]: (
                row["may_go_to_top"],
                [number for number, _heading in row["headings"]],
            )
            for row in rows
        }
        self.assertEqual(targets["1"], (False, ["2"]))
        self.assertEqual(targets["1.1"], (True, ["2"]))
        self.assertEqual(targets["3"], (False, ["1", "2"]))

    def test_objective_the_builder_cannot_see_is_shown_without_its_title(self):
        make_lens_entry(self.lens, position=4, objective=self.objective_b)
        self.client.force_login(self.admin_a)

        response = self.client.get(self.build_url())

        self.assertIsNone(response.context["rows"][-1]["objective"])
        self.assertNotContains(response, "Clean air")
        self.assertContains(response, "An objective of another entity")

    def test_administrator_of_another_entity_gets_404_everywhere(self):
        self.client.force_login(self.admin_b)
        entry = {"entry": self.entry_14.pk}

        for name, data in [
            ("lens_build", None),
            ("lens_objective_search", None),
            ("lens_update", None),
            ("lens_entry_move", {**entry, "direction": "up"}),
            ("lens_entry_remove", entry),
            ("lens_heading_add", {"heading": "Mine"}),
            ("lens_objective_add", {"objective": self.objective_b.public_id}),
            ("lens_archive", {}),
        ]:
            with self.subTest(name):
                url = self.build_url(name=name)
                if data is None:
                    response = self.client.get(url)
                else:
                    response = self.client.post(url, data)
                self.assertEqual(response.status_code, 404)

        self.assertUnchanged()
        self.lens.refresh_from_db()
        self.assertIs(self.lens.is_archived, False)

    def test_reader_of_the_entity_gets_403_and_changes_nothing(self):
        self.client.force_login(self.reader_a)
        entry = {"entry": self.entry_14.pk}

        for name, data in [
            ("lens_build", None),
            ("lens_update", None),
            ("lens_entry_move", {**entry, "direction": "up"}),
            ("lens_entry_remove", entry),
            ("lens_heading_add", {"heading": "Mine"}),
            ("lens_objective_add", {"objective": self.sd[15].public_id}),
            ("lens_archive", {}),
            ("lens_coordinator_add", {"person": self.reader_a.person.personnel_number}),
        ]:
            with self.subTest(name):
                url = self.build_url(name=name)
                if data is None:
                    response = self.client.get(url)
                else:
                    response = self.client.post(url, data)
                self.assertEqual(response.status_code, 403)

        self.assertUnchanged()
        self.assertEqual(self.lens.coordinators.count(), 0)

    def test_organisation_administrator_cannot_build_a_government_wide_lens(self):
        self.client.force_login(self.admin_a)

        page = self.client.get(self.build_url(self.government_lens))
        post = self.client.post(
            self.build_url(self.government_lens, "lens_objective_add"),
            {"objective": self.sd[15].public_id},
        )

        self.assertEqual((page.status_code, post.status_code), (403, 403))
        self.assertEqual(self.government_lens.entries.count(), 0)
        self.assertEqual(history(self.government_lens), [])

    def test_global_administrator_builds_a_government_wide_lens(self):
        self.client.force_login(self.global_admin)

        self.client.post(
            self.build_url(self.government_lens, "lens_heading_add"),
            {"heading": "Chapter 4 Mobility"},
        )
        heading = self.government_lens.entries.get()
        for objective in (self.sd[11], self.objective_b):
            response = self.client.post(
                self.build_url(self.government_lens, "lens_objective_add"),
                {"objective": objective.public_id, "under": heading.pk},
            )

        self.assertRedirects(
            response,
            self.build_url(self.government_lens) + "#add-objectives",
            fetch_redirect_response=False,
        )
        self.assertEqual(
            structure(self.government_lens),
            [("1", "Chapter 4 Mobility"), ("1.1", "SD 11"), ("1.2", "SD 21")],
        )

    def test_picker_finds_only_objectives_the_builder_can_see(self):
        make_objective(
            lead_organisation=self.organisation_a,
            code="SD 30",
            title="Air quality",
            confidentiality=Confidentiality.CONFIDENTIAL,
        )
        self.client.force_login(self.admin_a)

        response = self.client.get(self.build_url(), {"q": "air"})

        self.assertEqual(
            [objective.code for objective in response.context["candidates"]],
            ["SD 30"],
        )

    def test_picker_matches_every_word_and_marks_what_the_lens_holds(self):
        self.client.force_login(self.admin_a)

        response = self.client.get(
            self.build_url(name="lens_objective_search"), {"q": "objective 1"}
        )

        self.assertTemplateUsed(response, "objectives/lenses_manage/_candidates.html")
        self.assertTemplateNotUsed(response, "base.html")
        self.assertEqual(
            [objective.code for objective in response.context["candidates"]],
            ["SD 11", "SD 12", "SD 13", "SD 14", "SD 15"],
        )
        self.assertContains(response, "already in this lens", count=4)
        self.assertContains(response, f'value="{self.sd[15].public_id}"')

    def test_picker_without_search_shows_no_candidates(self):
        self.client.force_login(self.admin_a)

        response = self.client.get(self.build_url())

        self.assertEqual(response.context["candidates"], [])

    def test_objective_the_builder_cannot_see_cannot_be_added(self):
        self.client.force_login(self.admin_a)

        self.client.post(
            self.build_url(name="lens_objective_add"),
            {"objective": self.objective_b.public_id},
        )

        self.assertUnchanged()

    def test_duplicate_objective_is_refused_with_a_message(self):
        self.client.force_login(self.admin_a)

        response = self.client.post(
            self.build_url(name="lens_objective_add"),
            {"objective": self.sd[13].public_id, "q": "SD 1"},
            follow=True,
        )

        self.assertContains(response, "SD 13 Objective 13 is already in this lens.")
        self.assertEqual(response.context["search"].data["q"], "SD 1")
        self.assertUnchanged()

    def test_adding_an_objective_under_a_heading(self):
        self.client.force_login(self.admin_a)

        self.client.post(
            self.build_url(name="lens_objective_add"),
            {"objective": self.sd[15].public_id, "under": self.chapter_2.pk},
        )

        self.assertEqual(
            structure(self.lens)[3:6],
            [
                ("2", "Chapter 2"),
                ("2.1", "SD 13"),
                ("2.2", "SD 15"),
            ],
        )

    def test_adding_a_heading_under_an_objective_is_refused(self):
        self.client.force_login(self.admin_a)

        self.client.post(
            self.build_url(name="lens_heading_add"),
            {"heading": "Wrong", "under": self.entry_11.pk},
        )

        self.assertUnchanged()

    def test_moving_with_the_buttons(self):
        self.client.force_login(self.admin_a)

        response = self.client.post(
            self.build_url(name="lens_entry_move"),
            {"entry": self.entry_12.pk, "direction": "up"},
        )
        self.client.post(
            self.build_url(name="lens_entry_move"),
            {"entry": self.entry_13.pk, "under": ""},
        )

        self.assertRedirects(
            response,
            self.build_url() + f"#entry-{self.entry_12.pk}",
            fetch_redirect_response=False,
        )
        self.assertEqual(
            positions(self.lens),
            [
                (None, 1, "Chapter 1"),
                (None, 2, "Chapter 2"),
                (None, 3, "SD 14"),
                (None, 4, "SD 13"),
                ("Chapter 1", 1, "SD 12"),
                ("Chapter 1", 2, "SD 11"),
            ],
        )

    def test_move_without_direction_or_heading_is_refused(self):
        self.client.force_login(self.admin_a)

        response = self.client.post(
            self.build_url(name="lens_entry_move"),
            {"entry": self.entry_12.pk},
            follow=True,
        )

        self.assertContains(response, "Choose a direction or a heading.")
        self.assertUnchanged()

    def test_entry_of_another_lens_cannot_be_moved_or_removed(self):
        other = make_lens(organisation=self.organisation_a, objectives=[self.sd[15]])
        entry = other.entries.get()
        self.client.force_login(self.admin_a)

        self.client.post(
            self.build_url(name="lens_entry_move"),
            {"entry": entry.pk, "direction": "down"},
        )
        self.client.post(self.build_url(name="lens_entry_remove"), {"entry": entry.pk})

        self.assertEqual(other.entries.count(), 1)
        self.assertUnchanged()

    def test_removing_a_heading_from_the_page(self):
        self.client.force_login(self.admin_a)

        response = self.client.post(
            self.build_url(name="lens_entry_remove"),
            {"entry": self.chapter_2.pk},
            follow=True,
        )

        self.assertContains(response, "“Chapter 2” removed from the lens.")
        self.assertEqual(
            structure(self.lens),
            [("1", "Chapter 1"), ("1.1", "SD 11"), ("1.2", "SD 12"), ("2", "SD 14")],
        )

    def test_writes_only_answer_to_post(self):
        self.client.force_login(self.admin_a)

        response = self.client.get(
            self.build_url(name="lens_entry_remove"), {"entry": self.chapter_2.pk}
        )

        self.assertEqual(response.status_code, 405)
        self.assertUnchanged()

    def test_archiving_and_restoring_from_the_page(self):
        self.client.force_login(self.admin_a)

        self.client.post(self.build_url(name="lens_archive"))
        self.lens.refresh_from_db()
        archived = self.lens.is_archived
        response = self.client.post(
            self.build_url(name="lens_archive"), {"archived": "0"}, follow=True
        )

        self.lens.refresh_from_db()
        self.assertEqual((archived, self.lens.is_archived), (True, False))
        self.assertContains(response, "Lens restored.")

    # The session, the user, the lens, the user's roles, the entries, the
    # objectives the builder sees among them, the coordinators, the entity
    # switch, the lens's organisation and legislature.
    BUILD_QUERIES = 10

    def test_builder_queries_do_not_grow_with_the_entries(self):
        self.client.force_login(self.admin_a)
        with self.assertNumQueries(self.BUILD_QUERIES):
            self.client.get(self.build_url())

        section = make_lens_entry(
            self.lens, position=3, parent=self.chapter_2, heading="Section"
        )
        for position in range(1, 8):
            make_lens_entry(
                self.lens,
                position=position,
                parent=section,
                objective=make_objective(lead_organisation=self.organisation_a),
            )
        self.lens.coordinators.set([self.coordinator.person, self.reader_a.person])

        with self.assertNumQueries(self.BUILD_QUERIES):
            response = self.client.get(self.build_url())
        self.assertEqual(len(response.context["rows"]), 14)

    def test_picker_adds_one_query(self):
        self.client.force_login(self.admin_a)

        with self.assertNumQueries(self.BUILD_QUERIES + 1):
            response = self.client.get(self.build_url(), {"q": "SD"})
        self.assertEqual(len(response.context["candidates"]), 6)


class LensCreatePageTests(LensTestCase):
    url = reverse("objectives:lens_create")

    def lens_data(self, **fields):
        return {"name": "Poverty plan", "kind": "transversal_plan", **fields}

    def test_administrator_creates_a_lens_of_their_entity(self):
        self.client.force_login(self.admin_a)

        response = self.client.post(
            self.url, self.lens_data(organisation="OVO000001", description="Less.")
        )

        lens = Lens.objects.get(name="Poverty plan")
        self.assertRedirects(
            response, self.build_url(lens), fetch_redirect_response=False
        )
        self.assertEqual(
            (lens.organisation, lens.kind, lens.description),
            (self.organisation_a, "transversal_plan", "Less."),
        )
        self.assertEqual(history(lens)[0][0], Kind.CREATED)

    def build_url(self, lens):
        return reverse("objectives:lens_build", args=[lens.public_id])

    def test_organisation_administrator_may_not_create_government_wide_or_foreign(
        self,
    ):
        self.client.force_login(self.admin_a)
        before = Lens.objects.count()

        for organisation in ("", "OVO000002"):
            with self.subTest(organisation=organisation):
                response = self.client.post(
                    self.url, self.lens_data(organisation=organisation)
                )
                self.assertEqual(response.status_code, 200)
                self.assertTrue(response.context["form"].errors["organisation"])

        self.assertEqual(Lens.objects.count(), before)

    def test_administrator_is_offered_only_their_own_organisations(self):
        self.client.force_login(self.admin_a)

        response = self.client.get(self.url)

        field = response.context["form"].fields["organisation"]
        self.assertEqual(list(field.queryset), [self.organisation_a])
        self.assertIs(field.required, True)

    def test_global_administrator_creates_a_government_wide_lens(self):
        self.client.force_login(self.global_admin)

        self.client.post(self.url, self.lens_data(organisation=""))

        lens = Lens.objects.get(name="Poverty plan")
        self.assertIs(lens.is_government_wide, True)

    def test_reader_and_contributor_may_not_create_lenses(self):
        before = Lens.objects.count()
        for user in (self.reader_a, self.contributor_a):
            self.client.force_login(user)
            with self.subTest(user.username):
                self.assertEqual(self.client.get(self.url).status_code, 403)
                response = self.client.post(
                    self.url, self.lens_data(organisation="OVO000001")
                )
                self.assertEqual(response.status_code, 403)

        self.assertEqual(Lens.objects.count(), before)


class LensUpdatePageTests(LensTestCase):
    def url(self, name="lens_update"):
        return reverse(f"objectives:{name}", args=[self.lens.public_id])

    def test_administrator_edits_the_details(self):
        self.client.force_login(self.admin_a)

        self.client.post(
            self.url(),
            {
                "name": "Business plan A 2026",
                "kind": "business_plan",
                "description": "",
                "legislature": self.lens.legislature_id,
            },
        )

        self.lens.refresh_from_db()
        self.assertEqual(self.lens.name, "Business plan A 2026")
        self.assertEqual(
            history(self.lens),
            [
                (
                    Kind.UPDATED,
                    {"name": ["Business plan A", "Business plan A 2026"]},
                    self.admin_a.pk,
                )
            ],
        )

    def test_administrator_adds_and_removes_coordinators(self):
        person = make_person(first_name="Ann", last_name="Smet")
        self.client.force_login(self.admin_a)

        search = self.client.get(self.url("lens_coordinator_search"), {"q": "ann smet"})
        self.client.post(
            self.url("lens_coordinator_add"), {"person": person.personnel_number}
        )
        added = list(self.lens.coordinators.all())
        self.client.post(
            self.url("lens_coordinator_remove"), {"person": person.personnel_number}
        )

        self.assertEqual(list(search.context["candidates"]), [person])
        self.assertEqual(added, [person])
        self.assertEqual(list(self.lens.coordinators.all()), [])
        self.assertEqual(
            [changes for _kind, changes, _actor in history(self.lens)],
            [
                {"coordinators": [[], ["Ann Smet"]]},
                {"coordinators": [["Ann Smet"], []]},
            ],
        )

    def test_inactive_person_is_neither_found_nor_added(self):
        person = make_person(first_name="Ann", last_name="Smet", is_active=False)
        self.client.force_login(self.admin_a)

        search = self.client.get(self.url(), {"q": "Smet"})
        self.client.post(
            self.url("lens_coordinator_add"), {"person": person.personnel_number}
        )

        self.assertEqual(search.context["candidates"], [])
        self.assertEqual(self.lens.coordinators.count(), 0)
        self.assertEqual(history(self.lens), [])


class LensHookTests(LensTestCase):
    def render_hook(self, user, **context):
        request = RequestFactory().get("/")
        request.user = user
        return render_to_string(
            "objectives/includes/_lens_manage.html", context, request=request
        )

    def test_lens_list_offers_a_new_lens_to_administrators_only(self):
        create = reverse("objectives:lens_create")

        self.assertIn(create, self.render_hook(self.admin_a))
        self.assertIn(create, self.render_hook(self.global_admin))
        self.assertNotIn(create, self.render_hook(self.contributor_a))
        self.assertNotIn(create, self.render_hook(self.coordinator))

    def test_lens_page_offers_building_to_those_who_may(self):
        build = reverse("objectives:lens_build", args=[self.lens.public_id])
        government = reverse(
            "objectives:lens_build", args=[self.government_lens.public_id]
        )

        self.assertIn(build, self.render_hook(self.admin_a, lens=self.lens))
        self.assertNotIn(build, self.render_hook(self.reader_a, lens=self.lens))
        self.assertNotIn(
            government, self.render_hook(self.admin_a, lens=self.government_lens)
        )
        self.assertIn(
            government, self.render_hook(self.global_admin, lens=self.government_lens)
        )
