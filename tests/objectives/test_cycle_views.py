"""The pages of the reporting cycle: what I owe, filled in place or on a page
of its own, the calendars, a lens's calendar and an entity's completion."""

import datetime

from django.conf import settings
from django.core import mail

from objectives.models import (
    Change,
    LateReminderRound,
    Lens,
    Measurement,
    Objective,
    ReportingCalendar,
    ReportingDeadline,
    StatusReport,
)
from tests.eager import eager_tasks
from tests.factories import make_lens, make_milestone, make_project
from tests.objectives.test_cycle import CycleTestCase, report, travel

DAY = datetime.date(2026, 10, 12)


class CycleViewTestCase(CycleTestCase):
    def setUp(self):
        self.traveller = travel(DAY)
        self.traveller.start()
        self.addCleanup(self.traveller.stop)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    def fill_url(self, kind, obj):
        return f"/owed/{kind}/{obj.public_id}/"


class OwedListTests(CycleViewTestCase):
    # Session and user, the entity switcher, the six kinds and the calendars.
    QUERIES = 10

    def test_lists_what_the_user_owes_with_deadline_and_late_marker(self):
        self.client.force_login(self.contributor_a)

        response = self.client.get("/owed/")

        self.assertEqual(
            [(item.kind, item.subject.code) for item in response.context["owed"]],
            [
                ("milestone", "PR 1 / M1"),
                ("milestone", "PR 1 / M2"),
                ("project", "PR 1"),
                ("indicator", "IN 1"),
                ("objective", "SD 2"),
            ],
        )
        self.assertContains(response, '<strong id="owed-count">5</strong>')
        self.assertContains(response, "4 are late.")
        self.assertContains(response, "due 10/10/2026, 2 days late", count=4)
        # English dates are month first.
        self.assertContains(response, "due 10/30/2026")

    def test_the_query_count_does_not_grow_with_the_items(self):
        self.client.force_login(self.contributor_a)
        self.client.get("/owed/")  # the content types, cached once per process
        with self.assertNumQueries(self.QUERIES):
            before = self.client.get("/owed/")
        for _number in range(3):
            project = make_project(
                lead_organisation=self.organisation_a,
                responsible=self.contributor_a.person,
            )
            make_milestone(project, assignee=self.contributor_a.person)
        with self.assertNumQueries(self.QUERIES):
            after = self.client.get("/owed/")
        self.assertEqual(len(after.context["owed"]), len(before.context["owed"]) + 6)

    def test_the_home_page_shows_the_first_items_and_the_count(self):
        self.client.force_login(self.contributor_a)

        response = self.client.get("/")

        self.assertContains(response, 'What I owe <span class="count">(5)</span>')
        self.assertContains(response, "Fill in all I owe (5)")

    def test_someone_who_owes_nothing_is_told_so(self):
        self.client.force_login(self.reader_b)

        response = self.client.get("/owed/")

        self.assertContains(response, "You owe nothing for this round.")


