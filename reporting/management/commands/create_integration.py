"""Create an API integration acting as an existing account and print its
token, which is shown only this once."""

from django.core.management.base import BaseCommand, CommandError

from objectives.models import User
from reporting.api.actions import do_create_integration


class Command(BaseCommand):
    help = "Create an API integration and print its token (shown only once)."

    def add_arguments(self, parser):
        parser.add_argument("name", help="What the integration is, e.g. Warehouse")
        parser.add_argument("username", help="The account whose rights it uses")

    def handle(self, *args, name, username, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active account {username!r}.")
        if not name.strip():
            raise CommandError("Give the integration a name.")
        integration, token = do_create_integration(name, user, acting_user=None)
        self.stdout.write(f"Integration {integration.name} acts as {user.username}.")
        self.stdout.write(f"Token (shown only now): {token}")
