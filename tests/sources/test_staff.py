import datetime
import io
import json
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from objectives.models import Change, Membership, Person
from sources.adapters.staff import StaffAdapter, run_staff
from sources.engine import run_import
from sources.models import Source, SyncRun
from sources.streaming import FeedError, SourceUnavailable, iter_json_lines
from tests.factories import make_membership, make_organisation, make_person, make_user
from tests.sources.feed_server import Answer, FeedServer

TODAY = datetime.date(2026, 6, 15)
FIXTURES = Path(__file__).resolve().parents[2] / "sources" / "fixtures"
HR = Membership.Source.HR
MANUAL = Membership.Source.MANUAL
READER = Membership.Role.READER


def staff(number="100001", **fields):
    document = {
        "personnelNumber": number,
        "firstName": "Lotte",
        "lastName": "Claes",
        "email": f"lotte.claes.{number}@traject.example",
        "organisationOvo": "OVO000096",
        "function": "Beleidsmedewerker",
        "startDate": "2020-01-01",
        "endDate": None,
    }
    document.update(fields)
    return document


def jsonl(*documents):
    return io.StringIO("".join(json.dumps(d) + "\n" for d in documents))


def new_run(mode=SyncRun.Mode.INCREMENTAL):
    return SyncRun.objects.create(source=Source.STAFF, mode=mode)


def import_staff(*documents, mode=SyncRun.Mode.INCREMENTAL, batch_size=None):
    adapter = StaffAdapter(today=TODAY)
    if batch_size:
        adapter.batch_size = batch_size
    return run_import(new_run(mode), adapter, list(documents))


def counts(run):
    run.refresh_from_db()
    return run.counts


def changes_of(obj):
    return list(
        Change.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        )
        .order_by("id")
        .values_list("kind", "changes")
    )


def outcome(read=1, created=0, updated=0, ended=0, unchanged=0, rejected=0):
    return {
        "read": read,
        "created": created,
        "updated": updated,
        "ended": ended,
        "unchanged": unchanged,
        "rejected": rejected,
    }


class StaffImportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.mobility = make_organisation(ovo_number="OVO000096", name="Mobiliteit")
        cls.education = make_organisation(ovo_number="OVO000049", name="Onderwijs")
        cls.roads = make_organisation(ovo_number="OVO000098", name="Wegen")

    def test_a_new_person_is_created_active_with_a_reader_hr_membership(self):
        run = import_staff(staff())

        person = Person.objects.get(personnel_number="100001")
        membership = person.memberships.get()
        self.assertEqual(counts(run), outcome(created=1))
        self.assertEqual(
            (person.first_name, person.last_name, person.email, person.function),
            (
                "Lotte",
                "Claes",
                "lotte.claes.100001@traject.example",
                "Beleidsmedewerker",
            ),
        )
        self.assertTrue(person.is_active)
        self.assertIsNone(person.user)
        self.assertEqual(
            (membership.organisation, membership.role, membership.source),
            (self.mobility, READER, HR),
        )
        self.assertEqual(membership.start_date, datetime.date(2020, 1, 1))
        self.assertIsNone(membership.end_date)
        self.assertEqual(
            changes_of(person), [("created", {"name": [None, "Lotte Claes"]})]
        )
        self.assertEqual(
            changes_of(membership),
            [
                (
                    "created",
                    {
                        "role": [None, "reader"],
                        "source": [None, "hr"],
                        "start_date": [None, "2020-01-01"],
                        "end_date": [None, None],
                    },
                )
            ],
        )

    def test_the_same_feed_twice_changes_nothing_and_writes_no_history(self):
        feed = [staff("100001"), staff("100002", organisationOvo="OVO000049")]
        feed.append(staff("100003", endDate="2026-01-31"))
        import_staff(*feed)
        changes = Change.objects.count()
        people = list(Person.objects.values())
        memberships = list(Membership.objects.values())

        run = import_staff(*feed)

        self.assertEqual(counts(run), outcome(read=3, unchanged=3))
        self.assertEqual(Change.objects.count(), changes)
        self.assertEqual(list(Person.objects.values()), people)
        self.assertEqual(list(Membership.objects.values()), memberships)

    def test_a_changed_name_updates_the_person_and_keeps_the_linked_account(self):
        user = make_user()
        person = make_person(personnel_number="100001", user=user, first_name="Lot")
        make_membership(person, self.mobility, source=HR, start_date="2020-01-01")

        run = import_staff(staff(lastName="  Claes-Peeters  "))

        person.refresh_from_db()
        self.assertEqual(counts(run), outcome(updated=1))
        self.assertEqual(
            (person.first_name, person.last_name), ("Lotte", "Claes-Peeters")
        )
        self.assertEqual(person.user, user)
        self.assertEqual(Change.objects.count(), 1)
        [(kind, change)] = changes_of(person)
        self.assertEqual(kind, "updated")
        self.assertEqual(change["first_name"], ["Lot", "Lotte"])
        self.assertEqual(change["last_name"][1], "Claes-Peeters")

    def test_a_person_without_an_hr_membership_gets_one_and_keeps_manual_ones(self):
        person = make_person(personnel_number="100001")
        manual = make_membership(person, self.roads, role=Membership.Role.ADMINISTRATOR)

        run = import_staff(staff(personnelNumber="100001"))

        self.assertEqual(counts(run), outcome(updated=1))
        manual.refresh_from_db()
        self.assertEqual(
            (manual.role, manual.source, manual.end_date),
            ("administrator", MANUAL, None),
        )
        hr = person.memberships.get(source=HR)
        self.assertEqual((hr.organisation, hr.role), (self.mobility, READER))

    def test_a_manual_membership_in_another_organisation_is_kept_on_a_normal_update(
        self,
    ):
        import_staff(staff())
        person = Person.objects.get()
        manual = make_membership(person, self.roads, role=Membership.Role.CONTRIBUTOR)
        before = Change.objects.count()

        run = import_staff(staff(function="Teamcoach"))

        manual.refresh_from_db()
        self.assertEqual(counts(run), outcome(updated=1))
        self.assertEqual((manual.role, manual.end_date), ("contributor", None))
        self.assertEqual(Change.objects.count(), before + 1)

    def test_a_mover_ends_the_old_hr_membership_and_starts_one_in_the_new_unit(self):
        import_staff(staff())
        person = Person.objects.get()
        manual = make_membership(person, self.roads)

        run = import_staff(staff(organisationOvo="OVO000049", startDate="2026-05-01"))

        self.assertEqual(counts(run), outcome(updated=1))
        old = person.memberships.get(organisation=self.mobility)
        new = person.memberships.get(organisation=self.education)
        manual.refresh_from_db()
        self.assertEqual(old.end_date, datetime.date(2026, 4, 30))
        self.assertEqual((new.role, new.source), (READER, HR))
        self.assertEqual(
            (new.start_date, new.end_date), (datetime.date(2026, 5, 1), None)
        )
        self.assertIsNone(manual.end_date)
        self.assertEqual(
            changes_of(old)[-1],
            ("updated", {"end_date": [None, "2026-04-30"]}),
        )
        self.assertTrue(Person.objects.get().is_active)

    def test_a_mover_back_to_an_earlier_unit_reopens_that_membership(self):
        import_staff(staff())
        import_staff(staff(organisationOvo="OVO000049", startDate="2024-01-01"))

        run = import_staff(staff(startDate="2026-03-01"))

        person = Person.objects.get()
        self.assertEqual(counts(run), outcome(updated=1))
        self.assertEqual(person.memberships.count(), 2)
        back = person.memberships.get(organisation=self.mobility)
        self.assertEqual(
            (back.start_date, back.end_date), (datetime.date(2026, 3, 1), None)
        )
        away = person.memberships.get(organisation=self.education)
        self.assertEqual(away.end_date, datetime.date(2026, 2, 28))

    def test_a_leaver_is_deactivated_and_all_memberships_end_but_stay(self):
        import_staff(staff())
        person = Person.objects.get()
        make_membership(person, self.roads, role=Membership.Role.ADMINISTRATOR)
        before = Change.objects.count()

        run = import_staff(staff(endDate="2026-05-31"))

        person.refresh_from_db()
        self.assertEqual(counts(run), outcome(ended=1))
        self.assertFalse(person.is_active)
        self.assertEqual(
            sorted(person.memberships.values_list("source", "role", "end_date")),
            [
                (HR, READER, datetime.date(2026, 5, 31)),
                (MANUAL, "administrator", datetime.date(2026, 5, 31)),
            ],
        )
        self.assertEqual(Membership.objects.active(TODAY).count(), 0)
        # The person, and one row for each membership.
        self.assertEqual(Change.objects.count(), before + 3)
        self.assertEqual(
            changes_of(person)[-1], ("updated", {"is_active": [True, False]})
        )

    def test_a_planned_end_date_keeps_the_person_and_manual_memberships_active(self):
        import_staff(staff())
        person = Person.objects.get()
        manual = make_membership(person, self.roads)

        run = import_staff(staff(endDate="2026-12-31"))

        person.refresh_from_db()
        manual.refresh_from_db()
        self.assertEqual(counts(run), outcome(updated=1))
        self.assertTrue(person.is_active)
        self.assertEqual(
            person.memberships.get(source=HR).end_date, datetime.date(2026, 12, 31)
        )
        self.assertIsNone(manual.end_date)

    def test_a_person_who_comes_back_is_reactivated_with_a_new_hr_membership(self):
        import_staff(staff())
        person = Person.objects.get()
        manual = make_membership(person, self.roads)
        import_staff(staff(endDate="2026-01-31"))
        hr = person.memberships.get(source=HR)
        hr.role = Membership.Role.CONTRIBUTOR
        hr.save()

        run = import_staff(staff(startDate="2026-06-01", endDate=None))

        person.refresh_from_db()
        hr.refresh_from_db()
        manual.refresh_from_db()
        self.assertEqual(counts(run), outcome(updated=1))
        self.assertTrue(person.is_active)
        self.assertEqual(
            (hr.role, hr.source, hr.start_date, hr.end_date),
            (READER, HR, datetime.date(2026, 6, 1), None),
        )
        self.assertEqual(manual.end_date, datetime.date(2026, 1, 31))
        self.assertEqual(Membership.objects.count(), 2)

    def test_a_new_person_who_already_left_is_created_inactive(self):
        run = import_staff(staff(endDate="2025-12-31"))

        person = Person.objects.get()
        self.assertEqual(counts(run), outcome(created=1))
        self.assertFalse(person.is_active)
        self.assertEqual(person.memberships.get().end_date, datetime.date(2025, 12, 31))

    def test_a_full_load_deactivates_people_with_an_hr_membership_it_no_longer_lists(
        self,
    ):
        import_staff(staff("100001"), staff("100002"))
        gone = Person.objects.get(personnel_number="100002")
        manual = make_membership(gone, self.roads)
        hand_made = make_person(personnel_number="900001")
        make_membership(hand_made, self.roads)

        run = import_staff(staff("100001"), mode=SyncRun.Mode.FULL)

        gone.refresh_from_db()
        manual.refresh_from_db()
        self.assertEqual(counts(run), outcome(ended=1, unchanged=1))
        self.assertFalse(gone.is_active)
        self.assertEqual(
            list(gone.memberships.values_list("end_date", flat=True)), [TODAY, TODAY]
        )
        self.assertTrue(Person.objects.get(personnel_number="900001").is_active)
        self.assertIsNone(hand_made.memberships.get().end_date)
        self.assertTrue(Person.objects.get(personnel_number="100001").is_active)

        again = import_staff(staff("100001"), mode=SyncRun.Mode.FULL)

        self.assertEqual(counts(again), outcome(unchanged=1))

    def test_an_incremental_load_leaves_unlisted_people_alone(self):
        import_staff(staff("100001"), staff("100002"))

        run = import_staff(staff("100001"))

        self.assertEqual(counts(run), outcome(unchanged=1))
        self.assertEqual(Person.objects.filter(is_active=True).count(), 2)

    def test_bad_documents_are_rejected_with_their_reason_while_the_others_apply(self):
        lines = [
            json.dumps(staff("100001")),
            '{"personnelNumber": "100002", "firstName": ',
            json.dumps(staff("100003", firstName=42)),
            json.dumps(staff(123456)),
            json.dumps(staff(None)),
            json.dumps(staff("100001", firstName="Twee")),
            json.dumps(staff("12345")),
            json.dumps(staff("100006", organisationOvo="OVO999999")),
            json.dumps(staff("100007", startDate="2026-02-01", endDate="2026-01-31")),
            json.dumps(staff("100008", lastName="x" * (10 * 1024 * 1024))),
            json.dumps(staff("100009", firstName="<script>alert(1)</script>")),
            json.dumps(staff("100010", email="not an address")),
            json.dumps(staff("100011", startDate="01/02/2026")),
            json.dumps(staff("100012", lastName="   ")),
            json.dumps([1, 2]),
            json.dumps(staff("100013")),
        ]
        feed = iter_json_lines(io.StringIO("\n".join(lines) + "\n"))

        run = run_import(new_run(), StaffAdapter(today=TODAY), feed)

        self.assertEqual(counts(run), outcome(read=16, created=2, rejected=14))
        self.assertEqual(
            sorted(Person.objects.values_list("personnel_number", flat=True)),
            ["100001", "100013"],
        )
        rejections = list(
            run.rejections.values_list("position", "identifier", "reason")
        )
        self.assertEqual(rejections[0][:2], (2, ""))
        self.assertTrue(rejections[0][2].startswith("Not a JSON document: "))
        self.assertEqual(
            rejections[1:],
            [
                (3, "100003", "firstName must be a string, not a number."),
                (4, "", "personnelNumber must be a string of exactly six digits."),
                (5, "", "personnelNumber is required."),
                (6, "100001", "100001 appears twice in this feed."),
                (7, "12345", "personnelNumber must be a string of exactly six digits."),
                (
                    8,
                    "100006",
                    "organisationOvo OVO999999 is not an organisation known to "
                    "Traject.",
                ),
                (
                    9,
                    "100007",
                    "endDate (2026-01-31) comes before startDate (2026-02-01).",
                ),
                (10, "100008", "lastName is longer than 100 characters (10,485,760)."),
                (
                    11,
                    "100009",
                    "firstName contains markup (< or >); only plain text is taken.",
                ),
                (12, "100010", "email is not a valid e-mail address."),
                (13, "100011", "startDate is not a date written yyyy-mm-dd."),
                (14, "100012", "lastName is required."),
                (15, "", "A document is a JSON object, not an array."),
            ],
        )
        long_excerpt = run.rejections.get(position=10).excerpt
        self.assertLess(len(long_excerpt), 600)

    def test_a_failure_at_any_document_leaves_the_database_as_it_was(self):
        import_staff(staff("100001"), staff("100002"), staff("100003"))
        make_membership(Person.objects.get(personnel_number="100001"), self.roads)
        feed = [
            staff("100001", endDate="2026-01-31"),
            staff("100002", organisationOvo="OVO000049", startDate="2026-05-01"),
            staff("100003", lastName="Nieuw"),
            staff("100004"),
            staff("100005", organisationOvo="OVO000098"),
        ]
        before = (
            list(Person.objects.values()),
            list(Membership.objects.values()),
            Change.objects.count(),
        )

        for position in (1, 3, 5):
            with self.subTest(position=position):

                def broken(position=position):
                    for index, document in enumerate(feed, start=1):
                        if index == position:
                            raise FeedError("The feed broke off.")
                        yield document

                adapter = StaffAdapter(today=TODAY)
                adapter.batch_size = 2
                run = new_run()
                with self.assertRaisesMessage(FeedError, "The feed broke off."):
                    run_import(run, adapter, broken())

                run.refresh_from_db()
                self.assertEqual(run.status, SyncRun.Status.FAILED)
                self.assertEqual(run.error, "FeedError: The feed broke off.")
                after = (
                    list(Person.objects.values()),
                    list(Membership.objects.values()),
                    Change.objects.count(),
                )
                self.assertEqual(after, before)

    def test_a_batch_takes_the_same_number_of_queries_for_few_and_many_people(self):
        import_staff(staff("100000"))
        numbers = []
        for size, first in ((5, 200000), (50, 300000)):
            new = [staff(f"{first + n:06d}") for n in range(size)]
            changed = [
                staff(f"{first + n:06d}", lastName="Anders") for n in range(size)
            ]
            for feed in (new, changed):
                with CaptureQueriesContext(connection) as queries:
                    run_import(new_run(), StaffAdapter(today=TODAY), feed)
                numbers.append(len(queries))

        # Per run: the run and its savepoint, the organisations, the people and
        # their memberships read, then bulk writes of rows and their changes.
        self.assertEqual(numbers, [11, 10, 11, 10])

    def test_the_demo_feed_imports_without_rejections(self):
        for ovo_number in (
            "OVO000056",
            "OVO000029",
            "OVO000067",
            "OVO000032",
            "OVO000078",
            "OVO000089",
            "OVO000031",
        ):
            make_organisation(ovo_number=ovo_number)
        run = run_staff(new_run(), file=FIXTURES / "staff.jsonl")

        self.assertEqual(counts(run)["read"], 300)
        self.assertEqual(counts(run)["created"], 300)
        self.assertEqual(counts(run)["rejected"], 0)
        self.assertEqual(Membership.objects.filter(source=HR).count(), 300)
        self.assertEqual(
            Person.objects.filter(is_active=False).count(),
            sum(
                1
                for line in (FIXTURES / "staff.jsonl").open(encoding="utf-8")
                if json.loads(line)["endDate"] == "2026-06-30"
            ),
        )

    def test_a_missing_file_fails_the_run(self):
        run = new_run()

        with self.assertRaisesMessage(
            FeedError, "Cannot open /nonexistent/staff.jsonl"
        ):
            run_staff(run, file="/nonexistent/staff.jsonl")

        run.refresh_from_db()
        self.assertEqual(run.status, SyncRun.Status.FAILED)


class StaffFeedOverHttpTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        make_organisation(ovo_number="OVO000096")

    def setUp(self):
        self.server = FeedServer()
        self.server.__enter__()
        self.addCleanup(self.server.__exit__, None, None, None)

    def body(self, *documents):
        return jsonl(*documents).getvalue().encode()

    def test_a_feed_is_read_from_a_url(self):
        self.server.answers["/staff"] = Answer(body=self.body(staff("100001")))

        run = run_staff(new_run(), url=self.server.url("/staff"))

        self.assertEqual(counts(run)["created"], 1)
        self.assertTrue(Person.objects.filter(personnel_number="100001").exists())

    def test_a_server_error_is_a_transient_failure_and_applies_nothing(self):
        self.server.answers["/staff"] = Answer(500, b"Internal Server Error\n")
        run = new_run()

        with self.assertRaisesMessage(SourceUnavailable, "answered 500"):
            run_staff(run, url=self.server.url("/staff"))

        run.refresh_from_db()
        self.assertEqual(run.status, SyncRun.Status.FAILED)
        self.assertEqual(Person.objects.count(), 0)

    def test_a_missing_feed_is_a_feed_error_but_not_a_transient_one(self):
        run = new_run()

        with self.assertRaises(FeedError) as raised:
            run_staff(run, url=self.server.url("/elsewhere"))

        self.assertNotIsInstance(raised.exception, SourceUnavailable)
        self.assertIn("answered 404", str(raised.exception))

    def test_a_server_that_never_answers_times_out(self):
        self.server.answers["/staff"] = Answer(hang_after=0)

        with self.assertRaisesMessage(SourceUnavailable, "cannot be reached"):
            run_staff(new_run(), url=self.server.url("/staff"), timeout=1)

        self.assertEqual(Person.objects.count(), 0)

    def test_a_server_that_stalls_mid_feed_applies_nothing(self):
        body = self.body(staff("100001"), staff("100002"), staff("100003"))
        first_two = len(body) - len(self.body(staff("100003")))
        self.server.answers["/staff"] = Answer(body=body, hang_after=first_two)

        with self.assertRaisesMessage(SourceUnavailable, "stopped sending"):
            run_staff(new_run(), url=self.server.url("/staff"), timeout=1)

        self.assertEqual(Person.objects.count(), 0)
        self.assertEqual(Change.objects.count(), 0)

    def test_a_feed_cut_off_inside_a_line_fails_the_run(self):
        body = self.body(staff("100001"), staff("100002"))[:-20]
        self.server.answers["/staff"] = Answer(body=body)

        with self.assertRaisesMessage(FeedError, "ends inside a line"):
            run_staff(new_run(), url=self.server.url("/staff"))

        self.assertEqual(Person.objects.count(), 0)