class FillInPlaceTests(CycleViewTestCase):
    def test_the_form_opens_in_place_on_the_owed_period(self):
        self.client.force_login(self.contributor_a)

        response = self.client.get(
            self.fill_url("project", self.project), headers={"HX-Request": "true"}
        )

        self.assertTemplateUsed(response, "objectives/cycle/_owed_item.html")
        self.assertContains(response, 'id="owed-project-')
        self.assertContains(response, '<option value="2026-Q3" selected>')
        self.assertContains(response, 'hx-post="/owed/project/')
        self.assertNotContains(response, "<html")

    def test_a_saved_report_removes_the_item_and_updates_the_count(self):
        self.client.force_login(self.contributor_a)

        response = self.client.post(
            self.fill_url("project", self.project),
            {"period": "2026-Q3", "colour": "orange", "explanation": "Late buses."},
            headers={"HX-Request": "true"},
        )

        self.assertContains(response, '<strong id="owed-count" hx-swap-oob="true">4')
        self.assertContains(response, "Saved for 2026-Q3: PR 1 Electric buses.")
        self.assertNotContains(response, "<li")
        latest = self.project.status_reports.first()
        self.assertEqual((latest.colour, latest.author), ("orange", self.contributor_a))

    def test_without_javascript_a_saved_report_returns_to_the_list(self):
        self.client.force_login(self.contributor_a)

        response = self.client.post(
            self.fill_url("indicator", self.indicator),
            {"period": "2026-Q3", "value": "37,5", "note": ""},
            follow=True,
        )

        self.assertRedirects(response, "/owed/")
        self.assertContains(response, "Saved for 2026-Q3")
        self.assertEqual(
            Measurement.objects.get(
                indicator=self.indicator, period_end=datetime.date(2026, 9, 30)
            ).value,
            37.5,
        )
        self.assertNotIn("indicator", [item.kind for item in response.context["owed"]])

    def test_a_milestone_is_updated_with_its_own_form(self):
        self.client.force_login(self.contributor_a)
        page = self.client.get(self.fill_url("milestone", self.assigned))
        self.assertContains(page, "Completed on")
        version = page.context["form"].initial["known_version"]

        response = self.client.post(
            self.fill_url("milestone", self.assigned),
            {
                "period": "2026-Q3",
                "colour": "blue",
                "completed_on": "01/10/2026",
                "explanation": "Ordered.",
                "known_report": "0",
                "known_version": version,
            },
        )

        self.assertRedirects(response, "/owed/", fetch_redirect_response=False)
        self.assigned.refresh_from_db()
        self.assertEqual(self.assigned.completed_on, datetime.date(2026, 10, 1))

    def test_bad_input_keeps_what_was_typed_and_saves_nothing(self):
        self.client.force_login(self.contributor_a)
        before = StatusReport.objects.count()

        response = self.client.post(
            self.fill_url("objective", self.strategic),
            {"period": "2026-Q3", "colour": "", "explanation": "Half written"},
            headers={"HX-Request": "true"},
        )

        self.assertContains(response, "Choose the status: one of the colours.")
        self.assertContains(response, "Half written")
        self.assertEqual(StatusReport.objects.count(), before)

    def test_a_reader_may_not_fill_in_and_a_foreign_user_sees_nothing(self):
        self.client.force_login(self.reader_a)
        response = self.client.post(
            self.fill_url("project", self.project),
            {"period": "2026-Q3", "colour": "green", "explanation": "Fine."},
        )
        self.assertEqual(response.status_code, 403)

        self.client.force_login(self.contributor_b)
        response = self.client.get(self.fill_url("project", self.project))
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.project.status_reports.count(), 1)

    def test_an_unknown_kind_is_not_found(self):
        self.client.force_login(self.contributor_a)

        response = self.client.get(f"/owed/lens/{self.project.public_id}/")

        self.assertEqual(response.status_code, 404)


class CalendarPageTests(CycleViewTestCase):
    # Session and user, the calendars, the lenses, the organisations, one
    # query per kind, the roles (for the completion link) and the entity
    # switcher.
    QUERIES = 13

    def test_lists_the_entity_calendar_the_lenses_and_the_inventory(self):
        plan = make_lens(
            name="Clean air plan",
            kind=Lens.Kind.TRANSVERSAL_PLAN,
            organisation=self.organisation_a,
            objectives=[self.strategic],
        )
        ReportingCalendar.objects.create(
            lens=plan, frequency="monthly", delivery_days=5
        )
        self.client.force_login(self.admin_a)

        response = self.client.get("/reporting-calendar/")

        self.assertContains(
            response, "Milestones, projects, processes and indicators: 10 days"
        )
        lenses = {lens.name: lens for lens in response.context["lenses"]}
        self.assertEqual(lenses["Clean air plan"].calendar.frequency, "monthly")
        # The objective it refers to and the operational one beneath.
        self.assertEqual(lenses["Clean air plan"].requested, 2)
        first_period, deadlines = lenses["Clean air plan"].next_deadlines[0]
        self.assertEqual(first_period.label, "2026-09")
        self.assertEqual(deadlines["delivery"], datetime.date(2026, 10, 5))
        self.assertEqual(deadlines["strategic"], datetime.date(2026, 10, 30))
        organisation, rows = response.context["inventory"][0]
        self.assertEqual(organisation, self.organisation_a)
        delivery = next(row for row in rows if row["tier"].startswith("milestones"))
        # PR 1, PR 5, two milestones and an indicator; PR 9 is archived; and
        # the persona base's plan objective is strategic.
        self.assertEqual(delivery["components"], 5)
        self.assertEqual(delivery["yearly_reports"], 20)
        self.assertEqual(
            delivery["deadline"],
            datetime.date(2026, 10, 20)
            - datetime.timedelta(days=10)
            + datetime.timedelta(days=92),
        )

    def test_the_query_count_does_not_grow_with_the_lenses(self):
        self.client.force_login(self.admin_a)
        self.client.get("/reporting-calendar/")
        with self.assertNumQueries(self.QUERIES):
            self.client.get("/reporting-calendar/")
        for _number in range(3):
            lens = make_lens(
                organisation=self.organisation_a, objectives=[self.strategic]
            )
            ReportingCalendar.objects.create(lens=lens, frequency="yearly")
        with self.assertNumQueries(self.QUERIES + 6):
            # Once any calendar exists: its dated deadlines, and the objectives,
            # children, projects, processes and indicators it applies to.
            self.client.get("/reporting-calendar/")


