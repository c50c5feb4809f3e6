from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from objectives.models import Change
from reporting.api.actions import do_create_integration, do_revoke_integration
from reporting.api.models import Integration, hash_token
from tests.personas import PersonaTestCase, make_persona

LIST = reverse("reporting:integration_list")
NEW = reverse("reporting:integration_new")
API = reverse("api:objective_list")


def revoke_url(integration):
    return reverse("reporting:integration_revoke", args=[integration.public_id])


class IntegrationPagesTestCase(PersonaTestCase):
    """An active integration acting as A's reader and a revoked one acting as
    B's administrator."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.warehouse, cls.warehouse_token = do_create_integration(
            "Warehouse", cls.reader_a, acting_user=cls.global_admin
        )
        cls.old, _ = do_create_integration(
            "Old dashboard", cls.admin_b, acting_user=cls.global_admin
        )
        do_revoke_integration(cls.old, acting_user=cls.global_admin)

    def as_user(self, user):
        self.client.force_login(user)
        return self.client

    def call_api(self, token):
        headers = {"Authorization": f"Bearer {token}"}
        return self.client.get(API, headers=headers)

    def error_codes(self, response):
        errors = response.context["form"].errors.as_data()
        return {
            field: [error.code for error in found] for field, found in errors.items()
        }

    def history_of(self, integration):
        return list(
            Change.objects.filter(
                content_type=ContentType.objects.get_for_model(Integration),
                object_id=integration.pk,
            )
            .order_by("id")
            .values_list("kind", "actor__username")
        )


class IntegrationListTests(IntegrationPagesTestCase):
    def test_global_administrator_sees_every_integration(self):
        response = self.as_user(self.global_admin).get(LIST)

        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            [integration.name for integration in response.context["integrations"]],
            ["Old dashboard", "Warehouse"],
        )
        self.assertContains(response, "<td>reader_a</td>", html=True)
        self.assertContains(response, f"<code>{self.warehouse.token_prefix}…</code>")
        self.assertNotContains(response, self.warehouse_token)

    def test_only_active_integrations_have_a_revoke_button(self):
        response = self.as_user(self.global_admin).get(LIST)

        self.assertContains(response, f'action="{revoke_url(self.warehouse)}"')
        self.assertNotContains(response, f'action="{revoke_url(self.old)}"')
        self.assertContains(response, "/revoke/", count=1)
        self.assertRegex(
            response.content.decode(),
            r'/revoke/" class="inline">\s*<input type="hidden" '
            r'name="csrfmiddlewaretoken"',
        )

    def test_others_get_not_found(self):
        for user in (self.reader_a, self.admin_a, self.admin_b, self.coordinator):
            with self.subTest(user.username):
                self.assertEqual(self.as_user(user).get(LIST).status_code, 404)

    def test_anonymous_visitors_are_sent_to_the_login_page(self):
        response = self.client.get(LIST)

        self.assertRedirects(response, f"{reverse('login')}?next={LIST}")

    def test_the_header_links_to_the_list_for_global_administrators_only(self):
        home = reverse("objectives:home")

        self.assertContains(self.as_user(self.global_admin).get(home), LIST)
        self.assertNotContains(self.as_user(self.admin_a).get(home), LIST)

    def test_the_number_of_queries_does_not_grow_with_the_integrations(self):
        client = self.as_user(self.global_admin)
        with self.assertNumQueries(4):
            client.get(LIST)

        for number in range(5):
            do_create_integration(
                f"System {number}", self.contributor_a, acting_user=self.admin_a
            )
        with self.assertNumQueries(4):
            response = client.get(LIST)

        self.assertEqual(len(response.context["integrations"]), 7)


class IntegrationNewTests(IntegrationPagesTestCase):
    def test_global_administrator_gets_the_form(self):
        response = self.as_user(self.global_admin).get(NEW)

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'name="username"')

    def test_others_get_not_found_and_create_nothing(self):
        for user in (self.reader_a, self.admin_a, self.coordinator):
            with self.subTest(user.username):
                client = self.as_user(user)
                self.assertEqual(client.get(NEW).status_code, 404)
                data = {"name": "Mine", "username": user.username}
                self.assertEqual(client.post(NEW, data).status_code, 404)

        self.assertEqual(Integration.objects.count(), 2)

    def test_the_token_is_shown_once_and_opens_the_api(self):
        client = self.as_user(self.global_admin)
        data = {"name": "  Data warehouse ", "username": "contributor_a"}

        response = client.post(NEW, data)

        self.assertEqual(response.status_code, 200)
        self.assertIn("no-store", response["Cache-Control"])
        integration = Integration.objects.get(name="Data warehouse")
        self.assertEqual(integration.user, self.contributor_a)
        self.assertEqual(integration.created_by, self.global_admin)
        token = response.context["token"]
        self.assertEqual(integration.token_hash, hash_token(token))
        self.assertContains(response, token, count=1)
        self.assertContains(response, "het kan niet opnieuw getoond worden")
        self.assertNotIn(token, str(dict(client.session)))
        self.assertNotContains(client.get(LIST), token)
        self.assertEqual(
            self.history_of(integration), [(Change.Kind.CREATED, "global_admin")]
        )

        client.logout()
        self.assertEqual(self.call_api(token).status_code, 200)

    def test_an_unknown_or_inactive_account_creates_nothing(self):
        make_persona("former_a", is_active=False)
        client = self.as_user(self.global_admin)
        for username in ("nobody", "former_a"):
            with self.subTest(username):
                data = {"name": "Warehouse 2", "username": username}

                response = client.post(NEW, data)

                self.assertEqual(response.status_code, 200)
                self.assertEqual(self.error_codes(response), {"username": ["unknown"]})
                self.assertContains(
                    response, "Er bestaat geen actief account met deze gebruikersnaam."
                )
                self.assertNotIn("token", response.context)

        self.assertEqual(Integration.objects.count(), 2)

    def test_an_empty_name_creates_nothing(self):
        client = self.as_user(self.global_admin)

        response = client.post(NEW, {"name": "   ", "username": "reader_a"})

        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.error_codes(response), {"name": ["required"]})
        self.assertContains(response, "Dit veld is vereist.")
        self.assertEqual(Integration.objects.count(), 2)

    def test_the_pages_are_in_dutch_by_default(self):
        client = self.as_user(self.global_admin)

        self.assertContains(client.get(LIST), "<h1>API-koppelingen</h1>", html=True)
        self.assertContains(client.get(NEW), "<h1>Nieuwe koppeling</h1>", html=True)


class IntegrationRevokeTests(IntegrationPagesTestCase):
    def test_revoking_refuses_the_token(self):
        self.assertEqual(self.call_api(self.warehouse_token).status_code, 200)
        client = self.as_user(self.global_admin)

        response = client.post(revoke_url(self.warehouse), follow=True)

        self.assertRedirects(response, LIST)
        self.assertContains(response, "Warehouse")
        self.assertEqual(
            [str(message) for message in response.context["messages"]],
            ["De koppeling Warehouse is ingetrokken: haar token wordt geweigerd."],
        )
        self.warehouse.refresh_from_db()
        self.assertIsNotNone(self.warehouse.revoked_at)
        self.assertEqual(
            self.history_of(self.warehouse),
            [
                (Change.Kind.CREATED, "global_admin"),
                (Change.Kind.UPDATED, "global_admin"),
            ],
        )
        client.logout()
        self.assertEqual(self.call_api(self.warehouse_token).status_code, 401)

    def test_revoking_twice_changes_nothing(self):
        revoked_at = self.old.revoked_at
        client = self.as_user(self.global_admin)

        response = client.post(revoke_url(self.old))

        self.assertRedirects(response, LIST)
        self.old.refresh_from_db()
        self.assertEqual(self.old.revoked_at, revoked_at)
        self.assertEqual(
            self.history_of(self.old),
            [
                (Change.Kind.CREATED, "global_admin"),
                (Change.Kind.UPDATED, "global_admin"),
            ],
        )

    def test_get_is_not_allowed(self):
        response = self.as_user(self.global_admin).get(revoke_url(self.warehouse))

        self.assertEqual(response.status_code, 405)
        self.warehouse.refresh_from_db()
        self.assertIsNone(self.warehouse.revoked_at)

    def test_others_get_not_found_and_revoke_nothing(self):
        for user in (self.reader_a, self.admin_a, self.coordinator):
            with self.subTest(user.username):
                response = self.as_user(user).post(revoke_url(self.warehouse))
                self.assertEqual(response.status_code, 404)

        self.warehouse.refresh_from_db()
        self.assertIsNone(self.warehouse.revoked_at)
        self.assertEqual(self.call_api(self.warehouse_token).status_code, 200)

    def test_an_unknown_integration_is_not_found(self):
        self.warehouse.delete()

        response = self.as_user(self.global_admin).post(revoke_url(self.warehouse))

        self.assertEqual(response.status_code, 404)
