"""The warehouse views, their documentation and the CSV export."""

import csv
import datetime
import re
import tempfile
from decimal import Decimal
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import TestCase

from objectives import actions
from objectives.models import (
    BudgetAmount,
    BudgetArticle,
    Confidentiality,
    Indicator,
    Lens,
    Objective,
    Organisation,
    StatusReport,
    StructureElement,
    Target,
)
from objectives.periods import Period
from reporting.management.commands.export_warehouse import (
    csv_value,
    warehouse_views,
)
from tests.factories import (
    make_indicator,
    make_legislature,
    make_milestone,
    make_objective,
    make_organisation,
    make_person,
    make_process,
    make_programme,
    make_project,
)
from tests.personas import PersonaTestCase

DOC = Path(settings.BASE_DIR) / "docs" / "warehouse.md"


def fetch(view, order_by):
    """Every row of ``view``, with each value as the export writes it, so
    that both databases answer alike; NULL stays None."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {view} ORDER BY {order_by}")
        columns = [column[0] for column in cursor.description]
        return [
            tuple(
                None if value is None else csv_value(column, value)
                for column, value in zip(columns, row, strict=True)
            )
            for row in cursor.fetchall()
        ]


def columns_of(view):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {view} WHERE 1 = 0")
        return [column[0] for column in cursor.description]


def stamp(moment):
    return moment.astimezone(datetime.UTC).isoformat()


def documented_views():
    """{view: [column, ...]} from the headings and tables of the doc."""
    views, current = {}, None
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            heading = re.fullmatch(r"### (warehouse_\w+)", line)
            current = heading[1] if heading else None
            if current:
                views[current] = []
        elif current and (column := re.match(r"\| `(\w+)` \|", line)):
            views[current].append(column[1])
    return views


class WarehouseTestCase(PersonaTestCase):
    """Around the personas' objective SD 1 and lens "Mobility plan": a
    cascade of A shared with B, with every kind of link, status reports, a
    measurement and a target, a lens with a heading, and a budget."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        a, b = cls.organisation_a, cls.organisation_b
        cls.domain = make_organisation(
            ovo_number="OVO000010",
            name="Policy domain Mobility",
            kind=Organisation.Kind.POLICY_DOMAIN,
        )
        cls.agency = make_organisation(
            ovo_number="OVO000011",
            name="Roads agency",
            short_name="RA",
            kind=Organisation.Kind.AGENCY,
            parent=cls.domain,
            valid_from=datetime.date(2020, 1, 1),
            valid_until=datetime.date(2030, 12, 31),
        )
        cls.element = StructureElement.objects.create(
            code="SE 4", title="Road safety", policy_domain=cls.domain
        )
        cls.article = BudgetArticle.objects.create(code="MB0-1MAA2ZZ-WT", title="Roads")
        cls.article.structure_elements.add(cls.element)
        BudgetAmount.objects.create(
            article=cls.article, year=2026, amount=Decimal("1250000.50")
        )
        cls.responsible = make_person(
            first_name="Jan", last_name="Peeters", email="jan.peeters@example.org"
        )

        cls.strategic = make_objective(
            lead_organisation=a,
            organisations=[b],
            code="SD 3",
            title="Safe and smooth mobility",
            structure_element=cls.element,
            responsible=cls.responsible,
        )
        cls.operational = make_objective(
            lead_organisation=a,
            code="OD 3.1",
            title="Fewer road deaths",
            level=Objective.Level.OPERATIONAL,
            parent=cls.strategic,
            confidentiality=Confidentiality.CONFIDENTIAL,
        )
        cls.project = make_project(
            lead_organisation=a,
            code="PR 1",
            title="Section speed checks",
            description="On regional roads.",
            start_date=datetime.date(2025, 1, 1),
            end_date=datetime.date(2027, 12, 31),
            members=[cls.responsible],
        )
        cls.milestone = make_milestone(
            cls.project,
            code="M1",
            title="Cameras placed",
            due_date=datetime.date(2026, 6, 30),
            completed_on=datetime.date(2026, 5, 2),
        )
        cls.process = make_process(
            lead_organisation=cls.agency,
            code="PC 1",
            title="Managing traffic signs",
            valid_from=datetime.date(2021, 1, 1),
            reporting_frequency="yearly",
        )
        cls.programme = make_programme(
            lead_organisation=b,
            code="PG 1",
            title="Cycling Flanders",
            is_government_wide=True,
            confidentiality=Confidentiality.PUBLIC,
        )
        cls.indicator = make_indicator(
            lead_organisation=a,
            code="IN 1",
            title="Road deaths per year",
            unit="deaths",
            direction=Indicator.Direction.LOWER_IS_BETTER,
            baseline_value=Decimal("300"),
            baseline_year=2019,
        )
        actions.do_archive_component(cls.process, acting_user=None)

        link = actions.do_link
        link(cls.operational, "projects", cls.project, acting_user=None)
        link(cls.operational, "processes", cls.process, acting_user=None)
        link(cls.operational, "indicators", cls.indicator, acting_user=None)
        link(cls.strategic, "contributes_to", cls.plan_objective, acting_user=None)
        link(cls.programme, "projects", cls.project, acting_user=None)

        actions.do_report_status(
            cls.project,
            period=Period.parse("2025-Q1"),
            colour=StatusReport.Colour.ORANGE,
            explanation="Two cameras late.",
            acting_user=cls.admin_a,
        )
        actions.do_report_status(
            cls.project,
            period=Period.parse("2025-Q1"),
            colour=StatusReport.Colour.GREEN,
            explanation="Cameras delivered.",
            acting_user=cls.contributor_a,
        )
        actions.do_update_milestone(
            cls.milestone,
            period=Period.parse("2026-Q2"),
            colour=StatusReport.Colour.BLUE,
            explanation="Placed.",
            completed_on=datetime.date(2026, 5, 2),
            acting_user=None,
        )
        actions.do_record_measurement(
            cls.indicator,
            period=Period.parse("2024"),
            value=Decimal("287.5"),
            note="Provisional",
            acting_user=cls.contributor_a,
        )
        Target.objects.create(
            indicator=cls.indicator,
            period_start=datetime.date(2029, 1, 1),
            period_end=datetime.date(2029, 12, 31),
            value=Decimal("150"),
        )

        cls.lens = actions.do_create_lens(
            name="Coalition agreement",
            kind=Lens.Kind.COALITION_AGREEMENT,
            organisation=None,
            legislature=make_legislature(),
            acting_user=None,
        )
        cls.heading = actions.do_add_lens_entry(
            cls.lens, heading="Mobility", acting_user=None
        )
        cls.entry = actions.do_add_lens_entry(
            cls.lens, objective=cls.strategic, under=cls.heading, acting_user=None
        )

    @staticmethod
    def pid(component):
        return str(component.public_id)


