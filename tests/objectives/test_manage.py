"""The functional administrators' pages: create, edit, archive and link."""

import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from guardian.models import UserObjectPermission

from objectives import actions
from objectives.models import (
    Change,
    Confidentiality,
    Indicator,
    Legislature,
    Membership,
    Milestone,
    Objective,
    Process,
    Programme,
    Project,
)
from tests.factories import (
    make_indicator,
    make_legislature,
    make_membership,
    make_milestone,
    make_objective,
    make_organisation,
    make_person,
    make_process,
    make_programme,
    make_project,
)
from tests.personas import PersonaTestCase

Role = Membership.Role
LINK_TABLES = [
    Objective.projects.through,
    Objective.processes.through,
    Objective.indicators.through,
    Objective.contributes_to.through,
    Programme.projects.through,
]


def url(name, *args):
    return reverse(f"objectives:{name}", args=args)


def form_data(form):
    """What a browser would send back for ``form`` as it was shown."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, list | tuple):
            data[name] = [str(item) for item in value]
        elif value is None:
            data[name] = ""
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = str(value)
    return data


def history(obj):
    return list(
        Change.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        )
        .order_by("id")
        .values_list("kind", "changes", "actor__username")
    )


def change_grantees(obj):
    return set(
        UserObjectPermission.objects.filter(
            object_pk=str(obj.pk),
            content_type=ContentType.objects.get_for_model(obj),
            permission__codename=f"change_{obj._meta.model_name}",
        ).values_list("user__username", flat=True)
    )


class ManageTestCase(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.legislature = make_legislature()
        cls.earlier_legislature = Legislature.objects.create(
            name="2019-2024",
            start_date=datetime.date(2019, 7, 1),
            end_date=datetime.date(2024, 6, 30),
        )
        cls.responsible_a = make_person(
            with_user=True, first_name="Rita", last_name="Peeters"
        )
        make_membership(cls.responsible_a, cls.organisation_a, Role.READER)
        cls.objective_a = make_objective(
            lead_organisation=cls.organisation_a,
            code="SD 5",
            title="Clean rivers",
            legislature=cls.legislature,
        )
        cls.project_a = make_project(
            lead_organisation=cls.organisation_a,
            code="PR 1",
            title="Section speed checks",
            responsible=cls.responsible_a,
        )
        cls.process_a = make_process(
            lead_organisation=cls.organisation_a, code="PC 1", title="Traffic signs"
        )
        cls.indicator_a = make_indicator(
            lead_organisation=cls.organisation_a, code="IN 1", title="Road deaths"
        )
        cls.programme_a = make_programme(
            lead_organisation=cls.organisation_a, code="PG 1", title="Cycling"
        )
        cls.objective_b = make_objective(
            lead_organisation=cls.organisation_b, code="SD 1", title="Clean air"
        )

    def snapshot(self):
        """Row counts of everything these pages may write."""
        models = [Objective, Project, Process, Programme, Indicator, Milestone]
        counts = [model.objects.count() for model in models]
        counts += [table.objects.count() for table in LINK_TABLES]
        counts += [
            Objective.organisations.through.objects.count(),
            Project.members.through.objects.count(),
            Change.objects.count(),
            UserObjectPermission.objects.count(),
            Objective.objects.filter(is_archived=True).count(),
        ]
        return counts

    def assert_refused(self, user, method, path, status, data=None):
        """``user``'s request answers ``status`` and changes nothing."""
        before = self.snapshot()
        self.client.force_login(user)
        response = getattr(self.client, method)(path, data or {})
        self.assertEqual(response.status_code, status, path)
        self.assertEqual(self.snapshot(), before, path)


