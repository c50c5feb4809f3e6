"""Spreadsheet export and import: visibility, neutralisation, dry runs, all
or nothing, access, and hostile files."""

import csv
import datetime
import io
import os
import tempfile
import time
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from objectives import actions
from objectives.models import (
    Change,
    Confidentiality,
    Indicator,
    Measurement,
    Membership,
    Milestone,
    Objective,
    Project,
    ReportingFrequency,
)
from objectives.periods import Period
from reporting.transfer import exporting, importing, pending, reading
from tests.factories import (
    make_indicator,
    make_milestone,
    make_objective,
    make_project,
)
from tests.personas import PersonaTestCase

EXPORT_URL = reverse("reporting:transfer_export")
IMPORT_URL = reverse("reporting:transfer_import")
APPLY_URL = reverse("reporting:transfer_import_apply")
# The letters of the first hundred columns.
COLUMNS_A_TO_CV = [openpyxl.utils.get_column_letter(number) for number in range(1, 101)]
# What every hostile file must be refused within.
REFUSAL_SECONDS = 5

PROJECT_HEADERS = ["lead_organisation", "code", "title", "start_date"]


def workbook_bytes(headers, rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def rebuilt(data, replaced=None, added=None):
    """The workbook ``data`` with some parts replaced (or added when missing)
    and some added: {name: bytes, or a callable that writes the part to an
    open member}."""
    replaced, added = replaced or {}, added or {}
    source = zipfile.ZipFile(io.BytesIO(data))
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            content = replaced.get(member.filename, source.read(member.filename))
            _write(target, member.filename, content)
        names = set(source.namelist())
        for name, content in {**replaced, **added}.items():
            if name not in names:
                _write(target, name, content)
    return stream.getvalue()


def _write(archive, name, content):
    if callable(content):
        with archive.open(name, "w", force_zip64=True) as member:
            content(member)
    else:
        archive.writestr(name, content)


def sheet_xml(rows_xml, dimension="A1:A1"):
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{dimension}"/><sheetData>{rows_xml}</sheetData></worksheet>'
    ).encode()


def inline_cell(reference, value):
    return f'<c r="{reference}" t="inlineStr"><is><t>{value}</t></is></c>'


def read_workbook(data):
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


