"""The reporting cycle: deadlines, what each person owes, the reminders, the
lens calendars and the completion of an entity."""

import datetime

import time_machine
from django.conf import settings
from django.core import mail
from django.test import TestCase, override_settings
from django.utils import timezone

from objectives import actions, cycle, cycle_actions, reminders
from objectives.demo.builder import DemoBuilder
from objectives.models import (
    Change,
    LateReminderRound,
    Lens,
    Membership,
    Objective,
    ReportingCalendar,
    ReportingDeadline,
    SentReminder,
    StatusReport,
    Tier,
    User,
)
from objectives.periods import Period
from objectives.tasks import send_late_reminders_task, send_reminders_task
from tests.eager import eager_tasks
from tests.factories import (
    make_indicator,
    make_lens,
    make_milestone,
    make_objective,
    make_project,
)
from tests.personas import PersonaTestCase, make_persona

Colour = StatusReport.Colour
Q3 = Period.parse("2026-Q3")
# Three days before the first deadline of 2026-Q3 (10 October): the reminder
# window of those deadlines opens today.
BEFORE = datetime.datetime(2026, 10, 3, 9, 0, tzinfo=datetime.UTC)


def travel(day, hour=9):
    return time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, hour, tzinfo=datetime.UTC),
        tick=False,
    )


def report(component, period=Q3, colour=Colour.GREEN):
    return actions.do_report_status(
        component,
        period=period,
        colour=colour,
        explanation="On track.",
        acting_user=None,
    )