class CreateComponentTests(ManageTestCase):
    def objective_data(self, **values):
        return {
            "level": "strategic",
            "legislature": self.legislature.pk,
            "code": "SD 7",
            "title": "Safe school routes",
            "description": "Every child cycles safely to school.",
            "responsible": self.responsible_a.pk,
            "other_organisations": [self.organisation_b.pk],
            "confidentiality": "internal",
            "reporting_frequency": "yearly",
            **values,
        }

    def test_administrator_creates_an_objective(self):
        self.client.force_login(self.admin_a)
        response = self.client.post(
            url("objective_create", "OVO000001"), self.objective_data()
        )

        objective = Objective.objects.get(code="SD 7")
        self.assertRedirects(response, objective.get_absolute_url())
        self.assertEqual(
            (
                objective.title,
                objective.description,
                objective.level,
                objective.legislature,
                objective.lead_organisation,
                objective.responsible,
                objective.confidentiality,
                objective.reporting_frequency,
                objective.parent,
            ),
            (
                "Safe school routes",
                "Every child cycles safely to school.",
                "strategic",
                self.legislature,
                self.organisation_a,
                self.responsible_a,
                "internal",
                "yearly",
                None,
            ),
        )
        self.assertEqual(
            set(objective.organisations.all()),
            {self.organisation_a, self.organisation_b},
        )
        self.assertEqual(change_grantees(objective), {self.responsible_a.user.username})
        [(kind, changes, actor)] = history(objective)
        self.assertEqual((kind, actor), (Change.Kind.CREATED, "admin_a"))
        self.assertEqual(changes["code"], [None, "SD 7"])
        self.assertEqual(changes["organisations"], [None, ["A", "B"]])

    def test_administrator_creates_an_operational_objective_under_a_parent(self):
        self.client.force_login(self.admin_a)
        data = self.objective_data(
            level="operational", code="OD 5.1", parent=self.objective_a.pk
        )
        self.client.post(url("objective_create", "OVO000001"), data)

        objective = Objective.objects.get(code="OD 5.1")
        self.assertEqual(objective.parent, self.objective_a)
        self.assertEqual(objective.level, "operational")

    def test_administrator_creates_a_project_with_members(self):
        self.client.force_login(self.admin_a)
        member = self.contributor_a.person
        response = self.client.post(
            url("project_create", "OVO000001"),
            {
                "code": "PR 2",
                "title": "Safe school routes",
                "description": "",
                "start_date": "2025-01-01",
                "end_date": "2026-12-31",
                "responsible": self.responsible_a.pk,
                "members": [member.pk],
                "confidentiality": "public",
                "reporting_frequency": "monthly",
            },
        )

        project = Project.objects.get(code="PR 2")
        self.assertRedirects(response, project.get_absolute_url())
        self.assertEqual(
            (project.start_date, project.end_date, project.confidentiality),
            (datetime.date(2025, 1, 1), datetime.date(2026, 12, 31), "public"),
        )
        self.assertEqual(list(project.organisations.all()), [self.organisation_a])
        self.assertEqual(list(project.members.all()), [member])
        self.assertEqual(
            change_grantees(project),
            {"contributor_a", self.responsible_a.user.username},
        )
        self.assertEqual(
            [kind for kind, _, _ in history(project)],
            [Change.Kind.CREATED, Change.Kind.UPDATED],
        )

    def test_administrator_creates_a_process(self):
        self.client.force_login(self.admin_a)
        self.client.post(
            url("process_create", "OVO000001"),
            {
                "code": "PC 2",
                "title": "Winter service",
                "valid_from": "2024-01-01",
                "valid_until": "",
                "confidentiality": "internal",
                "reporting_frequency": "yearly",
            },
        )

        process = Process.objects.get(code="PC 2")
        self.assertEqual(
            (process.title, process.valid_from, process.is_imported),
            ("Winter service", datetime.date(2024, 1, 1), False),
        )
        self.assertEqual([kind for kind, _, _ in history(process)], ["created"])

    def test_administrator_creates_an_indicator(self):
        self.client.force_login(self.admin_a)
        self.client.post(
            url("indicator_create", "OVO000001"),
            {
                "code": "IN 2",
                "title": "Children cycling to school",
                "kind": "effect",
                "unit": "percentage",
                "direction": "up",
                "source": "Travel survey",
                "calculation_method": "Share of pupils.",
                "baseline_value": "23.5",
                "baseline_year": "2019",
                "confidentiality": "internal",
                "reporting_frequency": "yearly",
            },
        )

        indicator = Indicator.objects.get(code="IN 2")
        self.assertEqual(
            (
                indicator.kind,
                indicator.unit,
                indicator.direction,
                indicator.source,
                str(indicator.baseline_value),
                indicator.baseline_year,
            ),
            ("effect", "percentage", "up", "Travel survey", "23.5000", 2019),
        )

    def test_administrator_creates_a_programme_that_is_not_government_wide(self):
        self.client.force_login(self.admin_a)
        response = self.client.get(url("programme_create", "OVO000001"))
        self.assertNotIn("is_government_wide", response.context["form"].fields)

        self.client.post(
            url("programme_create", "OVO000001"),
            {
                "code": "PG 2",
                "title": "Cycling Flanders",
                "is_government_wide": "on",
                "confidentiality": "internal",
                "reporting_frequency": "yearly",
            },
        )

        programme = Programme.objects.get(code="PG 2")
        self.assertIs(programme.is_government_wide, False)

    def test_global_administrator_creates_a_government_wide_programme(self):
        self.client.force_login(self.global_admin)
        self.client.post(
            url("programme_create", "OVO000001"),
            {
                "code": "PG 2",
                "title": "Cycling Flanders",
                "is_government_wide": "on",
                "confidentiality": "internal",
                "reporting_frequency": "yearly",
            },
        )

        programme = Programme.objects.get(code="PG 2")
        self.assertIs(programme.is_government_wide, True)
        self.assertEqual(history(programme)[0][2], "global_admin")

    def test_administrator_adds_a_milestone_assigned_to_a_member(self):
        member = self.contributor_a.person
        actions.do_set_project_members(self.project_a, [member], acting_user=None)
        self.client.force_login(self.admin_a)
        response = self.client.post(
            url("milestone_create", self.project_a.public_id),
            {
                "code": "M1",
                "title": "Tender awarded",
                "due_date": "2026-03-31",
                "assignee": member.pk,
                "reporting_frequency": "monthly",
            },
        )

        self.assertRedirects(response, self.project_a.get_absolute_url())
        milestone = Milestone.objects.get(project=self.project_a)
        self.assertEqual(
            (milestone.code, milestone.due_date, milestone.assignee),
            ("M1", datetime.date(2026, 3, 31), member),
        )
        self.assertEqual(change_grantees(milestone), {"contributor_a"})
        self.assertEqual([kind for kind, _, _ in history(milestone)], ["created"])

    def test_a_milestone_is_assigned_only_to_a_project_member(self):
        self.client.force_login(self.admin_a)
        response = self.client.post(
            url("milestone_create", self.project_a.public_id),
            {
                "code": "M1",
                "title": "Tender awarded",
                "due_date": "2026-03-31",
                "assignee": self.contributor_a.person.pk,
                "reporting_frequency": "monthly",
            },
        )

        self.assertEqual(response.status_code, 200)
        self.assertIn("assignee", response.context["form"].errors)
        self.assertEqual(Milestone.objects.count(), 0)

    def test_a_duplicate_code_is_refused_with_a_clear_message(self):
        self.client.force_login(self.admin_a)
        # The English source text, whatever the translations say.
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        before = self.snapshot()
        response = self.client.post(
            url("objective_create", "OVO000001"), self.objective_data(code="SD 5")
        )

        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.context["form"].errors["code"],
            [
                "The code “SD 5” is already used by another objective of A in the "
                "legislature 2024-2029. Choose another code."
            ],
        )
        self.assertEqual(self.snapshot(), before)
        # Nothing the user entered is lost.
        self.assertContains(response, "Every child cycles safely to school.")
        self.assertContains(response, 'value="Safe school routes"')

    def test_the_same_code_may_serve_in_another_legislature(self):
        self.client.force_login(self.admin_a)
        data = self.objective_data(code="SD 5", legislature=self.earlier_legislature.pk)
        self.client.post(url("objective_create", "OVO000001"), data)

        self.assertEqual(Objective.objects.filter(code="SD 5").count(), 2)

    def test_a_duplicate_project_code_is_refused(self):
        self.client.force_login(self.admin_a)
        # The English source text, whatever the translations say.
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        response = self.client.post(
            url("project_create", "OVO000001"),
            {
                "code": "PR 1",
                "title": "Another",
                "confidentiality": "internal",
                "reporting_frequency": "yearly",
            },
        )

        self.assertEqual(
            response.context["form"].errors["code"],
            [
                "The code “PR 1” is already used by another project of A. Choose "
                "another code."
            ],
        )
        self.assertEqual(Project.objects.count(), 1)

    def test_a_project_cannot_end_before_it_starts(self):
        self.client.force_login(self.admin_a)
        response = self.client.post(
            url("project_create", "OVO000001"),
            {
                "code": "PR 2",
                "title": "Backwards",
                "start_date": "2026-01-01",
                "end_date": "2025-12-31",
                "confidentiality": "internal",
                "reporting_frequency": "yearly",
            },
        )

        self.assertEqual(
            response.context["form"].errors["end_date"],
            [
                "De einddatum (31/12/2025) kan niet voor de startdatum "
                "(01/01/2026) liggen."
            ],
        )
        self.assertEqual(Project.objects.count(), 1)

    def test_a_strategic_objective_has_no_parent(self):
        self.client.force_login(self.admin_a)
        # The English source text, whatever the translations say.
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        response = self.client.post(
            url("objective_create", "OVO000001"),
            self.objective_data(parent=self.objective_a.pk),
        )

        self.assertEqual(
            response.context["form"].errors["parent"],
            [
                "A strategic objective heads a cascade: leave the parent empty, or "
                "make the objective operational."
            ],
        )

    def test_a_parent_belongs_to_the_same_legislature(self):
        self.client.force_login(self.admin_a)
        # The English source text, whatever the translations say.
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        data = self.objective_data(
            level="operational",
            parent=self.objective_a.pk,
            legislature=self.earlier_legislature.pk,
        )
        response = self.client.post(url("objective_create", "OVO000001"), data)

        self.assertEqual(
            response.context["form"].errors["parent"],
            [
                "The parent objective belongs to the legislature 2024-2029, this "
                "objective to 2019-2024: choose a parent of 2019-2024."
            ],
        )
        self.assertEqual(Objective.objects.filter(code="SD 7").count(), 0)

    def test_the_responsible_person_works_in_the_organisations(self):
        self.client.force_login(self.admin_a)
        data = self.objective_data(responsible=self.reader_b.person.pk)
        response = self.client.post(url("objective_create", "OVO000001"), data)

        self.assertIn("responsible", response.context["form"].errors)
        self.assertEqual(Objective.objects.filter(code="SD 7").count(), 0)

    def test_only_administrators_of_the_organisation_create(self):
        data = self.objective_data()
        path = url("objective_create", "OVO000001")
        for user in (self.reader_a, self.contributor_a, self.admin_b):
            with self.subTest(user=user.username):
                self.assert_refused(user, "get", path, 403)
                self.assert_refused(user, "post", path, 403, data)
        path = url("milestone_create", self.project_a.public_id)
        self.assert_refused(self.contributor_a, "post", path, 403, {"code": "M"})
        self.assert_refused(self.admin_b, "post", path, 404, {"code": "M"})

    def test_an_unknown_organisation_answers_404(self):
        self.assert_refused(
            self.admin_a, "get", url("project_create", "OVO999999"), 404
        )


