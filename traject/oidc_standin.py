"""A small local stand-in of the government's OpenID Connect provider.

It serves, on 127.0.0.1, the authorization code flow as Traject uses it:

- ``GET /.well-known/openid-configuration``: the discovery document;
- ``GET /authorize``: a page listing the test identities, one button each;
  choosing one (``POST /authorize``) redirects to the client's registered
  ``redirect_uri`` with ``code`` and ``state``; the ``nonce`` and a PKCE
  ``code_challenge`` (S256 or plain) are kept with the code;
- ``POST /token``: the client authenticates (form fields or HTTP Basic), a
  code is exchanged once only, for an ``access_token`` and an ``id_token``
  signed RS256 with ``iss``, ``aud``, ``exp``, ``iat``, ``nonce``, ``sub``
  and the identity's claims;
- ``GET /userinfo``: the identity's claims, for a ``Bearer`` access token;
- ``GET /jwks``: the public key, generated at start.

Tests start it in a thread and inject faults (see ``Faults``)::

    with ProviderStandIn(identities, redirect_uris=[callback]) as issuer:
        ...

For the demo it runs on its own, with the identities of a JSON file (an
array of claim sets; ``label`` is shown and not sent)::

    python -m traject.oidc_standin --port 8050 \\
        --identities objectives/demo/data/sso_identities.json
"""

import argparse
import base64
import hashlib
import html
import json
import logging
import secrets
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

logger = logging.getLogger(__name__)

DEFAULT_IDENTITIES = (
    Path(__file__).resolve().parent.parent
    / "objectives"
    / "demo"
    / "data"
    / "sso_identities.json"
)
DEMO_CLIENT_ID = "traject"
DEMO_CLIENT_SECRET = "traject-demo-secret"
DEMO_REDIRECT_URIS = [
    "http://127.0.0.1:8000/oidc/callback/",
    "http://localhost:8000/oidc/callback/",
]
CODE_SECONDS = 60
TOKEN_SECONDS = 300


@dataclass
class Faults:
    """Failures to imitate, for tests.

    ``wrong_key``: sign ID tokens with a key the JWKS does not publish.
    ``expired``: issue ID tokens that expired a minute ago.
    ``audience``: issue ID tokens meant for this client instead.
    ``claims``: claims that replace (or with None, remove) those of the
    chosen identity, in the ID token and the user info.
    """

    wrong_key: bool = False
    expired: bool = False
    audience: str | None = None
    claims: dict | None = None


def _new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _s256(verifier):
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False


