import datetime
import io
import re
import socket
import subprocess
import tempfile
from pathlib import Path
from unittest import mock

from django.utils import timezone
from django.utils.safestring import mark_safe
from openpyxl import load_workbook

from reporting import renderers
from reporting.renderers import CHART_PREFIX, PDF_BASE_URL, StaticFilesFetcher
from reporting.reports import Chart, Report, Section, build_report
from tests.factories import make_project
from tests.reporting.test_reports import TODAY, ReportDataTestCase

INJECTED = '<img src="https://example.org/x.png">'
SECRETS = ["Secret restructuring", "Secret staff count", "Foreign bridge works"]


def pdf_pages(pdf):
    """The text of each page of ``pdf`` (poppler's pdftotext), and its info."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        info = subprocess.run(
            ["pdfinfo", file.name], capture_output=True, text=True, check=True
        ).stdout
        count = int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)[1])
        pages = [
            subprocess.run(
                ["pdftotext", "-layout", "-f", str(n), "-l", str(n), file.name, "-"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            for n in range(1, count + 1)
        ]
    return pages, info


def as_read(value):
    """Excel has no dates, only datetimes shown as dates."""
    return value.date() if isinstance(value, datetime.datetime) else value


def squeeze(text):
    return re.sub(r"\s+", " ", text).strip()


def workbook_text(content):
    workbook = load_workbook(io.BytesIO(content))
    return " ".join(
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )


class RendererTestCase(ReportDataTestCase):
    def project_report(self, user=None, project=None):
        project = project or self.project
        return build_report(
            user or self.reader_a, "project", {"id": str(project.public_id)}, TODAY
        )

    def entity_report(self, user):
        parameters = {"id": self.organisation_a.ovo_number, "period": "2025-Q4"}
        return build_report(user, "entity", parameters, TODAY)


class PdfRendererTests(RendererTestCase):
    def test_project_pdf_has_a_cover_contents_and_a_page_per_section(self):
        pages, info = pdf_pages(renderers.render_pdf(self.project_report()))

        self.assertIn("Page size:       595.276 x 841.89 pts (A4)", info)
        self.assertEqual(len(pages), 5)
        self.assertRegex(
            squeeze(pages[0]),
            r"^TRAJECT PR 1 Section speed checks Department A as of Jan\. 15, 2026 "
            r"Made on \d\d/\d\d/\d{4} [\d:]+ [ap]\.m\.$",
        )
        contents = squeeze(re.sub(r"\.{3,}", " … ", pages[1]))
        self.assertIn("Contents 1. Project … 3 2. Milestones … 4", contents)
        self.assertIn("3. Status history … 5", contents)

    def test_every_page_but_the_cover_names_entity_period_and_number(self):
        pages, _info = pdf_pages(renderers.render_pdf(self.project_report()))

        self.assertNotIn("Department A · as of", pages[0])
        for number, page in enumerate(pages[1:], start=2):
            with self.subTest(number):
                text = squeeze(page)
                self.assertTrue(
                    text.startswith(
                        "Department A · as of Jan. 15, 2026 PR 1 Section speed checks"
                    ),
                    text[:80],
                )
                self.assertTrue(re.search(rf"{number} ?/ ?5$", text), text[-20:])

    def test_the_milestone_page_lists_status_and_overdue_flags(self):
        pages, _info = pdf_pages(renderers.render_pdf(self.project_report()))

        milestones = squeeze(pages[3])
        # A narrow cell may wrap the explanation, whose second line the text
        # extraction then puts after the row's last cell.
        row = milestones[milestones.index("M1 Cameras ordered") :][:80]
        self.assertIn("M1 Cameras ordered 12/31/2025 off track Supplier", row)
        for text in ("bankrupt", "yes"):
            self.assertIn(text, row)
        self.assertIn("M2 Sites chosen 06/30/2025 06/20/2025 no status", milestones)

    def test_the_indicator_pdf_carries_the_chart_and_the_series(self):
        report = build_report(
            self.reader_a, "indicator", {"id": str(self.indicator.public_id)}, TODAY
        )

        pages, _info = pdf_pages(renderers.render_pdf(report))

        series = squeeze(pages[3])
        self.assertIn("Measurement Target Baseline (2019)", series)
        self.assertIn("2025 01/01/2025 12/31/2025 262.5 250 12.5", series)

    def test_the_entity_pdf_never_shows_confidential_or_foreign_components(self):
        text = "".join(
            pdf_pages(renderers.render_pdf(self.entity_report(self.reader_a)))[0]
        )

        self.assertIn("PR 1 Section speed checks", squeeze(text))
        for secret in SECRETS:
            self.assertNotIn(secret, text)
        admin_text = "".join(
            pdf_pages(renderers.render_pdf(self.entity_report(self.admin_a)))[0]
        )
        self.assertIn("Secret restructuring", admin_text)

    def test_progress_rises_to_the_end(self):
        shares = []

        renderers.render_pdf(self.project_report(), shares.append)

        self.assertEqual(shares, sorted(shares))
        self.assertEqual(shares[-1], 1.0)
        self.assertEqual(len(shares), 4)


class UrlFetcherTests(RendererTestCase):
    def test_the_fetcher_serves_the_static_files(self):
        url = f"{PDF_BASE_URL}static/css/report-print.css"

        response = StaticFilesFetcher().fetch(url)

        self.assertEqual(response.content_type, "text/css")
        self.assertIn(b"@page", response.read())

    def test_the_fetcher_serves_the_charts_of_its_own_report(self):
        url = f"{CHART_PREFIX}1.svg"
        svg = '<svg xmlns="http://www.w3.org/2000/svg"></svg>'

        response = StaticFilesFetcher({url: svg}).fetch(url)

        self.assertEqual(response.content_type, "image/svg+xml")
        self.assertEqual(response.read(), svg.encode())

    def test_the_fetcher_refuses_every_other_address(self):
        for url in [
            "https://example.org/x.png",
            "http://127.0.0.1:8000/static/css/report-print.css",
            "file:///etc/passwd",
            "data:image/png;base64,iVBORw0KGgo=",
            f"{PDF_BASE_URL}static/../../etc/passwd",
            f"{PDF_BASE_URL}static/css/report-print.css?x=1",
            f"{PDF_BASE_URL}media/reports/x.pdf",
            f"{PDF_BASE_URL}static/css/missing.css",
            f"{CHART_PREFIX}1.svg",
        ]:
            with self.subTest(url), self.assertRaises(ValueError):
                StaticFilesFetcher().fetch(url)

    def test_an_image_in_a_title_is_text_and_nothing_is_fetched(self):
        project = make_project(lead_organisation=self.organisation_a, title=INJECTED)
        fetched = []
        original = StaticFilesFetcher.fetch

        def spy(fetcher, url, headers=None):
            fetched.append(url)
            return original(fetcher, url, headers)

        with (
            mock.patch.object(StaticFilesFetcher, "fetch", spy),
            mock.patch.object(socket.socket, "connect") as connect,
        ):
            pdf = renderers.render_pdf(self.project_report(project=project))

        self.assertEqual(fetched, [f"{PDF_BASE_URL}static/css/report-print.css"])
        connect.assert_not_called()
        cover = pdf_pages(pdf)[0][0]
        self.assertIn(INJECTED.replace(" ", ""), re.sub(r"\s", "", cover))

    def test_markup_that_slips_through_cannot_reach_the_network(self):
        report = Report(
            kind="project",
            title="Injected",
            subject="Department A",
            period="2025",
            generated_at=timezone.now(),
            sections=[
                Section(
                    "x",
                    "X",
                    charts=[
                        Chart(
                            "x",
                            mark_safe(
                                '<svg xmlns="http://www.w3.org/2000/svg" '
                                'viewBox="0 0 10 10">'
                                '<image href="https://example.org/x.png" '
                                'width="5" height="5"/>'
                                '<image href="file:///etc/passwd" '
                                'width="5" height="5"/></svg>'
                            ),
                        )
                    ],
                )
            ],
        )

        with (
            mock.patch.object(socket.socket, "connect") as connect,
            self.assertLogs("reporting.renderers", "WARNING") as logs,
        ):
            pdf = renderers.render_pdf(report)

        connect.assert_not_called()
        self.assertCountEqual(
            logs.output,
            [
                "WARNING:reporting.renderers:A report refused to fetch "
                "https://example.org/x.png",
                "WARNING:reporting.renderers:A report refused to fetch "
                "file:///etc/passwd",
            ],
        )
        self.assertTrue(pdf.startswith(b"%PDF"))


class ExcelRendererTests(RendererTestCase):
    def workbook(self, report):
        return load_workbook(io.BytesIO(renderers.render_xlsx(report)))

    def test_a_sheet_per_section_with_a_frozen_filterable_header(self):
        workbook = self.workbook(self.project_report())

        self.assertEqual(
            workbook.sheetnames, ["Project", "Milestones", "Status history"]
        )
        sheet = workbook["Milestones"]
        self.assertEqual(sheet.freeze_panes, "A2")
        self.assertEqual(sheet.auto_filter.ref, "A1:H4")
        self.assertEqual(
            [cell.value for cell in sheet[1]],
            [
                "Code",
                "Milestone",
                "Due date",
                "Completed on",
                "Assignee",
                "Status",
                "Explanation",
                "Overdue",
            ],
        )
        self.assertTrue(all(cell.font.b for cell in sheet[1]))

    def test_cells_are_typed(self):
        workbook = self.workbook(self.project_report())

        late = [cell for cell in workbook["Milestones"][3]]
        self.assertEqual(
            [as_read(cell.value) for cell in late],
            [
                "M1",
                "Cameras ordered",
                datetime.date(2025, 12, 31),
                None,
                None,
                "red: off track",
                "Supplier went bankrupt",
                True,
            ],
        )
        self.assertTrue(late[2].is_date)
        self.assertEqual(late[2].number_format, "yyyy-mm-dd")
        self.assertEqual(late[7].data_type, "b")
        facts = {
            row[0].value: row[1] for row in workbook["Project"].iter_rows(min_row=2)
        }
        self.assertEqual(facts["Milestones overdue"].value, 1)
        self.assertEqual(facts["Milestones overdue"].data_type, "n")
        self.assertTrue(facts["Start date"].is_date)

    def test_numbers_of_a_series_are_numbers(self):
        report = build_report(
            self.reader_a, "indicator", {"id": str(self.indicator.public_id)}, TODAY
        )

        sheet = self.workbook(report)["Measurements against targets"]

        self.assertEqual(
            [as_read(cell.value) for cell in sheet[3]],
            [
                "2025",
                datetime.date(2025, 1, 1),
                datetime.date(2025, 12, 31),
                262.5,
                250,
                12.5,
                None,
            ],
        )
        self.assertEqual(sheet["D3"].data_type, "n")

    def test_text_that_looks_like_a_formula_stays_text(self):
        project = make_project(
            lead_organisation=self.organisation_a, title='=HYPERLINK("http://x")'
        )

        sheet = self.workbook(self.project_report(project=project))["Project"]

        title = sheet["B3"]
        self.assertEqual(
            (title.value, title.data_type), ('=HYPERLINK("http://x")', "s")
        )

    def test_sheet_names_are_cleaned_shortened_and_unique(self):
        taken = set()

        names = [
            renderers._sheet_title(heading, taken)
            for heading in [
                "SD 1: roads/rails?",
                "A" * 40,
                "A" * 40,
                "sd 1  roads rails",
            ]
        ]

        self.assertEqual(
            names,
            ["SD 1  roads rails", "A" * 31, "A" * 27 + " (2)", "sd 1  roads rails (2)"],
        )

    def test_the_entity_workbook_never_shows_confidential_or_foreign_components(self):
        text = workbook_text(renderers.render_xlsx(self.entity_report(self.reader_a)))

        self.assertIn("Section speed checks", text)
        for secret in SECRETS:
            self.assertNotIn(secret, text)
        admin_text = workbook_text(
            renderers.render_xlsx(self.entity_report(self.admin_a))
        )
        self.assertIn("Secret restructuring", admin_text)


class HtmlRendererTests(RendererTestCase):
    def test_the_html_file_stands_alone_with_its_contents(self):
        html = renderers.render_html(self.project_report()).decode()

        self.assertIn("<style>", html)
        self.assertNotIn("<link", html)
        self.assertIn('<h1 class="cover-title">PR 1 Section speed checks</h1>', html)
        self.assertIn('<li><a href="#milestones">Milestones</a></li>', html)
        self.assertIn('<td class="text">Supplier went bankrupt</td>', html)
        self.assertIn('<span class="status status-red"', html)

    def test_titles_are_escaped(self):
        project = make_project(lead_organisation=self.organisation_a, title=INJECTED)

        html = renderers.render_html(self.project_report(project=project)).decode()

        self.assertNotIn(INJECTED, html)
        self.assertIn("&lt;img src=&quot;https://example.org/x.png&quot;&gt;", html)

    def test_the_entity_html_never_shows_confidential_or_foreign_components(self):
        html = renderers.render_html(self.entity_report(self.reader_a)).decode()

        self.assertIn("Section speed checks", html)
        for secret in SECRETS:
            self.assertNotIn(secret, html)

    def test_the_print_stylesheet_sets_a4_running_header_and_page_numbers(self):
        stylesheet = (
            Path(__file__).resolve().parents[2] / "static/css/report-print.css"
        ).read_text()

        self.assertIn("size: A4;", stylesheet)
        self.assertIn("string-set: subject content();", stylesheet)
        self.assertIn('content: counter(page) " / " counter(pages);', stylesheet)