class EditComponentTests(ManageTestCase):
    def edit_form(self, user, component):
        self.client.force_login(user)
        name = component._meta.model_name
        response = self.client.get(url(f"{name}_edit", component.public_id))
        self.assertEqual(response.status_code, 200)
        return form_data(response.context["form"])

    def test_administrator_edits_a_project(self):
        data = self.edit_form(self.admin_a, self.project_a)
        data.update(
            title="Average speed checks",
            other_organisations=[str(self.organisation_b.pk)],
            members=[str(self.contributor_a.person.pk)],
        )
        response = self.client.post(url("project_edit", self.project_a.public_id), data)

        self.assertRedirects(response, self.project_a.get_absolute_url())
        self.project_a.refresh_from_db()
        self.assertEqual(self.project_a.title, "Average speed checks")
        self.assertEqual(
            set(self.project_a.organisations.all()),
            {self.organisation_a, self.organisation_b},
        )
        self.assertEqual(
            list(self.project_a.members.all()), [self.contributor_a.person]
        )
        self.assertEqual(
            [
                (kind, sorted(changes), actor)
                for kind, changes, actor in history(self.project_a)
            ][1:],
            [
                ("updated", ["title"], "admin_a"),
                ("updated", ["organisations"], "admin_a"),
                ("updated", ["members"], "admin_a"),
            ],
        )

    def test_an_unchanged_form_writes_nothing(self):
        data = self.edit_form(self.admin_a, self.indicator_a)
        before = self.snapshot()
        self.client.post(url("indicator_edit", self.indicator_a.public_id), data)

        self.assertEqual(self.snapshot(), before)

    def test_administrator_moves_an_objective_but_not_under_its_own_child(self):
        child = make_objective(
            lead_organisation=self.organisation_a,
            level=Objective.Level.OPERATIONAL,
            parent=self.objective_a,
            code="OD 5.1",
        )
        data = self.edit_form(self.admin_a, self.objective_a)
        # The English source text, whatever the translations say.
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        data.update(level="operational", parent=str(child.pk))
        response = self.client.post(
            url("objective_edit", self.objective_a.public_id), data
        )

        self.assertEqual(
            response.context["form"].errors["parent"],
            [
                "An objective cannot sit under itself or under one of the "
                "objectives beneath it."
            ],
        )
        self.objective_a.refresh_from_db()
        self.assertIsNone(self.objective_a.parent)

    def test_readers_and_contributors_cannot_edit(self):
        path = url("project_edit", self.project_a.public_id)
        data = {"title": "Hijacked", "version": "x"}
        for user in (self.reader_a, self.contributor_a):
            with self.subTest(user=user.username):
                self.assert_refused(user, "get", path, 403)
                self.assert_refused(user, "post", path, 403, data)
        self.project_a.refresh_from_db()
        self.assertEqual(self.project_a.title, "Section speed checks")

    def test_another_organisation_does_not_see_the_edit_page(self):
        for name, component in [
            ("project_edit", self.project_a),
            ("project_description_edit", self.project_a),
            ("objective_edit", self.objective_a),
        ]:
            path = url(name, component.public_id)
            self.assert_refused(self.admin_b, "get", path, 404)
            self.assert_refused(self.admin_b, "post", path, 404, {"title": "B"})

    def test_contributor_edits_only_the_description(self):
        self.client.force_login(self.contributor_a)
        path = url("project_description_edit", self.project_a.public_id)
        response = self.client.get(path)
        self.assertEqual(
            list(response.context["form"].fields), ["description", "version"]
        )

        data = form_data(response.context["form"])
        data.update(description="Cameras on four roads.", title="Hijacked")
        response = self.client.post(path, data)

        self.assertRedirects(response, self.project_a.get_absolute_url())
        self.project_a.refresh_from_db()
        self.assertEqual(
            (self.project_a.title, self.project_a.description),
            ("Section speed checks", "Cameras on four roads."),
        )
        self.assertEqual(
            history(self.project_a)[-1],
            (
                "updated",
                {"description": ["", "Cameras on four roads."]},
                "contributor_a",
            ),
        )

    def test_a_reader_cannot_edit_the_description(self):
        path = url("project_description_edit", self.project_a.public_id)
        self.assert_refused(self.reader_a, "post", path, 403, {"description": "x"})

    def test_imported_processes_keep_the_fields_of_the_register(self):
        imported = make_process(lead_organisation=self.organisation_a, is_imported=True)
        for name in ("process_edit", "process_description_edit", "process_archive"):
            path = url(name, imported.public_id)
            self.assert_refused(self.admin_a, "get", path, 403)
            self.assert_refused(self.admin_a, "post", path, 403, {"title": "x"})

        response = self.client.get(url("process_links", imported.public_id))
        self.assertEqual(response.status_code, 200)

    def test_an_organisation_administrator_cannot_edit_a_government_wide_programme(
        self,
    ):
        programme = make_programme(
            lead_organisation=self.organisation_a, is_government_wide=True
        )
        path = url("programme_edit", programme.public_id)
        self.assert_refused(self.admin_a, "get", path, 403)

        self.client.force_login(self.global_admin)
        response = self.client.get(path)
        self.assertIn("is_government_wide", response.context["form"].fields)

    def test_the_edit_page_runs_a_fixed_number_of_queries(self):
        self.client.force_login(self.admin_a)
        path = url("project_edit", self.project_a.public_id)
        with self.assertNumQueries(12):
            self.client.get(path)

        for _ in range(5):
            person = make_person()
            make_membership(person, self.organisation_a)
            make_organisation()
        actions.do_set_project_members(
            self.project_a, [self.contributor_a.person, person], acting_user=None
        )
        actions.do_set_organisations(
            self.project_a, [self.organisation_b], acting_user=None
        )
        with self.assertNumQueries(12):
            self.client.get(path)

    def test_the_objective_edit_page_runs_a_fixed_number_of_queries(self):
        self.client.force_login(self.admin_a)
        path = url("objective_edit", self.objective_a.public_id)
        with self.assertNumQueries(13):
            self.client.get(path)

        for number in range(5):
            make_objective(lead_organisation=self.organisation_a, code=f"SD 1{number}")
            make_membership(make_person(), self.organisation_a)
        with self.assertNumQueries(13):
            response = self.client.get(path)
        self.assertEqual(len(response.context["form"].fields["parent"].choices), 7)

    def test_administrator_edits_a_milestone_and_its_assignee_its_description(self):
        member = self.contributor_a.person
        actions.do_set_project_members(self.project_a, [member], acting_user=None)
        milestone = make_milestone(self.project_a, code="M1", title="Tender")
        data = self.edit_form(self.admin_a, milestone)
        data.update(due_date="2026-09-30", assignee=str(member.pk))
        response = self.client.post(url("milestone_edit", milestone.public_id), data)

        self.assertRedirects(response, milestone.get_absolute_url())
        milestone.refresh_from_db()
        self.assertEqual(
            (milestone.due_date, milestone.assignee),
            (datetime.date(2026, 9, 30), member),
        )
        self.assertEqual(change_grantees(milestone), {"contributor_a"})
        self.assertEqual(
            history(milestone)[-1],
            (
                "updated",
                {
                    "due_date": ["2026-06-30", "2026-09-30"],
                    "assignee": [None, "Contributor A"],
                },
                "admin_a",
            ),
        )

        self.client.force_login(self.contributor_a)
        path = url("milestone_description_edit", milestone.public_id)
        data = form_data(self.client.get(path).context["form"])
        data["description"] = "Published on the tender portal."
        self.client.post(path, data)

        milestone.refresh_from_db()
        self.assertEqual(milestone.description, "Published on the tender portal.")
        path = url("milestone_edit", milestone.public_id)
        self.assert_refused(self.contributor_a, "post", path, 403, data)
        self.assert_refused(self.admin_b, "get", path, 404)


