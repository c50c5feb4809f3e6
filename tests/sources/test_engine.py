import io
import json

from django.contrib.contenttypes.models import ContentType
from django.test import TestCase
from django.utils import timezone

from objectives.models import Change, Organisation
from sources.engine import run_import
from sources.models import RejectedDocument, SyncRun
from sources.streaming import iter_json_lines
from tests.factories import make_organisation
from tests.sources.sample_source import SampleAdapter, agencies


def feed(documents):
    text = "".join(
        line if isinstance(line, str) else json.dumps(line) + "\n" for line in documents
    )
    return iter_json_lines(io.StringIO(text))


class EngineTests(TestCase):
    def setUp(self):
        self.kind = ContentType.objects.get_for_model(Organisation)

    def import_(self, documents, mode=SyncRun.Mode.INCREMENTAL):
        run = SyncRun.objects.create(source="organisations", mode=mode)
        try:
            run_import(run, SampleAdapter(), feed(documents))
        except Exception as error:
            run.refresh_from_db()
            run.raised = error
        return run

    def changes(self, kind=None):
        found = Change.objects.filter(content_type=self.kind)
        return found.filter(kind=kind) if kind else found

    def test_counts_what_a_first_run_creates_and_records_history(self):
        run = self.import_(agencies(900001, 5))

        self.assertEqual(run.status, SyncRun.Status.SUCCEEDED)
        self.assertEqual(
            run.counts,
            {
                "read": 5,
                "created": 5,
                "updated": 0,
                "ended": 0,
                "unchanged": 0,
                "rejected": 0,
            },
        )
        self.assertEqual(
            list(
                Organisation.objects.order_by("ovo_number").values_list(
                    "ovo_number", "name"
                )
            ),
            [(f"OVO90000{n}", f"Agency 90000{n}") for n in range(1, 6)],
        )
        self.assertEqual(self.changes(Change.Kind.CREATED).count(), 5)
        self.assertIsNotNone(run.finished_at)

    def test_records_each_rejection_with_position_identifier_reason_and_excerpt(self):
        documents = [
            {"ovo": "OVO900001", "name": "Agency One"},
            {"ovo": "OVO9", "name": "Short number"},
            "not json at all\n",
            {"ovo": "OVO900002"},
            {"ovo": "OVO900003", "name": "Agency Three"},
        ]

        run = self.import_(documents)

        self.assertEqual(run.status, SyncRun.Status.SUCCEEDED)
        self.assertEqual((run.read, run.created, run.rejected), (5, 2, 3))
        rejections = list(
            RejectedDocument.objects.filter(run=run).values_list(
                "position", "identifier", "reason", "excerpt"
            )
        )
        self.assertEqual(
            rejections,
            [
                (
                    2,
                    "OVO9",
                    "'OVO9' is not an OVO number.",
                    '{"ovo": "OVO9", "name": "Short number"}',
                ),
                (
                    3,
                    "",
                    "Not a JSON document: Expecting value: line 1 column 1 (char 0)",
                    '"Expecting value: line 1 column 1 (char 0)"',
                ),
                (4, "OVO900002", "The document has no name.", '{"ovo": "OVO900002"}'),
            ],
        )
        self.assertEqual(
            sorted(Organisation.objects.values_list("ovo_number", flat=True)),
            ["OVO900001", "OVO900003"],
        )

    def test_refuses_the_second_document_with_the_same_key(self):
        documents = [
            {"ovo": "OVO900001", "name": "First"},
            {"ovo": "OVO900002", "name": "Other"},
            {"ovo": "OVO900001", "name": "Second"},
        ]

        run = self.import_(documents)

        self.assertEqual((run.read, run.created, run.rejected), (3, 2, 1))
        rejection = run.rejections.get()
        self.assertEqual(
            (rejection.position, rejection.identifier, rejection.reason),
            (3, "OVO900001", "OVO900001 appears twice in this feed."),
        )
        self.assertEqual(Organisation.objects.get(ovo_number="OVO900001").name, "First")

    def assert_failure_rolls_back(self, position):
        make_organisation(ovo_number="OVO900001", name="Before the run")
        documents = agencies(900001, 5)
        documents[position] = {"ovo": "OVO999999", "fail": "The disk is full."}
        before = self.changes().count()

        run = self.import_(documents)

        self.assertEqual(run.status, SyncRun.Status.FAILED)
        self.assertEqual(run.error, "RuntimeError: The disk is full.")
        self.assertIsInstance(run.raised, RuntimeError)
        self.assertEqual(
            list(Organisation.objects.values_list("ovo_number", "name")),
            [("OVO900001", "Before the run")],
        )
        self.assertEqual(self.changes().count(), before)
        self.assertEqual(RejectedDocument.objects.count(), 0)
        self.assertEqual(run.counts["read"], 0)

    def test_a_failure_at_the_first_document_changes_nothing(self):
        self.assert_failure_rolls_back(0)

    def test_a_failure_in_the_middle_undoes_the_batches_already_applied(self):
        self.assert_failure_rolls_back(3)

    def test_a_failure_at_the_last_document_undoes_the_whole_run(self):
        self.assert_failure_rolls_back(4)

    def test_a_second_run_of_the_same_feed_changes_nothing_and_writes_no_history(self):
        self.import_(agencies(900001, 4))
        before = self.changes().count()

        run = self.import_(agencies(900001, 4))

        self.assertEqual(
            (run.read, run.created, run.updated, run.unchanged), (4, 0, 0, 4)
        )
        self.assertEqual(self.changes().count(), before)

    def test_a_changed_name_is_updated_with_one_change_row(self):
        self.import_(agencies(900001, 3))
        documents = agencies(900001, 3)
        documents[1]["name"] = "Agency renamed"

        run = self.import_(documents)

        self.assertEqual((run.updated, run.unchanged), (1, 2))
        change = self.changes(Change.Kind.UPDATED).get()
        self.assertEqual(change.changes, {"name": ["Agency 900002", "Agency renamed"]})

    def test_a_full_load_ends_what_the_feed_no_longer_lists(self):
        self.import_(agencies(900001, 3))

        run = self.import_(agencies(900001, 2), mode=SyncRun.Mode.FULL)

        self.assertEqual((run.ended, run.unchanged), (1, 2))
        gone = Organisation.objects.get(ovo_number="OVO900003")
        self.assertEqual(gone.valid_until, timezone.localdate())
        self.assertEqual(Organisation.objects.count(), 3)
