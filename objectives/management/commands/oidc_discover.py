import requests
from django.core.management.base import BaseCommand, CommandError

# The provider's discovery fields behind Traject's settings.
VARIABLES = {
    "OIDC_ISSUER": "issuer",
    "OIDC_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_USERINFO_ENDPOINT": "userinfo_endpoint",
    "OIDC_JWKS_ENDPOINT": "jwks_uri",
}


class Command(BaseCommand):
    help = (
        "Read an OpenID Connect provider's discovery document and print the "
        "settings of its endpoints, one VARIABLE=value a line."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "issuer", help="e.g. https://authenticatie.vlaanderen.be/op"
        )

    def handle(self, *args, issuer, **options):
        issuer = issuer.rstrip("/")
        address = f"{issuer}/.well-known/openid-configuration"
        try:
            response = requests.get(address, timeout=10)
            response.raise_for_status()
            document = response.json()
        except (requests.RequestException, ValueError) as error:
            raise CommandError(f"Cannot read {address}: {error}") from None
        if document.get("issuer") != issuer:
            raise CommandError(
                f"The document names the issuer {document.get('issuer')!r}, "
                f"not {issuer!r}."
            )
        missing = [field for field in VARIABLES.values() if not document.get(field)]
        if missing:
            raise CommandError(f"The document lacks {', '.join(missing)}.")
        if "RS256" not in document.get("id_token_signing_alg_values_supported", []):
            raise CommandError("The provider does not sign ID tokens with RS256.")
        for variable, field in VARIABLES.items():
            self.stdout.write(f"{variable}={document[field]}")
