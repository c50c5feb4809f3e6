"""The pages: who gets what, in which language, with how many queries."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType

from objectives import access, actions
from objectives.access import Action
from objectives.models import Change, Confidentiality, Objective, StatusReport
from objectives.periods import Period
from tests.factories import (
    make_indicator,
    make_milestone,
    make_objective,
    make_person,
    make_process,
    make_programme,
    make_project,
    make_user,
)
from tests.personas import PersonaTestCase

CONFIDENTIAL = Confidentiality.CONFIDENTIAL


def branch_titles(response):
    """The entity overview's cascade as [(objective, [children])]."""
    return [
        (branch.objective.title, [child.objective.title for child in branch.children])
        for branch in response.context["overview"].branches
    ]


def change_titles(response):
    """The home page's recent changes as [(record title, kind)], newest first."""
    return [
        (change.subject_title, change.kind) for change in response.context["changes"]
    ]


class ViewTestCase(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.child = make_objective(
            lead_organisation=cls.organisation_a,
            level=Objective.Level.OPERATIONAL,
            parent=cls.plan_objective,
            code="OD 1.1",
            title="Fewer road deaths",
        )
        cls.confidential = make_objective(
            lead_organisation=cls.organisation_a,
            confidentiality=CONFIDENTIAL,
            code="SD 2",
            title="Secret reorganisation",
        )
        cls.archived = make_objective(
            lead_organisation=cls.organisation_a, code="SD 9", title="Old plan"
        )
        actions.do_archive_component(cls.archived, acting_user=None)
        cls.objective_b = make_objective(
            lead_organisation=cls.organisation_b, code="SD 1", title="Clean air"
        )

        actions.do_report_status(
            cls.plan_objective,
            period=Period.parse("2025-Q2"),
            colour=StatusReport.Colour.GREEN,
            explanation="Ahead of schedule.",
            acting_user=cls.contributor_a,
        )
        actions.do_update_component(
            cls.plan_objective,
            acting_user=cls.admin_a,
            description="Halve the number of road deaths.",
        )
        cls.components_a = cls.make_components(cls.organisation_a, "A")
        cls.components_b = cls.make_components(cls.organisation_b, "B")

    @classmethod
    def make_components(cls, organisation, suffix):
        project = make_project(
            lead_organisation=organisation, title=f"Speed checks {suffix}"
        )
        return [
            project,
            make_milestone(project, title=f"Tender awarded {suffix}"),
            make_process(
                lead_organisation=organisation, title=f"Traffic signs {suffix}"
            ),
            make_programme(
                lead_organisation=organisation, title=f"Cycling plan {suffix}"
            ),
            make_indicator(
                lead_organisation=organisation, title=f"Road deaths {suffix}"
            ),
        ]


class LoginTests(ViewTestCase):
    def test_login_page_is_public(self):
        response = self.client.get("/login/")

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'name="password"')

    def test_login_with_password_leads_home(self):
        make_user(username="nora", password="a-long-test-password-42")

        response = self.client.post(
            "/login/", {"username": "nora", "password": "a-long-test-password-42"}
        )

        self.assertRedirects(response, "/", fetch_redirect_response=False)

    def test_anonymous_visitor_is_sent_to_login_from_home(self):
        response = self.client.get("/")

        self.assertRedirects(response, "/login/?next=/", fetch_redirect_response=False)

    def test_anonymous_visitor_is_sent_to_login_from_detail_page(self):
        url = self.plan_objective.get_absolute_url()

        response = self.client.get(url)

        self.assertRedirects(
            response, f"/login/?next={url}", fetch_redirect_response=False
        )


