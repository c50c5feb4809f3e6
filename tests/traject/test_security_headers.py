"""Content Security Policy, framing, cookies and HSTS; production settings
pass Django's deployment checks."""

import os
import re
import subprocess
import sys
from pathlib import Path

from django.test import SimpleTestCase, TestCase, override_settings
from django.urls import reverse

from tests.factories import make_person, make_user

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PASSWORD = "a-long-and-right-password"
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# A standalone HTML report is a downloaded file, not a page of the site: its
# print stylesheet is inlined so that it opens anywhere. The same holds for
# the table layout of smartlist exports.
STANDALONE_FILES = {
    "reporting/reports/document.html",
    "reporting/reports/document_table.html",
}
INLINE_CODE = [
    re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    re.compile(r"<style\b", re.IGNORECASE),
    re.compile(r"\sstyle\s*=", re.IGNORECASE),
    re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    re.compile(r"\shx-on", re.IGNORECASE),
    re.compile(r"javascript:", re.IGNORECASE),
]


def directives(response):
    policy = response.headers["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part)
    }


class ContentSecurityPolicyTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = make_user(username="ilse")
        make_person(user=cls.user)

    def test_a_page_allows_only_its_own_scripts_and_styles_and_no_framing(self):
        self.client.force_login(self.user)

        response = self.client.get(reverse("objectives:home"))

        policy = directives(response)
        self.assertEqual(policy["default-src"], ["'self'"])
        self.assertEqual(policy["script-src"], ["'self'"])
        self.assertEqual(policy["style-src"], ["'self'"])
        self.assertEqual(policy["object-src"], ["'none'"])
        self.assertEqual(policy["frame-ancestors"], ["'none'"])
        self.assertNotIn("unsafe-inline", response.headers["Content-Security-Policy"])
        self.assertEqual(response.headers["X-Frame-Options"], "DENY")
        self.assertEqual(response.headers["X-Content-Type-Options"], "nosniff")

    def test_the_login_page_has_the_policy_too(self):
        response = self.client.get(reverse("login"))

        self.assertEqual(directives(response)["script-src"], ["'self'"])

    def test_htmx_injects_no_indicator_styles(self):
        self.client.force_login(self.user)

        response = self.client.get(reverse("objectives:home"))

        self.assertContains(response, '"includeIndicatorStyles": false')

    def test_no_template_holds_an_inline_script_style_or_event_handler(self):
        offenders = []
        for directory in [BASE_DIR / "templates", *BASE_DIR.glob("*/templates")]:
            for template in directory.rglob("*.html"):
                name = template.relative_to(directory).as_posix()
                if name in STANDALONE_FILES or ".venv" in template.parts:
                    continue
                source = template.read_text(encoding="utf-8")
                offenders += [
                    f"{name}: {found.group(0)}"
                    for pattern in INLINE_CODE
                    for found in pattern.finditer(source)
                ]

        self.assertEqual(offenders, [])


@override_settings(
    SECURE_HSTS_SECONDS=31_536_000,
    SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
    SECURE_HSTS_PRELOAD=True,
    SESSION_COOKIE_SECURE=True,
    CSRF_COOKIE_SECURE=True,
    PASSWORD_HASHERS=FAST_HASHER,
)
class ProductionTransportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = make_user(username="ilse", password=PASSWORD)
        make_person(user=cls.user)

    def test_https_answers_carry_hsts_and_the_cookies_are_secure_and_http_only(self):
        response = self.client.post(
            reverse("login"),
            {"username": "ilse", "password": PASSWORD},
            secure=True,
        )

        self.assertEqual(response.status_code, 302)
        self.assertEqual(
            response.headers["Strict-Transport-Security"],
            "max-age=31536000; includeSubDomains; preload",
        )
        session = response.cookies["sessionid"]
        self.assertTrue(session["secure"])
        self.assertTrue(session["httponly"])
        self.assertEqual(session["samesite"], "Lax")
        self.assertEqual(session["max-age"], 30 * 60)
        self.assertTrue(response.cookies["csrftoken"]["secure"])


class ProductionSettingsTests(SimpleTestCase):
    """The production settings, read in a fresh interpreter."""

    def run_with_production_settings(self, *arguments):
        environ = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith(("REDIS", "SESSION", "SECURE", "DJANGO", "DEBUG"))
            and name not in {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"}
        }
        environ |= {
            "DEBUG": "0",
            "SECRET_KEY": "production-secret-" + "k" * 50,
            "ALLOWED_HOSTS": "traject.example",
            "DATABASE_URL": "sqlite:////tmp/traject-deploy-check.sqlite3",
        }
        return subprocess.run(
            [sys.executable, *arguments],
            cwd=BASE_DIR,
            env=environ,
            capture_output=True,
            text=True,
            timeout=120,
        )

    def test_the_deployment_checks_report_nothing(self):
        result = self.run_with_production_settings(
            "manage.py", "check", "--deploy", "--fail-level", "WARNING"
        )

        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("System check identified no issues", result.stdout)

    def test_cookies_are_secure_and_hsts_lasts_a_year_with_subdomains(self):
        result = self.run_with_production_settings(
            "-c",
            "import traject.settings as s; print(s.SESSION_COOKIE_SECURE,"
            " s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SECURE_SSL_REDIRECT,"
            " s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS,"
            " s.SECURE_PROXY_SSL_HEADER)",
        )

        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(
            result.stdout,
            "True True True True 31536000 True ('HTTP_X_FORWARDED_PROTO', 'https')\n",
        )
