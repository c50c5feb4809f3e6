"""The open-data pages and files: their form, their cost and their contract
with anonymous visitors. What they hold is checked against an independently
computed set in ``tests/traject/test_visible_sets.py``."""

import csv
import datetime
import io
import json
import warnings
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic

from objectives.models import (
    Confidentiality,
    Indicator,
    Measurement,
    Objective,
    Project,
    StatusReport,
    Target,
)
from reporting.opendata.published import DATA_SETS
from tests.factories import (
    make_indicator,
    make_milestone,
    make_objective,
    make_process,
    make_programme,
    make_project,
)
from tests.personas import PersonaTestCase

DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCT = Namespace("http://purl.org/dc/terms/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
PUBLIC = Confidentiality.PUBLIC
SLUGS = [data_set.slug for data_set in DATA_SETS]
# Queries per data set file, whatever its length: the rows, then one per
# prefetched relation (organisations and links).
DATA_SET_QUERIES = {
    "objectives": 9,
    "projects": 5,
    "milestones": 2,
    "processes": 3,
    "programmes": 3,
    "indicators": 3,
    "status-reports": 1,
    "measurements": 1,
}


def parse_json_ld(text):
    with warnings.catch_warnings():
        # rdflib's JSON-LD parser uses a class that rdflib itself deprecates.
        warnings.simplefilter("ignore", DeprecationWarning)
        return Graph().parse(data=text, format="json-ld")


def body(response):
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


class OpenDataTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.add_published_components(cls.organisation_a, "A")

    @classmethod
    def add_published_components(cls, organisation, label):
        """A public component of every type, linked, with a status report,
        a milestone, a measurement and a target; the objective has a child."""
        named = {"lead_organisation": organisation, "confidentiality": PUBLIC}
        objective = make_objective(title=f"Objective {label}", **named)
        make_objective(
            title=f"Operational objective {label}", parent=objective, **named
        )
        project = make_project(title=f"Project {label}", **named)
        milestone = make_milestone(project, title=f"Milestone {label}")
        indicator = make_indicator(title=f"Indicator {label}", **named)
        process = make_process(title=f"Process {label}", **named)
        programme = make_programme(title=f"Programme {label}", **named)
        objective.projects.add(project)
        objective.processes.add(process)
        objective.indicators.add(indicator)
        programme.projects.add(project)
        for subject in (objective, project, milestone, process, programme):
            StatusReport.objects.create(
                **{subject._meta.model_name: subject},
                period_start=datetime.date(2026, 1, 1),
                period_end=datetime.date(2026, 3, 31),
                colour=StatusReport.Colour.ORANGE,
                explanation=f"At risk {label}",
            )
        for model in (Measurement, Target):
            model.objects.create(
                indicator=indicator,
                period_start=datetime.date(2025, 1, 1),
                period_end=datetime.date(2025, 12, 31),
                value=Decimal("41.5000"),
            )
        return objective, project, indicator

    def queries(self, url):
        with CaptureQueriesContext(connection) as captured:
            response = self.client.get(url)
            body(response)
        self.assertEqual(response.status_code, 200, url)
        return len(captured)

    # The landing page -------------------------------------------------------

    def test_the_landing_page_lists_every_data_set_with_its_downloads(self):
        response = self.client.get(reverse("opendata:dataset_list"))

        self.assertEqual(response.status_code, 200)
        for slug in SLUGS:
            self.assertContains(response, reverse("opendata:dataset_json", args=[slug]))
            self.assertContains(response, reverse("opendata:dataset_csv", args=[slug]))
        self.assertContains(response, reverse("opendata:catalogue_jsonld"))
        self.assertContains(response, reverse("opendata:catalogue_turtle"))
        self.assertContains(response, "<h1>Open data</h1>", html=False)

    def test_the_landing_page_speaks_dutch_unless_english_is_chosen(self):
        dutch = self.client.get(reverse("opendata:dataset_list"))
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        english = self.client.get(reverse("opendata:dataset_list"))

        self.assertContains(dutch, "Mijlpalen")
        self.assertContains(english, "Milestones")
        self.assertNotContains(english, "Mijlpalen")

    def test_the_landing_page_costs_one_query_per_data_set(self):
        url = reverse("opendata:dataset_list")
        with self.assertNumQueries(len(DATA_SETS)):
            self.client.get(url)
        self.add_published_components(self.organisation_b, "B")

        self.assertEqual(self.queries(url), len(DATA_SETS))

    # Data sets -------------------------------------------------------------

    def test_each_data_set_costs_the_same_queries_however_long(self):
        urls = {
            (slug, name): reverse(f"opendata:{name}", args=[slug])
            for slug in SLUGS
            for name in ("dataset_json", "dataset_csv")
        }
        before = {key: self.queries(url) for key, url in urls.items()}
        self.add_published_components(self.organisation_b, "B")
        self.add_published_components(self.organisation_a, "A2")
        after = {key: self.queries(url) for key, url in urls.items()}

        self.assertEqual(after, before)
        self.assertEqual(
            {slug: count for (slug, _name), count in after.items()},
            DATA_SET_QUERIES,
        )

    def test_a_data_set_is_streamed_and_readable_from_other_sites(self):
        response = self.client.get(reverse("opendata:dataset_json", args=["projects"]))

        self.assertTrue(response.streaming)
        self.assertEqual(response["Content-Type"], "application/json")
        self.assertEqual(response["Access-Control-Allow-Origin"], "*")
        (item,) = json.loads(body(response))["items"]
        self.assertEqual(item["title"], "Project A")
        self.assertEqual(
            item["lead_organisation"],
            "https://data.vlaanderen.be/id/organisatie/OVO000001",
        )
        self.assertEqual(item["status_colour"], "orange")
        self.assertEqual(len(item["objectives"]), 1)
        self.assertEqual(len(item["milestones"]), 1)

    def test_the_csv_data_set_has_a_header_and_one_row_per_record(self):
        response = self.client.get(
            reverse("opendata:dataset_csv", args=["measurements"])
        )

        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        rows = list(csv.reader(io.StringIO(body(response))))
        self.assertEqual(
            rows[0],
            [
                "component",
                "component_type",
                "component_code",
                "period_start",
                "period_end",
                "value",
                "note",
            ],
        )
        self.assertEqual(
            rows[1][1:],
            ["indicator", rows[1][2], "2025-01-01", "2025-12-31", "41.5", ""],
        )
        self.assertEqual(len(rows), 2)

    def test_an_unknown_data_set_is_not_found(self):
        for name in ("dataset_json", "dataset_csv"):
            with self.subTest(name=name):
                response = self.client.get(reverse(f"opendata:{name}", args=["lenses"]))

                self.assertEqual(response.status_code, 404)

    def test_csv_cells_cannot_run_as_formulas(self):
        objective = make_objective(
            lead_organisation=self.organisation_a,
            confidentiality=PUBLIC,
            code="=1+1",
            title='=HYPERLINK("http://example.org")',
            description="@SUM(A1)",
        )
        indicator = make_indicator(
            lead_organisation=self.organisation_a, confidentiality=PUBLIC
        )
        Measurement.objects.create(
            indicator=indicator,
            period_start=datetime.date(2024, 1, 1),
            period_end=datetime.date(2024, 12, 31),
            value=Decimal("-3"),
            note="-2+3",
        )

        objectives = body(
            self.client.get(reverse("opendata:dataset_csv", args=["objectives"]))
        )
        measurements = body(
            self.client.get(reverse("opendata:dataset_csv", args=["measurements"]))
        )
        document = json.loads(
            body(
                self.client.get(
                    reverse(
                        "opendata:component_json",
                        args=[Objective, objective.public_id],
                    )
                )
            )
        )

        row = next(
            r
            for r in csv.DictReader(io.StringIO(objectives))
            if "HYPERLINK" in r["title"]
        )
        self.assertEqual(row["code"], "'=1+1")
        self.assertEqual(row["title"], '\'=HYPERLINK("http://example.org")')
        self.assertEqual(row["description"], "'@SUM(A1)")
        row = next(r for r in csv.DictReader(io.StringIO(measurements)) if r["note"])
        self.assertEqual(row["note"], "'-2+3")
        self.assertEqual(row["value"], "'-3")
        # JSON is not opened by spreadsheet programs: it keeps the text.
        self.assertEqual(document["title"], '=HYPERLINK("http://example.org")')

    # One component -------------------------------------------------------

    def test_a_component_file_costs_the_same_queries_however_linked(self):
        objective, project, indicator = (
            Objective.objects.get(title="Objective A"),
            Project.objects.get(title="Project A"),
            Indicator.objects.get(title="Indicator A"),
        )
        urls = [
            reverse(f"opendata:{name}", args=[type(component), component.public_id])
            for component in (objective, project, indicator)
            for name in ("component_json", "component_csv")
        ]
        before = [self.queries(url) for url in urls]
        extra, *_rest = self.add_published_components(self.organisation_b, "B")
        for linked in Project.objects.all():
            objective.projects.add(linked)
        objective.contributes_to.add(extra)

        self.assertEqual([self.queries(url) for url in urls], before)
        self.assertEqual(before, [10, 10, 7, 7, 6, 6])

    def test_an_indicator_csv_holds_its_series_with_targets(self):
        indicator = Indicator.objects.get(title="Indicator A")
        Target.objects.create(
            indicator=indicator,
            period_start=datetime.date(2026, 1, 1),
            period_end=datetime.date(2026, 12, 31),
            value=Decimal("50"),
        )
        response = self.client.get(
            reverse("opendata:component_csv", args=[Indicator, indicator.public_id])
        )

        self.assertEqual(
            list(csv.reader(io.StringIO(body(response)))),
            [
                ["period_start", "period_end", "value", "target"],
                ["2025-01-01", "2025-12-31", "41.5", "41.5"],
                ["2026-01-01", "2026-12-31", "", "50"],
            ],
        )

    def test_a_component_type_that_does_not_match_is_not_found(self):
        project = Project.objects.get(title="Project A")
        response = self.client.get(
            reverse("opendata:component_json", args=[Objective, project.public_id])
        )

        self.assertEqual(response.status_code, 404)

    # The catalogue ---------------------------------------------------------

    def catalogue(self):
        response = self.client.get(reverse("opendata:catalogue_jsonld"))
        self.assertEqual(response["Content-Type"], "application/ld+json")
        return parse_json_ld(body(response))

    def test_the_catalogue_parses_as_json_ld_with_the_dcat_types(self):
        graph = self.catalogue()

        (catalogue,) = graph.subjects(RDF.type, DCAT.Catalog)
        data_sets = set(graph.objects(catalogue, DCAT.dataset))
        self.assertEqual(set(graph.subjects(RDF.type, DCAT.Dataset)), data_sets)
        self.assertEqual(
            {str(graph.value(d, DCT.identifier)) for d in data_sets}, set(SLUGS)
        )
        licence = URIRef(settings.OPEN_DATA_LICENCE)
        publisher = URIRef(settings.OPEN_DATA_PUBLISHER)
        self.assertEqual(graph.value(publisher, RDF.type), FOAF.Agent)
        for data_set in data_sets:
            with self.subTest(data_set=str(data_set)):
                self.assertEqual(graph.value(data_set, DCT.publisher), publisher)
                self.assertIsNotNone(graph.value(data_set, DCT.modified))
                titles = {t.language for t in graph.objects(data_set, DCT.title)}
                self.assertEqual(titles, {"nl", "en"})
                distributions = set(graph.objects(data_set, DCAT.distribution))
                self.assertEqual(len(distributions), 2)
                for distribution in distributions:
                    self.assertEqual(
                        graph.value(distribution, RDF.type), DCAT.Distribution
                    )
                    self.assertEqual(graph.value(distribution, DCT.license), licence)
                    self.assertIsInstance(
                        graph.value(distribution, DCT.modified), Literal
                    )

    def test_every_download_address_of_the_catalogue_answers(self):
        graph = self.catalogue()
        media_types = {}
        for distribution in graph.subjects(RDF.type, DCAT.Distribution):
            url = str(graph.value(distribution, DCAT.downloadURL))
            media_types[url] = str(graph.value(distribution, DCAT.mediaType))

        self.assertEqual(len(media_types), 2 * len(SLUGS))
        for url, media_type in media_types.items():
            with self.subTest(url=url):
                response = self.client.get(url.removeprefix(settings.SITE_URL))

                self.assertEqual(response.status_code, 200)
                self.assertTrue(
                    media_type.endswith(response["Content-Type"].split(";")[0])
                )

    def test_the_turtle_catalogue_is_the_same_graph(self):
        response = self.client.get(reverse("opendata:catalogue_turtle"))
        turtle = Graph().parse(data=body(response), format="turtle")

        self.assertEqual(response["Content-Type"], "text/turtle; charset=utf-8")
        self.assertTrue(isomorphic(turtle, self.catalogue()))

    def test_the_catalogue_costs_one_query_per_data_set(self):
        for name in ("catalogue_jsonld", "catalogue_turtle"):
            with self.subTest(name=name):
                url = reverse(f"opendata:{name}")
                before = self.queries(url)
                self.add_published_components(self.organisation_b, name)

                self.assertEqual(before, len(DATA_SETS))
                self.assertEqual(self.queries(url), before)

    # The contract ----------------------------------------------------------

    def test_every_open_data_address_answers_get_only_and_changes_nothing(self):
        project = Project.objects.get(title="Project A")
        urls = [
            reverse("opendata:dataset_list"),
            reverse("opendata:catalogue_jsonld"),
            reverse("opendata:catalogue_turtle"),
            reverse("opendata:dataset_json", args=["projects"]),
            reverse("opendata:dataset_csv", args=["projects"]),
            reverse("opendata:component_json", args=[Project, project.public_id]),
            reverse("opendata:component_csv", args=[Project, project.public_id]),
        ]
        reports = StatusReport.objects.count()
        for url in urls:
            with self.subTest(url=url):
                self.assertEqual(self.client.post(url).status_code, 405)
                self.assertEqual(self.client.get(url).status_code, 200)
        self.assertEqual(StatusReport.objects.count(), reports)
