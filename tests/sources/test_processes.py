import datetime
import io
import json
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.test import TestCase
from django.utils import timezone

from objectives.models import Change, Process
from sources.adapters.processes import ProcessAdapter, run_processes
from sources.engine import run_import
from sources.models import Source, SyncRun
from sources.streaming import FeedError, SourceUnavailable, iter_json_lines
from tests.factories import (
    make_objective,
    make_organisation,
    make_person,
    make_process,
)
from tests.sources.feed_server import Answer, FeedServer

TODAY = datetime.date(2026, 6, 15)
FIXTURES = Path(__file__).resolve().parents[2] / "sources" / "fixtures"


def process(code="PROC-01", **fields):
    document = {
        "code": code,
        "name": "Beheren van verkeersborden",
        "description": "Plaatsen en onderhouden van de verkeersborden.",
        "ownerOvo": "OVO000096",
        "validFrom": "2020-01-01",
        "validUntil": None,
    }
    document.update(fields)
    return document


def new_run(mode=SyncRun.Mode.INCREMENTAL):
    return SyncRun.objects.create(source=Source.PROCESSES, mode=mode)


def import_processes(*documents, mode=SyncRun.Mode.INCREMENTAL):
    return run_import(new_run(mode), ProcessAdapter(today=TODAY), list(documents))


def counts(run):
    run.refresh_from_db()
    return run.counts


def outcome(read=1, created=0, updated=0, ended=0, unchanged=0, rejected=0):
    return {
        "read": read,
        "created": created,
        "updated": updated,
        "ended": ended,
        "unchanged": unchanged,
        "rejected": rejected,
    }


def changes_of(obj):
    return list(
        Change.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        )
        .order_by("id")
        .values_list("kind", "changes")
    )


class ProcessImportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.mobility = make_organisation(ovo_number="OVO000096", name="Mobiliteit")
        cls.roads = make_organisation(ovo_number="OVO000098", name="Wegen")

    def test_a_new_process_is_created_as_imported_in_its_owner(self):
        run = import_processes(process())

        created = Process.objects.get()
        self.assertEqual(counts(run), outcome(created=1))
        self.assertEqual(
            (created.code, created.title, created.lead_organisation),
            ("PROC-01", "Beheren van verkeersborden", self.mobility),
        )
        self.assertEqual(
            created.description, "Plaatsen en onderhouden van de verkeersborden."
        )
        self.assertEqual(list(created.organisations.all()), [self.mobility])
        self.assertEqual(
            (created.valid_from, created.valid_until), (datetime.date(2020, 1, 1), None)
        )
        self.assertTrue(created.is_imported)
        self.assertIsNone(created.responsible)
        self.assertEqual(
            changes_of(created),
            [
                (
                    "created",
                    {
                        "code": [None, "PROC-01"],
                        "title": [None, "Beheren van verkeersborden"],
                    },
                )
            ],
        )

    def test_the_same_feed_twice_changes_nothing_and_writes_no_history(self):
        feed = [
            process("PROC-01"),
            process("PROC-02"),
            process("PROC-01", ownerOvo="OVO000098"),
        ]
        import_processes(*feed)
        changes = Change.objects.count()
        rows = list(Process.objects.values())

        run = import_processes(*feed)

        self.assertEqual(counts(run), outcome(read=3, unchanged=3))
        self.assertEqual(Change.objects.count(), changes)
        self.assertEqual(list(Process.objects.values()), rows)

    def test_a_changed_process_is_updated_with_history_and_keeps_its_responsible(self):
        import_processes(process())
        existing = Process.objects.get()
        responsible = make_person()
        existing.responsible = responsible
        existing.save()

        run = import_processes(
            process(name="Beheren van de verkeersborden", validUntil="2030-12-31")
        )

        existing.refresh_from_db()
        self.assertEqual(counts(run), outcome(updated=1))
        self.assertEqual(existing.title, "Beheren van de verkeersborden")
        self.assertEqual(existing.valid_until, datetime.date(2030, 12, 31))
        self.assertEqual(existing.responsible, responsible)
        self.assertEqual(
            changes_of(existing)[-1],
            (
                "updated",
                {
                    "title": [
                        "Beheren van verkeersborden",
                        "Beheren van de verkeersborden",
                    ],
                    "valid_until": [None, "2030-12-31"],
                },
            ),
        )

    def test_a_process_made_by_hand_with_the_same_owner_and_code_is_taken_over(self):
        objective = make_objective(lead_organisation=self.mobility)
        by_hand = make_process(
            lead_organisation=self.mobility,
            organisations=[self.roads],
            code="PROC-01",
            title="Verkeersborden",
        )
        objective.processes.add(by_hand)

        run = import_processes(process())

        by_hand.refresh_from_db()
        self.assertEqual(counts(run), outcome(updated=1))
        self.assertEqual(Process.objects.count(), 1)
        self.assertTrue(by_hand.is_imported)
        self.assertEqual(by_hand.title, "Beheren van verkeersborden")
        self.assertEqual(set(by_hand.organisations.all()), {self.mobility, self.roads})
        self.assertEqual(list(objective.processes.all()), [by_hand])

    def test_one_code_in_two_owners_is_two_processes(self):
        run = import_processes(process(), process(ownerOvo="OVO000098"))

        self.assertEqual(counts(run), outcome(read=2, created=2))
        self.assertEqual(
            sorted(
                Process.objects.values_list("lead_organisation__ovo_number", "code")
            ),
            [("OVO000096", "PROC-01"), ("OVO000098", "PROC-01")],
        )

    def test_a_full_load_ends_a_process_it_no_longer_lists_and_keeps_its_links(self):
        import_processes(process("PROC-01"), process("PROC-02"))
        gone = Process.objects.get(code="PROC-02")
        objectives = [make_objective(lead_organisation=self.mobility) for _ in range(2)]
        for objective in objectives:
            objective.processes.add(gone)
        by_hand = make_process(lead_organisation=self.mobility, code="HAND-01")

        run = import_processes(process("PROC-01"), mode=SyncRun.Mode.FULL)

        gone.refresh_from_db()
        by_hand.refresh_from_db()
        self.assertEqual(counts(run), outcome(ended=1, unchanged=1))
        self.assertEqual(gone.valid_until, TODAY)
        self.assertEqual(
            changes_of(gone)[-1], ("updated", {"valid_until": [None, "2026-06-15"]})
        )
        self.assertEqual(set(gone.objectives.all()), set(objectives))
        self.assertEqual(Process.objects.count(), 3)
        self.assertIsNone(by_hand.valid_until)
        self.assertIsNone(Process.objects.get(code="PROC-01").valid_until)

        again = import_processes(process("PROC-01"), mode=SyncRun.Mode.FULL)

        self.assertEqual(counts(again), outcome(unchanged=1))
        self.assertEqual(set(gone.objectives.all()), set(objectives))

    def test_an_ended_process_that_comes_back_is_valid_again(self):
        import_processes(process("PROC-01"), process("PROC-02"))
        import_processes(process("PROC-01"), mode=SyncRun.Mode.FULL)

        run = import_processes(process("PROC-01"), process("PROC-02"))

        self.assertEqual(counts(run), outcome(read=2, updated=1, unchanged=1))
        self.assertIsNone(Process.objects.get(code="PROC-02").valid_until)

    def test_an_incremental_load_leaves_unlisted_processes_alone(self):
        import_processes(process("PROC-01"), process("PROC-02"))

        run = import_processes(process("PROC-01"))

        self.assertEqual(counts(run), outcome(unchanged=1))
        self.assertEqual(Process.objects.filter(valid_until__isnull=True).count(), 2)

    def test_bad_documents_are_rejected_with_their_reason_while_the_others_apply(self):
        lines = [
            json.dumps(process("PROC-01")),
            '{"code": "PROC-02", ',
            json.dumps(process("PROC-03", name=["a list"])),
            json.dumps(process(None)),
            json.dumps(process("X" * 41)),
            json.dumps(process("PROC-01")),
            json.dumps(process("PROC-05", ownerOvo="OVO999999")),
            json.dumps(process("PROC-06", ownerOvo=None)),
            json.dumps(
                process("PROC-07", validFrom="2026-01-01", validUntil="2025-12-31")
            ),
            json.dumps(process("PROC-08", name="<b>Vet</b> proces")),
            json.dumps(process("PROC-09", name="")),
            json.dumps(process("PROC-10", description="x" * (10 * 1024 * 1024))),
            json.dumps(process("PROC-11", validFrom=20200101)),
            json.dumps(process("PROC-12")),
        ]
        feed = iter_json_lines(io.StringIO("\n".join(lines) + "\n"))

        run = run_import(new_run(), ProcessAdapter(today=TODAY), feed)

        self.assertEqual(counts(run), outcome(read=14, created=2, rejected=12))
        self.assertEqual(
            sorted(Process.objects.values_list("code", flat=True)),
            ["PROC-01", "PROC-12"],
        )
        rejections = list(
            run.rejections.values_list("position", "identifier", "reason")
        )
        self.assertEqual(rejections[0][:2], (2, ""))
        self.assertTrue(rejections[0][2].startswith("Not a JSON document: "))
        self.assertEqual(
            rejections[1:],
            [
                (3, "PROC-03 (OVO000096)", "name must be a string, not an array."),
                (4, "", "code is required."),
                (
                    5,
                    f"{'X' * 41} (OVO000096)",
                    "code is longer than 40 characters (41).",
                ),
                (
                    6,
                    "PROC-01 (OVO000096)",
                    "PROC-01 (OVO000096) appears twice in this feed.",
                ),
                (
                    7,
                    "PROC-05 (OVO999999)",
                    "ownerOvo OVO999999 is not an organisation known to Traject.",
                ),
                (8, "PROC-06", "ownerOvo is required."),
                (
                    9,
                    "PROC-07 (OVO000096)",
                    "validUntil (2025-12-31) comes before validFrom (2026-01-01).",
                ),
                (
                    10,
                    "PROC-08 (OVO000096)",
                    "name contains markup (< or >); only plain text is taken.",
                ),
                (11, "PROC-09 (OVO000096)", "name is required."),
                (
                    12,
                    "PROC-10 (OVO000096)",
                    "description is longer than 10000 characters (10,485,760).",
                ),
                (
                    13,
                    "PROC-11 (OVO000096)",
                    "validFrom must be a date string, not a number.",
                ),
            ],
        )

    def test_a_failure_at_any_document_leaves_the_database_as_it_was(self):
        import_processes(process("PROC-01"), process("PROC-02"))
        feed = [
            process("PROC-01", name="Nieuwe naam"),
            process("PROC-02", validUntil="2026-12-31"),
            process("PROC-03"),
            process("PROC-04", ownerOvo="OVO000098"),
            process("PROC-05"),
        ]
        before = (list(Process.objects.values()), Change.objects.count())

        for position in (1, 3, 5):
            with self.subTest(position=position):

                def broken(position=position):
                    for index, document in enumerate(feed, start=1):
                        if index == position:
                            raise FeedError("The feed broke off.")
                        yield document

                adapter = ProcessAdapter(today=TODAY)
                adapter.batch_size = 2
                with self.assertRaisesMessage(FeedError, "The feed broke off."):
                    run_import(new_run(SyncRun.Mode.FULL), adapter, broken())

                self.assertEqual(
                    (list(Process.objects.values()), Change.objects.count()), before
                )

    def test_the_demo_feed_imports_without_rejections(self):
        for ovo_number in (
            "OVO000049",
            "OVO000056",
            "OVO000029",
            "OVO000067",
            "OVO000032",
            "OVO000078",
            "OVO000089",
            "OVO000031",
        ):
            make_organisation(ovo_number=ovo_number)

        run = run_processes(
            new_run(SyncRun.Mode.FULL), file=FIXTURES / "processes.jsonl"
        )

        self.assertEqual(counts(run), outcome(read=100, created=100))
        self.assertEqual(Process.objects.filter(is_imported=True).count(), 100)


class ProcessFeedOverHttpTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        make_organisation(ovo_number="OVO000096")

    def setUp(self):
        self.server = FeedServer()
        self.server.__enter__()
        self.addCleanup(self.server.__exit__, None, None, None)

    def test_a_feed_is_read_from_a_url(self):
        body = "".join(json.dumps(process(f"P-{n}")) + "\n" for n in range(3))
        self.server.answers["/processes"] = Answer(body=body.encode())

        run = run_processes(new_run(), url=self.server.url("/processes"))

        self.assertEqual(counts(run), outcome(read=3, created=3))

    def test_a_server_error_is_a_transient_failure_and_ends_nothing(self):
        import_processes(process())
        self.server.answers["/processes"] = Answer(503, b"Busy\n")
        run = new_run(SyncRun.Mode.FULL)

        with self.assertRaisesMessage(SourceUnavailable, "answered 503"):
            run_processes(run, url=self.server.url("/processes"))

        run.refresh_from_db()
        self.assertEqual(run.status, SyncRun.Status.FAILED)
        self.assertIsNone(Process.objects.get().valid_until)

    def test_a_server_that_never_answers_times_out(self):
        self.server.answers["/processes"] = Answer(hang_after=0)
        started = timezone.now()

        with self.assertRaisesMessage(SourceUnavailable, "cannot be reached"):
            run_processes(new_run(), url=self.server.url("/processes"), timeout=1)

        self.assertLess((timezone.now() - started).total_seconds(), 5)
        self.assertEqual(Process.objects.count(), 0)
