"""The linked sections of detail pages: the first items, then every one."""

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from objectives import actions
from objectives.linked import PER_PAGE, SHOWN_PER_SECTION
from objectives.models import Confidentiality, Project, StatusReport
from objectives.periods import Period
from tests.factories import (
    make_milestone,
    make_objective,
    make_programme,
    make_project,
)
from tests.personas import PersonaTestCase

CONFIDENTIAL = Confidentiality.CONFIDENTIAL


def section_url(component, section, page=None):
    url = reverse(
        "objectives:linked_section",
        kwargs={
            "model": component,
            "public_id": component.public_id,
            "section": section,
        },
    )
    return f"{url}?page={page}" if page else url


def codes(items):
    return [item.code for item in items]


class LinkedTestCase(PersonaTestCase):
    """An objective of A with 55 projects its reader sees, one confidential
    project and one of B that the reader may not see."""

    VISIBLE = 55

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        a = cls.organisation_a
        cls.objective = make_objective(lead_organisation=a, code="SD 77")
        # Created in reverse so that the order shown is the code's, not the
        # creation's: "PR 2" before "PR 10".
        for number in range(cls.VISIBLE, 0, -1):
            project = make_project(
                lead_organisation=a, code=f"PR {number}", title=f"Project {number}"
            )
            actions.do_link(cls.objective, "projects", project, acting_user=None)
        cls.confidential = make_project(
            lead_organisation=a,
            code="PR 99",
            title="Secret project",
            confidentiality=CONFIDENTIAL,
        )
        cls.foreign = make_project(
            lead_organisation=cls.organisation_b, code="PR 98", title="Foreign project"
        )
        for project in (cls.confidential, cls.foreign):
            actions.do_link(cls.objective, "projects", project, acting_user=None)

    def get(self, url, user=None, htmx=False):
        self.client.force_login(user or self.reader_a)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        headers = {"HX-Request": "true"} if htmx else {}
        return self.client.get(url, headers=headers)


class DetailSectionTests(LinkedTestCase):
    def test_section_with_more_than_the_limit_shows_the_limit_and_the_total(self):
        response = self.get(self.objective.get_absolute_url())

        self.assertEqual(SHOWN_PER_SECTION, 20)
        self.assertEqual(
            codes(response.context["projects"]), [f"PR {n}" for n in range(1, 21)]
        )
        self.assertEqual(response.context["sections"]["projects"].total, 55)
        self.assertContains(
            response,
            '<h2 id="projects-heading">Projects <span class="count">55</span></h2>',
            html=True,
        )
        self.assertContains(response, "Project 20</a>")
        self.assertNotContains(response, "Project 21</a>")
        url = section_url(self.objective, "projects")
        self.assertContains(
            response,
            f'<a href="{url}" hx-get="{url}" hx-target="#projects-items" '
            'hx-swap="outerHTML">Show all 55</a>',
            html=True,
        )

    def test_section_within_the_limit_offers_no_more(self):
        objective = make_objective(lead_organisation=self.organisation_a)
        project = make_project(lead_organisation=self.organisation_a)
        actions.do_link(objective, "projects", project, acting_user=None)

        response = self.get(objective.get_absolute_url())

        self.assertEqual(codes(response.context["projects"]), [project.code])
        self.assertNotContains(response, "Show all")
        self.assertNotContains(response, "/linked/")

    def test_invisible_projects_are_neither_counted_nor_listed(self):
        response = self.get(self.objective.get_absolute_url())

        self.assertNotContains(response, "Secret project")
        self.assertNotContains(response, "Foreign project")
        self.assertContains(response, "Show all 55")

    def test_administrator_counts_the_confidential_project_too(self):
        response = self.get(self.objective.get_absolute_url(), self.admin_a)

        self.assertEqual(response.context["sections"]["projects"].total, 56)
        self.assertContains(response, "Show all 56")

    def test_dutch_page_offers_to_show_all(self):
        self.client.force_login(self.reader_a)

        response = self.client.get(self.objective.get_absolute_url())

        self.assertContains(response, "Toon alle 55")


