import datetime
import io

from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import TestCase, override_settings

from objectives import access
from objectives.demo.builder import DemoBuilder
from objectives.models import (
    STATUS_SUBJECTS,
    Change,
    Indicator,
    LegislatureTransition,
    Lens,
    Measurement,
    Membership,
    Milestone,
    Objective,
    Process,
    Programme,
    Project,
    StatusReport,
    Target,
    User,
)

REFERENCE_DATE = datetime.date(2026, 11, 15)


def snapshot():
    """What a seed produces, in a form two runs can be compared in."""
    return {
        "objectives": list(
            Objective.objects.order_by("public_id").values_list(
                "public_id", "code", "title", "lead_organisation__ovo_number"
            )
        ),
        "projects": list(
            Project.objects.order_by("public_id").values_list(
                "public_id", "code", "start_date", "end_date"
            )
        ),
        "reports": sorted(
            (
                str(report.subject.public_id),
                report.period_start,
                report.colour,
                report.explanation,
            )
            for report in StatusReport.objects.select_related(*STATUS_SUBJECTS)
        ),
    }


@override_settings(DEBUG=True)
class SeedDemoTests(TestCase):
    def build(self, seed=7):
        builder = DemoBuilder(scale=0.02, seed=seed, reference_date=REFERENCE_DATE)
        return builder, builder.build()

    def test_counts_printed_match_the_database(self):
        _, counts = self.build()

        self.assertEqual(counts["objectives"], Objective.objects.count())
        self.assertEqual(counts["projects"], Project.objects.count())
        self.assertEqual(counts["milestones"], Milestone.objects.count())
        self.assertEqual(counts["status reports"], StatusReport.objects.count())
        self.assertEqual(counts["organisations"], 153)
        self.assertEqual(counts["entities with cascades"], 3)

    def test_every_created_component_has_its_history_row(self):
        self.build()

        created = Change.objects.filter(kind=Change.Kind.CREATED)
        self.assertEqual(
            created.filter(content_type__model="project").count(),
            Project.objects.count(),
        )
        self.assertEqual(
            created.filter(content_type__model="milestone").count(),
            Milestone.objects.count(),
        )

    def test_cascades_are_two_to_three_levels_deep(self):
        self.build()

        self.assertFalse(
            Objective.objects.filter(level="strategic", parent__isnull=False).exists()
        )
        self.assertTrue(
            Objective.objects.filter(
                parent__parent__isnull=True, parent__isnull=False
            ).exists()
        )
        self.assertTrue(Objective.objects.filter(parent__parent__isnull=False).exists())
        self.assertFalse(
            Objective.objects.filter(parent__parent__parent__isnull=False).exists()
        )

    def test_one_entity_has_a_draft_transition_to_the_current_legislature(self):
        builder, counts = self.build()

        transition = LegislatureTransition.objects.get()
        self.assertEqual(transition.status, LegislatureTransition.Status.DRAFT)
        self.assertEqual(transition.previous_legislature.name, "2019–2024")
        self.assertEqual(transition.next_legislature.name, "2024–2029")
        ended = transition.successions.get()
        self.assertEqual(ended.kind, "ended")
        self.assertEqual(
            ended.previous_objective.lead_organisation, transition.organisation
        )
        self.assertEqual(
            ended.previous_objective.legislature, transition.previous_legislature
        )
        self.assertEqual(counts["legislature transitions"], 1)

    def test_every_project_has_three_to_eight_milestones(self):
        self.build()

        counts = {
            len(project.milestones.all())
            for project in Project.objects.prefetch_related("milestones")
        }
        self.assertLessEqual(max(counts), 8)
        self.assertGreaterEqual(min(counts), 3)

    def test_some_components_of_every_type_are_published_with_their_history(self):
        self.build()

        for model in (Objective, Project, Process, Programme, Indicator):
            with self.subTest(model=model.__name__):
                public = access.published(model)
                self.assertGreater(public.count(), 0)
                self.assertLess(public.count(), model.objects.count())
        for model in (Milestone, StatusReport, Measurement, Target):
            with self.subTest(model=model.__name__):
                self.assertGreater(access.published(model).count(), 0)
        self.assertTrue(
            access.published(StatusReport)
            .filter(project__in=access.published(Project))
            .exists()
        )

    def test_lenses_include_a_coalition_agreement_and_ten_transversal_plans(self):
        self.build()

        self.assertEqual(
            Lens.objects.filter(kind=Lens.Kind.COALITION_AGREEMENT).count(), 1
        )
        plans = Lens.objects.filter(kind=Lens.Kind.TRANSVERSAL_PLAN)
        self.assertEqual(plans.count(), 10)
        for plan in plans:
            entities = plan.entries.values("objective__lead_organisation").distinct()
            self.assertGreater(entities.count(), 1, plan.name)

    def test_demo_logins_cover_every_role_in_two_entities(self):
        builder, _ = self.build()

        roles = {(username, role) for username, role, _ in builder.logins}
        self.assertIn(("lezer.dmow", Membership.Role.READER), roles)
        self.assertIn(("beheerder.dov", Membership.Role.ADMINISTRATOR), roles)
        self.assertIn(("centraal", "global administrator"), roles)
        self.assertEqual(len(builder.logins), 8)
        self.assertTrue(
            User.objects.get(username="invoerder.dmow").check_password("traject-demo")
        )
        self.assertTrue(User.objects.get(username="centraal").is_global_admin)

    @override_settings(DEBUG=False)
    def test_demo_accounts_get_no_password_without_debug(self):
        self.build()

        self.assertFalse(User.objects.get(username="lezer.dmow").has_usable_password())

    def built_snapshot(self, seed):
        with transaction.atomic():
            self.build(seed=seed)
            result = snapshot()
            transaction.set_rollback(True)
        return result

    def test_the_same_seed_gives_the_same_data(self):
        first = self.built_snapshot(3)

        self.assertEqual(self.built_snapshot(3), first)
        self.assertGreater(len(first["objectives"]), 50)

    def test_another_seed_gives_other_data(self):
        first = self.built_snapshot(3)

        self.assertNotEqual(self.built_snapshot(4)["objectives"], first["objectives"])