class HomeTests(ViewTestCase):
    def test_reader_sees_the_changes_of_visible_components_of_own_organisation(self):
        self.client.force_login(self.reader_a)

        response = self.client.get("/")

        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            change_titles(response),
            [
                ("Road deaths A", "created"),
                ("Cycling plan A", "created"),
                ("Traffic signs A", "created"),
                ("Tender awarded A", "created"),
                ("Speed checks A", "created"),
                ("Safe and smooth mobility", "updated"),
                ("Old plan", "archived"),
                ("Old plan", "created"),
                ("Fewer road deaths", "created"),
                ("Safe and smooth mobility", "created"),
            ],
        )
        self.assertContains(response, "Safe and smooth mobility")
        for hidden in ("Secret reorganisation", "Clean air", "Speed checks B"):
            self.assertNotContains(response, hidden)

    def test_administrator_also_sees_changes_of_confidential_objectives(self):
        self.client.force_login(self.admin_a)

        response = self.client.get("/")

        self.assertIn(("Secret reorganisation", "created"), change_titles(response))
        self.assertEqual(len(change_titles(response)), 11)

    def test_reader_of_other_organisation_sees_only_that_organisation(self):
        self.client.force_login(self.reader_b)

        response = self.client.get("/")

        self.assertEqual(
            change_titles(response),
            [
                ("Road deaths B", "created"),
                ("Cycling plan B", "created"),
                ("Traffic signs B", "created"),
                ("Tender awarded B", "created"),
                ("Speed checks B", "created"),
                ("Clean air", "created"),
            ],
        )
        self.assertNotContains(response, "Safe and smooth mobility")

    def test_user_without_role_is_told_to_ask_for_access(self):
        self.client.force_login(make_user())

        response = self.client.get("/")

        self.assertEqual(change_titles(response), [])
        self.assertContains(response, "functioneel beheerder")


class ComponentDetailTests(ViewTestCase):
    def test_own_objective_shows_title_status_and_change_history(self):
        self.client.force_login(self.reader_a)

        response = self.client.get(self.plan_objective.get_absolute_url())

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Safe and smooth mobility</h1>")
        self.assertContains(response, "Statusgeschiedenis")
        self.assertContains(
            response, '<strong class="period-tag">2025-Q2</strong>', count=1
        )
        self.assertContains(response, "Ahead of schedule.", count=2)
        self.assertContains(response, "Wijzigingsgeschiedenis")
        self.assertContains(
            response,
            "<dt>Beschrijving</dt>\n                <dd>— "
            '<span aria-hidden="true">→</span>',
        )
        self.assertEqual(
            [
                (entry["change"].kind, entry["change"].actor)
                for entry in response.context["changes"]
            ],
            [("updated", self.admin_a), ("created", None)],
        )
        self.assertEqual(
            [
                entry["report"].explanation
                for entry in response.context["status_periods"]
            ],
            ["Ahead of schedule."],
        )

    def test_objective_lists_its_visible_operational_objectives(self):
        self.client.force_login(self.reader_a)

        response = self.client.get(self.plan_objective.get_absolute_url())

        context = response.context
        self.assertEqual(
            [
                [item.title for item in context[key]]
                for key in (
                    "children",
                    "contributes_to",
                    "contributions_from",
                    "projects",
                    "processes",
                    "indicators",
                )
            ],
            [["Fewer road deaths"], [], [], [], [], []],
        )

    def test_foreign_objective_is_not_found(self):
        self.client.force_login(self.reader_b)

        response = self.client.get(self.plan_objective.get_absolute_url())

        self.assertEqual(response.status_code, 404)

    def test_confidential_objective_is_not_found_for_reader(self):
        self.client.force_login(self.reader_a)

        response = self.client.get(self.confidential.get_absolute_url())

        self.assertEqual(response.status_code, 404)

    def test_confidential_objective_is_shown_to_administrator(self):
        self.client.force_login(self.admin_a)

        response = self.client.get(self.confidential.get_absolute_url())

        self.assertContains(response, "Secret reorganisation</h1>")

    def test_every_own_component_is_shown_with_its_title(self):
        self.client.force_login(self.reader_a)

        # The indicator has a test of its own below.
        for component in self.components_a[:4]:
            with self.subTest(component=component.title):
                response = self.client.get(component.get_absolute_url())
                self.assertContains(response, f"{component.title}</h1>")

    def test_every_foreign_component_is_not_found(self):
        self.client.force_login(self.reader_a)

        for component in self.components_b:
            with self.subTest(component=component.title):
                response = self.client.get(component.get_absolute_url())
                self.assertEqual(response.status_code, 404)

    def test_unknown_public_id_is_not_found(self):
        self.client.force_login(self.global_admin)

        response = self.client.get("/objectives/00000000-0000-0000-0000-000000000000/")

        self.assertEqual(response.status_code, 404)

    def test_indicator_shows_its_title_and_measurements(self):
        indicator = self.components_a[4]
        actions.do_record_measurement(
            indicator,
            period=Period.parse("2024"),
            value=Decimal("312"),
            note="",
            acting_user=self.contributor_a,
        )
        self.client.force_login(self.reader_a)

        response = self.client.get(indicator.get_absolute_url())

        self.assertContains(response, "Road deaths A</h1>")
        self.assertEqual(
            [row["measurement"] for row in response.context["series"]], ["312"]
        )

    def test_project_lists_its_milestones(self):
        project, milestone = self.components_a[:2]
        self.client.force_login(self.reader_a)

        response = self.client.get(project.get_absolute_url())

        self.assertEqual(response.context["milestones"], [milestone])
        self.assertContains(response, "Tender awarded A")