class TransferTestCase(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        a, b = cls.organisation_a, cls.organisation_b
        cls.person_a = cls.admin_a.person
        cls.strategic = make_objective(
            lead_organisation=a,
            code="SD 2",
            title="Fewer road deaths",
            description='=HYPERLINK("http://evil.example")',
            responsible=cls.person_a,
        )
        cls.operational = make_objective(
            lead_organisation=a,
            code="OD 2.1",
            title="+ safer crossings",
            level=Objective.Level.OPERATIONAL,
            parent=cls.strategic,
        )
        cls.confidential = make_objective(
            lead_organisation=a,
            code="SD 9",
            title="Secret reorganisation",
            confidentiality=Confidentiality.CONFIDENTIAL,
        )
        cls.foreign = make_objective(
            lead_organisation=b, code="SD 5", title="Foreign objective"
        )
        cls.project = make_project(
            lead_organisation=a,
            code="PR 1",
            title="@Section speed checks",
            start_date=datetime.date(2025, 1, 1),
            end_date=datetime.date(2026, 12, 31),
            responsible=cls.person_a,
        )
        cls.milestone = make_milestone(
            cls.project,
            code="M1",
            title="-Tender awarded",
            due_date=datetime.date(2026, 6, 30),
            assignee=cls.contributor_a.person,
        )
        cls.foreign_project = make_project(
            lead_organisation=b, code="PR 2", title="Foreign project"
        )
        cls.indicator = make_indicator(
            lead_organisation=a,
            code="IN 1",
            title="Road deaths",
            baseline_value=Decimal("12.5"),
            baseline_year=2019,
            reporting_frequency=ReportingFrequency.QUARTERLY,
        )
        cls.foreign_indicator = make_indicator(
            lead_organisation=b, code="IN 2", title="Foreign indicator"
        )
        for indicator, label, value, note in (
            (cls.indicator, "2025-Q1", Decimal("10.25"), ""),
            (cls.indicator, "2025-Q2", Decimal("-3"), "\tdown"),
            (cls.foreign_indicator, "2025-Q1", Decimal("7"), "foreign"),
        ):
            actions.do_record_measurement(
                indicator,
                period=Period.parse(label),
                value=value,
                note=note,
                acting_user=None,
            )

    def setUp(self):
        super().setUp()
        # The English source text, whatever the translations say.
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        translation.activate("en")
        self.addCleanup(translation.deactivate)
        media = tempfile.TemporaryDirectory()
        self.addCleanup(media.cleanup)
        self.media_root = Path(media.name)
        override = override_settings(MEDIA_ROOT=media.name)
        override.enable()
        self.addCleanup(override.disable)

    def export(self, user, kind, file_format="xlsx", **params):
        self.client.force_login(user)
        response = self.client.get(
            EXPORT_URL, {"kind": kind, "file_format": file_format, **params}
        )
        self.assertEqual(response.status_code, 200)
        return response.content

    def upload(self, user, kind, data, name="import.xlsx"):
        self.client.force_login(user)
        upload = SimpleUploadedFile(name, data)
        return self.client.post(IMPORT_URL, {"kind": kind, "file": upload})

    def pending_files(self):
        directory = self.media_root / "imports"
        return (
            sorted(path.name for path in directory.iterdir())
            if directory.exists()
            else []
        )

    def state(self):
        """What an import may change, to show that it did not."""
        return {
            "changes": Change.objects.count(),
            "objectives": list(
                Objective.objects.values_list("code", "title", "updated_at")
            ),
            "projects": list(
                Project.objects.values_list("code", "title", "updated_at")
            ),
            "milestones": list(
                Milestone.objects.values_list("code", "title", "updated_at")
            ),
            "indicators": list(
                Indicator.objects.values_list("code", "title", "updated_at")
            ),
            "measurements": list(
                Measurement.objects.values_list("value", "note", "updated_at")
            ),
        }


class ExportTests(TransferTestCase):
    def test_reader_exports_only_the_objectives_they_may_see(self):
        rows = read_workbook(self.export(self.reader_a, "objectives"))

        self.assertEqual(rows[0][:3], ["lead_organisation", "legislature", "code"])
        self.assertEqual(
            [row[:3] for row in rows[1:]],
            [
                ["OVO000001", "2024-2029", "OD 2.1"],
                ["OVO000001", "2024-2029", "SD 1"],
                ["OVO000001", "2024-2029", "SD 2"],
            ],
        )
        cells = {str(cell) for row in rows for cell in row}
        self.assertNotIn("Secret reorganisation", cells)
        self.assertNotIn("Foreign objective", cells)

    def test_administrator_exports_the_confidential_objectives_of_their_organisation(
        self,
    ):
        rows = read_workbook(self.export(self.admin_a, "objectives"))

        self.assertEqual(
            [row[2] for row in rows[1:]], ["OD 2.1", "SD 1", "SD 2", "SD 9"]
        )

    def test_measurements_of_foreign_indicators_are_not_exported(self):
        rows = read_workbook(self.export(self.reader_a, "measurements"))

        self.assertEqual(
            rows,
            [
                [
                    "indicator_organisation",
                    "indicator_code",
                    "period",
                    "indicator_title",
                    "value",
                    "note",
                ],
                ["OVO000001", "IN 1", "2025-Q1", "Road deaths", 10.25, None],
                ["OVO000001", "IN 1", "2025-Q2", "Road deaths", -3, "'\tdown"],
            ],
        )

    def test_the_organisation_filter_keeps_the_rows_of_one_lead_organisation(self):
        rows = read_workbook(
            self.export(self.global_admin, "projects", organisation="OVO000002")
        )

        self.assertEqual([row[:2] for row in rows[1:]], [["OVO000002", "PR 2"]])

    def test_a_reader_exports_milestones_as_csv(self):
        content = self.export(self.reader_a, "milestones", "csv")

        self.assertTrue(content.startswith(b"\xef\xbb\xbf"))
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
        self.assertEqual(
            rows,
            [
                [
                    "project_organisation",
                    "project_code",
                    "code",
                    "project_title",
                    "title",
                    "description",
                    "due_date",
                    "completed_on",
                    "assignee",
                ],
                [
                    "OVO000001",
                    "PR 1",
                    "M1",
                    "'@Section speed checks",
                    "'-Tender awarded",
                    "",
                    "2026-06-30",
                    "",
                    self.contributor_a.person.personnel_number,
                ],
            ],
        )

    def test_every_text_cell_that_could_run_as_a_formula_is_neutralised(self):
        for start in ("=", "+", "-", "@", "\t", "\r"):
            make_project(
                lead_organisation=self.organisation_a,
                code=f"{start}X",
                title=f"{start}cmd|' /C calc'!A0",
                description=f"{start}1+1",
            )

        for file_format in ("xlsx", "csv"):
            with self.subTest(file_format=file_format):
                content = self.export(self.admin_a, "projects", file_format)
                if file_format == "xlsx":
                    workbook = openpyxl.load_workbook(io.BytesIO(content))
                    cells = [
                        cell for row in workbook.active.iter_rows() for cell in row
                    ]
                    self.assertFalse([cell for cell in cells if cell.data_type == "f"])
                    values = [cell.value for cell in cells]
                else:
                    text = content.decode("utf-8-sig")
                    values = [
                        value
                        for row in csv.reader(io.StringIO(text), delimiter=";")
                        for value in row
                    ]
                texts = [value for value in values if isinstance(value, str)]
                self.assertFalse(
                    [
                        value
                        for value in texts
                        if value.startswith(("=", "+", "-", "@", "\t", "\r"))
                    ]
                )
                self.assertIn("'=cmd|' /C calc'!A0", texts)
                self.assertIn("'+1+1", texts)
                self.assertIn("'@Section speed checks", texts)

    def test_export_queries_do_not_grow_with_the_number_of_rows(self):
        kinds = ("objectives", "projects", "milestones", "indicators", "measurements")

        def count_queries():
            counts = {}
            for kind in kinds:
                with CaptureQueriesContext(connection) as context:
                    exporting.export_rows(self.admin_a, kind)
                counts[kind] = len(context.captured_queries)
            return counts

        before = count_queries()
        for number in range(10):
            objective = make_objective(
                lead_organisation=self.organisation_a,
                parent=self.strategic,
                level=Objective.Level.OPERATIONAL,
                responsible=self.person_a,
            )
            project = make_project(lead_organisation=self.organisation_a)
            make_milestone(project, assignee=self.person_a)
            indicator = make_indicator(lead_organisation=self.organisation_a)
            actions.do_record_measurement(
                indicator,
                period=Period.parse("2025"),
                value=Decimal(number),
                note="",
                acting_user=None,
            )
            self.assertTrue(objective.pk)

        self.assertEqual(count_queries(), before)
        self.assertEqual(
            before,
            {
                "objectives": 2,
                "projects": 1,
                "milestones": 1,
                "indicators": 1,
                "measurements": 1,
            },
        )

    def test_the_export_download_does_not_read_more_for_more_rows(self):
        self.client.force_login(self.admin_a)

        def count_queries():
            with CaptureQueriesContext(connection) as context:
                response = self.client.get(
                    EXPORT_URL, {"kind": "objectives", "file_format": "xlsx"}
                )
            self.assertEqual(response.status_code, 200)
            return len(context.captured_queries)

        before = count_queries()
        for _ in range(10):
            make_objective(lead_organisation=self.organisation_a, parent=self.strategic)

        self.assertEqual(count_queries(), before)
        self.assertEqual(before, 4)

    def test_anyone_logged_in_sees_the_export_page(self):
        self.client.force_login(self.reader_a)

        response = self.client.get(EXPORT_URL)

        self.assertContains(response, "Export to a spreadsheet")
        self.assertNotContains(response, reverse("reporting:transfer_import"))


class RoundTripTests(TransferTestCase):
    def test_export_then_import_changes_nothing(self):
        kinds = ("objectives", "projects", "milestones", "indicators", "measurements")
        before = self.state()

        for kind in kinds:
            for file_format in ("xlsx", "csv"):
                with self.subTest(kind=kind, file_format=file_format):
                    dataset = exporting.export_rows(self.admin_a, kind)
                    data = exporting.render(dataset, file_format)
                    sheet = reading.read_spreadsheet(data, f"export.{file_format}")

                    report = importing.apply(self.admin_a, kind, sheet)

                    self.assertEqual(
                        report.counts,
                        {"new": 0, "update": 0, "unchanged": len(dataset), "error": 0},
                    )
                    self.assertGreater(len(dataset), 0)

        self.assertEqual(self.state(), before)

    def test_the_dry_run_of_an_export_offers_nothing_to_apply(self):
        data = self.export(self.admin_a, "indicators")

        response = self.upload(self.admin_a, "indicators", data)

        self.assertContains(response, "0 new, 0 to update, 1 unchanged, 0 with errors.")
        self.assertContains(response, "The file changes nothing.")
        self.assertNotContains(response, APPLY_URL)
        self.assertEqual(self.pending_files(), [])


class ImportTests(TransferTestCase):
    def project_file(self, *rows):
        return workbook_bytes(PROJECT_HEADERS, rows)

    def changed_projects(self):
        return self.project_file(
            [
                "OVO000001",
                "PR 1",
                "Section speed checks on regional roads",
                datetime.date(2025, 1, 1),
            ],
            ["OVO000001", "PR 7", "Safe school routes", "2026-01-01"],
            ["OVO000001", "PR 8", "Cycling to work", datetime.date(2026, 3, 1)],
        )

    def test_the_dry_run_shows_every_row_and_writes_nothing(self):
        before = self.state()

        response = self.upload(self.admin_a, "projects", self.changed_projects())

        self.assertContains(response, "2 new, 1 to update, 0 unchanged, 0 with errors.")
        report = response.context["report"]
        self.assertEqual(
            [(row.line, row.outcome, row.key) for row in report.rows],
            [
                (2, "update", "OVO000001 · PR 1"),
                (3, "new", "OVO000001 · PR 7"),
                (4, "new", "OVO000001 · PR 8"),
            ],
        )
        self.assertEqual(
            report.rows[0].changes,
            [
                (
                    "title",
                    "@Section speed checks",
                    "Section speed checks on regional roads",
                )
            ],
        )
        self.assertEqual(self.state(), before)
        token = response.context["token"]
        self.assertEqual(self.pending_files(), [f"{token}.json", f"{token}.xlsx"])

    def test_applying_writes_through_the_actions_with_history(self):
        token = self.upload(self.admin_a, "projects", self.changed_projects()).context[
            "token"
        ]

        response = self.client.post(APPLY_URL, {"token": token}, follow=True)

        self.assertContains(
            response, "The import is applied: 2 new, 1 updated, 0 unchanged."
        )
        self.project.refresh_from_db()
        self.assertEqual(self.project.title, "Section speed checks on regional roads")
        created = Project.objects.get(
            lead_organisation=self.organisation_a, code="PR 7"
        )
        self.assertEqual(created.start_date, datetime.date(2026, 1, 1))
        self.assertEqual(
            list(created.organisations.values_list("ovo_number", flat=True)),
            ["OVO000001"],
        )
        history = Change.objects.filter(actor=self.admin_a).order_by("pk")
        self.assertEqual(
            [(change.kind, change.changes.get("title")) for change in history],
            [
                (
                    "updated",
                    ["@Section speed checks", "Section speed checks on regional roads"],
                ),
                ("created", [None, "Safe school routes"]),
                ("created", [None, "Cycling to work"]),
            ],
        )
        self.assertEqual(self.pending_files(), [])

    def test_a_row_with_an_error_applies_nothing(self):
        before = self.state()
        data = workbook_bytes(
            ["lead_organisation", "code", "title", "baseline_value"],
            [
                ["OVO000001", "IN 1", "Road deaths per year", "12.5"],
                ["OVO000001", "IN 3", "Cyclists", "many"],
            ],
        )

        response = self.upload(self.admin_a, "indicators", data)
        sheet = reading.read_spreadsheet(data, "import.xlsx")
        report = importing.apply(self.admin_a, "indicators", sheet)

        self.assertContains(response, "Nothing has been saved.")
        self.assertContains(response, "baseline_value: “many” is not a number.")
        self.assertNotContains(response, APPLY_URL)
        self.assertFalse(report.is_applied)
        self.assertEqual([row.outcome for row in report.rows], ["update", "error"])
        self.assertEqual(self.state(), before)
        self.assertEqual(self.pending_files(), [])

    def test_a_formula_is_a_row_error(self):
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.append(["indicator_organisation", "indicator_code", "period", "value"])
        sheet.append(["OVO000001", "IN 1", "2024-Q3", "=2+2"])
        sheet.append(["OVO000001", "IN 1", "2024-Q4", 5])
        self.assertEqual(sheet["D2"].data_type, "f")
        stream = io.BytesIO()
        workbook.save(stream)
        before = self.state()

        response = self.upload(self.admin_a, "measurements", stream.getvalue())

        self.assertContains(
            response, "value: Formulas are not accepted; type the value."
        )
        self.assertEqual(
            [row.outcome for row in response.context["report"].rows], ["error", "new"]
        )
        self.assertEqual(self.state(), before)

    def test_a_row_of_a_foreign_organisation_is_an_error_row(self):
        before = self.state()
        data = self.project_file(
            ["OVO000002", "PR 2", "Taken over"],
            ["OVO000001", "PR 1", "Section speed checks"],
        )

        report = self.upload(self.admin_a, "projects", data).context["report"]

        self.assertEqual(
            [(row.outcome, row.errors) for row in report.rows],
            [("error", ["You may not create projects in B."]), ("update", [])],
        )
        self.assertEqual(self.state(), before)

    def test_a_contributor_may_not_change_projects(self):
        before = self.state()
        data = self.project_file(["OVO000001", "PR 1", "Renamed"])

        sheet = reading.read_spreadsheet(data, "import.xlsx")
        report = importing.apply(self.contributor_a, "projects", sheet)

        self.assertEqual(
            report.rows[0].errors,
            [
                "You may not change these projects: that is for the administrators "
                "of their organisations."
            ],
        )
        self.assertEqual(self.state(), before)

    def test_a_reader_cannot_import(self):
        before = self.state()
        self.client.force_login(self.reader_a)

        page = self.client.get(IMPORT_URL)
        upload = self.upload(
            self.reader_a,
            "projects",
            self.project_file(["OVO000001", "PR 1", "Renamed"]),
        )
        apply = self.client.post(APPLY_URL, {"token": "x" * 32})

        self.assertEqual(
            [page.status_code, upload.status_code, apply.status_code], [403, 403, 403]
        )
        self.assertEqual(self.state(), before)
        self.assertEqual(self.pending_files(), [])

    def test_a_contributor_imports_measurements_with_history(self):
        self.client.force_login(self.contributor_a)
        page = self.client.get(IMPORT_URL)
        self.assertEqual(
            page.context["form"].fields["kind"].choices,
            [("measurements", "Measurements")],
        )
        data = workbook_bytes(
            ["indicator_organisation", "indicator_code", "period", "value", "note"],
            [
                ["OVO000001", "IN 1", "2025-Q2", "-4,5", "\tdown"],
                ["OVO000001", "IN 1", "2024-Q3", 8, "counted"],
            ],
        )

        token = self.upload(self.contributor_a, "measurements", data).context["token"]
        self.client.post(APPLY_URL, {"token": token})

        self.assertEqual(
            list(
                Measurement.objects.filter(indicator=self.indicator)
                .order_by("period_start")
                .values_list("period_start", "value", "note", "entered_by")
            ),
            [
                (
                    datetime.date(2024, 7, 1),
                    Decimal("8.0000"),
                    "counted",
                    self.contributor_a.pk,
                ),
                (datetime.date(2025, 1, 1), Decimal("10.2500"), "", None),
                (
                    datetime.date(2025, 4, 1),
                    Decimal("-4.5000"),
                    "\tdown",
                    self.contributor_a.pk,
                ),
            ],
        )
        self.assertEqual(
            sorted(
                (change.kind, change.changes.get("value")[1])
                for change in Change.objects.filter(actor=self.contributor_a)
            ),
            [("created", "8.0000"), ("updated", "-4.5000")],
        )

    def test_a_contributor_may_not_choose_an_administrators_kind(self):
        before = self.state()

        response = self.upload(
            self.contributor_a,
            "projects",
            self.project_file(["OVO000001", "PR 1", "Renamed"]),
        )

        self.assertContains(response, "Select a valid choice.")
        self.assertEqual(self.state(), before)

    def test_a_measurement_of_another_frequency_is_an_error_row(self):
        data = workbook_bytes(
            ["indicator_organisation", "indicator_code", "period", "value"],
            [["OVO000001", "IN 1", "2025-03", 1], ["OVO000001", "IN 2", "2025", 1]],
        )

        report = self.upload(self.admin_a, "measurements", data).context["report"]

        self.assertEqual(
            [row.errors for row in report.rows],
            [
                [
                    "Indicator IN 1 Road deaths is measured quarterly: give a period "
                    f"such as {Period.of('quarterly', timezone.localdate()).label}."
                ],
                ["indicator_code: No indicator “IN 2” of OVO000001."],
            ],
        )

    def test_objectives_and_milestones_are_created_with_their_parent_and_project(self):
        objectives = workbook_bytes(
            [
                "lead_organisation",
                "legislature",
                "code",
                "level",
                "title",
                "parent_code",
            ],
            [
                ["OVO000001", "2024-2029", "SD 3", "strategic", "Clean air", ""],
                [
                    "OVO000001",
                    "2024-2029",
                    "OD 3.1",
                    "operational",
                    "Low emission",
                    "SD 3",
                ],
            ],
        )
        milestones = workbook_bytes(
            ["project_organisation", "project_code", "code", "title", "due_date"],
            [["OVO000001", "PR 1", "M2", "Cameras installed", "30/09/2026"]],
        )

        for kind, data in (("objectives", objectives), ("milestones", milestones)):
            token = self.upload(self.admin_a, kind, data).context["token"]
            self.client.post(APPLY_URL, {"token": token})

        child = Objective.objects.get(code="OD 3.1")
        self.assertEqual(child.parent.code, "SD 3")
        milestone = Milestone.objects.get(project=self.project, code="M2")
        self.assertEqual(milestone.due_date, datetime.date(2026, 9, 30))
        self.assertEqual(
            Change.objects.filter(actor=self.admin_a, kind=Change.Kind.CREATED).count(),
            3,
        )

    def test_an_upload_of_another_user_cannot_be_applied(self):
        token = self.upload(self.admin_a, "projects", self.changed_projects()).context[
            "token"
        ]
        before = self.state()
        self.client.force_login(self.admin_b)

        response = self.client.post(APPLY_URL, {"token": token}, follow=True)

        self.assertContains(
            response, "This upload is no longer waiting; upload the file again."
        )
        self.assertEqual(self.state(), before)
        self.assertEqual(len(self.pending_files()), 2)

    def test_an_upload_older_than_a_day_is_not_applied_and_is_removed(self):
        token = self.upload(self.admin_a, "projects", self.changed_projects()).context[
            "token"
        ]
        before = self.state()
        two_days_ago = time.time() - 2 * 24 * 60 * 60
        for path in (self.media_root / "imports").iterdir():
            os.utime(path, (two_days_ago, two_days_ago))

        response = self.client.post(APPLY_URL, {"token": token}, follow=True)
        pending.purge_expired()

        self.assertContains(
            response, "This upload is no longer waiting; upload the file again."
        )
        self.assertEqual(self.state(), before)
        self.assertEqual(self.pending_files(), [])

    def test_an_administrator_demoted_after_the_dry_run_cannot_apply(self):
        token = self.upload(self.admin_a, "projects", self.changed_projects()).context[
            "token"
        ]
        before = self.state()
        Membership.objects.filter(person=self.person_a).update(
            role=Membership.Role.READER
        )

        response = self.client.post(APPLY_URL, {"token": token})

        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.state(), before)

    def test_a_csv_file_from_a_dutch_spreadsheet_is_read(self):
        data = (
            "lead_organisation;code;title\r\nOVO000001;PR 1;Trajectcontrole café\r\n"
        ).encode("cp1252")

        response = self.upload(self.admin_a, "projects", data, "projecten.csv")

        self.assertEqual(
            [(row.outcome, row.changes) for row in response.context["report"].rows],
            [("update", [("title", "@Section speed checks", "Trajectcontrole café")])],
        )

    def test_unknown_and_missing_columns_are_refused(self):
        cases = [
            (["lead_organisation", "code", "titel"], "Traject does not know: titel"),
            (["lead_organisation", "title"], "The sheet lacks the columns code."),
        ]
        for headers, message in cases:
            with self.subTest(headers=headers):
                response = self.upload(
                    self.admin_a, "projects", workbook_bytes(headers, [])
                )
                self.assertContains(response, message)