class ProviderStandIn:
    """The provider on 127.0.0.1, in a thread; ``start`` returns its issuer.

    ``identities`` are claim sets (each with at least ``sub``);
    ``redirect_uris`` are the client's registered callbacks.
    """

    def __init__(
        self,
        identities,
        *,
        client_id=DEMO_CLIENT_ID,
        client_secret=DEMO_CLIENT_SECRET,
        redirect_uris=DEMO_REDIRECT_URIS,
        faults=None,
    ):
        self.identities = list(identities)
        self.client_id = client_id
        self.client_secret = client_secret
        self.redirect_uris = set(redirect_uris)
        self.faults = faults or Faults()
        self.key = _new_key()
        self.kid = secrets.token_hex(8)
        self._codes = {}
        self._tokens = {}
        self._lock = threading.Lock()
        self._server = None
        self._thread = None

    def start(self, port=0):
        handler = type("Handler", (_Handler,), {"provider": self})
        self._server = _Server(("127.0.0.1", port), handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="oidc-provider-stand-in",
            daemon=True,
        )
        self._thread.start()
        return self.issuer

    @property
    def issuer(self):
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def settings(self):
        """Traject's settings for this provider, for ``override_settings``."""
        return {
            "OIDC_ISSUER": self.issuer,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.issuer}/authorize",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.issuer}/token",
            "OIDC_OP_USER_ENDPOINT": f"{self.issuer}/userinfo",
            "OIDC_OP_JWKS_ENDPOINT": f"{self.issuer}/jwks",
            "OIDC_RP_CLIENT_ID": self.client_id,
            "OIDC_RP_CLIENT_SECRET": self.client_secret,
        }

    def stop(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join()
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    # What the handler asks -------------------------------------------------

    def discovery(self):
        issuer = self.issuer
        return {
            "issuer": issuer,
            "authorization_endpoint": f"{issuer}/authorize",
            "token_endpoint": f"{issuer}/token",
            "userinfo_endpoint": f"{issuer}/userinfo",
            "jwks_uri": f"{issuer}/jwks",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": [
                "client_secret_basic",
                "client_secret_post",
            ],
            "code_challenge_methods_supported": ["S256", "plain"],
            "scopes_supported": ["openid", "profile", "email", "vo"],
        }

    def jwks(self):
        jwk = RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        return {"keys": [jwk | {"kid": self.kid, "alg": "RS256", "use": "sig"}]}

    def check_authorization(self, query):
        """The error in an authorization request, or None."""
        if query.get("client_id") != self.client_id:
            return "Unknown client_id."
        if query.get("redirect_uri") not in self.redirect_uris:
            return "This redirect_uri is not registered for the client."
        if query.get("response_type") != "code":
            return "Only response_type=code is supported."
        if "openid" not in query.get("scope", "").split():
            return "The scope must include openid."
        if not query.get("state"):
            return "The state is missing."
        return None

    def issue_code(self, query, identity):
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._codes[code] = {
                "identity": identity,
                "redirect_uri": query["redirect_uri"],
                "nonce": query.get("nonce"),
                "challenge": query.get("code_challenge"),
                "method": query.get("code_challenge_method", "plain"),
                "expires": time.time() + CODE_SECONDS,
            }
        return code

    def claims(self, identity):
        claims = {k: v for k, v in identity.items() if k != "label"}
        for name, value in (self.faults.claims or {}).items():
            if value is None:
                claims.pop(name, None)
            else:
                claims[name] = value
        return claims

    def exchange(self, form, client_id, client_secret):
        """(status, answer) of a token request."""
        if client_id != self.client_id or not secrets.compare_digest(
            client_secret or "", self.client_secret
        ):
            return 401, {"error": "invalid_client"}
        if form.get("grant_type") != "authorization_code":
            return 400, {"error": "unsupported_grant_type"}
        with self._lock:
            grant = self._codes.pop(form.get("code", ""), None)
        if grant is None or grant["expires"] < time.time():
            return 400, {"error": "invalid_grant", "error_description": "Used code."}
        if grant["redirect_uri"] != form.get("redirect_uri"):
            return 400, {"error": "invalid_grant", "error_description": "redirect_uri"}
        if grant["challenge"] is not None:
            verifier = form.get("code_verifier", "")
            made = _s256(verifier) if grant["method"] == "S256" else verifier
            if not secrets.compare_digest(made, grant["challenge"]):
                return 400, {"error": "invalid_grant", "error_description": "PKCE"}
        claims = self.claims(grant["identity"])
        access_token = secrets.token_urlsafe(32)
        with self._lock:
            self._tokens[access_token] = (claims, time.time() + TOKEN_SECONDS)
        return 200, {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": TOKEN_SECONDS,
            "id_token": self.id_token(claims, grant["nonce"]),
        }

    def id_token(self, claims, nonce):
        now = int(time.time())
        if self.faults.expired:
            now -= TOKEN_SECONDS + 60
        payload = claims | {
            "iss": self.issuer,
            "aud": self.faults.audience or self.client_id,
            "iat": now,
            "exp": now + TOKEN_SECONDS,
        }
        if nonce:
            payload["nonce"] = nonce
        key = _new_key() if self.faults.wrong_key else self.key
        return jwt.encode(payload, key, algorithm="RS256", headers={"kid": self.kid})

    def userinfo(self, authorization):
        scheme, _, token = (authorization or "").partition(" ")
        with self._lock:
            found = self._tokens.get(token) if scheme.lower() == "bearer" else None
        if found is None or found[1] < time.time():
            return None
        return found[0]


