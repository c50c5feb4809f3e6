"""The budget behind policy: who manages structure elements and budget
articles, the refusals of bad input, and what the objective, lens, element
and article pages show."""

from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone, translation

from objectives import access, budget
from objectives.models import BudgetArticle, Change, StructureElement
from tests.budget_data import BudgetTestCase, make_article, make_element
from tests.factories import make_lens, make_objective

YEAR = timezone.localdate().year


def changes_of(obj, **filters):
    """The history rows of ``obj``, oldest first."""
    return Change.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk, **filters
    ).order_by("pk")


def amounts_data(rows, extra=0):
    """The POST data of the amount rows: [(year, amount)]."""
    data = {
        "amounts-TOTAL_FORMS": str(len(rows) + extra),
        "amounts-INITIAL_FORMS": "0",
        "amounts-MIN_NUM_FORMS": "0",
        "amounts-MAX_NUM_FORMS": "40",
    }
    for index, (year, amount) in enumerate(rows):
        data[f"amounts-{index}-year"] = str(year)
        data[f"amounts-{index}-amount"] = str(amount)
    return data


class BudgetPageTestCase(BudgetTestCase):
    def setUp(self):
        super().setUp()
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        translation.activate("en")
        self.addCleanup(translation.deactivate)

    def element_url(self, name, element=None):
        return reverse(f"objectives:{name}", args=[(element or self.element).public_id])

    def domain_url(self, name, domain=None):
        return reverse(
            f"objectives:{name}", args=[(domain or self.mobility).ovo_number]
        )


class BudgetAccessTests(BudgetPageTestCase):
    def test_domain_administrators_and_global_administrators_manage_the_domain(self):
        managers = {
            user.username
            for user in (
                self.reader_a,
                self.admin_a,
                self.domain_admin,
                self.other_domain_admin,
                self.global_admin,
                self.coordinator,
            )
            if access.can_manage_budget(user, self.mobility)
        }

        self.assertEqual(managers, {"domain_admin", "global_admin"})

    def test_an_organisation_that_is_no_policy_domain_has_no_budget_to_manage(self):
        self.assertFalse(
            access.can_manage_budget(self.global_admin, self.organisation_a)
        )

    def test_an_article_is_managed_through_the_domains_of_its_elements(self):
        orphan = BudgetArticle.objects.create(code="X-1", title="Unlinked")

        self.assertTrue(
            access.can_manage_article(self.domain_admin, self.shared_article)
        )
        self.assertFalse(
            access.can_manage_article(self.domain_admin, self.foreign_article)
        )
        self.assertFalse(access.can_manage_article(self.domain_admin, orphan))
        self.assertTrue(access.can_manage_article(self.global_admin, orphan))

    def test_everybody_reads_the_budget_pages(self):
        urls = [
            reverse("objectives:budget_domain_list"),
            self.domain_url("budget_domain_detail"),
            self.element_url("structure_element_detail"),
            self.article.get_absolute_url(),
        ]
        for user in (self.reader_b, self.contributor_a):
            self.client.force_login(user)
            for url in urls:
                with self.subTest(user=user.username, url=url):
                    self.assertEqual(self.client.get(url).status_code, 200)

    def test_an_organisation_that_is_no_policy_domain_has_no_budget_page(self):
        self.client.force_login(self.reader_a)

        response = self.client.get(
            self.domain_url("budget_domain_detail", self.organisation_a)
        )

        self.assertEqual(response.status_code, 404)

    def test_a_foreign_administrator_is_refused_and_nothing_changes(self):
        before = self.budget_state()
        self.client.force_login(self.other_domain_admin)
        requests = [
            ("get", self.domain_url("structure_element_create"), {}),
            (
                "post",
                self.domain_url("structure_element_create"),
                {"code": "N", "title": "New"},
            ),
            ("get", self.domain_url("budget_article_create"), {}),
            (
                "post",
                self.domain_url("budget_article_create"),
                {"code": "N", "title": "New"},
            ),
            ("get", self.element_url("structure_element_edit"), {}),
            (
                "post",
                self.element_url("structure_element_edit"),
                {"code": "X", "title": "X"},
            ),
            ("post", self.element_url("structure_element_archive"), {}),
            (
                "post",
                self.element_url("structure_element_objective_add"),
                {"objective": str(self.unplaced_objective.public_id)},
            ),
            (
                "post",
                self.element_url("structure_element_objective_remove"),
                {"objective": str(self.plan_objective.public_id)},
            ),
            (
                "get",
                reverse(
                    "objectives:budget_article_edit", args=[self.article.public_id]
                ),
                {},
            ),
            (
                "post",
                reverse(
                    "objectives:budget_article_edit", args=[self.article.public_id]
                ),
                {"code": "MOW-1", "title": "Taken over", **amounts_data([])},
            ),
        ]

        for method, url, data in requests:
            with self.subTest(method=method, url=url):
                response = getattr(self.client, method)(url, data)
                self.assertEqual(response.status_code, 403)
        self.assertEqual(self.budget_state(), before)

    def test_a_department_administrator_may_not_manage_the_domain_budget(self):
        before = self.budget_state()
        self.client.force_login(self.admin_a)

        response = self.client.post(
            self.domain_url("structure_element_create"), {"code": "N", "title": "New"}
        )

        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.budget_state(), before)

    def test_an_unknown_element_or_article_is_not_found(self):
        self.client.force_login(self.global_admin)
        unknown = "00000000-0000-0000-0000-000000000000"

        for name in (
            "structure_element_detail",
            "structure_element_edit",
            "budget_article_edit",
        ):
            with self.subTest(name=name):
                response = self.client.get(
                    reverse(f"objectives:{name}", args=[unknown])
                )
                self.assertEqual(response.status_code, 404)

    def test_readers_see_no_managing_buttons(self):
        self.client.force_login(self.reader_a)

        page = self.client.get(self.element_url("structure_element_detail"))

        self.assertNotContains(page, self.element_url("structure_element_edit"))
        self.assertNotIn("link_form", page.context)