class EditConflictTests(ManageTestCase):
    def test_the_second_editor_gets_a_conflict_and_loses_nothing(self):
        self.client.force_login(self.admin_a)
        # The English source text, whatever the translations say.
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        path = url("project_edit", self.project_a.public_id)
        data = form_data(self.client.get(path).context["form"])

        # Someone else saves first.
        actions.do_update_component(
            self.project_a, acting_user=self.global_admin, title="Average speed"
        )
        changes_before = Change.objects.count()

        data.update(title="Speed cameras", description="On regional roads.")
        response = self.client.post(path, data)

        self.assertEqual(response.status_code, 200)
        form = response.context["form"]
        self.assertIs(form.conflict, True)
        self.assertContains(response, "Someone else saved this item")
        self.assertContains(response, 'value="Speed cameras"')
        self.assertContains(response, "On regional roads.")
        self.assertEqual(
            form.current_values(),
            {"title": "Average speed", "description": "(empty)"},
        )
        self.project_a.refresh_from_db()
        self.assertEqual(
            (self.project_a.title, self.project_a.description), ("Average speed", "")
        )
        self.assertEqual(Change.objects.count(), changes_before)

        # Saving again on the new version keeps the user's input.
        response = self.client.post(path, form_data(form))

        self.assertRedirects(response, self.project_a.get_absolute_url())
        self.project_a.refresh_from_db()
        self.assertEqual(
            (self.project_a.title, self.project_a.description),
            ("Speed cameras", "On regional roads."),
        )

    def test_a_description_edit_also_detects_a_conflict(self):
        self.client.force_login(self.contributor_a)
        path = url("indicator_description_edit", self.indicator_a.public_id)
        data = form_data(self.client.get(path).context["form"])
        actions.do_update_component(
            self.indicator_a, acting_user=None, description="Counted by the police."
        )

        data["description"] = "Counted by the hospitals."
        response = self.client.post(path, data)

        self.assertEqual(
            response.context["form"].current_values(),
            {"description": "Counted by the police."},
        )
        self.indicator_a.refresh_from_db()
        self.assertEqual(self.indicator_a.description, "Counted by the police.")