@override_settings(DEBUG=True)
class SeedDemoCommandTests(TestCase):
    def test_command_refuses_a_database_with_objectives(self):
        out = io.StringIO()
        call_command("seed_demo", scale=0.02, stdout=out)

        with self.assertRaisesMessage(CommandError, "already holds objectives"):
            call_command("seed_demo", scale=0.02, stdout=io.StringIO())
        self.assertIn("Seeded at scale 0.02", out.getvalue())

    def test_if_empty_skips_a_seeded_database_and_prints_the_logins(self):
        call_command("seed_demo", scale=0.02, stdout=io.StringIO())
        before = Objective.objects.count()
        out = io.StringIO()

        call_command("seed_demo", scale=0.02, if_empty=True, stdout=out)

        self.assertEqual(Objective.objects.count(), before)
        self.assertIn("seeding skipped", out.getvalue())
        self.assertIn("lezer.dmow", out.getvalue())

    def test_scale_must_be_positive(self):
        with self.assertRaisesMessage(CommandError, "--scale must be above 0"):
            call_command("seed_demo", "--scale", "0")
        self.assertFalse(Objective.objects.exists())


class LensNumberingTests(TestCase):
    def test_entries_are_numbered_by_their_positions_under_headings(self):
        builder = DemoBuilder(scale=0.02, seed=2, reference_date=REFERENCE_DATE)
        builder.build()
        coalition = Lens.objects.get(kind=Lens.Kind.COALITION_AGREEMENT)

        with self.assertNumQueries(1):
            numbered = coalition.numbered_entries()

        headings = [(n, e.heading) for n, depth, e in numbered if depth == 0]
        self.assertEqual(headings[0], ("1", "Een sterke economie"))
        self.assertEqual(headings[4], ("5", "Mobiliteit"))
        for number, _ in headings:
            chapter = [n for n, d, e in numbered if n.startswith(f"{number}.")]
            expected = [f"{number}.{i}" for i in range(1, len(chapter) + 1)]
            self.assertEqual(chapter, expected)
        self.assertEqual(len(numbered), coalition.entries.count())
        self.assertTrue(all(e.objective_id for n, d, e in numbered if d == 1))