class StructureElementManagementTests(BudgetPageTestCase):
    def setUp(self):
        super().setUp()
        self.client.force_login(self.domain_admin)

    def test_an_administrator_creates_an_element_with_history(self):
        response = self.client.post(
            self.domain_url("structure_element_create"),
            {"code": "SE-MOW-3", "title": "Cycling", "description": "Bike paths"},
        )

        element = StructureElement.objects.get(code="SE-MOW-3")
        self.assertRedirects(response, element.get_absolute_url())
        self.assertEqual(
            (element.title, element.description, element.policy_domain),
            ("Cycling", "Bike paths", self.mobility),
        )
        change = changes_of(element, kind=Change.Kind.CREATED).get()
        self.assertEqual(change.actor, self.domain_admin)
        self.assertEqual(change.changes["code"], [None, "SE-MOW-3"])

    def test_a_duplicate_code_is_refused_and_nothing_changes(self):
        before = self.budget_state()

        response = self.client.post(
            self.domain_url("structure_element_create"),
            {"code": "se-ond-1", "title": "Copy"},
        )

        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.context["form"].errors["code"],
            ["The code “se-ond-1” is already used by another structure element."],
        )
        self.assertEqual(self.budget_state(), before)

    def test_an_administrator_edits_an_element(self):
        response = self.client.post(
            self.element_url("structure_element_edit"),
            {"code": "SE-MOW-1", "title": "Safe roads", "description": ""},
        )

        self.assertRedirects(response, self.element.get_absolute_url())
        self.element.refresh_from_db()
        self.assertEqual(self.element.title, "Safe roads")
        change = changes_of(self.element, kind=Change.Kind.UPDATED).get()
        self.assertEqual(change.changes, {"title": ["Road safety", "Safe roads"]})

    def test_archiving_asks_first_then_keeps_links_and_restores(self):
        confirm = self.client.get(self.element_url("structure_element_archive"))
        self.assertContains(confirm, "Archive SE-MOW-1 Road safety?")
        self.element.refresh_from_db()
        self.assertFalse(self.element.is_archived)

        self.client.post(self.element_url("structure_element_archive"))
        self.element.refresh_from_db()
        self.assertTrue(self.element.is_archived)
        self.assertEqual(
            list(self.element.budget_articles.order_by("code")),
            [self.article, self.shared_article],
        )

        self.client.post(self.element_url("structure_element_restore"))
        self.element.refresh_from_db()
        self.assertFalse(self.element.is_archived)
        kinds = changes_of(self.element).values_list("kind", flat=True)
        self.assertEqual(sorted(kinds), ["archived", "restored"])

    def test_a_domain_administrator_hangs_an_objective_under_an_element(self):
        response = self.client.post(
            self.element_url("structure_element_objective_add"),
            {"objective": str(self.unplaced_objective.public_id)},
        )

        self.assertRedirects(response, self.element.get_absolute_url())
        self.unplaced_objective.refresh_from_db()
        self.assertEqual(self.unplaced_objective.structure_element, self.element)
        change = changes_of(self.unplaced_objective).last()
        self.assertEqual(
            change.changes, {"structure_element": [None, "SE-MOW-1 Road safety"]}
        )

    def test_an_objective_of_another_domain_is_refused_and_nothing_changes(self):
        # A global administrator sees every objective, but B lies in
        # another policy domain.
        self.client.force_login(self.global_admin)
        before = self.budget_state()

        response = self.client.post(
            self.element_url("structure_element_objective_add"),
            {"objective": str(self.school_objective.public_id)},
            follow=True,
        )

        self.assertContains(response, "Choose one of the objectives offered.")
        self.assertEqual(self.budget_state(), before)

    def test_an_objective_is_taken_from_its_element(self):
        self.client.post(
            self.element_url("structure_element_objective_remove"),
            {"objective": str(self.plan_objective.public_id)},
        )

        self.plan_objective.refresh_from_db()
        self.assertIsNone(self.plan_objective.structure_element)

    def test_an_archived_element_takes_no_objectives(self):
        StructureElement.objects.filter(pk=self.element.pk).update(is_archived=True)
        before = self.budget_state()

        response = self.client.post(
            self.element_url("structure_element_objective_add"),
            {"objective": str(self.unplaced_objective.public_id)},
            follow=True,
        )

        self.assertContains(
            response, "An archived structure element takes no objectives."
        )
        self.assertEqual(self.budget_state(), before)