class LazySectionTests(LinkedTestCase):
    def test_htmx_request_gets_the_first_page_as_a_fragment(self):
        response = self.get(section_url(self.objective, "projects"), htmx=True)

        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "<html")
        page = response.context["page"]
        self.assertEqual(PER_PAGE, 50)
        self.assertEqual(codes(page.object_list), [f"PR {n}" for n in range(1, 51)])
        self.assertEqual(page.paginator.count, 55)
        self.assertContains(response, 'id="projects-items"', count=1)
        self.assertContains(response, "Page 1 of 2")
        next_url = section_url(self.objective, "projects", page=2)
        self.assertContains(
            response,
            f'<a href="{next_url}" hx-get="{next_url}" hx-target="#projects-items" '
            'hx-swap="outerHTML" rel="next">Next</a>',
            html=True,
        )
        vary = [header.strip() for header in response["Vary"].split(",")]
        self.assertIn("HX-Request", vary)

    def test_htmx_request_gets_the_next_items(self):
        url = section_url(self.objective, "projects", page=2)

        response = self.get(url, htmx=True)

        self.assertNotContains(response, "<html")
        self.assertEqual(
            codes(response.context["page"].object_list),
            ["PR 51", "PR 52", "PR 53", "PR 54", "PR 55"],
        )
        self.assertContains(response, "Page 2 of 2")
        self.assertContains(response, 'rel="prev">Previous</a>')
        self.assertNotContains(response, 'rel="next"')

    def test_without_javascript_the_section_is_a_paginated_page(self):
        first = self.get(section_url(self.objective, "projects"))
        second = self.get(section_url(self.objective, "projects", page=2))

        self.assertContains(first, "<html")
        self.assertTemplateUsed(first, "base.html")
        self.assertContains(first, '<h1>Projects <span class="count">(55)</span></h1>')
        self.assertContains(first, f'href="{self.objective.get_absolute_url()}"')
        self.assertEqual(len(first.context["page"].object_list), 50)
        self.assertContains(first, "Project 50</a>")
        self.assertNotContains(first, "Project 51</a>")
        self.assertContains(second, "<html")
        self.assertEqual(
            codes(second.context["page"].object_list),
            ["PR 51", "PR 52", "PR 53", "PR 54", "PR 55"],
        )

    def test_a_page_past_the_end_shows_the_last(self):
        response = self.get(section_url(self.objective, "projects", page=9))

        self.assertEqual(response.context["page"].number, 2)

    def test_lazy_section_never_lists_what_the_reader_may_not_see(self):
        pages = [
            self.get(section_url(self.objective, "projects", page=page), htmx=True)
            for page in (1, 2)
        ]

        for response in pages:
            self.assertEqual(response.context["page"].paginator.count, 55)
            self.assertNotContains(response, "Secret project")
            self.assertNotContains(response, "Foreign project")

    def test_administrator_sees_the_confidential_project_in_the_section(self):
        url = section_url(self.objective, "projects", page=2)

        response = self.get(url, self.admin_a, htmx=True)

        self.assertEqual(response.context["page"].paginator.count, 56)
        self.assertContains(response, "Secret project")
        self.assertNotContains(response, "Foreign project")

    def test_foreign_component_is_not_found(self):
        url = section_url(self.objective, "projects")

        for htmx in (False, True):
            with self.subTest(htmx=htmx):
                response = self.get(url, self.reader_b, htmx=htmx)
                self.assertEqual(response.status_code, 404)

    def test_confidential_component_is_not_found_for_reader(self):
        response = self.get(section_url(self.confidential, "objectives"))

        self.assertEqual(response.status_code, 404)

    def test_unknown_or_single_section_is_not_found(self):
        child = make_objective(lead_organisation=self.organisation_a)
        milestone = make_milestone(make_project(lead_organisation=self.organisation_a))

        for url in (
            section_url(self.objective, "budget"),
            section_url(self.objective, "milestones"),
            section_url(child, "parent"),
            section_url(milestone, "project"),
        ):
            with self.subTest(url=url):
                self.assertEqual(self.get(url).status_code, 404)


class ProjectSectionTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.project = make_project(lead_organisation=cls.organisation_a)
        start = timezone.localdate() - datetime.timedelta(days=100)
        # Created latest first, so that the table's order is the due date's.
        for number in range(25, 0, -1):
            make_milestone(
                cls.project,
                code=f"M{number}",
                title=f"Step {number}",
                due_date=start + datetime.timedelta(days=number),
                completed_on=start if number <= 3 else None,
            )

    def get(self, url, htmx=False):
        self.client.force_login(self.reader_a)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        headers = {"HX-Request": "true"} if htmx else {}
        return self.client.get(url, headers=headers)

    def test_milestone_table_shows_the_first_by_due_date_and_counts_all(self):
        response = self.get(self.project.get_absolute_url())

        self.assertEqual(
            codes(response.context["milestones"]), [f"M{n}" for n in range(1, 21)]
        )
        self.assertEqual(
            response.context["milestone_progress"],
            {"total": 25, "completed": 3, "overdue": 22},
        )
        self.assertContains(response, "3 of 25 milestones completed")
        self.assertContains(response, "Show all 25")
        self.assertContains(response, 'id="milestones-items"', count=1)

    def test_milestone_table_comes_whole_on_request(self):
        url = section_url(self.project, "milestones")

        response = self.get(url, htmx=True)

        self.assertNotContains(response, "<html")
        self.assertEqual(
            codes(response.context["page"].object_list),
            [f"M{n}" for n in range(1, 26)],
        )
        self.assertContains(response, '<th scope="col">Due date</th>', html=True)
        self.assertNotContains(response, 'class="pagination"')


class ProgrammeSectionTests(PersonaTestCase):
    def test_colours_count_every_visible_project_not_only_those_shown(self):
        programme = make_programme(lead_organisation=self.organisation_a)
        for _number in range(25):
            project = make_project(lead_organisation=self.organisation_a)
            actions.do_report_status(
                project,
                period=Period.parse("2025"),
                colour=StatusReport.Colour.RED,
                explanation="Late.",
                acting_user=None,
            )
            actions.do_link(programme, "projects", project, acting_user=None)
        hidden = make_project(
            lead_organisation=self.organisation_a, confidentiality=CONFIDENTIAL
        )
        actions.do_link(programme, "projects", hidden, acting_user=None)
        self.client.force_login(self.reader_a)

        response = self.client.get(programme.get_absolute_url())

        counts = {c["colour"]: c["count"] for c in response.context["colour_counts"]}
        self.assertEqual(counts["red"], 25)
        self.assertEqual(counts[None], 0)
        self.assertEqual(len(response.context["projects"]), 20)
        self.assertEqual(response.context["sections"]["projects"].total, 25)


class LinkedQueryCountTests(PersonaTestCase):
    """The detail page and the lazy section cost the same for 5 links as for
    60."""

    # Session, user, the objective with its organisations, its status
    # reports, the linked components of every section, the lenses, the
    # history, the entity switch, and the roles and grants of the managing
    # actions; and the evidence against its status (its projects, their late
    # milestones, its indicators).
    DETAIL = 15
    # Session, user, the objective and the section's projects; the page of
    # its own adds the entity switch of base.html.
    FRAGMENT = 4
    PAGE = 5

    def link_projects(self, objective, count):
        for _number in range(count):
            project = make_project(lead_organisation=self.organisation_a)
            actions.do_link(objective, "projects", project, acting_user=None)

    def assert_queries(self, objective, count):
        self.client.force_login(self.reader_a)
        url = section_url(objective, "projects", page=2)
        with self.assertNumQueries(self.DETAIL):
            self.client.get(objective.get_absolute_url())
        with self.assertNumQueries(self.FRAGMENT):
            self.client.get(url, headers={"HX-Request": "true"})
        with self.assertNumQueries(self.PAGE):
            response = self.client.get(url)
        self.assertEqual(response.context["page"].paginator.count, count)

    def test_query_counts_do_not_grow_with_the_links(self):
        objective = make_objective(lead_organisation=self.organisation_a)
        self.link_projects(objective, 5)
        self.assert_queries(objective, 5)

        self.link_projects(objective, 55)

        self.assert_queries(objective, 60)
        self.assertEqual(Project.objects.filter(objectives=objective).count(), 60)
