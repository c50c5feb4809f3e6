import datetime
import filecmp
import hashlib
import json
import tempfile
import uuid
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.test import TestCase

from objectives.models import Change, Objective, Organisation
from sources.adapters.organisations import (
    OrganisationAdapter,
    kind_of,
    run_organisations,
)
from sources.engine import run_import
from sources.models import Source, SourceState, SyncRun
from sources.streaming import FeedError
from tests.factories import make_objective, make_organisation
from tests.sources.registry_samples import (
    AALST,
    COPIES,
    EXPORT_SLICE,
    ROOT_ID,
    SAMPLES,
    SHARED,
    WINGENE,
    changed,
    make_document,
    read_sample,
    registry_id,
)

Kind = Organisation.Kind
TODAY = datetime.date(2026, 1, 15)


def import_documents(documents, *, adapter=None, mode=SyncRun.Mode.FULL):
    run = SyncRun.objects.create(source=Source.ORGANISATIONS, mode=mode)
    adapter = adapter or OrganisationAdapter(today=TODAY)
    return run_import(run, adapter, iter(documents))


def reasons(run):
    return [
        (rejection.position, rejection.identifier, rejection.reason)
        for rejection in run.rejections.all()
    ]


def snapshot():
    """Everything an import may write, to compare before and after."""
    return (
        list(Organisation.objects.order_by("pk").values()),
        list(Change.objects.order_by("pk").values_list("pk", "changes")),
    )


def organisation(ovo_number):
    return Organisation.objects.select_related("parent").get(ovo_number=ovo_number)


class RealDocumentsTests(TestCase):
    def test_the_real_export_slice_creates_the_eight_organisations(self):
        run = import_documents(read_sample(EXPORT_SLICE))

        self.assertEqual(run.status, SyncRun.Status.SUCCEEDED)
        self.assertEqual(
            run.counts,
            {
                "read": 8,
                "created": 8,
                "updated": 0,
                "ended": 0,
                "unchanged": 0,
                "rejected": 0,
            },
        )
        rows = Organisation.objects.order_by("ovo_number").values_list(
            "ovo_number", "short_name", "kind", "valid_from", "valid_until"
        )
        date = datetime.date
        self.assertEqual(
            list(rows),
            [
                ("OVO000001", "VO", Kind.OTHER, date(1970, 1, 1), None),
                (
                    "OVO000002",
                    "DAR",
                    Kind.POLICY_DOMAIN,
                    date(2006, 4, 1),
                    date(2015, 3, 31),
                ),
                (
                    "OVO000003",
                    "BZ",
                    Kind.POLICY_DOMAIN,
                    date(2006, 4, 1),
                    date(2015, 3, 31),
                ),
                ("OVO000004", "FB", Kind.POLICY_DOMAIN, date(2006, 4, 1), None),
                (
                    "OVO000005",
                    "iV",
                    Kind.POLICY_DOMAIN,
                    date(2006, 4, 1),
                    date(2020, 8, 31),
                ),
                (
                    "OVO000006",
                    "EWI",
                    Kind.POLICY_DOMAIN,
                    date(2006, 4, 1),
                    date(2024, 12, 31),
                ),
                ("OVO000007", "OV", Kind.POLICY_DOMAIN, date(2006, 4, 1), None),
                ("OVO000008", "WVG", Kind.POLICY_DOMAIN, date(2006, 4, 1), None),
            ],
        )
        root = organisation("OVO000001")
        self.assertEqual(root.name, "Administratieve diensten van de Vlaamse overheid")
        self.assertEqual(str(root.registry_id), ROOT_ID)
        self.assertIsNone(root.parent)
        self.assertEqual(
            organisation("OVO000004").name, "Beleidsdomein Financiën en Begroting"
        )
        self.assertEqual(
            set(
                Organisation.objects.exclude(pk=root.pk).values_list(
                    "parent", flat=True
                )
            ),
            {root.pk},
        )
        self.assertEqual(Change.objects.count(), 8)
        self.assertEqual(
            set(Change.objects.values_list("kind", flat=True)), {Change.Kind.CREATED}
        )

    def test_the_search_documents_of_aalst_and_wingene_parse(self):
        run = import_documents([*read_sample(AALST), *read_sample(WINGENE)])

        self.assertEqual((run.read, run.created, run.rejected), (2, 2, 0))
        aalst, wingene = organisation("OVO001992"), organisation("OVO002277")
        self.assertEqual(
            (aalst.name, aalst.short_name, aalst.kbo_number, aalst.kind),
            ("Stad Aalst", "Aalst", "0207437468", Kind.OTHER),
        )
        self.assertEqual((aalst.valid_from, aalst.valid_until), (None, None))
        self.assertEqual(str(aalst.registry_id), "664c7964-28a5-42a3-9f04-5a9be4eefad2")
        self.assertEqual(
            (wingene.name, wingene.short_name, wingene.kbo_number, wingene.parent),
            ("Gemeente Wingene", "", "0207495470", None),
        )

    def test_the_same_feed_twice_changes_nothing_the_second_time(self):
        import_documents(read_sample(EXPORT_SLICE))
        before = snapshot()

        run = import_documents(read_sample(EXPORT_SLICE))

        self.assertEqual(
            (run.read, run.unchanged, run.created, run.updated), (8, 8, 0, 0)
        )
        self.assertEqual(snapshot(), before)

    def test_the_copies_of_the_samples_are_the_shared_originals(self):
        for name in SAMPLES:
            with self.subTest(name):
                digest = hashlib.sha256((COPIES / name).read_bytes()).hexdigest()
                self.assertEqual(digest, SAMPLE_DIGESTS[name])
                if SHARED.is_dir():
                    self.assertTrue(
                        filecmp.cmp(SHARED / name, COPIES / name, shallow=False)
                    )