class ObjectiveFormElementTests(BudgetPageTestCase):
    """An objective's own administrators choose its element on its form."""

    def edit_data(self, objective, element):
        page = self.client.get(
            reverse("objectives:objective_edit", args=[objective.public_id])
        )
        form = page.context["form"]
        data = {
            name: value
            for name, value in form.initial.items()
            if value is not None and not isinstance(value, list)
        }
        data.update(
            {
                "lead_organisation": objective.lead_organisation.ovo_number,
                "legislature": objective.legislature.pk,
                "responsible": "",
                "structure_element": element.pk if element else "",
            }
        )
        return page, data

    def test_the_objective_form_offers_the_elements_of_its_policy_domain(self):
        self.client.force_login(self.admin_a)

        page, _data = self.edit_data(self.unplaced_objective, None)

        offered = list(page.context["form"].fields["structure_element"].queryset)
        self.assertEqual(offered, [self.element, self.second_element])

    def test_an_element_of_another_domain_is_refused(self):
        self.client.force_login(self.admin_a)
        _page, data = self.edit_data(self.unplaced_objective, self.foreign_element)
        before = self.budget_state()

        response = self.client.post(
            reverse(
                "objectives:objective_edit", args=[self.unplaced_objective.public_id]
            ),
            data,
        )

        self.assertEqual(response.status_code, 200)
        self.assertIn("structure_element", response.context["form"].errors)
        self.assertEqual(self.budget_state(), before)


