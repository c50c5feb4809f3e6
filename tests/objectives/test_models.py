"""What the database itself guarantees, and reporting periods."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import SimpleTestCase, TestCase

from objectives.models import (
    Legislature,
    Lens,
    LensEntry,
    Membership,
    Objective,
    Organisation,
    Person,
    Project,
    StatusReport,
)
from objectives.periods import MONTHLY, QUARTERLY, YEARLY, Period
from tests.factories import (
    make_legislature,
    make_lens,
    make_membership,
    make_milestone,
    make_objective,
    make_organisation,
    make_person,
    make_project,
)


class StatusReportConstraintTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.project = make_project()
        cls.objective = make_objective()

    def report(self, **fields):
        values = {
            "period_start": datetime.date(2025, 1, 1),
            "period_end": datetime.date(2025, 3, 31),
            "colour": StatusReport.Colour.GREEN,
            "explanation": "On track.",
            **fields,
        }
        return StatusReport.objects.create(**values)

    def assert_refused(self, **fields):
        with self.assertRaises(IntegrityError), transaction.atomic():
            self.report(**fields)
        self.assertEqual(StatusReport.objects.count(), 0)

    def test_report_on_one_subject_is_kept(self):
        report = self.report(project=self.project)

        self.assertEqual(report.subject, self.project)
        self.assertEqual(report.period, Period.parse("2025-Q1"))

    def test_report_without_subject_is_refused(self):
        self.assert_refused()

    def test_report_on_two_subjects_is_refused(self):
        self.assert_refused(project=self.project, objective=self.objective)

    def test_report_without_explanation_is_refused(self):
        self.assert_refused(project=self.project, explanation="")

    def test_report_ending_before_it_starts_is_refused(self):
        self.assert_refused(
            project=self.project, period_end=datetime.date(2024, 12, 31)
        )

    def test_milestone_is_a_subject_of_its_own(self):
        milestone = make_milestone(self.project)

        report = self.report(milestone=milestone)

        self.assertEqual(report.subject, milestone)


class ObjectiveConstraintTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.organisation = make_organisation()
        cls.legislature = make_legislature()
        cls.objective = make_objective(
            lead_organisation=cls.organisation, code="SD 3", legislature=cls.legislature
        )

    def create(self, **fields):
        values = {
            "lead_organisation": self.organisation,
            "legislature": self.legislature,
            "code": "SD 3",
            "title": "Another",
            "level": Objective.Level.STRATEGIC,
            **fields,
        }
        return Objective.objects.create(**values)

    def test_code_is_unique_per_lead_organisation_and_legislature(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            self.create()

        self.assertEqual(Objective.objects.filter(code="SD 3").count(), 1)

    def test_same_code_is_allowed_in_another_organisation(self):
        self.create(lead_organisation=make_organisation())

        self.assertEqual(Objective.objects.filter(code="SD 3").count(), 2)

    def test_same_code_is_allowed_in_another_legislature(self):
        later = make_legislature(
            name="2029-2034",
            start_date=datetime.date(2029, 7, 1),
            end_date=datetime.date(2034, 6, 30),
        )

        self.create(legislature=later)

        self.assertEqual(Objective.objects.filter(code="SD 3").count(), 2)

    def test_objective_is_not_its_own_parent(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            Objective.objects.filter(pk=self.objective.pk).update(parent=self.objective)

        self.objective.refresh_from_db()
        self.assertIsNone(self.objective.parent)

    def test_legislature_ends_after_it_starts(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            Legislature.objects.create(
                name="Backwards",
                start_date=datetime.date(2029, 1, 1),
                end_date=datetime.date(2024, 1, 1),
            )

        self.assertFalse(Legislature.objects.filter(name="Backwards").exists())


class OtherConstraintTests(TestCase):
    def test_project_ends_after_it_starts(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            Project.objects.create(
                lead_organisation=make_organisation(),
                code="PR 1",
                title="Backwards",
                start_date=datetime.date(2026, 1, 1),
                end_date=datetime.date(2025, 1, 1),
            )

        self.assertEqual(Project.objects.count(), 0)

    def test_one_membership_per_person_and_organisation(self):
        person, organisation = make_person(), make_organisation()
        make_membership(person, organisation, Membership.Role.READER)

        with self.assertRaises(IntegrityError), transaction.atomic():
            make_membership(person, organisation, Membership.Role.ADMINISTRATOR)

        self.assertEqual(
            list(Membership.objects.values_list("role", flat=True)), ["reader"]
        )

    def test_ovo_number_is_ovo_and_six_digits(self):
        organisation = Organisation(ovo_number="OVO12345", name="Too short")

        with self.assertRaises(ValidationError) as raised:
            organisation.full_clean()

        self.assertEqual(list(raised.exception.message_dict), ["ovo_number"])

    def test_personnel_number_has_six_digits(self):
        person = Person(personnel_number="12a456", first_name="A", last_name="B")

        with self.assertRaises(ValidationError) as raised:
            person.full_clean()

        self.assertEqual(list(raised.exception.message_dict), ["personnel_number"])

    def test_component_url_uses_its_public_id(self):
        objective = make_objective(code="SD 4", title="Clean air")

        self.assertEqual(
            objective.get_absolute_url(), f"/objectives/{objective.public_id}/"
        )
        self.assertEqual(str(objective), "SD 4 Clean air")


class LensEntryConstraintTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.lens = make_lens(kind=Lens.Kind.COALITION_AGREEMENT)
        cls.objective = make_objective()

    def assert_refused(self, **fields):
        with self.assertRaises(IntegrityError), transaction.atomic():
            LensEntry.objects.create(lens=self.lens, position=1, **fields)
        self.assertEqual(LensEntry.objects.count(), 0)

    def test_entry_with_heading_and_objective_is_refused(self):
        self.assert_refused(heading="Mobility", objective=self.objective)

    def test_entry_with_neither_heading_nor_objective_is_refused(self):
        self.assert_refused()

    def test_heading_and_objective_entries_nest(self):
        chapter = LensEntry.objects.create(
            lens=self.lens, position=4, heading="Mobility"
        )
        LensEntry.objects.create(
            lens=self.lens, parent=chapter, position=1, objective=self.objective
        )

        self.assertEqual(
            [str(entry.objective) for entry in chapter.children.all()],
            [str(self.objective)],
        )
        self.assertIs(self.lens.is_government_wide, True)

    def test_position_is_unique_under_a_heading(self):
        chapter = LensEntry.objects.create(
            lens=self.lens, position=1, heading="Mobility"
        )
        LensEntry.objects.create(
            lens=self.lens, parent=chapter, position=1, heading="Roads"
        )

        with self.assertRaises(IntegrityError), transaction.atomic():
            LensEntry.objects.create(
                lens=self.lens, parent=chapter, position=1, heading="Cycling"
            )

        self.assertEqual(LensEntry.objects.count(), 2)

    def test_position_is_unique_at_the_top_of_a_lens(self):
        # Top-level entries have no parent; two "chapter 1" headings would
        # make the numbering of the lens ambiguous.
        LensEntry.objects.create(lens=self.lens, position=1, heading="Mobility")

        with self.assertRaises(IntegrityError), transaction.atomic():
            LensEntry.objects.create(lens=self.lens, position=1, heading="Education")

        self.assertEqual(LensEntry.objects.count(), 1)


class PeriodTests(SimpleTestCase):
    def test_year_label(self):
        period = Period.parse("2025")

        self.assertEqual(
            (period.start, period.end, period.label, period.frequency),
            (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31), "2025", YEARLY),
        )

    def test_quarter_label(self):
        period = Period.parse("2025-Q2")

        self.assertEqual(
            (period.start, period.end, period.label, period.frequency),
            (
                datetime.date(2025, 4, 1),
                datetime.date(2025, 6, 30),
                "2025-Q2",
                QUARTERLY,
            ),
        )

    def test_month_label(self):
        period = Period.parse("2025-03")

        self.assertEqual(
            (period.start, period.end, period.label, period.frequency),
            (
                datetime.date(2025, 3, 1),
                datetime.date(2025, 3, 31),
                "2025-03",
                MONTHLY,
            ),
        )

    def test_february_of_a_leap_year_has_29_days(self):
        self.assertEqual(Period.parse("2024-02").end, datetime.date(2024, 2, 29))

    def test_surrounding_spaces_are_ignored(self):
        self.assertEqual(Period.parse(" 2025-Q4 ").label, "2025-Q4")

    def test_bad_labels_are_refused(self):
        for label in (
            "",
            "25",
            "2025-Q0",
            "2025-Q5",
            "2025-Q",
            "2025-00",
            "2025-13",
            "2025-3",
            "2025/03",
            "2025-03-01",
            "Q2-2025",
        ):
            with (
                self.subTest(label=label),
                self.assertRaises(ValidationError) as raised,
            ):
                Period.parse(label)
            self.assertEqual(raised.exception.code, "invalid_period")

    def test_period_of_a_day(self):
        day = datetime.date(2025, 5, 17)

        self.assertEqual(
            [
                Period.of(frequency, day).label
                for frequency in (YEARLY, QUARTERLY, MONTHLY)
            ],
            ["2025", "2025-Q2", "2025-05"],
        )

    def test_previous_crosses_the_year(self):
        self.assertEqual(
            [
                Period.parse(label).previous().label
                for label in ("2025", "2025-Q1", "2025-01", "2025-Q3")
            ],
            ["2024", "2024-Q4", "2024-12", "2025-Q2"],
        )

    def test_next_crosses_the_year(self):
        self.assertEqual(
            [
                Period.parse(label).next().label
                for label in ("2025", "2025-Q4", "2025-12", "2025-02")
            ],
            ["2026", "2026-Q1", "2026-01", "2025-03"],
        )

    def test_periods_order_by_start(self):
        labels = ["2025-Q3", "2024", "2025-Q1"]

        self.assertEqual(
            [str(period) for period in sorted(map(Period.parse, labels))],
            ["2024", "2025-Q1", "2025-Q3"],
        )