class OrganisationDetailTests(ViewTestCase):
    def test_foreign_organisation_shows_none_of_its_objectives(self):
        self.client.force_login(self.reader_b)

        response = self.client.get("/organisations/OVO000001/")

        self.assertContains(response, "Department A <span")
        self.assertEqual(branch_titles(response), [])
        self.assertNotContains(response, "Safe and smooth mobility")

    def test_own_organisation_shows_its_visible_objectives(self):
        self.client.force_login(self.reader_a)

        response = self.client.get("/organisations/OVO000001/")

        self.assertEqual(
            branch_titles(response),
            [("Safe and smooth mobility", ["Fewer road deaths"])],
        )

    def test_unknown_organisation_is_not_found(self):
        self.client.force_login(self.reader_a)

        response = self.client.get("/organisations/OVO999999/")

        self.assertEqual(response.status_code, 404)


class AdminSiteTests(ViewTestCase):
    def test_global_administrator_opens_the_admin(self):
        self.client.force_login(self.global_admin)

        response = self.client.get("/admin/")

        self.assertEqual(response.status_code, 200)

    def test_organisation_administrator_is_sent_to_admin_login(self):
        self.client.force_login(self.admin_a)

        response = self.client.get("/admin/")

        self.assertRedirects(
            response, "/admin/login/?next=/admin/", fetch_redirect_response=False
        )

    def test_organisation_administrator_cannot_open_an_admin_change_page(self):
        self.client.force_login(self.admin_a)

        response = self.client.get(
            f"/admin/objectives/objective/{self.plan_objective.pk}/change/"
        )

        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith("/admin/login/"))


class LanguageTests(ViewTestCase):
    def test_interface_is_dutch_by_default(self):
        response = self.client.get("/login/")

        self.assertContains(response, '<html lang="nl">')
        self.assertContains(response, "Aanmelden")

    def test_browser_language_does_not_change_the_interface(self):
        response = self.client.get("/login/", headers={"accept-language": "en"})

        self.assertContains(response, '<html lang="nl">')

    def test_language_cookie_asks_for_english(self):
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

        response = self.client.get("/login/")

        self.assertContains(response, '<html lang="en">')
        self.assertContains(response, "Log in")
        self.assertNotContains(response, "Aanmelden")

    def test_unknown_language_cookie_falls_back_to_dutch(self):
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"

        response = self.client.get("/login/")

        self.assertContains(response, '<html lang="nl">')

    def test_language_switch_chooses_english_for_later_pages(self):
        response = self.client.post(
            "/i18n/setlang/", {"language": "en", "next": "/login/"}
        )

        self.assertRedirects(response, "/login/", fetch_redirect_response=False)
        self.assertEqual(self.client.cookies[settings.LANGUAGE_COOKIE_NAME].value, "en")
        self.assertContains(self.client.get("/login/"), '<html lang="en">')

    def test_logged_in_pages_follow_the_chosen_language(self):
        self.client.force_login(self.reader_a)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

        response = self.client.get(self.plan_objective.get_absolute_url())

        self.assertContains(response, '<html lang="en">')
        self.assertContains(response, "Status history")


