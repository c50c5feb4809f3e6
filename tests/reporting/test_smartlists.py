import csv
import datetime
import io
from decimal import Decimal

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from objectives import actions
from objectives.models import Change, Confidentiality, StatusReport
from objectives.periods import Period
from reporting import renderers, tasks
from reporting.models import ReportJob, SmartList
from reporting.reports import build_report
from reporting.smartlists import actions as smartlist_actions
from tests.eager import eager_tasks
from tests.factories import (
    make_indicator,
    make_legislature,
    make_lens,
    make_milestone,
    make_objective,
    make_project,
)
from tests.personas import PersonaTestCase
from tests.reporting.test_renderers import as_read, pdf_pages, squeeze
from tests.reporting.test_reports import MediaRootMixin

TODAY = datetime.date(2026, 1, 15)
Colour = StatusReport.Colour


def report_status(subject, label, colour, explanation):
    actions.do_report_status(
        subject,
        period=Period.parse(label),
        colour=colour,
        explanation=explanation,
        acting_user=None,
    )


def make_smartlist(owner, component_type="project", **values):
    values.setdefault("name", "Projects of A")
    values.setdefault("columns", ["code", "title", "status", "end_date"])
    values.setdefault("sort_column", "code")
    values.setdefault("filters", {})
    return smartlist_actions.do_create_smartlist(
        owner=owner, component_type=component_type, acting_user=owner, **values
    )