class WarehouseViewsTestCase(WarehouseTestCase):
    def test_organisations_carry_their_parent_and_validity(self):
        self.assertEqual(
            fetch("warehouse_organisations", "ovo_number"),
            [
                ("OVO000001", "Department A", "A", "other", None, None, None),
                ("OVO000002", "Department B", "B", "other", None, None, None),
                (
                    "OVO000010",
                    "Policy domain Mobility",
                    None,
                    "policy_domain",
                    None,
                    None,
                    None,
                ),
                (
                    "OVO000011",
                    "Roads agency",
                    "RA",
                    "agency",
                    "OVO000010",
                    "2020-01-01",
                    "2030-12-31",
                ),
            ],
        )

    def test_legislatures_are_listed_with_their_dates(self):
        self.assertEqual(
            fetch("warehouse_legislatures", "name"),
            [("2024-2029", "2024-07-01", "2029-06-30")],
        )

    def test_components_have_the_common_and_their_own_columns(self):
        rows = fetch("warehouse_components", "component_type, code")
        by_key = {(row[0], row[1]): row for row in rows}
        self.assertEqual(
            [(row[0], row[2]) for row in rows],
            [
                ("indicator", "IN 1"),
                ("milestone", "M1"),
                ("objective", "OD 3.1"),
                ("objective", "SD 1"),
                ("objective", "SD 3"),
                ("process", "PC 1"),
                ("programme", "PG 1"),
                ("project", "PR 1"),
            ],
        )

        operational = Objective.objects.get(pk=self.operational.pk)
        self.assertEqual(
            by_key["objective", self.pid(operational)],
            (
                "objective",
                self.pid(operational),
                "OD 3.1",
                "Fewer road deaths",
                "",
                "OVO000001",
                "confidential",
                "quarterly",
                "false",
                stamp(operational.created_at),
                stamp(operational.updated_at),
                "operational",
                self.pid(self.strategic),
                "2024-2029",
                None,
                *[None] * 12,
            ),
        )
        self.assertEqual(
            by_key["objective", self.pid(self.strategic)][11:15],
            ("strategic", None, "2024-2029", str(self.element.public_id)),
        )

    def test_type_specific_columns_are_filled_for_their_type_only(self):
        rows = {
            row[2]: row[11:]
            for row in fetch("warehouse_components", "component_type, code")
        }
        nothing = (None,) * 4

        self.assertEqual(
            rows["PR 1"], (*nothing, "2025-01-01", "2027-12-31", *[None] * 10)
        )
        self.assertEqual(
            rows["M1"],
            (*nothing, None, None, "2026-06-30", "2026-05-02", *[None] * 8),
        )
        self.assertEqual(
            rows["PC 1"], (*nothing, *[None] * 4, "2021-01-01", None, *[None] * 6)
        )
        self.assertEqual(rows["PG 1"], (*nothing, *[None] * 6, "true", *[None] * 5))
        self.assertEqual(
            rows["IN 1"],
            (*nothing, *[None] * 7, "effect", "deaths", "down", "300", "2019"),
        )

    def test_a_milestone_takes_its_projects_lead_and_confidentiality(self):
        actions.do_update_component(
            self.project,
            acting_user=None,
            confidentiality=Confidentiality.CONFIDENTIAL,
        )

        rows = {row[2]: row for row in fetch("warehouse_components", "code")}

        self.assertEqual(
            rows["M1"][5:9], ("OVO000001", "confidential", "quarterly", "false")
        )
        self.assertEqual(rows["PC 1"][5:9], ("OVO000011", "internal", "yearly", "true"))
        self.assertEqual(rows["PG 1"][5:7], ("OVO000002", "public"))

    def test_component_organisations_list_every_organisation_of_a_component(self):
        self.assertEqual(
            fetch(
                "warehouse_component_organisations",
                "component_type, ovo_number, public_id",
            ),
            sorted(
                [
                    ("indicator", self.pid(self.indicator), "OVO000001"),
                    ("milestone", self.pid(self.milestone), "OVO000001"),
                    ("objective", self.pid(self.operational), "OVO000001"),
                    ("objective", self.pid(self.plan_objective), "OVO000001"),
                    ("objective", self.pid(self.strategic), "OVO000001"),
                    ("objective", self.pid(self.strategic), "OVO000002"),
                    ("process", self.pid(self.process), "OVO000011"),
                    ("programme", self.pid(self.programme), "OVO000002"),
                    ("project", self.pid(self.project), "OVO000001"),
                ],
                key=lambda row: (row[0], row[2], row[1]),
            ),
        )

    def test_links_read_from_one_component_to_another(self):
        pid = self.pid
        self.assertEqual(
            fetch("warehouse_links", "from_type, link_kind, to_type, from_public_id"),
            [
                (
                    "milestone",
                    pid(self.milestone),
                    "part_of",
                    "project",
                    pid(self.project),
                ),
                (
                    "objective",
                    pid(self.strategic),
                    "contributes_to",
                    "objective",
                    pid(self.plan_objective),
                ),
                (
                    "objective",
                    pid(self.operational),
                    "measured_by",
                    "indicator",
                    pid(self.indicator),
                ),
                (
                    "objective",
                    pid(self.operational),
                    "parent",
                    "objective",
                    pid(self.strategic),
                ),
                (
                    "objective",
                    pid(self.operational),
                    "realised_by",
                    "process",
                    pid(self.process),
                ),
                (
                    "objective",
                    pid(self.operational),
                    "realised_by",
                    "project",
                    pid(self.project),
                ),
                (
                    "programme",
                    pid(self.programme),
                    "bundles",
                    "project",
                    pid(self.project),
                ),
            ],
        )

    def test_status_reports_keep_the_superseded_ones_and_their_authors(self):
        reports = {
            report.explanation: stamp(report.created_at)
            for report in StatusReport.objects.all()
        }
        self.assertEqual(
            fetch("warehouse_status_reports", "component_type, reported_at"),
            [
                (
                    "milestone",
                    self.pid(self.milestone),
                    "2026-04-01",
                    "2026-06-30",
                    "blue",
                    "Placed.",
                    reports["Placed."],
                    None,
                ),
                (
                    "project",
                    self.pid(self.project),
                    "2025-01-01",
                    "2025-03-31",
                    "orange",
                    "Two cameras late.",
                    reports["Two cameras late."],
                    "admin_a",
                ),
                (
                    "project",
                    self.pid(self.project),
                    "2025-01-01",
                    "2025-03-31",
                    "green",
                    "Cameras delivered.",
                    reports["Cameras delivered."],
                    "contributor_a",
                ),
            ],
        )

    def test_measurements_and_targets_belong_to_their_indicator(self):
        measurement = self.indicator.measurements.get()

        self.assertEqual(
            fetch("warehouse_measurements", "period_start"),
            [
                (
                    self.pid(self.indicator),
                    "2024-01-01",
                    "2024-12-31",
                    "287.5",
                    "Provisional",
                    stamp(measurement.created_at),
                )
            ],
        )
        self.assertEqual(
            fetch("warehouse_targets", "period_start"),
            [(self.pid(self.indicator), "2029-01-01", "2029-12-31", "150")],
        )

    def test_lenses_name_their_organisation_or_none(self):
        rows = fetch("warehouse_lenses", "name")
        lens = Lens.objects.get(pk=self.lens.pk)
        plan = Lens.objects.get(pk=self.plan_lens.pk)

        self.assertEqual(
            rows,
            [
                (
                    self.pid(lens),
                    "Coalition agreement",
                    "",
                    "coalition_agreement",
                    None,
                    "2024-2029",
                    "false",
                    stamp(lens.created_at),
                    stamp(lens.updated_at),
                ),
                (
                    self.pid(plan),
                    "Mobility plan",
                    "",
                    "transversal_plan",
                    "OVO000002",
                    None,
                    "false",
                    stamp(plan.created_at),
                    stamp(plan.updated_at),
                ),
            ],
        )

    def test_lens_entries_give_the_positions_their_numbers_follow(self):
        plan_entry = self.plan_lens.entries.get()

        self.assertEqual(
            fetch("warehouse_lens_entries", "lens_public_id, entry_id"),
            sorted(
                [
                    (
                        str(self.heading.pk),
                        self.pid(self.lens),
                        None,
                        "1",
                        "Mobility",
                        None,
                    ),
                    (
                        str(self.entry.pk),
                        self.pid(self.lens),
                        str(self.heading.pk),
                        "1",
                        None,
                        self.pid(self.strategic),
                    ),
                    (
                        str(plan_entry.pk),
                        self.pid(self.plan_lens),
                        None,
                        "1",
                        None,
                        self.pid(self.plan_objective),
                    ),
                ],
                key=lambda row: (row[1], int(row[0])),
            ),
        )

    def test_structure_elements_and_the_budget_are_linked_by_public_ids(self):
        element, article = str(self.element.public_id), str(self.article.public_id)

        self.assertEqual(
            fetch("warehouse_structure_elements", "code"),
            [(element, "SE 4", "Road safety", "", "OVO000010", "false")],
        )
        self.assertEqual(
            fetch("warehouse_budget_articles", "code"),
            [(article, "MB0-1MAA2ZZ-WT", "Roads")],
        )
        self.assertEqual(
            fetch("warehouse_budget_article_structure_elements", "1"),
            [(article, element)],
        )
        self.assertEqual(
            fetch("warehouse_budget_amounts", "year"),
            [(article, "2026", "1250000.5")],
        )

    def test_public_ids_are_dashed_text_on_both_databases(self):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT public_id FROM warehouse_components WHERE code = %s", ["SD 3"]
            )
            (public_id,) = cursor.fetchone()

        self.assertEqual(public_id, str(self.strategic.public_id))
        self.assertRegex(public_id, r"^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$")

    def test_no_view_holds_personal_data_or_credentials(self):
        forbidden = re.compile(r"password|email|first_name|last_name|personnel|session")
        values = set()
        for view in warehouse_views():
            self.assertFalse(
                [column for column in columns_of(view) if forbidden.search(column)],
                view,
            )
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT * FROM {view}")
                values.update(str(value) for row in cursor.fetchall() for value in row)

        self.assertNotIn("jan.peeters@example.org", values)
        self.assertNotIn("Peeters", values)
        self.assertNotIn(self.responsible.personnel_number, values)


