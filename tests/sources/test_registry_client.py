import json
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.test import TestCase

from objectives.models import Change, Organisation
from sources.adapters.organisations import run_organisations
from sources.clients.registry import (
    FULL_PATH,
    RegistryClient,
    SourceUnavailable,
)
from sources.models import Source, SourceState, SyncRun
from sources.standin import Faults, RegistryStandIn, search_serialisation
from sources.streaming import FeedError
from tests.sources.registry_samples import (
    EXPORT_SLICE,
    changed,
    make_document,
    read_sample,
)

# The highest changeId of the real export slice (OVO000008).
HIGHEST_CHANGE_ID = 1361173


def new_run(mode=SyncRun.Mode.INCREMENTAL):
    return SyncRun.objects.create(source=Source.ORGANISATIONS, mode=mode)


def cursor():
    state = SourceState.objects.filter(source=Source.ORGANISATIONS).first()
    return state.cursor if state else None


def snapshot():
    return (
        list(Organisation.objects.order_by("pk").values()),
        Change.objects.count(),
    )


class StandInTests(TestCase):
    def test_the_search_serialisation_leaves_out_empty_values(self):
        document = {
            "article": None,
            "description": "",
            "bankAccounts": [],
            "validity": {"start": None, "end": None},
            "locations": [{"isMainLocation": False, "locationTypeName": None}],
            "showOnVlaamseOverheidSites": False,
        }

        self.assertEqual(
            search_serialisation(document),
            {
                "validity": {},
                "locations": [{"isMainLocation": False}],
                "showOnVlaamseOverheidSites": False,
            },
        )

    def test_the_search_reads_changes_from_a_change_id_in_order(self):
        documents = [make_document(n, change_id=100 - n) for n in range(1, 6)]

        with RegistryStandIn(documents) as url:
            search = f"{url}/v1/search/organisations?q=changeId:[97%20TO%20*]"
            with urllib.request.urlopen(search + "&sort=changeId,id") as response:
                page = json.load(response)
                metadata = json.loads(response.headers["x-search-metadata"])

        self.assertEqual([d["changeId"] for d in page], [97, 98, 99])
        self.assertEqual(metadata, {"timeInMs": 1, "totalItems": 3})
        self.assertNotIn("article", page[0])

    def test_files_of_the_directory_are_served_and_nothing_else(self):
        with tempfile.TemporaryDirectory() as directory:
            Path(directory, "staff.jsonl").write_text('{"a": 1}\n', encoding="utf-8")
            with RegistryStandIn([], directory=directory) as url:
                with urllib.request.urlopen(f"{url}/files/staff.jsonl") as response:
                    self.assertEqual(response.read(), b'{"a": 1}\n')
                for name in ("missing.json", "..%2Fstaff.jsonl", ".hidden"):
                    with (
                        self.subTest(name),
                        self.assertRaises(urllib.error.HTTPError) as refusal,
                    ):
                        urllib.request.urlopen(f"{url}/files/{name}")
                    self.assertEqual(refusal.exception.code, 404)
                    refusal.exception.close()


class ClientTests(TestCase):
    def test_scrolling_reads_every_page_until_an_empty_one(self):
        documents = read_sample(EXPORT_SLICE)
        standin = RegistryStandIn(documents, scroll_size=2)

        with standin as url:
            client = RegistryClient(url)
            read = list(client.iter_changes(0))

        self.assertEqual(
            [d["changeId"] for d in read], sorted(d["changeId"] for d in documents)
        )
        self.assertEqual(client.highest_change_id, HIGHEST_CHANGE_ID)
        # Four pages of two, then the empty page that ends the scroll.
        self.assertEqual(len(standin.requests), 5)

    def test_scrolling_asks_the_search_then_the_scroll_endpoint(self):
        standin = RegistryStandIn(read_sample(EXPORT_SLICE), scroll_size=3)
        with standin as url:
            read = list(RegistryClient(url).iter_changes(1101231))

        self.assertEqual(len(read), 6)
        self.assertEqual(
            standin.requests[0],
            "/v1/search/organisations?q=changeId%3A%5B1101231%20TO%20%2A%5D"
            "&sort=changeId%2Cid&scroll=true",
        )
        self.assertEqual(len(standin.requests), 3)
        self.assertTrue(
            all(
                path.startswith("/v1/search/organisations/scroll?id=")
                for path in standin.requests[1:]
            )
        )

    def test_a_server_error_is_source_unavailable(self):
        standin = RegistryStandIn([], faults=Faults(error_on_request=1))
        url = standin.start()
        self.addCleanup(standin.stop)

        with self.assertRaisesMessage(
            SourceUnavailable, f"The registry answered HTTP 500 for {url}{FULL_PATH}."
        ):
            list(RegistryClient(url).iter_full())

    def test_a_client_error_is_a_feed_error_with_status_and_url(self):
        with RegistryStandIn([]) as url:
            client = RegistryClient(f"{url}/nowhere")
            with self.assertRaises(FeedError) as refusal:
                list(client.iter_full())

        self.assertNotIsInstance(refusal.exception, SourceUnavailable)
        self.assertEqual(
            str(refusal.exception),
            f"The registry answered HTTP 404 for {url}/nowhere{FULL_PATH}.",
        )

    def test_a_registry_that_cannot_be_reached_is_source_unavailable(self):
        standin = RegistryStandIn([])
        url = standin.start()
        standin.stop()

        with self.assertRaisesMessage(SourceUnavailable, "cannot be read at"):
            list(RegistryClient(url, timeout=1).iter_full())