# The digests of the real samples as published (see fixtures/README.md), so
# that the copies are checked even where ../shared is not beside the checkout.
SAMPLE_DIGESTS = {
    "or-powerbi-stream-OVO000001-OVO000008.txt": (
        "89de1129c35ea2dae71217f21e63a347c964890936fc8e948378bd9beb64ae7f"
    ),
    "or-search-aalst-OVO001992.redacted.json": (
        "b1ed686f7cd2ee093409a64cd247d5c13158719e4490186e242f1b82eba686f3"
    ),
    "or-search-keys-wingene-OVO002277.json": (
        "ad1dd001eac2c3bf74d1dae75bf48f86ad5da51a0ff412f10f58ca0e9108a6e8"
    ),
}


class MatchingTests(TestCase):
    def test_organisations_of_the_demo_without_registry_id_are_adopted(self):
        demo = make_organisation(
            ovo_number="OVO000004", name="Financiën en Begroting", kind=Kind.DEPARTMENT
        )

        run = import_documents(read_sample(EXPORT_SLICE))

        self.assertEqual((run.created, run.updated), (7, 1))
        demo.refresh_from_db()
        self.assertEqual(str(demo.registry_id), "f42abeb5-cd1e-43b8-b2ac-398cbc232fb1")
        self.assertEqual(demo.name, "Beleidsdomein Financiën en Begroting")
        self.assertEqual(demo.kind, Kind.POLICY_DOMAIN)
        self.assertEqual(demo.parent.ovo_number, "OVO000001")
        change = Change.objects.get(kind=Change.Kind.UPDATED)
        self.assertEqual(change.object_id, demo.pk)
        self.assertEqual(
            change.changes["registry_id"],
            [None, "f42abeb5-cd1e-43b8-b2ac-398cbc232fb1"],
        )
        self.assertEqual(change.changes["parent"], [None, "VO"])

    def test_without_an_entity_form_an_existing_kind_stays_and_a_new_one_is_other(
        self,
    ):
        make_organisation(ovo_number="OVO000041", name="Old", kind=Kind.AGENCY)

        import_documents([make_document(41), make_document(42)])

        self.assertEqual(organisation("OVO000041").kind, Kind.AGENCY)
        self.assertEqual(organisation("OVO000042").kind, Kind.OTHER)

    def test_the_entity_form_valid_today_decides_the_kind(self):
        document = make_document(43, entity_form="Departement")
        document["organisationClassifications"][0]["validity"]["end"] = "2020-12-31"
        document["organisationClassifications"].append(
            {
                "organisationClassificationTypeName": "Entiteitsvorm",
                "organisationClassificationName": "Extern verzelfstandigd agentschap",
                "validity": {"start": "2021-01-01"},
            }
        )

        import_documents([document])

        self.assertEqual(organisation("OVO000043").kind, Kind.AGENCY)

    def test_entity_forms_name_kinds(self):
        self.assertEqual(kind_of("Beleidsdomein"), Kind.POLICY_DOMAIN)
        self.assertEqual(kind_of("Departement"), Kind.DEPARTMENT)
        self.assertEqual(
            kind_of(
                "Intern verzelfstandigd agentschap (IVA) met rechtspersoonlijkheid"
            ),
            Kind.AGENCY,
        )
        self.assertEqual(kind_of("Agentschap"), Kind.AGENCY)
        self.assertEqual(kind_of("Adviesorgaan"), Kind.OTHER)

    def test_an_organisation_that_ends_gets_its_end_date_and_keeps_its_objectives(
        self,
    ):
        import_documents([make_document(50), make_document(51, parent="OVO000050")])
        agency = organisation("OVO000051")
        objective = make_objective(lead_organisation=agency)

        run = import_documents(
            [make_document(50), make_document(51, parent="OVO000050", end="2025-12-31")]
        )

        self.assertEqual((run.ended, run.unchanged, run.updated), (1, 1, 0))
        agency.refresh_from_db()
        self.assertEqual(agency.valid_until, datetime.date(2025, 12, 31))
        self.assertEqual(Organisation.objects.count(), 2)
        self.assertEqual(
            Objective.objects.get(pk=objective.pk).lead_organisation, agency
        )
        change = Change.objects.filter(object_id=agency.pk, kind="updated").get()
        self.assertEqual(change.changes, {"valid_until": [None, "2025-12-31"]})

    def test_a_full_load_ends_nothing_the_registry_still_holds(self):
        import_documents([make_document(52), make_document(53)])

        run = import_documents([make_document(52)])

        self.assertEqual((run.unchanged, run.ended), (1, 0))
        self.assertIsNone(organisation("OVO000053").valid_until)

    def test_a_parent_later_in_the_batch_is_linked_as_it_is_created(self):
        run = import_documents(
            [make_document(60, parent="OVO000061"), make_document(61)]
        )

        self.assertEqual((run.created, run.rejected), (2, 0))
        self.assertEqual(organisation("OVO000060").parent.ovo_number, "OVO000061")
        self.assertEqual(Change.objects.count(), 2)

    def test_a_parent_in_a_later_batch_is_linked_at_the_end(self):
        adapter = OrganisationAdapter(today=TODAY)
        adapter.batch_size = 1

        run = import_documents(
            [make_document(60, parent="OVO000061"), make_document(61)], adapter=adapter
        )

        self.assertEqual((run.created, run.updated, run.rejected), (2, 0, 0))
        child = organisation("OVO000060")
        self.assertEqual(child.parent.ovo_number, "OVO000061")
        self.assertEqual(Change.objects.filter(kind=Change.Kind.CREATED).count(), 2)
        change = Change.objects.get(kind=Change.Kind.UPDATED)
        self.assertEqual(
            (change.object_id, change.changes),
            (child.pk, {"parent": [None, "Organisatie 61"]}),
        )

    def test_a_parent_in_another_batch_is_found_in_the_database(self):
        adapter = OrganisationAdapter(today=TODAY)
        adapter.batch_size = 2
        documents = [make_document(62), make_document(63)]
        documents += [make_document(64, parent="OVO000062")]

        run = import_documents(documents, adapter=adapter)

        self.assertEqual((run.created, run.rejected), (3, 0))
        self.assertEqual(organisation("OVO000064").parent.ovo_number, "OVO000062")
        self.assertEqual(Change.objects.count(), 3)

    def test_a_parent_linked_at_the_end_counts_as_an_update(self):
        import_documents([make_document(68)])
        adapter = OrganisationAdapter(today=TODAY)
        adapter.batch_size = 1

        run = import_documents(
            [make_document(68, parent="OVO000069"), make_document(69)], adapter=adapter
        )

        self.assertEqual((run.created, run.updated, run.unchanged), (1, 1, 0))
        self.assertEqual(organisation("OVO000068").parent.ovo_number, "OVO000069")

    def test_a_new_parent_is_recorded_on_the_child(self):
        import_documents(
            [
                make_document(65),
                make_document(66),
                make_document(67, parent="OVO000065"),
            ]
        )

        run = import_documents(
            [
                make_document(65),
                make_document(66),
                make_document(67, parent="OVO000066"),
            ]
        )

        self.assertEqual((run.updated, run.unchanged), (1, 2))
        change = Change.objects.get(kind=Change.Kind.UPDATED)
        self.assertEqual(
            change.changes, {"parent": ["Organisatie 65", "Organisatie 66"]}
        )

    def test_an_unknown_parent_is_rejected_late_and_the_organisation_is_kept(self):
        import_documents([make_document(70), make_document(71, parent="OVO000070")])
        unknown = str(uuid.uuid4())

        run = import_documents(
            [
                make_document(70),
                make_document(71, name="Renamed", parent=unknown),
                make_document(72, parent=unknown),
            ]
        )

        self.assertEqual(
            (run.read, run.created, run.updated, run.unchanged, run.rejected),
            (3, 1, 1, 1, 2),
        )
        reason = (
            f"The parent {unknown} is neither in Traject nor in this feed; "
            "the organisation keeps its parent."
        )
        self.assertEqual(
            reasons(run), [(2, "OVO000071", reason), (3, "OVO000072", reason)]
        )
        renamed = organisation("OVO000071")
        self.assertEqual(
            (renamed.name, renamed.parent.ovo_number), ("Renamed", "OVO000070")
        )
        self.assertIsNone(organisation("OVO000072").parent)

    def test_an_ovo_number_of_another_registry_organisation_is_rejected_late(self):
        import_documents([make_document(80)])
        impostor = make_document(80, id=str(uuid.uuid4()), name="Impostor")

        run = import_documents([impostor, make_document(81)])

        self.assertEqual((run.created, run.rejected), (1, 1))
        self.assertEqual(
            reasons(run),
            [
                (
                    1,
                    "OVO000080",
                    f"OVO000080 belongs to the registry organisation "
                    f"{registry_id('OVO000080')}, not to {impostor['id']}.",
                )
            ],
        )
        self.assertEqual(organisation("OVO000080").name, "Organisatie 80")


