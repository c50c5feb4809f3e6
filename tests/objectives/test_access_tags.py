from django.template import Context, Template
from django.test import RequestFactory

from tests.factories import make_objective
from tests.personas import PersonaTestCase


class AccessTagTests(PersonaTestCase):
    def render(self, source, user, **context):
        request = RequestFactory().get("/")
        request.user = user
        template = Template("{% load access_tags %}" + source)
        return template.render(Context({"request": request, **context}))

    def test_can_answers_for_the_page_user(self):
        objective = make_objective(lead_organisation=self.organisation_a)
        source = '{% can "edit" objective as allowed %}{{ allowed }}'

        self.assertEqual(
            self.render(source, self.contributor_a, objective=objective), "True"
        )
        self.assertEqual(
            self.render(source, self.reader_a, objective=objective), "False"
        )

    def test_can_create_answers_per_organisation(self):
        source = '{% can_create "project" organisation as allowed %}{{ allowed }}'

        self.assertEqual(
            self.render(source, self.admin_a, organisation=self.organisation_a), "True"
        )
        self.assertEqual(
            self.render(source, self.admin_a, organisation=self.organisation_b), "False"
        )