class _Handler(BaseHTTPRequestHandler):
    provider = None

    def log_message(self, format, *args):
        logger.debug("%s %s", self.address_string(), format % args)

    def do_GET(self):
        url = urlsplit(self.path)
        query = {key: values[-1] for key, values in parse_qs(url.query).items()}
        if url.path == "/.well-known/openid-configuration":
            return self._json(self.provider.discovery())
        if url.path == "/jwks":
            return self._json(self.provider.jwks())
        if url.path == "/authorize":
            return self._authorize_page(query)
        if url.path == "/userinfo":
            claims = self.provider.userinfo(self.headers.get("Authorization"))
            if claims is None:
                return self._json({"error": "invalid_token"}, status=401)
            return self._json(claims)
        return self._json({"error": "not_found"}, status=404)

    def do_POST(self):
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode()
        form = {key: values[-1] for key, values in parse_qs(body).items()}
        if url.path == "/authorize":
            return self._authorize_choice(form)
        if url.path == "/token":
            client_id, client_secret = self._client(form)
            status, answer = self.provider.exchange(form, client_id, client_secret)
            return self._json(answer, status=status)
        return self._json({"error": "not_found"}, status=404)

    def _client(self, form):
        scheme, _, encoded = (self.headers.get("Authorization") or "").partition(" ")
        if scheme.lower() == "basic":
            try:
                decoded = base64.b64decode(encoded).decode()
            except ValueError:
                return None, None
            client_id, _, secret = decoded.partition(":")
            return client_id, secret
        return form.get("client_id"), form.get("client_secret")

    def _authorize_page(self, query):
        error = self.provider.check_authorization(query)
        if error:
            return self._html(400, f"<p>{html.escape(error)}</p>")
        hidden = "".join(
            f'<input type="hidden" name="{html.escape(name)}" '
            f'value="{html.escape(value)}">'
            for name, value in query.items()
        )
        buttons = "".join(
            f'<li><button type="submit" name="identity" value="{index}">'
            f"{html.escape(identity.get('label') or identity['sub'])}</button></li>"
            for index, identity in enumerate(self.provider.identities)
        )
        self._html(
            200,
            "<h1>Aanmelden bij de overheid (stand-in)</h1>"
            "<p>Kies de identiteit waarmee u zich aanmeldt.</p>"
            f'<form method="post" action="/authorize">{hidden}'
            f'<ul class="identities">{buttons}</ul></form>',
        )

    def _authorize_choice(self, form):
        error = self.provider.check_authorization(form)
        if error:
            return self._html(400, f"<p>{html.escape(error)}</p>")
        try:
            identity = self.provider.identities[int(form.get("identity", ""))]
        except (ValueError, IndexError):
            return self._html(400, "<p>Choose one of the identities.</p>")
        code = self.provider.issue_code(form, identity)
        answer = urlencode({"code": code, "state": form["state"]})
        separator = "&" if "?" in form["redirect_uri"] else "?"
        self.send_response(302)
        self.send_header("Location", f"{form['redirect_uri']}{separator}{answer}")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _html(self, status, body):
        page = (
            '<!doctype html><html lang="nl"><head><meta charset="utf-8">'
            "<title>Aanmelden (stand-in)</title></head>"
            f"<body><main>{body}</main></body></html>"
        ).encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        self.wfile.write(page)

    def _json(self, value, *, status=200):
        body = json.dumps(value).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8050)
    parser.add_argument(
        "--identities",
        default=str(DEFAULT_IDENTITIES),
        help="a JSON array of claim sets to choose from",
    )
    parser.add_argument("--client-id", default=DEMO_CLIENT_ID)
    parser.add_argument("--client-secret", default=DEMO_CLIENT_SECRET)
    parser.add_argument(
        "--redirect-uri",
        action="append",
        help="a registered callback of the client (repeatable)",
    )
    arguments = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    with open(arguments.identities, encoding="utf-8") as stream:
        identities = json.load(stream)
    provider = ProviderStandIn(
        identities,
        client_id=arguments.client_id,
        client_secret=arguments.client_secret,
        redirect_uris=arguments.redirect_uri or DEMO_REDIRECT_URIS,
    )
    issuer = provider.start(port=arguments.port)
    logger.info(
        "The OpenID Connect stand-in offers %s identities on %s",
        len(identities),
        issuer,
    )
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        provider.stop()


if __name__ == "__main__":
    main()