class BadInputTests(TestCase):
    def test_each_bad_document_is_rejected_with_its_reason_and_the_others_apply(self):
        first = make_document(1, name="Goede organisatie")
        huge_name = "x" * (10 * 1024 * 1024)
        documents = [
            first,
            {"id": registry_id("OVO000002"), "name": "Zonder nummer"},
            make_document(3, name=42),
            make_document(4, validity="2020-01-01"),
            make_document(5, parents={"parentOrganisationId": ROOT_ID}),
            changed(first, id=str(uuid.uuid4()), name="Zelfde nummer"),
            make_document(7, id=first["id"]),
            make_document(8, ovoNumber="OVO12"),
            make_document(9, start="2024-01-01", end="2023-12-31"),
            make_document(10, name=huge_name),
            make_document(11, name="Agentschap <script>alert(1)</script>"),
            make_document(12, kboNumber="0207.437.468"),
            make_document(13, start="01/02/2020"),
            make_document(14, name="Tweede goede organisatie"),
            "OVO000015",
            make_document(16, start="2020-02-30"),
            make_document(17, shortName="<b>Vet</b>"),
            make_document(18, parents=[{"parentOrganisationId": "not a guid"}]),
            make_document(19, name="  "),
        ]

        run = import_documents(documents)

        self.assertEqual((run.read, run.created, run.rejected), (19, 2, 17))
        self.assertEqual(
            list(
                Organisation.objects.order_by("ovo_number").values_list(
                    "name", flat=True
                )
            ),
            ["Goede organisatie", "Tweede goede organisatie"],
        )
        self.assertEqual(
            reasons(run),
            [
                (2, registry_id("OVO000002"), "The document has no ovoNumber."),
                (3, "OVO000003", "name is a number, not a text."),
                (4, "OVO000004", "validity is a text, not an object."),
                (5, "OVO000005", "parents is an object, not a list."),
                (
                    6,
                    "OVO000001",
                    "OVO000001 appears twice in this feed, "
                    f"first with id {first['id']}.",
                ),
                (7, first["id"], f"{first['id']} appears twice in this feed."),
                (8, "OVO12", "ovoNumber 'OVO12' is not OVO followed by six digits."),
                (
                    9,
                    "OVO000009",
                    "validity ends on 2023-12-31 before it starts on 2024-01-01.",
                ),
                (10, "OVO000010", "name has 10,485,760 characters; at most 300 fit."),
                (
                    11,
                    "OVO000011",
                    "name contains markup (<script>); names are text.",
                ),
                (12, "OVO000012", "kboNumber '0207.437.468' is not ten digits."),
                (
                    13,
                    "OVO000013",
                    "validity.start is '01/02/2020', not a date (yyyy-MM-dd).",
                ),
                (15, "", "A document is an object, not a text."),
                (
                    16,
                    "OVO000016",
                    "validity.start '2020-02-30' is not a day of the calendar.",
                ),
                (17, "OVO000017", "shortName contains markup (<b>); names are text."),
                (
                    18,
                    "OVO000018",
                    "parents[0].parentOrganisationId 'not a guid' is not a GUID.",
                ),
                (19, "OVO000019", "The document has no name."),
            ],
        )
        excerpt = run.rejections.get(position=10).excerpt
        self.assertLess(len(excerpt), 600)
        self.assertTrue(excerpt.endswith("characters)"))

    def test_a_truncated_file_fails_the_run_and_applies_nothing(self):
        import_documents([make_document(1)])
        before = snapshot()
        text = json.dumps([make_document(1, name="Nieuw"), make_document(2)])
        cut_inside = text[: len(text) // 2]
        cut_between = text[: text.index("}, {") + 1]

        for content, message in (
            (cut_inside, "The feed ends inside a document"),
            (cut_between, "The feed ends before its closing bracket: it was cut off."),
        ):
            with self.subTest(message), tempfile.TemporaryDirectory() as directory:
                path = Path(directory) / "organisations.json"
                path.write_text(content, encoding="utf-8")
                run = SyncRun.objects.create(source=Source.ORGANISATIONS, mode="full")

                with self.assertRaisesMessage(FeedError, message):
                    run_organisations(run, file=path)

                run.refresh_from_db()
                self.assertEqual(run.status, SyncRun.Status.FAILED)
                self.assertIn(message, run.error)
                self.assertEqual(snapshot(), before)

    def test_a_file_of_the_export_slice_imports_without_touching_the_cursor(self):
        run = SyncRun.objects.create(source=Source.ORGANISATIONS, mode="full")

        run_organisations(run, file=COPIES / EXPORT_SLICE)

        self.assertEqual((run.status, run.created), (SyncRun.Status.SUCCEEDED, 8))
        self.assertFalse(SourceState.objects.exists())


class FailingAdapter(OrganisationAdapter):
    """Fails at one document, in parse or in apply, as a bug would."""

    batch_size = 3

    def __init__(self, ovo_number, phase):
        super().__init__(today=TODAY)
        self.ovo_number = ovo_number
        self.phase = phase

    def parse(self, document):
        record = super().parse(document)
        if self.phase == "parse" and record.ovo_number == self.ovo_number:
            raise RuntimeError(f"Injected failure at {self.ovo_number}")
        return record

    def apply(self, records, *, acting_user=None):
        if self.phase == "apply" and self.ovo_number in {r.ovo_number for r in records}:
            raise RuntimeError(f"Injected failure at {self.ovo_number}")
        return super().apply(records, acting_user=acting_user)


class AtomicityTests(TestCase):
    def test_a_failure_at_any_document_leaves_the_database_as_it_was(self):
        import_documents(read_sample(EXPORT_SLICE))
        feed = [
            changed(document, name=f"{document['name']} (nieuw)")
            for document in read_sample(EXPORT_SLICE)
        ]
        feed += [make_document(9, parent="OVO000001"), make_document(10)]
        before = snapshot()

        for ovo_number in ("OVO000001", "OVO000005", "OVO000010"):
            for phase in ("parse", "apply"):
                with self.subTest(ovo_number=ovo_number, phase=phase):
                    run = SyncRun.objects.create(source=Source.ORGANISATIONS)

                    with self.assertRaisesMessage(RuntimeError, ovo_number):
                        run_import(run, FailingAdapter(ovo_number, phase), iter(feed))

                    run.refresh_from_db()
                    self.assertEqual(run.status, SyncRun.Status.FAILED)
                    self.assertEqual(
                        run.error, f"RuntimeError: Injected failure at {ovo_number}"
                    )
                    self.assertEqual(run.rejections.count(), 0)
                    self.assertEqual(snapshot(), before)

        run = import_documents(feed)
        self.assertEqual((run.updated, run.created), (8, 2))


class QueryCountTests(TestCase):
    def apply(self, numbers):
        """Apply one batch: half updates, half new organisations, some with a
        parent new in the batch; returns the number of queries."""
        existing = [make_document(n) for n in numbers[: len(numbers) // 2]]
        import_documents(existing)
        new = [
            make_document(n, parent=f"OVO{numbers[-1]:06d}")
            for n in numbers[len(numbers) // 2 : -1]
        ]
        new.append(make_document(numbers[-1], parent="OVO000001"))
        documents = [changed(d, name=d["name"] + "!") for d in existing] + new
        adapter = OrganisationAdapter(today=TODAY)
        records = [adapter.parse(document) for document in documents]
        ContentType.objects.get_for_model(Organisation)

        with self.assertNumQueries(7) as context:
            counts = adapter.apply(records)

        self.assertEqual(counts["updated"] + counts["created"], len(numbers))
        return len(context.captured_queries)

    def test_a_batch_takes_the_same_queries_whatever_its_size(self):
        make_organisation(
            ovo_number="OVO000001",
            name="Root",
            registry_id=uuid.UUID(registry_id("OVO000001")),
        )

        self.assertEqual(self.apply(list(range(100, 104))), 7)
        self.assertEqual(self.apply(list(range(200, 260))), 7)