class HostileFileTests(TransferTestCase):
    def refuse(self, data, message, name="import.xlsx"):
        """Upload ``data`` and check that it is refused with ``message``
        within bounded processor time and changes nothing; returns the
        seconds it took."""
        before = self.state()

        # Processor time rather than wall time: the bound is on the work done,
        # whatever else the machine runs meanwhile.
        started = time.process_time()
        response = self.upload(self.admin_a, "projects", data, name)
        seconds = time.process_time() - started

        self.assertContains(response, message)
        self.assertNotIn("report", response.context)
        self.assertLess(seconds, REFUSAL_SECONDS)
        self.assertEqual(self.state(), before)
        self.assertEqual(self.pending_files(), [])
        return seconds

    def valid_workbook(self):
        return workbook_bytes(PROJECT_HEADERS, [["OVO000001", "PR 9", "Fine"]])

    def test_a_zip_bomb_that_unpacks_beyond_the_cap_is_refused(self):
        def sixty_megabytes(member):
            chunk = b" " * (1024 * 1024)
            for _ in range(60):
                member.write(chunk)

        data = rebuilt(
            self.valid_workbook(),
            replaced={"xl/worksheets/sheet1.xml": sixty_megabytes},
        )

        self.assertLess(len(data), 200_000)
        self.refuse(data, "The workbook unpacks to more than 50.0")

    def test_a_zip_bomb_under_the_cap_is_refused_for_its_ratio(self):
        data = rebuilt(
            self.valid_workbook(),
            added={"xl/media/padding.bin": b"\0" * (20 * 1024 * 1024)},
        )

        self.refuse(data, "The workbook is compressed more than 100 to 1")

    def test_an_xml_entity_bomb_is_refused(self):
        entities = "".join(
            f'<!ENTITY lol{level} "{f"&lol{level - 1};" * 10}">'
            for level in range(1, 10)
        )
        bomb = (
            '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">'
            f"{entities}]><sst><si><t>&lol9;</t></si></sst>"
        ).encode()
        parts = (
            "xl/sharedStrings.xml",
            "xl/worksheets/sheet1.xml",
            "xl/workbook.xml",
            "[Content_Types].xml",
        )
        for part in parts:
            with self.subTest(part=part):
                data = rebuilt(self.valid_workbook(), replaced={part: bomb})
                self.refuse(data, "document type or entity declaration")

    def test_an_external_entity_in_lower_case_is_refused(self):
        xxe = (
            b'<?xml version="1.0"?><!doctype x [<!entity xxe SYSTEM '
            b'"file:///etc/passwd">]><worksheet>&xxe;</worksheet>'
        )

        data = rebuilt(
            self.valid_workbook(), replaced={"xl/worksheets/sheet1.xml": xxe}
        )

        self.refuse(data, "document type or entity declaration")

    def test_an_xml_part_in_utf16_is_refused(self):
        data = rebuilt(
            self.valid_workbook(),
            replaced={
                "xl/worksheets/sheet1.xml": sheet_xml("").decode().encode("utf-16")
            },
        )

        self.refuse(data, "is not a spreadsheet that Traject reads")

    def test_a_sheet_with_too_many_rows_is_refused(self):
        rows = "".join(
            f'<row r="{number}">{inline_cell(f"A{number}", "x")}</row>'
            for number in range(1, reading.MAX_ROWS + 3)
        )
        data = rebuilt(
            self.valid_workbook(),
            replaced={"xl/worksheets/sheet1.xml": sheet_xml(rows, "A1:A20002")},
        )

        self.refuse(data, "The sheet has more than 20,000 rows")

    def test_a_sheet_that_claims_a_million_rows_is_refused_without_walking_them(self):
        rows = (
            f'<row r="1">{inline_cell("A1", "code")}</row>'
            f'<row r="1048576">{inline_cell("A1048576", "x")}</row>'
        )
        data = rebuilt(
            self.valid_workbook(),
            replaced={"xl/worksheets/sheet1.xml": sheet_xml(rows, "A1:XFD1048576")},
        )

        self.refuse(data, "The sheet has more than 20,000 rows")

    def test_a_sheet_with_too_many_columns_is_refused(self):
        data = workbook_bytes([f"column{number}" for number in range(101)], [])

        self.refuse(data, "The sheet has more than 100 columns.")

    def test_a_sheet_with_too_many_filled_cells_is_refused(self):
        header = "".join(
            inline_cell(f"{column}1", column) for column in COLUMNS_A_TO_CV
        )
        numbers = "".join(
            f'<c r="{column}{{row}}"><v>1</v></c>' for column in COLUMNS_A_TO_CV
        )
        rows = f'<row r="1">{header}</row>' + "".join(
            f'<row r="{number}">{numbers.format(row=number)}</row>'
            for number in range(2, 5000)
        )
        data = rebuilt(
            self.valid_workbook(),
            replaced={"xl/worksheets/sheet1.xml": sheet_xml(rows, "A1:CV4999")},
        )

        self.refuse(data, "The sheet has more than 300,000 filled cells")

    def test_a_csv_file_with_too_many_rows_is_refused(self):
        data = ("code\n" + "x\n" * (reading.MAX_ROWS + 1)).encode()

        self.refuse(data, "The sheet has more than 20,000 rows", name="import.csv")

    def test_files_that_are_not_spreadsheets_are_refused(self):
        picture = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64)
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w") as plain:
            plain.writestr("word/document.xml", "<document/>")
        cases = [
            (picture, "picture.xlsx"),
            (picture, "picture.csv"),
            (b"lead_organisation;code\nOVO000001;PR 1\n", "notes.txt"),
            (archive.getvalue(), "document.xlsx"),
            (b"PK\x03\x04" + bytes(100), "broken.xlsx"),
            (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "old.xls"),
        ]
        for data, name in cases:
            with self.subTest(name=name):
                self.refuse(data, "is not a spreadsheet that Traject reads", name=name)

    def test_an_empty_file_is_refused(self):
        self.refuse(b"", "The submitted file is empty.")
        with self.assertRaisesMessage(reading.RefusedFile, "The file is empty."):
            reading.read_spreadsheet(b"", "import.xlsx")
        with self.assertRaisesMessage(reading.RefusedFile, "The file is empty."):
            reading.read_spreadsheet(b"\n;;\n", "import.csv")

    def test_an_upload_over_the_size_cap_is_refused_before_it_is_read(self):
        data = b"x" * (reading.MAX_UPLOAD_BYTES + 1)

        self.refuse(data, "The file is larger than 10.0", name="big.csv")