class CycleTestCase(PersonaTestCase):
    """Organisation A's cascade: everything quarterly, reported up to 2026-Q2."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for user in User.objects.all():
            user.email = f"{user.username}@example.org"
            user.save(update_fields=["email"])
        cls.member_a = make_persona(
            "member_a", cls.organisation_a, Membership.Role.CONTRIBUTOR
        )
        cls.member_a.email = "member_a@example.org"
        cls.member_a.save(update_fields=["email"])
        worker = cls.contributor_a.person

        cls.strategic = make_objective(
            lead_organisation=cls.organisation_a,
            code="SD 2",
            title="Cleaner air",
            responsible=worker,
        )
        cls.operational = make_objective(
            lead_organisation=cls.organisation_a,
            code="OD 2.1",
            title="Fewer diesel buses",
            level=Objective.Level.OPERATIONAL,
            parent=cls.strategic,
            responsible=cls.admin_a.person,
        )
        cls.project = make_project(
            lead_organisation=cls.organisation_a,
            code="PR 1",
            title="Electric buses",
            responsible=worker,
            members=[cls.member_a.person],
        )
        cls.assigned = make_milestone(
            cls.project, code="M1", title="Buses ordered", assignee=worker
        )
        cls.unassigned = make_milestone(cls.project, code="M2", title="Depot rebuilt")
        cls.indicator = make_indicator(
            lead_organisation=cls.organisation_a,
            code="IN 1",
            title="Diesel buses in service",
            responsible=worker,
        )
        cls.archived = make_project(
            lead_organisation=cls.organisation_a,
            code="PR 9",
            title="Abandoned",
            responsible=worker,
            is_archived=True,
        )
        cls.unowned = make_project(
            lead_organisation=cls.organisation_a, code="PR 5", title="Nobody's"
        )
        q2 = Period.parse("2026-Q2")
        for component in (
            cls.strategic,
            cls.operational,
            cls.project,
            cls.assigned,
            cls.unassigned,
            cls.archived,
            cls.unowned,
        ):
            report(component, q2)
        actions.do_record_measurement(
            cls.indicator, period=q2, value=40, note="", acting_user=None
        )

    def owed(self, user, day):
        return [
            (item.kind, item.subject.code, item.period.label, item.deadline)
            for item in cycle.owed_by_user(user, day)
        ]


class DeadlineTests(CycleTestCase):
    def test_deadlines_are_staggered_by_level(self):
        self.assertEqual(
            [cycle.default_deadline(Q3, tier) for tier in Tier.values],
            [
                datetime.date(2026, 10, 10),
                datetime.date(2026, 10, 20),
                datetime.date(2026, 10, 30),
            ],
        )

    @override_settings(
        REPORT_DUE_DAYS={"delivery": 5, "operational": 6, "strategic": 7}
    )
    def test_offsets_come_from_the_settings(self):
        self.assertEqual(
            cycle.default_deadline(Q3, Tier.STRATEGIC), datetime.date(2026, 10, 7)
        )

    def test_programmes_report_with_operational_objectives(self):
        self.assertEqual(cycle.tier_of("programme"), Tier.OPERATIONAL)
        self.assertEqual(cycle.tier_of("milestone"), Tier.DELIVERY)
        self.assertEqual(cycle.tier_of("objective", "strategic"), Tier.STRATEGIC)


class OwedTests(CycleTestCase):
    def test_the_responsible_person_owes_everything_named_on_them(self):
        owed = self.owed(self.contributor_a, datetime.date(2026, 10, 3))

        first = datetime.date(2026, 10, 10)
        self.assertEqual(
            owed,
            [
                ("milestone", "PR 1 / M1", "2026-Q3", first),
                ("milestone", "PR 1 / M2", "2026-Q3", first),
                ("project", "PR 1", "2026-Q3", first),
                ("indicator", "IN 1", "2026-Q3", first),
                ("objective", "SD 2", "2026-Q3", datetime.date(2026, 10, 30)),
            ],
        )

    def test_project_members_owe_the_project_and_nobody_owes_the_unnamed(self):
        self.assertEqual(
            self.owed(self.member_a, datetime.date(2026, 10, 3)),
            [("project", "PR 1", "2026-Q3", datetime.date(2026, 10, 10))],
        )
        self.assertEqual(
            self.owed(self.admin_a, datetime.date(2026, 10, 3)),
            [("objective", "OD 2.1", "2026-Q3", datetime.date(2026, 10, 20))],
        )
        everyone = cycle.owed_by_everyone(datetime.date(2026, 10, 3))
        codes = {item.subject.code for items in everyone.values() for item in items}
        self.assertNotIn("PR 5", codes)
        self.assertNotIn("PR 9", codes)

    def test_a_report_removes_the_item_and_a_report_ahead_counts(self):
        report(self.project)
        report(self.strategic, Period.parse("2026-Q4"))

        owed = self.owed(self.contributor_a, datetime.date(2026, 10, 3))

        self.assertEqual(
            [code for _, code, _, _ in owed], ["PR 1 / M1", "PR 1 / M2", "IN 1"]
        )

    def test_late_items_stay_until_the_next_round(self):
        owed = cycle.owed_by_user(self.member_a, datetime.date(2026, 12, 31))
        self.assertEqual(
            [(item.period.label, item.is_late) for item in owed], [("2026-Q3", True)]
        )
        self.assertEqual(owed[0].days, 82)

        owed = cycle.owed_by_user(self.member_a, datetime.date(2027, 1, 2))
        self.assertEqual(
            [(item.period.label, item.is_late) for item in owed], [("2026-Q4", False)]
        )

    def test_completed_milestones_and_archived_projects_owe_nothing(self):
        self.assigned.completed_on = datetime.date(2026, 9, 1)
        self.assigned.save()

        owed = self.owed(self.contributor_a, datetime.date(2026, 10, 3))

        self.assertNotIn("PR 1 / M1", [code for _, code, _, _ in owed])
        self.assertNotIn("PR 9", [code for _, code, _, _ in owed])

    def test_everyone_at_once_agrees_with_each_user(self):
        day = datetime.date(2026, 10, 3)
        everyone = cycle.owed_by_everyone(day)

        for user in (self.contributor_a, self.member_a, self.admin_a):
            self.assertEqual(
                sorted(item.key for item in everyone[user.pk]),
                sorted(item.key for item in cycle.owed_by_user(user, day)),
            )


class LensCalendarTests(CycleTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        actions.do_link(cls.strategic, "projects", cls.project, acting_user=None)
        cls.plan = make_lens(
            name="Clean air plan",
            kind=Lens.Kind.TRANSVERSAL_PLAN,
            organisation=cls.organisation_a,
            objectives=[cls.strategic],
        )
        cls.calendar = ReportingCalendar.objects.create(
            lens=cls.plan, frequency="monthly", delivery_days=5
        )
        ReportingDeadline.objects.create(
            calendar=cls.calendar,
            period_start=datetime.date(2026, 9, 1),
            period_end=datetime.date(2026, 9, 30),
            tier=Tier.STRATEGIC,
            due_on=datetime.date(2026, 10, 15),
        )

    def test_the_earliest_deadline_wins(self):
        owed = self.owed(self.contributor_a, datetime.date(2026, 10, 3))

        self.assertIn(("project", "PR 1", "2026-Q3", datetime.date(2026, 10, 5)), owed)
        self.assertIn(
            ("objective", "SD 2", "2026-Q3", datetime.date(2026, 10, 15)), owed
        )
        # The operational objective beneath follows the plan's calendar, whose
        # offset for its level is the entity calendar's.
        self.assertEqual(
            self.owed(self.admin_a, datetime.date(2026, 10, 3)),
            [("objective", "OD 2.1", "2026-Q3", datetime.date(2026, 10, 20))],
        )

    def test_a_monthly_plan_asks_a_quarterly_project_for_the_ongoing_quarter(self):
        report(self.project)

        owed = self.owed(self.member_a, datetime.date(2026, 11, 2))

        self.assertEqual(
            owed, [("project", "PR 1", "2026-Q4", datetime.date(2026, 11, 5))]
        )

    def test_an_archived_plan_asks_nothing(self):
        self.plan.is_archived = True
        self.plan.save()

        owed = self.owed(self.member_a, datetime.date(2026, 10, 3))

        self.assertEqual(
            owed, [("project", "PR 1", "2026-Q3", datetime.date(2026, 10, 10))]
        )


class ReminderTests(CycleTestCase):
    def send(self, day):
        mail.outbox = []
        with travel(day):
            return reminders.send_due_reminders(timezone.localdate())

    def recipients(self):
        return sorted(message.to[0] for message in mail.outbox)

    def test_one_digest_per_person_a_week_before(self):
        people, sent = self.send(datetime.date(2026, 10, 3))

        self.assertEqual((people, sent), (2, 5))
        self.assertEqual(
            self.recipients(), ["contributor_a@example.org", "member_a@example.org"]
        )
        digest = next(m for m in mail.outbox if m.to == ["contributor_a@example.org"])
        self.assertEqual(digest.subject, "Traject: 4 rapporteringen te leveren")
        self.assertIn("PR 1 / M1 Buses ordered", digest.body)
        self.assertIn("IN 1 Diesel buses in service", digest.body)
        self.assertIn("vervaldatum 10/10/2026", digest.body)
        self.assertIn(f"{settings.SITE_URL}/owed/", digest.body)
        # The strategic objective is due on 30 October: not yet.
        self.assertNotIn("SD 2", digest.body)

    def test_a_rerun_sends_nothing(self):
        self.send(datetime.date(2026, 10, 3))
        self.assertEqual(self.send(datetime.date(2026, 10, 3)), (0, 0))
        self.assertEqual(self.send(datetime.date(2026, 10, 5)), (0, 0))
        self.assertEqual(mail.outbox, [])
        self.assertEqual(SentReminder.objects.count(), 5)

    def test_late_reminders_a_day_after_then_weekly(self):
        self.send(datetime.date(2026, 10, 3))
        report(self.project)

        self.assertEqual(self.send(datetime.date(2026, 10, 10)), (0, 0))
        self.assertEqual(self.send(datetime.date(2026, 10, 11)), (1, 3))
        self.assertEqual(self.recipients(), ["contributor_a@example.org"])
        self.assertIn("1 dag te laat", mail.outbox[0].body)
        # The operational objective is due on 20 October: its week starts.
        self.assertEqual(self.send(datetime.date(2026, 10, 17)), (1, 1))
        self.assertEqual(self.recipients(), ["admin_a@example.org"])
        # A week after the first late reminder, the second.
        self.assertEqual(self.send(datetime.date(2026, 10, 18)), (1, 3))
        self.assertEqual(self.recipients(), ["contributor_a@example.org"])
        self.assertIn("8 dagen te laat", mail.outbox[0].body)

    def test_a_reminder_recorded_by_another_run_is_not_sent_again(self):
        day = datetime.date(2026, 10, 3)
        with travel(day):
            due = reminders.due_reminders(day)
        owed, stage, sequence = due[self.member_a.pk][0]
        SentReminder.objects.create(
            user=self.member_a,
            subject_kind=owed.kind,
            subject_id=owed.subject.pk,
            period_start=owed.period.start,
            period_end=owed.period.end,
            stage=stage,
            sequence=sequence,
        )

        self.assertEqual(self.send(day), (1, 4))
        self.assertEqual(self.recipients(), ["contributor_a@example.org"])

    def test_a_failing_mail_server_keeps_the_reminders_for_the_next_run(self):
        failing = override_settings(
            EMAIL_BACKEND="tests.objectives.test_cycle.FailingBackend"
        )
        with failing, self.assertRaises(OSError):
            self.send(datetime.date(2026, 10, 3))
        self.assertEqual(SentReminder.objects.count(), 0)

        self.assertEqual(self.send(datetime.date(2026, 10, 3)), (2, 5))

    def test_people_without_an_address_are_skipped(self):
        User.objects.filter(pk=self.member_a.pk).update(email="")

        self.assertEqual(self.send(datetime.date(2026, 10, 3)), (1, 4))

    def test_the_task_sends_todays_digests(self):
        with travel(datetime.date(2026, 10, 3)), eager_tasks():
            result = send_reminders_task.delay().get()

        self.assertEqual(result, {"people": 2, "reminders": 5})
        self.assertEqual(len(mail.outbox), 2)


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("The mail server is down.")


class LateReminderRoundTests(CycleTestCase):
    def test_the_late_reporters_receive_one_digest_each(self):
        with (
            travel(datetime.date(2026, 10, 25)),
            eager_tasks(),
            self.captureOnCommitCallbacks(execute=True),
        ):
            reminder_round = cycle_actions.do_request_late_reminders(
                self.organisation_a, Q3, acting_user=self.admin_a
            )

        reminder_round.refresh_from_db()
        # The unowned project goes to the contributors and administrators of A.
        self.assertEqual(
            sorted(message.to[0] for message in mail.outbox),
            [
                "admin_a@example.org",
                "contributor_a@example.org",
                "member_a@example.org",
            ],
        )
        self.assertEqual(reminder_round.recipient_count, 3)
        self.assertIsNotNone(reminder_round.sent_at)
        self.assertTrue(
            Change.objects.filter(
                object_id=reminder_round.pk, kind=Change.Kind.CREATED
            ).exists()
        )
        digest = next(m for m in mail.outbox if m.to == ["member_a@example.org"])
        self.assertIn("PR 1 Electric buses", digest.body)
        self.assertIn("PR 5 Nobody's", digest.body)

    def test_a_round_is_sent_once(self):
        reminder_round = LateReminderRound.objects.create(
            organisation=self.organisation_a,
            period_start=Q3.start,
            period_end=Q3.end,
            requested_on=datetime.date(2026, 10, 25),
        )
        with travel(datetime.date(2026, 10, 25)), eager_tasks():
            send_late_reminders_task.delay(reminder_round.pk)
            send_late_reminders_task.delay(reminder_round.pk)

        self.assertEqual(len(mail.outbox), 3)


@override_settings(DEBUG=True)
class DemoTests(TestCase):
    def test_the_demo_contributor_owes_reports(self):
        reference = datetime.date(2026, 11, 15)
        DemoBuilder(scale=0.02, seed=7, reference_date=reference).build()
        contributor = User.objects.get(username="invoerder.dmow")

        owed = cycle.owed_by_user(contributor, reference)

        self.assertGreaterEqual(len(owed), 2)
        self.assertTrue(all(item.period.label == "2026-Q3" for item in owed))
