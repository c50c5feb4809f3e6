"""Budget articles through the spreadsheet export and import: a row per
article and budget year, all or nothing, through access and the actions."""

import tempfile
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from objectives.models import BudgetArticle, Change
from reporting.transfer import exporting, importing, reading
from tests.budget_data import BudgetTestCase, make_element
from tests.reporting.test_transfer import workbook_bytes

HEADERS = ["article_code", "title", "structure_elements", "budget_year", "amount"]
IMPORT_URL = reverse("reporting:transfer_import")
APPLY_URL = reverse("reporting:transfer_import_apply")


def sheet_of(*rows, headers=HEADERS):
    return reading.read_spreadsheet(workbook_bytes(headers, rows), "budget.xlsx")


class BudgetTransferTestCase(BudgetTestCase):
    def setUp(self):
        super().setUp()
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        translation.activate("en")
        self.addCleanup(translation.deactivate)
        media = tempfile.TemporaryDirectory()
        self.addCleanup(media.cleanup)
        self.enterContext(override_settings(MEDIA_ROOT=media.name))

    def outcomes(self, report):
        return [(row.outcome, row.key, row.errors) for row in report.rows]


class BudgetExportTests(BudgetTransferTestCase):
    def test_a_row_per_article_and_year_with_its_elements(self):
        dataset = exporting.export_rows(self.reader_b, "budget")

        self.assertEqual(list(dataset.headers), HEADERS)
        self.assertEqual(
            [list(row) for row in dataset],
            [
                [
                    "MOW-1",
                    "Road safety: operating credits",
                    "SE-MOW-1",
                    2025,
                    Decimal("1000000"),
                ],
                [
                    "MOW-1",
                    "Road safety: operating credits",
                    "SE-MOW-1",
                    2026,
                    Decimal("1200000"),
                ],
                [
                    "MOW-2",
                    "Traffic subsidies",
                    "SE-MOW-1; SE-MOW-2",
                    2026,
                    Decimal("500000.5"),
                ],
                ["OND-1", "School buildings", "SE-OND-1", 2026, Decimal("300")],
            ],
        )

    def test_the_policy_domain_filter_keeps_its_articles(self):
        dataset = exporting.export_rows(self.reader_a, "budget", self.education)

        self.assertEqual([row[0] for row in dataset], ["OND-1"])


class BudgetRoundTripTests(BudgetTransferTestCase):
    def test_export_then_import_changes_nothing(self):
        before = self.budget_state()

        for file_format in ("xlsx", "csv"):
            with self.subTest(file_format=file_format):
                dataset = exporting.export_rows(self.global_admin, "budget")
                data = exporting.render(dataset, file_format)
                sheet = reading.read_spreadsheet(data, f"export.{file_format}")

                report = importing.apply(self.global_admin, "budget", sheet)

                self.assertEqual(
                    report.counts, {"new": 0, "update": 0, "unchanged": 4, "error": 0}
                )
        self.assertEqual(self.budget_state(), before)