class BudgetArticleManagementTests(BudgetPageTestCase):
    def setUp(self):
        super().setUp()
        self.client.force_login(self.domain_admin)

    def create(self, rows, **fields):
        data = {
            "code": "MOW-3",
            "title": "Cycling paths",
            "structure_elements": [self.element.pk],
            **fields,
            **amounts_data(rows),
        }
        return self.client.post(self.domain_url("budget_article_create"), data)

    def test_an_administrator_creates_an_article_with_several_years(self):
        response = self.create([(YEAR, "250000"), (YEAR + 1, "275000.50")])

        article = BudgetArticle.objects.get(code="MOW-3")
        self.assertRedirects(response, article.get_absolute_url())
        self.assertEqual(list(article.structure_elements.all()), [self.element])
        self.assertEqual(
            list(article.amounts.values_list("year", "amount")),
            [(YEAR, Decimal("250000.00")), (YEAR + 1, Decimal("275000.50"))],
        )
        change = changes_of(article, kind=Change.Kind.CREATED).get()
        self.assertEqual(change.actor, self.domain_admin)
        self.assertEqual(change.changes[f"amount {YEAR}"], [None, "250000.00"])

    def test_bad_input_is_refused_with_a_clear_message_and_nothing_changes(self):
        first, last = budget.year_range()
        cases = {
            "negative": ([(YEAR, "-5")], {}, "An amount cannot be negative."),
            "absurd": (
                [(YEAR, "100000000001")],
                {},
                "An amount above 100.000.000.000 euro cannot be right.",
            ),
            "year": (
                [(last + 1, "5")],
                {},
                f"A budget year lies between {first} and {last}.",
            ),
            "twice": (
                [(YEAR, "5"), (YEAR, "6")],
                {},
                f"Each budget year comes once; {YEAR} comes more than once.",
            ),
            "duplicate code": (
                [(YEAR, "5")],
                {"code": "OND-1"},
                "The code “OND-1” is already used by another budget article.",
            ),
            "other domain": (
                [(YEAR, "5")],
                {"structure_elements": [self.foreign_element.pk]},
                "Select a valid choice.",
            ),
            "no element": (
                [(YEAR, "5")],
                {"structure_elements": []},
                "Link the article to at least one structure element.",
            ),
        }
        before = self.budget_state()

        for name, (rows, fields, message) in cases.items():
            with self.subTest(name):
                response = self.create(rows, **fields)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, message)
        self.assertEqual(self.budget_state(), before)

    def test_editing_changes_title_elements_and_amounts_with_history(self):
        url = reverse("objectives:budget_article_edit", args=[self.article.public_id])
        page = self.client.get(url)
        self.assertEqual(
            [form.initial for form in page.context["amounts"].initial_forms],
            [
                {"year": 2025, "amount": Decimal("1000000.00")},
                {"year": 2026, "amount": Decimal("1200000.00")},
            ],
        )

        response = self.client.post(
            url,
            {
                "code": "MOW-1",
                "title": "Road safety",
                "structure_elements": [self.element.pk, self.second_element.pk],
                **amounts_data([(2025, ""), (2026, "1300000")]),
            },
        )

        self.assertRedirects(response, self.article.get_absolute_url())
        self.article.refresh_from_db()
        self.assertEqual(self.article.title, "Road safety")
        self.assertEqual(
            list(self.article.structure_elements.order_by("code")),
            [self.element, self.second_element],
        )
        self.assertEqual(
            list(self.article.amounts.values_list("year", "amount")),
            [(2026, Decimal("1300000.00"))],
        )
        change = changes_of(self.article, kind=Change.Kind.UPDATED).get()
        self.assertEqual(change.changes["amount 2025"], ["1000000.00", None])
        self.assertEqual(change.changes["amount 2026"], ["1200000.00", "1300000.00"])

    def test_links_to_elements_of_another_domain_are_kept(self):
        article = make_article(
            "MIX-1", "Shared", [self.element, self.foreign_element], {}
        )
        url = reverse("objectives:budget_article_edit", args=[article.public_id])

        self.client.post(
            url,
            {
                "code": "MIX-1",
                "title": "Shared",
                "structure_elements": [self.second_element.pk],
                **amounts_data([]),
            },
        )

        self.assertEqual(
            list(article.structure_elements.order_by("code")),
            [self.second_element, self.foreign_element],
        )