class QueryCountTests(ViewTestCase):
    # Seven of them for "What I owe": one per kind of report and the lens
    # calendars.
    HOME_QUERIES = 18
    # 9 for the page itself, 2 for the permission checks of its managing
    # actions: the roles and the grants. The linked components of every
    # section come in one query (was one per component type: 14 in all).
    # Three more for the contradictions of the objective's status: its
    # projects, their late milestones, its indicators. One for its
    # successions across legislatures.
    DETAIL_QUERIES = 15

    def add_objectives(self, count):
        for number in range(count):
            parent = make_objective(
                lead_organisation=self.organisation_a,
                title=f"Extra {number}",
                responsible=make_person(),
            )
            make_objective(
                lead_organisation=self.organisation_a,
                level=Objective.Level.OPERATIONAL,
                parent=parent,
            )

    def add_links_to(self, objective, count):
        for number in range(count):
            child = make_objective(
                lead_organisation=self.organisation_a,
                level=Objective.Level.OPERATIONAL,
                parent=objective,
            )
            actions.do_link(
                objective,
                "projects",
                make_project(lead_organisation=self.organisation_a),
                acting_user=self.admin_a,
            )
            actions.do_link(
                child, "contributes_to", objective, acting_user=self.contributor_a
            )
            actions.do_report_status(
                objective,
                period=Period.of("monthly", datetime.date(2025, number + 1, 1)),
                colour=StatusReport.Colour.ORANGE,
                explanation=f"Month {number + 1}.",
                acting_user=self.reader_a if number % 2 else self.contributor_a,
            )

    def test_home_queries_do_not_grow_with_the_objectives(self):
        self.client.force_login(self.reader_a)
        with self.assertNumQueries(self.HOME_QUERIES):
            self.client.get("/")

        self.add_objectives(5)

        with self.assertNumQueries(self.HOME_QUERIES):
            response = self.client.get("/")
        self.assertEqual(len(response.context["changes"]), 15)

    def test_detail_queries_do_not_grow_with_the_links(self):
        self.client.force_login(self.reader_a)
        url = self.plan_objective.get_absolute_url()
        with self.assertNumQueries(self.DETAIL_QUERIES):
            self.client.get(url)

        self.add_links_to(self.plan_objective, 4)

        with self.assertNumQueries(self.DETAIL_QUERIES):
            response = self.client.get(url)
        self.assertEqual(len(response.context["status_periods"]), 5)
        self.assertEqual(len(response.context["projects"]), 4)


class AdminSaveTests(ViewTestCase):
    def post_objective(self, objective, **changes):
        objective.refresh_from_db()
        data = {
            "code": objective.code,
            "title": objective.title,
            "description": objective.description,
            "lead_organisation": objective.lead_organisation_id,
            "organisations": [o.pk for o in objective.organisations.all()],
            "responsible": objective.responsible_id or "",
            "confidentiality": objective.confidentiality,
            "reporting_frequency": objective.reporting_frequency,
            "level": objective.level,
            "parent": objective.parent_id or "",
            "legislature": objective.legislature_id,
            "structure_element": "",
            "_save": "Save",
            **changes,
        }
        self.client.force_login(self.global_admin)
        return self.client.post(
            f"/admin/objectives/objective/{objective.pk}/change/", data
        )

    def latest_change(self, objective):
        return Change.objects.filter(
            content_type=ContentType.objects.get_for_model(Objective),
            object_id=objective.pk,
        ).first()

    def test_admin_change_writes_readable_history(self):
        response = self.post_objective(self.child, title="No road deaths")

        self.assertEqual(response.status_code, 302)
        change = self.latest_change(self.child)
        self.assertEqual(
            (change.kind, change.changes, change.actor),
            (
                "updated",
                {"title": ["Fewer road deaths", "No road deaths"]},
                self.global_admin,
            ),
        )

    def test_admin_change_of_responsible_gives_them_the_grant(self):
        response = self.post_objective(self.child, responsible=self.reader_b.person.pk)

        self.assertEqual(response.status_code, 302)
        # Being named lets the responsible person edit, as after an action.
        self.assertIs(access.can(self.reader_b, Action.EDIT, self.child), True)

    def test_admin_change_of_responsible_names_both_people_in_history(self):
        actions.do_update_component(
            self.child, acting_user=None, responsible=self.contributor_a.person
        )

        self.post_objective(self.child, responsible=self.reader_b.person.pk)

        change = self.latest_change(self.child)
        self.assertEqual(change.changes, {"responsible": ["Contributor A", "Reader B"]})