class SmartListTestCase(MediaRootMixin, PersonaTestCase):
    """Entity A: an objective in a lens, realised by two projects with a
    status, next to a project without status, an archived one, a
    confidential one; a project of B; an indicator with a measurement."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        a, b = cls.organisation_a, cls.organisation_b
        cls.objective = make_objective(
            lead_organisation=a, code="SD 7", title="Clean rivers"
        )
        cls.lens = make_lens(
            name="River plan", organisation=a, objectives=[cls.objective]
        )
        cls.bridge = make_project(
            lead_organisation=a,
            code="PR 1",
            title="Bridge repairs",
            start_date=datetime.date(2025, 1, 1),
            end_date=datetime.date(2026, 6, 30),
            responsible=cls.contributor_a.person,
        )
        cls.dredging = make_project(
            lead_organisation=a,
            organisations=[b],
            code="PR 2",
            title='=HYPERLINK("http://evil") dredging',
            start_date=datetime.date(2027, 1, 1),
            end_date=datetime.date(2028, 12, 31),
        )
        cls.quiet = make_project(lead_organisation=a, code="PR 3", title="Quiet works")
        cls.archived = make_project(
            lead_organisation=a, code="PR 4", title="Old sluice", is_archived=True
        )
        cls.secret = make_project(
            lead_organisation=a,
            code="PR 9",
            title="Secret restructuring",
            confidentiality=Confidentiality.CONFIDENTIAL,
        )
        cls.foreign = make_project(
            lead_organisation=b, code="PR 50", title="Foreign bridge works"
        )
        for project in (cls.bridge, cls.secret):
            actions.do_link(cls.objective, "projects", project, acting_user=None)
        report_status(cls.bridge, "2025-Q4", Colour.RED, "Steel is late")
        report_status(cls.dredging, "2025-Q4", Colour.GREEN, "On schedule")
        report_status(cls.secret, "2025-Q4", Colour.ORANGE, "Unions worried")
        cls.milestone = make_milestone(
            cls.bridge,
            code="M1",
            title="Steel delivered",
            due_date=datetime.date(2026, 3, 31),
        )
        cls.indicator = make_indicator(
            lead_organisation=a, code="IN 1", title="Water quality", unit="mg/l"
        )
        actions.do_record_measurement(
            cls.indicator,
            period=Period.parse("2025"),
            value=Decimal("12.5"),
            note="",
            acting_user=None,
        )

    def setUp(self):
        super().setUp()
        self.enterContext(translation.override("en"))
        self.enterContext(eager_tasks())
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    def rows_for(self, user, smartlist, sort=None):
        parameters = {"id": str(smartlist.public_id)}
        if sort:
            parameters["sort"] = sort
        report = build_report(user, "smartlist", parameters, TODAY)
        return [row.cells for row in report.sections[0].table.rows]

    def codes_for(self, user, component_type="project", **filters):
        smartlist = make_smartlist(
            user,
            component_type,
            columns=["code"],
            filters=filters,
            name=f"List {SmartList.objects.count()}",
        )
        return [cells[0] for cells in self.rows_for(user, smartlist)]

    def builder_data(self, **values):
        data = {
            "component_type": "project",
            "name": "Late projects",
            "shared_with": "",
            "column_1": "code",
            "column_2": "title",
            "column_3": "status",
            "sort_column": "code",
            "sort_direction": "asc",
        }
        data.update(values)
        return data


class SmartListFilterTests(SmartListTestCase):
    def test_without_filters_a_list_holds_every_current_visible_project(self):
        codes = self.codes_for(self.admin_a)

        self.assertEqual(codes, ["PR 1", "PR 2", "PR 3", "PR 9"])

    def test_archived_components_are_left_out_unless_asked_for(self):
        codes = self.codes_for(self.admin_a, include_archived=True)

        self.assertEqual(codes, ["PR 1", "PR 2", "PR 3", "PR 4", "PR 9"])

    def test_organisation_matches_the_lead_or_any_organisation(self):
        codes = self.codes_for(self.global_admin, organisation="OVO000002")

        self.assertEqual(codes, ["PR 2", "PR 50"])

    def test_lens_holds_the_projects_realising_its_objectives(self):
        lens = str(self.lens.public_id)

        self.assertEqual(self.codes_for(self.admin_a, lens=lens), ["PR 1", "PR 9"])
        self.assertEqual(self.codes_for(self.admin_a, "objective", lens=lens), ["SD 7"])
        self.assertEqual(self.codes_for(self.admin_a, "milestone", lens=lens), ["M1"])

    def test_legislature_holds_what_is_linked_to_its_objectives(self):
        other = make_legislature(
            name="2019-2024",
            start_date=datetime.date(2019, 7, 1),
            end_date=datetime.date(2024, 6, 30),
        )

        current = self.codes_for(self.admin_a, legislature="2024-2029")
        earlier = self.codes_for(self.admin_a, legislature=other.name)

        self.assertEqual(current, ["PR 1", "PR 9"])
        self.assertEqual(earlier, [])

    def test_colour_filters_on_the_latest_status_or_its_absence(self):
        self.assertEqual(self.codes_for(self.admin_a, colour="red"), ["PR 1"])
        self.assertEqual(self.codes_for(self.admin_a, colour="none"), ["PR 3"])

    def test_responsible_person_by_personnel_number(self):
        number = self.contributor_a.person.personnel_number

        self.assertEqual(self.codes_for(self.admin_a, responsible=number), ["PR 1"])

    def test_date_range_overlaps_start_and_end_dates(self):
        codes = self.codes_for(
            self.admin_a, date_from="2026-07-01", date_until="2027-03-01"
        )

        self.assertEqual(codes, ["PR 2"])

    def test_date_range_of_milestones_is_on_their_due_date(self):
        inside = self.codes_for(
            self.admin_a, "milestone", date_from="2026-03-01", date_until="2026-03-31"
        )
        outside = self.codes_for(self.admin_a, "milestone", date_until="2026-03-30")

        self.assertEqual(inside, ["M1"])
        self.assertEqual(outside, [])

    def test_text_is_looked_for_in_code_title_and_description(self):
        self.assertEqual(self.codes_for(self.admin_a, text="bridge"), ["PR 1"])
        self.assertEqual(self.codes_for(self.admin_a, text="pr 3"), ["PR 3"])

    def test_indicators_show_their_last_measurement(self):
        smartlist = make_smartlist(
            self.reader_a,
            "indicator",
            columns=["code", "unit", "last_measurement", "last_measurement_period"],
            sort_column="code",
        )

        self.assertEqual(
            self.rows_for(self.reader_a, smartlist),
            [["IN 1", "mg/l", Decimal("12.5"), "2025"]],
        )

    def test_objectives_name_only_the_lenses_the_viewer_may_see(self):
        make_lens(name="Second river plan", objectives=[self.objective])
        smartlist = make_smartlist(
            self.reader_a,
            "objective",
            columns=["code", "level", "legislature", "lenses", "responsible"],
        )

        rows = self.rows_for(self.reader_a, smartlist)

        # The plan of B refers to SD 1, but a reader of A may not see it.
        self.assertEqual(
            rows,
            [
                ["SD 1", "strategic", "2024-2029", "", ""],
                ["SD 7", "strategic", "2024-2029", "River plan; Second river plan", ""],
            ],
        )
        coordinated = self.rows_for(
            self.coordinator,
            make_smartlist(self.coordinator, "objective", columns=["code", "lenses"]),
        )
        self.assertEqual(coordinated, [["SD 1", "Mobility plan"]])

    def test_sort_is_stable_with_the_code_as_tiebreak(self):
        smartlist = make_smartlist(
            self.admin_a,
            columns=["code", "status"],
            sort_column="status",
            sort_direction=SmartList.Direction.DESCENDING,
        )

        rows = self.rows_for(self.admin_a, smartlist)

        # Worst first ascending, so descending ends with red; the two
        # without a status keep their code order.
        self.assertEqual([r[0] for r in rows], ["PR 3", "PR 2", "PR 9", "PR 1"])


class SmartListAccessTests(SmartListTestCase):
    def test_a_shared_list_shows_each_member_only_what_they_may_see(self):
        smartlist = make_smartlist(
            self.admin_a,
            shared_with=self.organisation_a,
            columns=["code", "title", "organisations"],
        )

        owner_rows = self.rows_for(self.admin_a, smartlist)
        reader_rows = self.rows_for(self.reader_a, smartlist)

        self.assertIn("Secret restructuring", [r[1] for r in owner_rows])
        self.assertEqual([r[0] for r in reader_rows], ["PR 1", "PR 2", "PR 3"])
        self.client.force_login(self.reader_a)
        response = self.client.get(
            reverse("reporting:smartlist_detail", args=[smartlist.public_id])
        )
        self.assertContains(response, "Bridge repairs")
        self.assertNotContains(response, "Secret restructuring")
        self.assertContains(response, "Department A; Department B")

    def test_someone_elses_private_list_is_not_found(self):
        smartlist = make_smartlist(self.admin_a)
        self.client.force_login(self.reader_a)

        for name in ("smartlist_detail", "smartlist_edit", "smartlist_delete"):
            url = reverse(f"reporting:{name}", args=[smartlist.public_id])
            self.assertEqual(self.client.get(url).status_code, 404, name)
        export = reverse("reporting:smartlist_export", args=[smartlist.public_id])
        response = self.client.post(export, {"format": "xlsx"})

        self.assertEqual(response.status_code, 404)
        self.assertFalse(ReportJob.objects.exists())

    def test_a_list_shared_with_another_organisation_is_not_found(self):
        smartlist = make_smartlist(self.admin_a, shared_with=self.organisation_a)
        self.client.force_login(self.reader_b)

        response = self.client.get(
            reverse("reporting:smartlist_detail", args=[smartlist.public_id])
        )

        self.assertEqual(response.status_code, 404)

    def test_a_member_sees_a_shared_list_but_cannot_change_it(self):
        smartlist = make_smartlist(self.admin_a, shared_with=self.organisation_a)
        self.client.force_login(self.reader_a)
        edit = reverse("reporting:smartlist_edit", args=[smartlist.public_id])
        delete = reverse("reporting:smartlist_delete", args=[smartlist.public_id])

        page = self.client.get(
            reverse("reporting:smartlist_detail", args=[smartlist.public_id])
        )
        edited = self.client.post(edit, self.builder_data(name="Mine now"))
        deleted = self.client.post(delete)

        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, edit)
        self.assertEqual(edited.status_code, 403)
        self.assertEqual(deleted.status_code, 403)
        smartlist.refresh_from_db()
        self.assertEqual(smartlist.name, "Projects of A")

    def test_the_index_lists_my_lists_and_those_shared_with_me(self):
        make_smartlist(self.reader_a, name="My own list")
        make_smartlist(self.admin_a, name="Team list", shared_with=self.organisation_a)
        make_smartlist(self.admin_a, name="Private of admin")
        make_smartlist(self.admin_b, name="Team B", shared_with=self.organisation_b)
        self.client.force_login(self.reader_a)

        response = self.client.get(reverse("reporting:smartlist_list"))

        self.assertEqual([s.name for s in response.context["mine"]], ["My own list"])
        self.assertEqual([s.name for s in response.context["shared"]], ["Team list"])
        self.assertContains(response, 'href="/reporting/smartlists/"')

    def test_a_lens_the_viewer_may_not_see_is_an_error_on_the_page(self):
        smartlist = make_smartlist(
            self.admin_a,
            shared_with=self.organisation_a,
            filters={"lens": str(self.plan_lens.public_id)},
        )
        self.client.force_login(self.admin_a)

        response = self.client.get(
            reverse("reporting:smartlist_detail", args=[smartlist.public_id])
        )

        self.assertEqual(response.status_code, 200)
        self.assertContains(
            response, "Lens: This lens does not exist or you may not see it."
        )
        self.assertNotContains(response, "smartlist-table")

    def test_an_archived_lens_and_an_unknown_filter_are_errors_not_crashes(self):
        smartlist = make_smartlist(
            self.admin_a, filters={"lens": str(self.lens.public_id), "size": "big"}
        )
        actions.do_archive_lens(self.lens, acting_user=None)
        self.client.force_login(self.admin_a)

        response = self.client.get(
            reverse("reporting:smartlist_detail", args=[smartlist.public_id])
        )

        self.assertContains(response, "This lens does not exist")
        self.assertContains(response, "filters that no longer exist: size")
        self.assertContains(response, "Edit the list to correct it.")


class SmartListBuilderTests(SmartListTestCase):
    def post_new(self, user, **values):
        self.client.force_login(user)
        return self.client.post(
            reverse("reporting:smartlist_new"), self.builder_data(**values)
        )

    def assert_refused(self, response, message):
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, message)
        self.assertFalse(SmartList.objects.exists())
        self.assertFalse(
            Change.objects.filter(kind=Change.Kind.CREATED)
            .filter(content_type__model="smartlist")
            .exists()
        )

    def test_saving_a_list_keeps_its_definition_and_writes_history(self):
        response = self.post_new(
            self.admin_a,
            shared_with="OVO000001",
            colour="red",
            text="bridge",
            sort_direction="desc",
        )

        smartlist = SmartList.objects.get()
        self.assertRedirects(
            response,
            reverse("reporting:smartlist_detail", args=[smartlist.public_id]),
        )
        self.assertEqual(smartlist.owner, self.admin_a)
        self.assertEqual(smartlist.component_type, "project")
        self.assertEqual(smartlist.columns, ["code", "title", "status"])
        self.assertEqual(smartlist.filters, {"colour": "red", "text": "bridge"})
        self.assertEqual(smartlist.sort_key, "-code")
        self.assertEqual(smartlist.shared_with, self.organisation_a)
        change = Change.objects.get(content_type__model="smartlist")
        self.assertEqual(change.kind, Change.Kind.CREATED)
        self.assertEqual(change.actor, self.admin_a)
        self.assertEqual(change.changes["name"], [None, "Late projects"])

    def test_an_unknown_organisation_is_refused(self):
        response = self.post_new(self.admin_a, organisation="OVO999999")

        self.assert_refused(response, "There is no organisation with this OVO number.")
        self.assertContains(response, 'value="OVO999999"')

    def test_a_lens_the_owner_may_not_see_is_refused(self):
        response = self.post_new(self.reader_a, lens=str(self.plan_lens.public_id))

        self.assert_refused(response, "This lens does not exist or you may not see it.")

    def test_a_range_ending_before_it_starts_is_refused(self):
        response = self.post_new(
            self.admin_a, date_from="2026-05-01", date_until="2026-01-01"
        )

        self.assert_refused(response, "The end of the range is before its start.")

    def test_a_column_not_offered_for_the_type_is_refused(self):
        response = self.post_new(self.admin_a, column_2="unit")

        self.assert_refused(
            response, "This column is not offered for this type of component."
        )

    def test_a_repeated_column_is_refused(self):
        response = self.post_new(self.admin_a, column_2="code")

        self.assert_refused(response, "Each column can be shown once; repeated: Code.")

    def test_a_sort_on_a_column_of_many_values_is_refused(self):
        response = self.post_new(self.admin_a, sort_column="organisations")

        self.assert_refused(
            response, "A list of this type cannot be sorted on this column."
        )

    def test_a_name_too_long_is_refused(self):
        response = self.post_new(self.admin_a, name="x" * 121)

        self.assert_refused(response, "at most 120 characters (it has 121)")

    def test_sharing_with_an_organisation_the_owner_is_not_in_is_refused(self):
        response = self.post_new(self.admin_a, shared_with="OVO000002")

        self.assert_refused(
            response,
            "You can only share a list with an organisation in which you hold a role.",
        )

    def test_the_preview_button_shows_rows_without_saving(self):
        response = self.post_new(self.reader_a, preview="1", name="")

        self.assertEqual(response.status_code, 200)
        self.assertFalse(SmartList.objects.exists())
        self.assertEqual(response.context["preview"]["total"], 3)
        self.assertContains(response, "Bridge repairs")
        self.assertNotContains(response, "Secret restructuring")

    def test_the_live_preview_is_a_fragment_for_htmx(self):
        self.client.force_login(self.reader_a)

        response = self.client.post(
            reverse("reporting:smartlist_preview"),
            self.builder_data(colour="green"),
            headers={"HX-Request": "true"},
        )

        self.assertTemplateUsed(response, "reporting/smartlists/_preview.html")
        self.assertTemplateNotUsed(response, "base.html")
        self.assertEqual(response.context["preview"]["total"], 1)
        self.assertContains(response, "dredging")

    def test_the_builder_asks_for_the_type_first(self):
        self.client.force_login(self.reader_a)

        response = self.client.get(reverse("reporting:smartlist_new"))

        self.assertTemplateUsed(response, "reporting/smartlists/choose_type.html")
        self.assertContains(response, 'value="milestone"')

    def test_the_owner_edits_and_the_history_names_what_changed(self):
        smartlist = make_smartlist(self.admin_a)
        self.client.force_login(self.admin_a)

        response = self.client.post(
            reverse("reporting:smartlist_edit", args=[smartlist.public_id]),
            self.builder_data(name="Renamed", column_4="end_date"),
        )

        self.assertEqual(response.status_code, 302)
        smartlist.refresh_from_db()
        self.assertEqual(smartlist.name, "Renamed")
        self.assertEqual(smartlist.columns, ["code", "title", "status", "end_date"])
        change = Change.objects.filter(kind=Change.Kind.UPDATED).get()
        self.assertEqual(change.changes, {"name": ["Projects of A", "Renamed"]})

    def test_delete_asks_first_and_deletes_only_on_post(self):
        smartlist = make_smartlist(self.admin_a)
        url = reverse("reporting:smartlist_delete", args=[smartlist.public_id])
        self.client.force_login(self.admin_a)

        confirm = self.client.get(url)
        self.assertContains(confirm, "Delete Projects of A?")
        self.assertTrue(SmartList.objects.exists())
        response = self.client.post(url)

        self.assertRedirects(response, reverse("reporting:smartlist_list"))
        self.assertFalse(SmartList.objects.exists())
        self.assertTrue(Change.objects.filter(kind=Change.Kind.DELETED).exists())


class SmartListPageTests(SmartListTestCase):
    def test_clicking_a_header_sorts_the_page_but_not_the_saved_list(self):
        smartlist = make_smartlist(self.admin_a, columns=["code", "title"])
        url = reverse("reporting:smartlist_detail", args=[smartlist.public_id])
        self.client.force_login(self.admin_a)

        response = self.client.get(url, {"sort": "-title"})

        titles = [row["cells"][1]["text"] for row in response.context["page"].rows]
        self.assertEqual(titles[0], "Secret restructuring")
        self.assertContains(response, 'href="?sort=title"')
        self.assertContains(response, 'aria-sort="descending"')
        self.assertContains(response, 'name="sort" value="-title"')
        smartlist.refresh_from_db()
        self.assertEqual(smartlist.sort_key, "code")

    def test_the_owner_can_keep_the_order_clicked(self):
        smartlist = make_smartlist(self.admin_a, columns=["code", "title"])
        detail = reverse("reporting:smartlist_detail", args=[smartlist.public_id])
        url = reverse("reporting:smartlist_save_sort", args=[smartlist.public_id])
        self.client.force_login(self.admin_a)

        page = self.client.get(detail, {"sort": "-title"})
        self.assertContains(page, "Save this order")
        response = self.client.post(url, {"sort": "-title"})

        self.assertRedirects(response, detail)
        smartlist.refresh_from_db()
        self.assertEqual(smartlist.sort_key, "-title")
        change = Change.objects.get(kind=Change.Kind.UPDATED)
        self.assertEqual(
            change.changes,
            {"sort_column": ["code", "title"], "sort_direction": ["asc", "desc"]},
        )

    def test_a_member_cannot_save_the_order_of_a_shared_list(self):
        smartlist = make_smartlist(self.admin_a, shared_with=self.organisation_a)
        url = reverse("reporting:smartlist_save_sort", args=[smartlist.public_id])
        self.client.force_login(self.reader_a)

        page = self.client.get(
            reverse("reporting:smartlist_detail", args=[smartlist.public_id]),
            {"sort": "-code"},
        )
        response = self.client.post(url, {"sort": "-code"})

        self.assertNotContains(page, "Save this order")
        self.assertEqual(response.status_code, 403)
        smartlist.refresh_from_db()
        self.assertEqual(smartlist.sort_key, "code")

    def test_pages_hold_fifty_rows(self):
        for number in range(60):
            make_project(lead_organisation=self.organisation_a, code=f"X {number:03d}")
        smartlist = make_smartlist(self.reader_a, columns=["code"])
        url = reverse("reporting:smartlist_detail", args=[smartlist.public_id])
        self.client.force_login(self.reader_a)

        first = self.client.get(url).context["page"]
        second = self.client.get(url, {"page": 2}).context["page"]

        self.assertEqual(len(first.rows), 50)
        self.assertEqual(len(second.rows), 13)
        self.assertEqual(first.paginator.count, 63)

    def test_the_main_navigation_links_to_the_smartlists(self):
        self.client.force_login(self.reader_a)

        response = self.client.get(reverse("objectives:home"))

        self.assertContains(response, reverse("reporting:smartlist_list"))
        self.assertContains(response, ">Smartlists</a>")


class SmartListExportTests(SmartListTestCase):
    def export(self, user, smartlist, file_format, sort=""):
        self.client.force_login(user)
        url = reverse("reporting:smartlist_export", args=[smartlist.public_id])
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(url, {"format": file_format, "sort": sort})
        job = ReportJob.objects.get()
        self.assertRedirects(
            response, reverse("reporting:report_detail", args=[job.public_id])
        )
        job.refresh_from_db()
        self.assertEqual(job.status, ReportJob.Status.DONE, job.error)
        with job.file.open("rb") as opened:
            return job, opened.read()

    def shared_list(self):
        return make_smartlist(
            self.admin_a,
            name="River projects",
            shared_with=self.organisation_a,
            columns=["code", "title", "status", "end_date", "organisations"],
            filters={"organisation": "OVO000001"},
        )

    def test_excel_has_one_sheet_of_typed_cells_for_the_requester(self):
        job, content = self.export(self.reader_a, self.shared_list(), "xlsx")

        workbook = load_workbook(io.BytesIO(content))
        self.assertEqual(workbook.sheetnames, ["River projects"])
        sheet = workbook.active
        self.assertEqual(sheet.freeze_panes, "A2")
        self.assertEqual(sheet.auto_filter.ref, "A1:E4")
        rows = [[as_read(c.value) for c in row] for row in sheet.iter_rows()]
        self.assertEqual(
            rows,
            [
                ["Code", "Title", "Status", "End date", "Organisations"],
                [
                    "PR 1",
                    "Bridge repairs",
                    "red: off track",
                    datetime.date(2026, 6, 30),
                    "Department A",
                ],
                [
                    "PR 2",
                    '\'=HYPERLINK("http://evil") dredging',
                    "green: on track",
                    datetime.date(2028, 12, 31),
                    "Department A; Department B",
                ],
                ["PR 3", "Quiet works", None, None, "Department A"],
            ],
        )
        self.assertTrue(sheet["D2"].is_date)
        self.assertEqual(sheet["B3"].data_type, "s")

    def test_another_person_cannot_download_the_export(self):
        job, _content = self.export(self.reader_a, self.shared_list(), "csv")
        self.client.force_login(self.admin_a)

        response = self.client.get(
            reverse("reporting:report_download", args=[job.public_id])
        )

        self.assertEqual(response.status_code, 404)

    def test_csv_is_utf8_with_a_bom_and_semicolons_in_the_sort_shown(self):
        smartlist = self.shared_list()

        job, content = self.export(self.reader_a, smartlist, "csv", sort="-code")

        self.assertEqual(job.parameters["sort"], "-code")
        self.assertTrue(content.startswith(b"\xef\xbb\xbf"))
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
        self.assertEqual(
            rows,
            [
                ["Code", "Title", "Status", "End date", "Organisations"],
                ["PR 3", "Quiet works", "", "", "Department A"],
                [
                    "PR 2",
                    '\'=HYPERLINK("http://evil") dredging',
                    "green: on track",
                    "2028-12-31",
                    "Department A; Department B",
                ],
                [
                    "PR 1",
                    "Bridge repairs",
                    "red: off track",
                    "2026-06-30",
                    "Department A",
                ],
            ],
        )

    def test_csv_numbers_have_a_decimal_comma(self):
        smartlist = make_smartlist(
            self.reader_a, "indicator", columns=["code", "last_measurement"]
        )

        _job, content = self.export(self.reader_a, smartlist, "csv")

        self.assertEqual(
            content.decode("utf-8-sig").splitlines(),
            ["Code;Last measurement", "IN 1;12,5"],
        )

    def test_pdf_is_a_landscape_table_with_name_filters_date_and_page_numbers(self):
        job, content = self.export(self.admin_a, self.shared_list(), "pdf")

        pages, info = pdf_pages(content)
        self.assertIn("841.89 x 595.276 pts (A4)", info)
        text = squeeze(pages[0])
        self.assertIn("River projects", text)
        self.assertIn(
            "Filters: Organisation: Department A (OVO000001); "
            "Archived components left out",
            text,
        )
        self.assertIn("Made on", text)
        self.assertIn("Secret restructuring", text)
        self.assertIn(f"1/{len(pages)}", text.replace(" ", ""))

    def test_a_stale_filter_fails_the_job_with_the_reason(self):
        smartlist = make_smartlist(
            self.admin_a, filters={"lens": str(self.lens.public_id)}
        )
        job = tasks.request_report(
            self.admin_a, "smartlist", {"id": str(smartlist.public_id)}, "csv"
        )
        actions.do_archive_lens(self.lens, acting_user=None)

        status = tasks.perform_job(job.pk)

        job.refresh_from_db()
        self.assertEqual(status, ReportJob.Status.FAILED)
        self.assertIn("This lens does not exist or you may not see it.", job.error)

    def test_the_worker_writes_progress_on_long_lists(self):
        rows = [[f"PR {n}"] for n in range(1200)]
        seen = []
        report = build_report(
            self.admin_a,
            "smartlist",
            {"id": str(make_smartlist(self.admin_a, columns=["code"]).public_id)},
            TODAY,
        )
        report.sections[0].table.rows = [
            type(report.sections[0].table.rows[0])(row) for row in rows
        ]

        renderers.render_csv(report, seen.append)

        self.assertEqual(seen, [0.9 * 500 / 1200, 0.9 * 1000 / 1200, 1.0])


class SmartListQueryCountTests(SmartListTestCase):
    """The pages and the export cost the same whatever the number of rows."""

    def grow(self, count):
        for _number in range(count):
            project = make_project(
                lead_organisation=self.organisation_a,
                organisations=[self.organisation_b],
            )
            actions.do_link(self.objective, "projects", project, acting_user=None)

    def shared_list(self):
        return make_smartlist(
            self.admin_a,
            shared_with=self.organisation_a,
            columns=["code", "title", "organisation", "organisations", "status"],
            filters={"lens": str(self.lens.public_id), "colour": ""},
        )

    def assert_constant(self, queries, request, grow=None):
        request()
        with self.assertNumQueries(queries):
            request()
        (grow or self.grow)(30)
        with self.assertNumQueries(queries):
            request()

    def test_the_index(self):
        def more_lists(count):
            for number in range(count):
                make_smartlist(
                    self.admin_a,
                    name=f"Shared {number}",
                    shared_with=self.organisation_a,
                )
                make_smartlist(self.reader_a, name=f"Own {number}")

        more_lists(2)
        self.client.force_login(self.reader_a)
        url = reverse("reporting:smartlist_list")

        # Session, user, the lists (with owners and organisations), the
        # organisations of the entity switch in the navigation.
        self.assert_constant(4, lambda: self.client.get(url), grow=more_lists)

    def test_the_builder(self):
        self.client.force_login(self.reader_a)
        url = reverse("reporting:smartlist_new") + "?type=project"

        # Session, user, the preview's rows and their count, organisations
        # to share with, lenses, legislatures, the navigation's entities.
        self.assert_constant(8, lambda: self.client.get(url))

    def test_the_list_page(self):
        smartlist = self.shared_list()
        self.client.force_login(self.reader_a)
        url = reverse("reporting:smartlist_detail", args=[smartlist.public_id])

        # Session, user, the list, its lens, the count, the page, the
        # organisations of the page's rows, the navigation's entities.
        self.assert_constant(8, lambda: self.client.get(url))

    def test_the_export(self):
        smartlist = self.shared_list()

        def export():
            job = ReportJob.objects.create(
                requested_by=self.reader_a,
                kind="smartlist",
                parameters={"id": str(smartlist.public_id)},
                format="xlsx",
                language="en",
            )
            self.assertEqual(tasks.perform_job(job.pk), ReportJob.Status.DONE)

        # The job's insert, claim and read; the list, its lens, the
        # organisations, the rows; progress (in steps) and finish.
        self.assert_constant(11, export)
