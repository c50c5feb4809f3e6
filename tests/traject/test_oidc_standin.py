"""The OpenID Connect stand-in answers as a provider does, over real HTTP."""

import base64
import hashlib
import io
import re
from urllib.parse import parse_qs, urlsplit

import jwt
import requests
from django.core.management import CommandError, call_command
from django.test import SimpleTestCase

from traject.oidc_standin import Faults, ProviderStandIn

CALLBACK = "http://127.0.0.1:8000/oidc/callback/"
IDENTITY = {
    "label": "An Peeters",
    "sub": "subject-an",
    "given_name": "An",
    "family_name": "Peeters",
    "email": "an@vlaanderen.be",
    "vo_orgcode": "OVO000096",
}
VERIFIER = "v" * 50


class ProviderStandInTests(SimpleTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.provider = ProviderStandIn([IDENTITY], redirect_uris=[CALLBACK])
        cls.issuer = cls.provider.start()

    @classmethod
    def tearDownClass(cls):
        cls.provider.stop()
        super().tearDownClass()

    def setUp(self):
        self.provider.faults = Faults()

    def authorize(self, **changes):
        challenge = (
            base64.urlsafe_b64encode(hashlib.sha256(VERIFIER.encode()).digest())
            .rstrip(b"=")
            .decode()
        )
        query = {
            "client_id": "traject",
            "redirect_uri": CALLBACK,
            "response_type": "code",
            "scope": "openid profile",
            "state": "the-state",
            "nonce": "the-nonce",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        } | changes
        return requests.get(f"{self.issuer}/authorize", params=query, timeout=5)

    def code(self):
        page = self.authorize()
        fields = dict(
            re.findall(
                r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page.text
            )
        )
        answer = requests.post(
            f"{self.issuer}/authorize",
            data=fields | {"identity": "0"},
            allow_redirects=False,
            timeout=5,
        )
        location = urlsplit(answer.headers["Location"])
        self.assertEqual(location._replace(query="").geturl(), CALLBACK)
        query = parse_qs(location.query)
        self.assertEqual(query["state"], ["the-state"])
        return query["code"][0]

    def token(self, code, **changes):
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": CALLBACK,
            "client_id": "traject",
            "client_secret": "traject-demo-secret",
            "code_verifier": VERIFIER,
        } | changes
        return requests.post(f"{self.issuer}/token", data=form, timeout=5)

    def test_discovery_names_the_endpoints(self):
        document = requests.get(
            f"{self.issuer}/.well-known/openid-configuration", timeout=5
        ).json()

        self.assertEqual(document["issuer"], self.issuer)
        self.assertEqual(document["jwks_uri"], f"{self.issuer}/jwks")
        self.assertEqual(document["id_token_signing_alg_values_supported"], ["RS256"])

    def test_code_gives_a_signed_id_token_and_user_info_once(self):
        answer = self.token(self.code()).json()

        jwks = requests.get(f"{self.issuer}/jwks", timeout=5).json()
        key = jwt.PyJWK(jwks["keys"][0])
        claims = jwt.decode(
            answer["id_token"], key, algorithms=["RS256"], audience="traject"
        )
        self.assertEqual(
            (claims["iss"], claims["sub"], claims["nonce"], claims["vo_orgcode"]),
            (self.issuer, "subject-an", "the-nonce", "OVO000096"),
        )
        self.assertNotIn("label", claims)
        info = requests.get(
            f"{self.issuer}/userinfo",
            headers={"Authorization": f"Bearer {answer['access_token']}"},
            timeout=5,
        )
        self.assertEqual(info.json()["email"], "an@vlaanderen.be")

    def test_a_code_is_exchanged_once_only(self):
        code = self.code()
        self.assertEqual(self.token(code).status_code, 200)

        again = self.token(code)

        self.assertEqual(
            (again.status_code, again.json()["error"]), (400, "invalid_grant")
        )

    def test_client_must_authenticate(self):
        answer = self.token(self.code(), client_secret="guessed")

        self.assertEqual(
            (answer.status_code, answer.json()["error"]), (401, "invalid_client")
        )

    def test_client_may_authenticate_with_http_basic(self):
        answer = requests.post(
            f"{self.issuer}/token",
            data={
                "grant_type": "authorization_code",
                "code": self.code(),
                "redirect_uri": CALLBACK,
                "code_verifier": VERIFIER,
            },
            auth=("traject", "traject-demo-secret"),
            timeout=5,
        )

        self.assertEqual(answer.status_code, 200)

    def test_wrong_code_verifier_is_refused(self):
        answer = self.token(self.code(), code_verifier="w" * 50)

        self.assertEqual(
            (answer.status_code, answer.json()["error"]), (400, "invalid_grant")
        )

    def test_unregistered_redirect_uri_is_refused(self):
        page = self.authorize(redirect_uri="https://elsewhere.example/callback")

        self.assertEqual(page.status_code, 400)
        self.assertIn("not registered", page.text)

    def test_user_info_needs_a_bearer_token(self):
        answer = requests.get(
            f"{self.issuer}/userinfo",
            headers={"Authorization": "Bearer made-up"},
            timeout=5,
        )

        self.assertEqual(answer.status_code, 401)

    def test_faults_give_a_foreign_signature_and_an_expired_token(self):
        jwks = requests.get(f"{self.issuer}/jwks", timeout=5).json()
        key = jwt.PyJWK(jwks["keys"][0])
        self.provider.faults = Faults(wrong_key=True)
        foreign = self.token(self.code()).json()["id_token"]
        self.provider.faults = Faults(expired=True)
        expired = self.token(self.code()).json()["id_token"]

        with self.assertRaises(jwt.InvalidSignatureError):
            jwt.decode(foreign, key, algorithms=["RS256"], audience="traject")
        with self.assertRaises(jwt.ExpiredSignatureError):
            jwt.decode(expired, key, algorithms=["RS256"], audience="traject")

    def test_listens_on_the_loopback_address_only(self):
        self.assertEqual(urlsplit(self.issuer).hostname, "127.0.0.1")


class DiscoverCommandTests(SimpleTestCase):
    def test_prints_the_settings_of_the_providers_endpoints(self):
        out = io.StringIO()
        with ProviderStandIn([IDENTITY]) as issuer:
            call_command("oidc_discover", f"{issuer}/", stdout=out)

        self.assertEqual(
            out.getvalue().splitlines(),
            [
                f"OIDC_ISSUER={issuer}",
                f"OIDC_AUTHORIZATION_ENDPOINT={issuer}/authorize",
                f"OIDC_TOKEN_ENDPOINT={issuer}/token",
                f"OIDC_USERINFO_ENDPOINT={issuer}/userinfo",
                f"OIDC_JWKS_ENDPOINT={issuer}/jwks",
            ],
        )

    def test_refuses_a_document_of_another_issuer(self):
        with ProviderStandIn([IDENTITY]) as issuer:
            other = issuer.replace("127.0.0.1", "localhost")
            with self.assertRaisesMessage(CommandError, "names the issuer"):
                call_command("oidc_discover", other, stdout=io.StringIO())

    def test_unreachable_provider_is_a_clear_error(self):
        with ProviderStandIn([IDENTITY]) as issuer:
            pass

        with self.assertRaisesMessage(CommandError, "Cannot read"):
            call_command("oidc_discover", issuer, stdout=io.StringIO())