class BudgetContentTests(BudgetPageTestCase):
    def test_the_objective_page_shows_the_budget_behind_it(self):
        self.client.force_login(self.reader_a)

        page = self.client.get(self.plan_objective.get_absolute_url())

        table = page.context["budget"]
        self.assertEqual(table.years, [2025, 2026])
        self.assertEqual(
            [(line.article.code, line.amounts) for line in table.lines],
            [
                ("MOW-1", [Decimal("1000000.00"), Decimal("1200000.00")]),
                ("MOW-2", [None, Decimal("500000.50")]),
            ],
        )
        self.assertEqual(table.totals, [Decimal("1000000.00"), Decimal("1700000.50")])
        self.assertContains(page, "SE-MOW-1</span> Road safety")
        self.assertContains(page, "1,700,000.50")

    def test_an_objective_without_element_says_so(self):
        self.client.force_login(self.reader_a)

        page = self.client.get(self.unplaced_objective.get_absolute_url())

        self.assertContains(page, "This objective hangs under no structure element")

    def test_the_lens_page_counts_each_article_once(self):
        lens = make_lens(
            organisation=self.organisation_a,
            objectives=[self.plan_objective, self.transport_objective],
        )
        self.client.force_login(self.reader_a)

        page = self.client.get(lens.get_absolute_url())

        table = page.context["budget"]
        self.assertEqual(table.years, [2025, 2026])
        # MOW-2 funds both elements: counted once.
        self.assertEqual(table.totals, [Decimal("1000000.00"), Decimal("1700000.50")])
        self.assertEqual(
            [
                (line.article.code, [e.code for e in line.elements])
                for line in table.lines
            ],
            [("MOW-1", ["SE-MOW-1"]), ("MOW-2", ["SE-MOW-1", "SE-MOW-2"])],
        )
        self.assertContains(page, "Which structure elements and budget articles")

    def test_the_lens_budget_leaves_out_objectives_the_reader_may_not_see(self):
        lens = make_lens(
            organisation=self.organisation_a,
            objectives=[self.secret_objective, self.school_objective],
        )
        # A reader of B follows the lens through a government-wide copy.
        lens.organisation = None
        lens.save()
        self.client.force_login(self.reader_b)

        page = self.client.get(lens.get_absolute_url())

        table = page.context["budget"]
        self.assertEqual([line.article.code for line in table.lines], ["OND-1"])
        self.assertEqual(table.totals, [Decimal("300.00")])

    def test_the_article_page_lists_only_the_objectives_the_reader_may_see(self):
        cases = {
            self.reader_a: ["SD 1", "SD 2"],
            self.admin_a: ["SD 1", "SD 2", "SD 9"],
            self.reader_b: [],
        }
        for user, codes in cases.items():
            with self.subTest(user=user.username):
                self.client.force_login(user)
                page = self.client.get(self.shared_article.get_absolute_url())
                self.assertEqual([o.code for o in page.context["objectives"]], codes)
                self.assertContains(page, "500,000.50")

    def test_the_element_page_lists_its_articles_and_visible_objectives(self):
        self.client.force_login(self.reader_a)

        page = self.client.get(
            self.element_url("structure_element_detail", self.second_element)
        )

        self.assertEqual([o.code for o in page.context["objectives"]], ["SD 2"])
        self.assertEqual(
            [line.article.code for line in page.context["table"].lines], ["MOW-2"]
        )
        self.assertNotContains(page, "Secret tram plan")


class BudgetQueryCountTests(BudgetPageTestCase):
    """The budget pages run a pinned number of queries, whatever their size."""

    def grow(self):
        for number in range(3):
            element = make_element(self.mobility, f"SE-MOW-X{number}")
            article = make_article(
                f"MOW-X{number}", "More", [self.element, element], {2025: 1, 2027: 2}
            )
            make_article(f"MOW-Y{number}", "Again", [element], {2026: 3})
            make_objective(
                lead_organisation=self.organisation_a,
                structure_element=element,
                title=f"More {article.code}",
            )
            self.lens.entries.create(
                position=10 + number,
                objective=make_objective(
                    lead_organisation=self.organisation_a, structure_element=element
                ),
            )

    def setUp(self):
        super().setUp()
        self.lens = make_lens(
            organisation=self.organisation_a, objectives=[self.plan_objective]
        )
        self.client.force_login(self.reader_a)

    def assert_constant(self, url, count):
        with self.assertNumQueries(count):
            self.client.get(url)
        self.grow()
        with self.assertNumQueries(count):
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)

    def test_domain_page(self):
        self.assert_constant(self.domain_url("budget_domain_detail"), 8)

    def test_element_page(self):
        self.assert_constant(self.element_url("structure_element_detail"), 9)

    def test_article_page(self):
        self.assert_constant(self.article.get_absolute_url(), 8)

    def test_objective_page(self):
        self.assert_constant(self.plan_objective.get_absolute_url(), 18)

    def test_lens_page(self):
        self.assert_constant(self.lens.get_absolute_url(), 18)

    def test_domain_list(self):
        self.assert_constant(reverse("objectives:budget_domain_list"), 5)