class LensCalendarEditTests(CycleViewTestCase):
    def url(self, lens=None):
        return f"/lenses/{(lens or self.plan_lens).public_id}/calendar/"

    def test_the_coordinator_gives_the_plan_its_calendar(self):
        self.client.force_login(self.coordinator)

        response = self.client.post(
            self.url(),
            {
                "has_own_calendar": "on",
                "frequency": "monthly",
                "delivery_days": "5",
                "operational_days": "",
                "strategic_days": "25",
            },
        )

        self.assertRedirects(response, self.url())
        calendar = ReportingCalendar.objects.get(lens=self.plan_lens)
        self.assertEqual(
            (calendar.frequency, calendar.delivery_days, calendar.operational_days),
            ("monthly", 5, None),
        )
        change = Change.objects.filter(
            content_type__model="lens", object_id=self.plan_lens.pk
        ).first()
        self.assertEqual(
            change.changes["reporting_calendar.strategic_days"], [None, 25]
        )

    def test_dated_deadlines_are_added_refused_and_removed(self):
        ReportingCalendar.objects.create(lens=self.plan_lens, frequency="quarterly")
        self.client.force_login(self.admin_b)
        url = f"{self.url()}deadlines/"

        refused = self.client.post(
            url, {"period": "2026-09", "tier": "strategic", "due_on": "15/11/2026"}
        )
        self.assertContains(refused, "This calendar reports quarterly")
        self.assertContains(refused, 'value="2026-09"')
        too_early = self.client.post(
            url, {"period": "2026-Q3", "tier": "strategic", "due_on": "15/09/2026"}
        )
        self.assertContains(too_early, "A report is due after its period ends")
        self.assertFalse(ReportingDeadline.objects.exists())

        self.client.post(
            url, {"period": "2026-Q3", "tier": "strategic", "due_on": "15/11/2026"}
        )
        deadline = ReportingDeadline.objects.get()
        self.assertEqual(deadline.due_on, datetime.date(2026, 11, 15))

        self.client.post(f"{url}remove/", {"deadline": deadline.pk})
        self.assertFalse(ReportingDeadline.objects.exists())

    def test_the_lens_page_leads_there_for_those_who_may_set_it(self):
        link = f'href="{self.url()}"'
        for user, shown in [
            (self.coordinator, True),
            (self.admin_b, True),
            (self.reader_b, False),
        ]:
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.get(f"/lenses/{self.plan_lens.public_id}/")
                if shown:
                    self.assertContains(response, link)
                else:
                    self.assertNotContains(response, link)

    def test_unchecking_removes_the_calendar(self):
        ReportingCalendar.objects.create(lens=self.plan_lens, frequency="monthly")
        self.client.force_login(self.admin_b)

        self.client.post(self.url(), {"frequency": "monthly"})

        self.assertFalse(ReportingCalendar.objects.exists())

    def test_readers_may_not_and_foreign_lenses_are_not_found(self):
        self.client.force_login(self.reader_b)
        self.assertEqual(self.client.get(self.url()).status_code, 403)
        response = self.client.post(
            self.url(), {"has_own_calendar": "on", "frequency": "monthly"}
        )
        self.assertEqual(response.status_code, 403)
        self.assertFalse(ReportingCalendar.objects.exists())

        foreign = make_lens(organisation=self.organisation_b, kind=Lens.Kind.OTHER)
        self.client.force_login(self.contributor_a)
        self.assertEqual(self.client.get(self.url(foreign)).status_code, 404)