class BudgetImportTests(BudgetTransferTestCase):
    def changed_sheet(self):
        return sheet_of(
            ["MOW-1", "Road safety: operating credits", "SE-MOW-1", 2026, 1250000],
            ["MOW-1", "Road safety: operating credits", "SE-MOW-1", 2027, "1300000,5"],
            ["MOW-3", "Cycling paths", "SE-MOW-2; SE-MOW-1", 2026, 40000],
        )

    def test_the_dry_run_shows_every_row_and_writes_nothing(self):
        before = self.budget_state()

        report = importing.dry_run(self.domain_admin, "budget", self.changed_sheet())

        self.assertEqual(
            [(row.line, row.outcome, row.key) for row in report.rows],
            [
                (2, "update", "MOW-1 · 2026"),
                (3, "new", "MOW-1 · 2027"),
                (4, "new", "MOW-3 · 2026"),
            ],
        )
        self.assertEqual(
            report.rows[0].changes, [("amount", "1200000.00", "1250000.00")]
        )
        self.assertEqual(self.budget_state(), before)

    def test_applying_writes_through_the_actions_with_history(self):
        report = importing.apply(self.domain_admin, "budget", self.changed_sheet())

        self.assertTrue(report.is_applied)
        self.assertEqual(
            list(self.article.amounts.values_list("year", "amount")),
            [
                (2025, Decimal("1000000.00")),
                (2026, Decimal("1250000.00")),
                (2027, Decimal("1300000.50")),
            ],
        )
        created = BudgetArticle.objects.get(code="MOW-3")
        self.assertEqual(created.title, "Cycling paths")
        self.assertEqual(
            list(created.structure_elements.order_by("code")),
            [self.element, self.second_element],
        )
        history = Change.objects.filter(
            content_type=ContentType.objects.get_for_model(BudgetArticle),
            actor=self.domain_admin,
        ).order_by("pk")
        self.assertEqual(
            [(change.object_id, change.kind) for change in history],
            [
                (self.article.pk, "updated"),
                (self.article.pk, "updated"),
                (created.pk, "created"),
            ],
        )
        self.assertEqual(
            history[0].changes, {"amount 2026": ["1200000.00", "1250000.00"]}
        )

    def test_bad_rows_are_refused_with_a_reason_and_nothing_is_applied(self):
        make_element(self.mobility, "SE-MOW-9", "Old", is_archived=True)
        before = self.budget_state()
        sheet = sheet_of(
            ["MOW-1", "Road safety: operating credits", "SE-MOW-1", 2026, 5],
            ["MOW-1", "Road safety: operating credits", "SE-MOW-1", 2026, -5],
            ["MOW-1", "Road safety: operating credits", "SE-MOW-1", 2025, 10**12],
            ["MOW-1", "Road safety: operating credits", "SE-MOW-1", 1990, 5],
            ["MOW-1", "Road safety: operating credits", "SE-MOW-1", 2025, "1.005"],
            ["MOW-4", "Schools too", "SE-OND-1", 2026, 5],
            ["OND-1", "School buildings", "SE-OND-1", 2025, 5],
            ["MOW-5", "Nowhere", "SE-NONE", 2026, 5],
            ["MOW-6", "", "SE-MOW-1", 2026, 5],
            ["MOW-7", "Archived", "SE-MOW-9", 2026, 5],
            ["MOW-1", "Renamed", "SE-MOW-1", 2025, 7],
            ["MOW-8", "Formula", "SE-MOW-1", 2026, "=1+1"],
        )

        report = importing.apply(self.domain_admin, "budget", sheet)

        errors = [row.errors for row in report.rows]
        self.assertEqual(errors[0], [])
        self.assertEqual(errors[1], ["amount: An amount cannot be negative."])
        self.assertEqual(
            errors[2], ["amount: An amount above 100.000.000.000 euro cannot be right."]
        )
        self.assertRegex(
            errors[3][0], r"^budget_year: A budget year lies between \d{4} and \d{4}\.$"
        )
        self.assertEqual(
            errors[4], ["amount: An amount has at most two decimals (cents)."]
        )
        self.assertEqual(
            errors[5],
            [
                "Structure element SE-OND-1 belongs to a policy domain whose budget "
                "you do not manage."
            ],
        )
        self.assertEqual(
            errors[6],
            [
                "You may not change budget article OND-1: that is for the "
                "administrators of the policy domain of its structure elements."
            ],
        )
        self.assertEqual(
            errors[7],
            ["structure_elements: No structure element has the code “SE-NONE”."],
        )
        self.assertEqual(errors[8], ["title: A new budget article needs a title."])
        self.assertEqual(
            errors[9],
            [
                "Structure element SE-MOW-9 is archived: it takes no new budget "
                "articles."
            ],
        )
        self.assertEqual(
            errors[10],
            [
                "An earlier row gives article MOW-1 another title or other structure "
                "elements; give the same on each of its rows."
            ],
        )
        self.assertEqual(
            errors[11], ["amount: Formulas are not accepted; type the value."]
        )
        self.assertFalse(report.is_applied)
        self.assertEqual(self.budget_state(), before)

    def test_a_row_that_disagrees_with_an_unchanged_row_is_refused(self):
        before = self.budget_state()
        sheet = sheet_of(
            ["MOW-1", "Road safety: operating credits", "SE-MOW-1", 2025, 1000000],
            ["MOW-1", "Renamed", "SE-MOW-1", 2026, 1200000],
        )

        report = importing.apply(self.domain_admin, "budget", sheet)

        self.assertEqual(
            [(row.outcome, row.errors) for row in report.rows],
            [
                ("unchanged", []),
                (
                    "error",
                    [
                        "An earlier row gives article MOW-1 another title or other "
                        "structure elements; give the same on each of its rows."
                    ],
                ),
            ],
        )
        self.assertEqual(self.budget_state(), before)

    def test_missing_or_unknown_columns_are_refused(self):
        with self.assertRaisesMessage(
            reading.RefusedFile, "The sheet lacks the columns budget_year."
        ):
            importing.dry_run(
                self.domain_admin,
                "budget",
                sheet_of(["MOW-1", 5], headers=["article_code", "amount"]),
            )


class BudgetImportPageTests(BudgetTransferTestCase):
    def upload(self, user, rows):
        self.client.force_login(user)
        upload = SimpleUploadedFile("budget.xlsx", workbook_bytes(HEADERS, rows))
        return self.client.post(IMPORT_URL, {"kind": "budget", "file": upload})

    def test_the_import_page_offers_budget_articles_to_domain_administrators_only(
        self,
    ):
        offered = {
            user.username: "budget" in importing.importable_kinds(user)
            for user in (
                self.admin_a,
                self.contributor_a,
                self.domain_admin,
                self.global_admin,
            )
        }

        self.assertEqual(
            offered,
            {
                "admin_a": False,
                "contributor_a": False,
                "domain_admin": True,
                "global_admin": True,
            },
        )
        self.client.force_login(self.domain_admin)
        self.assertContains(self.client.get(IMPORT_URL), "Budget articles")

    def test_a_department_administrator_may_not_choose_budget_articles(self):
        before = self.budget_state()

        response = self.upload(
            self.admin_a, [["MOW-1", "Road safety", "SE-MOW-1", 2026, 5]]
        )

        self.assertEqual(response.status_code, 200)
        self.assertIn("kind", response.context["form"].errors)
        self.assertEqual(self.budget_state(), before)

    def test_a_domain_administrator_checks_then_applies_a_file(self):
        response = self.upload(
            self.domain_admin,
            [["MOW-1", "Road safety: operating credits", "SE-MOW-1", 2026, 5]],
        )
        self.assertContains(response, "0 new, 1 to update, 0 unchanged, 0 with errors.")

        applied = self.client.post(
            APPLY_URL, {"token": response.context["token"]}, follow=True
        )

        self.assertContains(
            applied, "The import is applied: 0 new, 1 updated, 0 unchanged."
        )
        self.assertEqual(self.article.amounts.get(year=2026).amount, Decimal("5.00"))
