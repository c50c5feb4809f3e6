"""The three sources through the command, as an operator runs them: the real
HTTP client against the local stand-in, the real adapters, one after the
other."""

import io
import json
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.test import TransactionTestCase

from objectives.models import Membership, Organisation, Person, Process
from sources.models import SourceState, SyncRun
from sources.standin import RegistryStandIn
from tests.sources.registry_samples import EXPORT_SLICE, read_sample

PEOPLE = [
    {
        "personnelNumber": "400001",
        "firstName": "Anna",
        "lastName": "Peeters",
        "email": "anna.peeters@traject.example",
        "organisationOvo": "OVO000004",
        "function": "Beleidsmedewerker",
        "startDate": "2021-03-01",
        "endDate": None,
    },
    {
        "personnelNumber": "400002",
        "firstName": "Bram",
        "lastName": "Maes",
        "email": "bram.maes@traject.example",
        "organisationOvo": "OVO000007",
        "function": "Afdelingshoofd",
        "startDate": "2019-09-01",
        "endDate": None,
    },
]
PROCESSES = [
    {
        "code": "FB-001",
        "name": "Opmaken van de begroting",
        "description": "Jaarlijkse begrotingscyclus.",
        "ownerOvo": "OVO000004",
        "validFrom": "2015-01-01",
        "validUntil": None,
    }
]


def write_lines(path, documents):
    path.write_text("".join(json.dumps(d) + "\n" for d in documents), "utf-8")


class ThreeSourcesTests(TransactionTestCase):
    def setUp(self):
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        write_lines(Path(folder.name) / "staff.jsonl", PEOPLE)
        write_lines(Path(folder.name) / "processes.jsonl", PROCESSES)
        self.standin = RegistryStandIn(
            read_sample(EXPORT_SLICE), scroll_size=3, directory=folder.name
        )
        self.base_url = self.standin.start()
        self.addCleanup(self.standin.stop)

    def sync(self, *args):
        out = io.StringIO()
        call_command("sync_source", *args, stdout=out)
        return out.getvalue()

    def test_the_registry_staff_and_processes_import_one_after_the_other(self):
        self.sync("organisations", "--url", self.base_url, "--full")
        self.sync("staff", "--url", f"{self.base_url}/files/staff.jsonl")
        self.sync("processes", "--url", f"{self.base_url}/files/processes.jsonl")

        self.assertEqual(Organisation.objects.count(), 8)
        finance = Organisation.objects.get(ovo_number="OVO000004")
        self.assertEqual(finance.kind, Organisation.Kind.POLICY_DOMAIN)
        self.assertEqual(finance.parent.ovo_number, "OVO000001")
        self.assertEqual(
            sorted(
                Membership.objects.values_list(
                    "person__personnel_number", "organisation__ovo_number"
                )
            ),
            [("400001", "OVO000004"), ("400002", "OVO000007")],
        )
        self.assertEqual(Person.objects.filter(is_active=True).count(), 2)
        process = Process.objects.get(code="FB-001")
        self.assertEqual(
            (process.lead_organisation, process.is_imported), (finance, True)
        )
        self.assertEqual(
            list(
                SyncRun.objects.order_by("id").values_list(
                    "source", "status", "created"
                )
            ),
            [
                ("organisations", "succeeded", 8),
                ("staff", "succeeded", 2),
                ("processes", "succeeded", 1),
            ],
        )
        self.assertEqual(
            SourceState.objects.get(source="organisations").cursor["change_id"],
            max(d["changeId"] for d in read_sample(EXPORT_SLICE)),
        )

    def test_an_incremental_rerun_through_the_scroll_changes_nothing(self):
        self.sync("organisations", "--url", self.base_url, "--full")

        output = self.sync("organisations", "--url", self.base_url)

        run = SyncRun.objects.order_by("id").last()
        self.assertEqual(run.mode, SyncRun.Mode.INCREMENTAL)
        self.assertEqual((run.created, run.updated, run.rejected), (0, 0, 0))
        self.assertGreaterEqual(run.unchanged, 1)
        self.assertIn("unchanged", output)
        scrolls = [r for r in self.standin.requests if "/scroll" in r]
        self.assertGreaterEqual(len(scrolls), 1)
