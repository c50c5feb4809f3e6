"""The central team hangs an objective under a structure element; a reader
then finds the budget behind it on the objective's page and on a lens."""

from django.utils import timezone
from playwright.sync_api import expect

from objectives.cascades import current_legislature
from objectives.models import Legislature, Organisation
from tests.browser import base
from tests.budget_data import make_article, make_element
from tests.factories import make_lens, make_objective

TITLE = "Fewer accidents at school gates"


class BudgetJourneyTests(base.BrowserTestCase):
    def setUp(self):
        super().setUp()
        base.build_demo()
        dmow = Organisation.objects.get(short_name="DMOW")
        legislature = current_legislature(
            list(Legislature.objects.all()), timezone.localdate()
        )
        self.element = make_element(dmow.parent, "SE-TEST-1", "Safe school routes")
        make_article(
            "TEST-1", "Safe school routes: subsidies", [self.element], {2026: 1234567}
        )
        self.objective = make_objective(
            lead_organisation=dmow, code="SD 91", title=TITLE, legislature=legislature
        )
        self.lens = make_lens(
            name="School routes plan", organisation=dmow, objectives=[self.objective]
        )

    def test_an_administrator_links_and_a_reader_sees_the_budget(self):
        page = self.log_in_as("centraal")
        page.goto(self.url(self.element.get_absolute_url()))
        form = page.locator("form.manage-form")
        option = form.locator("option", has_text=f"SD 91 {TITLE}")
        form.get_by_label("Objective").select_option(
            value=option.get_attribute("value")
        )
        form.get_by_role("button", name="Hang under this element").click()

        expect(page.get_by_role("status")).to_contain_text(
            f"SD 91 {TITLE} hangs under this element."
        )
        under = page.get_by_role("region", name="Objectives under this element")
        expect(under.get_by_role("link", name=f"SD 91 {TITLE}")).to_be_visible()
        self.objective.refresh_from_db()
        self.assertEqual(self.objective.structure_element, self.element)
        self.assert_accessible(page)

        reader = self.new_context().new_page()
        self.log_in_as("lezer.dmow", page=reader)
        reader.goto(self.url(self.objective.get_absolute_url()))
        budget = reader.get_by_role("region", name="Budget", exact=True)
        expect(budget).to_contain_text("SE-TEST-1 Safe school routes")
        expect(budget.get_by_role("row", name="TEST-1")).to_contain_text("1,234,567")
        self.assert_accessible(reader)

        reader.goto(self.url(self.lens.get_absolute_url()))
        behind = reader.get_by_role("region", name="Budget behind this lens")
        expect(behind.locator("table.budget-totals")).to_contain_text("1,234,567")
        behind.get_by_text("Which structure elements and budget articles").click()
        expect(
            behind.get_by_role("link", name="TEST-1 Safe school routes")
        ).to_be_visible()
        expect(behind.get_by_role("link", name="SE-TEST-1")).to_be_visible()
        self.assert_accessible(reader)