class WarehouseDocumentationTestCase(TestCase):
    def test_every_documented_view_exists_and_every_view_is_documented(self):
        self.assertEqual(sorted(documented_views()), warehouse_views())

    def test_every_view_has_exactly_the_documented_columns_in_order(self):
        for view, columns in documented_views().items():
            with self.subTest(view=view):
                self.assertEqual(columns_of(view), columns)

    def test_the_readme_points_to_the_warehouse_documentation(self):
        readme = (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")

        self.assertIn("## Data warehouse", readme)
        self.assertIn("(docs/warehouse.md)", readme)


class ExportWarehouseTestCase(WarehouseTestCase):
    def export(self):
        directory = Path(self.enterContext(tempfile.TemporaryDirectory()))
        output = StringIO()
        call_command("export_warehouse", to=str(directory), stdout=output)
        return directory, output.getvalue()

    def read(self, path):
        with path.open(newline="", encoding="utf-8") as file:
            return list(csv.reader(file))

    def test_every_view_is_written_to_its_own_file(self):
        directory, output = self.export()

        self.assertEqual(
            sorted(path.name for path in directory.iterdir()),
            [f"{view}.csv" for view in warehouse_views()],
        )
        self.assertIn("warehouse_components: 8 rows in", output)
        self.assertIn("warehouse_links: 7 rows in", output)

    def test_a_file_has_the_header_and_the_rows_of_its_view(self):
        directory, _ = self.export()
        measurement = self.indicator.measurements.get()

        self.assertEqual(
            self.read(directory / "warehouse_measurements.csv"),
            [
                [
                    "indicator_public_id",
                    "period_start",
                    "period_end",
                    "value",
                    "note",
                    "entered_at",
                ],
                [
                    self.pid(self.indicator),
                    "2024-01-01",
                    "2024-12-31",
                    "287.5",
                    "Provisional",
                    stamp(measurement.created_at),
                ],
            ],
        )
        organisations = self.read(directory / "warehouse_organisations.csv")
        self.assertEqual(
            sorted(organisations[1:])[0],
            ["OVO000001", "Department A", "A", "other", "", "", ""],
        )

    def test_the_export_costs_one_query_per_view_whatever_the_rows(self):
        queries = 1 + len(warehouse_views())  # the list of views, then each
        with self.assertNumQueries(queries):
            self.export()

        for year in range(2000, 2020):
            actions.do_record_measurement(
                self.indicator,
                period=Period.parse(str(year)),
                value=Decimal(year),
                note="",
                acting_user=None,
            )
        with self.assertNumQueries(queries):
            _, output = self.export()
        self.assertIn("warehouse_measurements: 21 rows in", output)

    def test_an_existing_file_is_replaced(self):
        directory = Path(self.enterContext(tempfile.TemporaryDirectory()))
        (directory / "warehouse_targets.csv").write_text("stale\n")

        call_command("export_warehouse", to=str(directory), stdout=StringIO())

        self.assertEqual(
            (directory / "warehouse_targets.csv").read_text().splitlines()[0],
            "indicator_public_id,period_start,period_end,value",
        )