class ArchiveComponentTests(ManageTestCase):
    def test_administrator_confirms_then_archives_and_restores(self):
        self.client.force_login(self.admin_a)
        # The English source text, whatever the translations say.
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        path = url("objective_archive", self.objective_a.public_id)
        before = self.snapshot()
        response = self.client.get(path)
        self.assertContains(response, "Archive SD 5 Clean rivers?")
        self.assertEqual(self.snapshot(), before)

        response = self.client.post(path)

        self.assertRedirects(response, self.objective_a.get_absolute_url())
        self.objective_a.refresh_from_db()
        self.assertIs(self.objective_a.is_archived, True)

        self.client.post(url("objective_restore", self.objective_a.public_id))

        self.objective_a.refresh_from_db()
        self.assertIs(self.objective_a.is_archived, False)
        self.assertEqual(
            [(kind, actor) for kind, _, actor in history(self.objective_a)],
            [("created", None), ("archived", "admin_a"), ("restored", "admin_a")],
        )

    def test_only_administrators_archive(self):
        path = url("objective_archive", self.objective_a.public_id)
        for user in (self.reader_a, self.contributor_a):
            with self.subTest(user=user.username):
                self.assert_refused(user, "get", path, 403)
                self.assert_refused(user, "post", path, 403)
        self.assert_refused(self.admin_b, "post", path, 404)