class SyncTests(TestCase):
    def test_a_full_load_then_an_incremental_run_applies_only_the_changes(self):
        documents = read_sample(EXPORT_SLICE)
        standin = RegistryStandIn(documents)
        with standin as url:
            first = run_organisations(new_run(), url=url)

            self.assertEqual((first.mode, first.created), (SyncRun.Mode.FULL, 8))
            self.assertEqual(cursor(), {"change_id": HIGHEST_CHANGE_ID})
            self.assertEqual(standin.requests, [FULL_PATH])

            fourth = changed(documents[3], changeId=1361200, shortName="FinBeg")
            standin.documents = [
                *documents[:3],
                fourth,
                *documents[4:],
                make_document(9, change_id=1361300, parent=documents[0]["id"]),
            ]
            changes_before = Change.objects.count()
            second = run_organisations(new_run(), url=url)

        self.assertEqual(second.mode, SyncRun.Mode.INCREMENTAL)
        self.assertIn("changeId%3A%5B1361173%20TO", standin.requests[1])
        self.assertEqual(
            (second.read, second.created, second.updated, second.unchanged),
            (3, 1, 1, 1),
        )
        self.assertEqual(
            Organisation.objects.get(ovo_number="OVO000004").short_name, "FinBeg"
        )
        self.assertEqual(
            Organisation.objects.get(ovo_number="OVO000009").parent.ovo_number,
            "OVO000001",
        )
        self.assertEqual(Change.objects.count(), changes_before + 2)
        self.assertEqual(cursor(), {"change_id": 1361300})

    def test_the_search_serialisation_imports_as_the_full_one(self):
        with RegistryStandIn(read_sample(EXPORT_SLICE), scroll_size=3) as url:
            run_organisations(new_run(), url=url)
            before = snapshot()
            SourceState.objects.update(cursor={"change_id": 0})

            run = run_organisations(new_run(), url=url)

        self.assertEqual((run.read, run.unchanged), (8, 8))
        self.assertEqual(snapshot(), before)

    def test_a_scroll_that_expires_midway_fails_the_run_and_a_rerun_succeeds(self):
        documents = read_sample(EXPORT_SLICE)
        faults = Faults(expire_scroll_after=2)
        standin = RegistryStandIn(documents, scroll_size=2, faults=faults)
        with standin as url:
            run_organisations(new_run(), url=url)
            standin.documents = [
                changed(d, changeId=1400000 + n, name=f"{d['name']} (2026)")
                for n, d in enumerate(documents)
            ]
            before = snapshot()
            failed = new_run()

            with self.assertRaisesMessage(
                SourceUnavailable, "The registry's scroll expired after 4 documents"
            ):
                run_organisations(failed, url=url)

            failed.refresh_from_db()
            self.assertEqual(failed.status, SyncRun.Status.FAILED)
            self.assertIn("run the import again", failed.error)
            self.assertEqual(snapshot(), before)
            self.assertEqual(cursor(), {"change_id": HIGHEST_CHANGE_ID})

            standin.faults = Faults()
            rerun = run_organisations(new_run(), url=url)

        self.assertEqual((rerun.status, rerun.updated), (SyncRun.Status.SUCCEEDED, 8))
        self.assertEqual(cursor(), {"change_id": 1400007})

    def test_a_source_answering_500_fails_the_run(self):
        with RegistryStandIn([], faults=Faults(error_on_request=1)) as url:
            run = new_run()
            with self.assertRaises(SourceUnavailable):
                run_organisations(run, url=url)

        run.refresh_from_db()
        self.assertEqual(run.status, SyncRun.Status.FAILED)
        self.assertEqual(
            run.error,
            f"SourceUnavailable: The registry answered HTTP 500 for {url}{FULL_PATH}.",
        )
        self.assertIsNone(cursor().get("change_id"))

    def test_a_source_that_hangs_times_out(self):
        faults = Faults(hang_on_path=FULL_PATH, hang_seconds=10)
        with RegistryStandIn(read_sample(EXPORT_SLICE), faults=faults) as url:
            run = new_run()
            started = time.monotonic()

            with self.assertRaisesMessage(
                SourceUnavailable,
                f"The registry did not answer {url}{FULL_PATH} within 1 s.",
            ):
                run_organisations(run, url=url, timeout=1)

        self.assertLess(time.monotonic() - started, 5)
        self.assertEqual(Organisation.objects.count(), 0)

    def test_a_truncated_export_fails_the_run_and_applies_nothing(self):
        faults = Faults(truncate_after=5)
        with RegistryStandIn(read_sample(EXPORT_SLICE), faults=faults) as url:
            run = new_run(SyncRun.Mode.FULL)
            with self.assertRaisesMessage(FeedError, "it was cut off"):
                run_organisations(run, url=url)

        self.assertEqual((Organisation.objects.count(), Change.objects.count()), (0, 0))
        self.assertIsNone(cursor().get("change_id"))