class CompletionTests(CycleViewTestCase):
    # Session and user, the administered organisations, one query per kind,
    # the reminders sent and the entity switcher.
    QUERIES = 12

    def test_counts_done_late_and_missing_per_level(self):
        # Done: the project; late: the milestones, the indicator and the
        # unowned project; missing: both objectives (due 20 and 30 October).
        report(self.project)
        self.client.force_login(self.admin_a)

        response = self.client.get(
            "/completion/", {"organisation": "OVO000001", "period": "2026-Q3"}
        )

        rows = {row["label"]: row for row in response.context["completion"].rows}
        self.assertEqual((rows["Projects"]["done"], rows["Projects"]["late"]), (1, 1))
        self.assertEqual(rows["Milestones"]["late"], 2)
        self.assertEqual(rows["Indicators (measurements)"]["late"], 1)
        self.assertEqual(rows["Strategic objectives"]["missing"], 2)
        self.assertEqual(rows["Operational objectives"]["missing"], 1)
        self.assertEqual(
            response.context["completion"].totals, {"done": 1, "late": 4, "missing": 3}
        )
        late = [item.subject.code for item in response.context["completion"].late]
        self.assertEqual(late, ["PR 1 / M1", "PR 1 / M2", "PR 5", "IN 1"])
        self.assertContains(response, "the contributors of A")

    def test_the_query_count_does_not_grow_with_the_components(self):
        self.client.force_login(self.admin_a)
        self.client.get("/completion/")
        with self.assertNumQueries(self.QUERIES):
            self.client.get("/completion/")
        for _number in range(3):
            project = make_project(lead_organisation=self.organisation_a)
            make_milestone(project)
        with self.assertNumQueries(self.QUERIES):
            response = self.client.get("/completion/")
        # PR 1, PR 5, M1, M2 and IN 1, and the three projects and milestones.
        self.assertEqual(len(response.context["completion"].late), 11)

    def test_a_reminder_to_the_late_reporters_once_a_day(self):
        self.client.force_login(self.admin_a)
        data = {"organisation": "OVO000001", "period": "2026-Q3"}

        with eager_tasks(), self.captureOnCommitCallbacks(execute=True):
            response = self.client.post("/completion/remind/", data, follow=True)
        self.assertContains(response, "The late reporters will receive a reminder")
        self.assertEqual(len(mail.outbox), 3)
        page = self.client.get("/completion/", data)
        self.assertContains(page, "by admin_a: 3 people mailed")

        with eager_tasks(), self.captureOnCommitCallbacks(execute=True):
            response = self.client.post("/completion/remind/", data, follow=True)
        self.assertContains(response, "were already reminded today")
        self.assertEqual(len(mail.outbox), 3)
        self.assertEqual(LateReminderRound.objects.count(), 1)

    def test_only_administrators_follow_completion(self):
        self.client.force_login(self.contributor_a)
        self.assertEqual(self.client.get("/completion/").status_code, 403)
        response = self.client.post(
            "/completion/remind/", {"organisation": "OVO000001", "period": "2026-Q3"}
        )
        self.assertEqual(response.status_code, 403)

        self.client.force_login(self.admin_b)
        response = self.client.get(
            "/completion/", {"organisation": "OVO000001", "period": "2026-Q3"}
        )
        self.assertEqual(response.status_code, 403)
        response = self.client.post(
            "/completion/remind/", {"organisation": "OVO000001", "period": "2026-Q3"}
        )
        self.assertEqual(response.status_code, 403)
        self.assertFalse(LateReminderRound.objects.exists())

    def test_a_period_outside_the_list_is_refused(self):
        self.client.force_login(self.admin_a)

        response = self.client.get(
            "/completion/", {"organisation": "OVO000001", "period": "2019-Q1"}
        )

        self.assertContains(response, "Choose an entity and a period from the lists.")
        self.assertNotIn("completion", response.context)

    def test_global_administrators_follow_every_entity(self):
        self.client.force_login(self.global_admin)

        response = self.client.get(
            "/completion/", {"organisation": "OVO000001", "period": "2026-Q3"}
        )

        self.assertEqual(response.context["organisation"], self.organisation_a)
        self.assertEqual(
            Objective.objects.filter(lead_organisation=self.organisation_a).count(), 3
        )