class LinkComponentTests(ManageTestCase):
    def test_administrator_links_and_unlinks_a_project_from_the_objective(self):
        self.client.force_login(self.admin_a)
        path = url("objective_link", self.objective_a.public_id, "projects")
        response = self.client.post(path, {"target": self.project_a.public_id})

        self.assertRedirects(
            response, url("objective_links", self.objective_a.public_id)
        )
        self.assertEqual(list(self.objective_a.projects.all()), [self.project_a])
        self.assertEqual(
            history(self.objective_a)[-1],
            ("linked", {"projects": [None, "PR 1 Section speed checks"]}, "admin_a"),
        )
        self.assertEqual(
            history(self.project_a)[-1],
            ("linked", {"objective": [None, "SD 5 Clean rivers"]}, "admin_a"),
        )

        path = url("objective_unlink", self.objective_a.public_id, "projects")
        self.client.post(path, {"target": self.project_a.public_id})

        self.assertEqual(list(self.objective_a.projects.all()), [])
        self.assertEqual(history(self.objective_a)[-1][0], "unlinked")
        self.assertEqual(history(self.project_a)[-1][0], "unlinked")

    def test_administrator_links_and_unlinks_an_objective_from_the_project(self):
        self.client.force_login(self.admin_a)
        path = url("project_link", self.project_a.public_id, "objectives")
        self.client.post(path, {"target": self.objective_a.public_id})

        self.assertEqual(list(self.project_a.objectives.all()), [self.objective_a])
        self.assertEqual(history(self.objective_a)[-1][0], "linked")
        self.assertEqual(history(self.project_a)[-1][0], "linked")

        response = self.client.get(url("project_links", self.project_a.public_id))
        self.assertEqual(
            [section["linked"] for section in response.context["sections"]],
            [[self.objective_a], []],
        )

        path = url("project_unlink", self.project_a.public_id, "objectives")
        self.client.post(path, {"target": self.objective_a.public_id})

        self.assertEqual(list(self.project_a.objectives.all()), [])
        self.assertEqual(
            history(self.project_a)[-1],
            ("unlinked", {"objective": ["SD 5 Clean rivers", None]}, "admin_a"),
        )

    def test_programmes_bundle_projects_from_both_sides(self):
        self.client.force_login(self.admin_a)
        self.client.post(
            url("programme_link", self.programme_a.public_id, "projects"),
            {"target": self.project_a.public_id},
        )
        self.assertEqual(list(self.project_a.programmes.all()), [self.programme_a])

        self.client.post(
            url("project_unlink", self.project_a.public_id, "programmes"),
            {"target": self.programme_a.public_id},
        )
        self.assertEqual(list(self.programme_a.projects.all()), [])
        self.assertEqual(
            [kind for kind, _, _ in history(self.programme_a)],
            ["created", "linked", "unlinked"],
        )

    def test_objectives_contribute_to_objectives_in_both_directions(self):
        other = make_objective(lead_organisation=self.organisation_a, code="SD 6")
        self.client.force_login(self.admin_a)
        self.client.post(
            url("objective_link", self.objective_a.public_id, "contributes-to"),
            {"target": other.public_id},
        )
        self.client.post(
            url("objective_link", self.objective_a.public_id, "contributions"),
            {"target": self.plan_objective.public_id},
        )

        self.assertEqual(list(self.objective_a.contributes_to.all()), [other])
        self.assertEqual(
            list(self.plan_objective.contributes_to.all()), [self.objective_a]
        )

    def test_indicators_and_processes_link_to_objectives(self):
        self.client.force_login(self.admin_a)
        self.client.post(
            url("indicator_link", self.indicator_a.public_id, "objectives"),
            {"target": self.objective_a.public_id},
        )
        self.client.post(
            url("objective_link", self.objective_a.public_id, "processes"),
            {"target": self.process_a.public_id},
        )

        self.assertEqual(list(self.objective_a.indicators.all()), [self.indicator_a])
        self.assertEqual(list(self.objective_a.processes.all()), [self.process_a])

    def test_readers_and_contributors_cannot_link(self):
        data = {"target": self.project_a.public_id}
        for user in (self.reader_a, self.contributor_a):
            with self.subTest(user=user.username):
                for name in ("objective_links", "objective_link_picker"):
                    args = [self.objective_a.public_id]
                    if name.endswith("picker"):
                        args.append("projects")
                    self.assert_refused(user, "get", url(name, *args), 403)
                for name in ("objective_link", "objective_unlink"):
                    path = url(name, self.objective_a.public_id, "projects")
                    self.assert_refused(user, "post", path, 403, data)

    def test_another_organisation_cannot_link_or_see(self):
        data = {"target": self.project_a.public_id}
        path = url("objective_link", self.objective_a.public_id, "projects")
        self.assert_refused(self.admin_b, "post", path, 404, data)
        path = url("objective_links", self.objective_a.public_id)
        self.assert_refused(self.admin_b, "get", path, 404)

    def test_an_invisible_target_cannot_be_linked(self):
        path = url("objective_link", self.objective_a.public_id, "contributes-to")
        data = {"target": self.objective_b.public_id}
        self.assert_refused(self.admin_a, "post", path, 404, data)
        self.assert_refused(self.admin_a, "post", path, 404, {"target": "nonsense"})
        path = url("objective_link", self.objective_a.public_id, "unknown")
        self.assert_refused(self.admin_a, "post", path, 404, data)

    def test_linking_answers_only_post(self):
        path = url("objective_link", self.objective_a.public_id, "projects")
        self.assert_refused(self.admin_a, "get", path, 405)


class LinkPickerTests(ManageTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.organisation_c = make_organisation(name="Agency C", short_name="C")
        make_membership(cls.admin_a.person, cls.organisation_c, Role.READER)
        cls.internal_c = make_objective(
            lead_organisation=cls.organisation_c, code="SD 1", title="River dikes"
        )
        cls.confidential_c = make_objective(
            lead_organisation=cls.organisation_c,
            code="SD 2",
            title="River reorganisation",
            confidentiality=Confidentiality.CONFIDENTIAL,
        )
        cls.archived_a = make_objective(
            lead_organisation=cls.organisation_a, code="SD 8", title="Old rivers"
        )
        actions.do_archive_component(cls.archived_a, acting_user=None)
        cls.linked_a = make_objective(
            lead_organisation=cls.organisation_a, code="SD 9", title="River banks"
        )
        actions.do_link(
            cls.objective_a, "contributes_to", cls.linked_a, acting_user=None
        )

    def setUp(self):
        self.client.force_login(self.admin_a)

    def picker(self, query="", **headers):
        path = url(
            "objective_link_picker", self.objective_a.public_id, "contributes-to"
        )
        return self.client.get(path, {"q": query}, headers=headers)

    def test_the_picker_lists_visible_unlinked_candidates(self):
        response = self.picker()

        self.assertEqual(
            response.context["candidates"],
            [self.plan_objective, self.internal_c],
        )
        self.assertTemplateUsed(response, "objectives/manage/link_picker.html")

    def test_the_picker_excludes_invisible_and_confidential_candidates(self):
        response = self.picker("river")

        # Not the confidential objective of C, where admin_a only reads; not
        # B's objective, the linked one, the archived one nor itself.
        self.assertEqual(response.context["candidates"], [self.internal_c])
        self.assertNotContains(response, "River reorganisation")

    def test_htmx_receives_only_the_list(self):
        response = self.picker("dikes", HX_Request="true")

        self.assertTemplateUsed(
            response, "objectives/includes/_manage_link_candidates.html"
        )
        self.assertTemplateNotUsed(response, "base.html")
        self.assertContains(response, f'value="{self.internal_c.public_id}"')

    def test_the_picker_runs_a_fixed_number_of_queries(self):
        with self.assertNumQueries(8):
            self.picker()
        for number in range(30):
            make_objective(lead_organisation=self.organisation_a, code=f"OD {number}")
        with self.assertNumQueries(8):
            response = self.picker()
        self.assertEqual(len(response.context["candidates"]), 20)
        self.assertIs(response.context["has_more"], True)

    def test_the_links_page_runs_a_fixed_number_of_queries(self):
        self.client.force_login(self.admin_a)
        path = url("objective_links", self.objective_a.public_id)
        with self.assertNumQueries(12):
            self.client.get(path)
        for _ in range(5):
            project = make_project(lead_organisation=self.organisation_a)
            actions.do_link(self.objective_a, "projects", project, acting_user=None)
            indicator = make_indicator(lead_organisation=self.organisation_a)
            actions.do_link(self.objective_a, "indicators", indicator, acting_user=None)
        with self.assertNumQueries(12):
            response = self.client.get(path)
        self.assertEqual(len(response.context["sections"][0]["linked"]), 5)


class ManageHookTests(ManageTestCase):
    def test_administrators_see_the_create_links_on_their_organisation(self):
        self.client.force_login(self.admin_a)
        response = self.client.get(url("organisation_detail", "OVO000001"))
        for name in ("objective", "project", "process", "programme", "indicator"):
            self.assertContains(response, url(f"{name}_create", "OVO000001"))

        response = self.client.get(url("organisation_detail", "OVO000002"))
        self.assertNotContains(response, url("project_create", "OVO000002"))

    def test_readers_see_no_create_links(self):
        self.client.force_login(self.reader_a)
        response = self.client.get(url("organisation_detail", "OVO000001"))
        self.assertNotContains(response, url("project_create", "OVO000001"))

    def test_the_detail_page_offers_what_each_role_may_do(self):
        public_id = self.project_a.public_id
        expected = {
            self.admin_a: [
                url("project_edit", public_id),
                url("project_links", public_id),
                url("milestone_create", public_id),
                url("project_archive", public_id),
            ],
            self.contributor_a: [url("project_description_edit", public_id)],
            self.reader_a: [],
        }
        every = {path for paths in expected.values() for path in paths}
        for user, paths in expected.items():
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.get(self.project_a.get_absolute_url())
                for path in every:
                    if path in paths:
                        self.assertContains(response, f'href="{path}"')
                    else:
                        self.assertNotContains(response, f'href="{path}"')
