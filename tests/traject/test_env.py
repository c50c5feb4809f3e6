"""Settings from the environment: typed readers that fail loudly."""

import os
import subprocess
import sys
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.test import SimpleTestCase

from traject.env import (
    env_bool,
    env_int,
    env_list,
    env_str,
    parse_database_url,
    parse_redis_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent.parent


class EnvReaderTests(SimpleTestCase):
    def test_empty_or_missing_value_gives_the_default(self):
        environ = {"BLANK": "   "}

        self.assertEqual(
            (
                env_str("BLANK", "x", environ=environ),
                env_bool("MISSING", True, environ=environ),
                env_int("BLANK", 7, environ=environ),
                env_list("MISSING", ("a",), environ=environ),
            ),
            ("x", True, 7, ["a"]),
        )

    def test_booleans_are_read_in_several_spellings(self):
        environ = {"A": "1", "B": "Yes", "C": "off", "D": "FALSE"}

        self.assertEqual(
            [env_bool(name, None, environ=environ) for name in "ABCD"],
            [True, True, False, False],
        )

    def test_malformed_boolean_fails_loudly(self):
        with self.assertRaisesMessage(
            ImproperlyConfigured, "DEBUG='maybe' is not a boolean"
        ):
            env_bool("DEBUG", False, environ={"DEBUG": "maybe"})

    def test_integer_is_read(self):
        self.assertEqual(env_int("N", 0, environ={"N": " 3600 "}), 3600)

    def test_malformed_integer_fails_loudly(self):
        for value in ("12a", "1.5", "twelve"):
            with (
                self.subTest(value=value),
                self.assertRaisesMessage(ImproperlyConfigured, "is not an integer"),
            ):
                env_int("N", 0, environ={"N": value})

    def test_integer_below_minimum_fails_loudly(self):
        with self.assertRaisesMessage(
            ImproperlyConfigured, "N=59 is below the minimum 60."
        ):
            env_int("N", 0, environ={"N": "59"}, minimum=60)

    def test_list_is_split_on_commas_and_trimmed(self):
        self.assertEqual(
            env_list("HOSTS", [], environ={"HOSTS": "a.example, b.example,,"}),
            ["a.example", "b.example"],
        )


class DatabaseUrlTests(SimpleTestCase):
    def test_relative_sqlite_path_is_inside_the_checkout(self):
        self.assertEqual(
            parse_database_url("sqlite:///var/db.sqlite3", base_dir="/srv/traject"),
            {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": "/srv/traject/var/db.sqlite3",
            },
        )

    def test_absolute_sqlite_path_is_kept(self):
        self.assertEqual(
            parse_database_url("sqlite:////data/traject.sqlite3", base_dir="/srv"),
            {"ENGINE": "django.db.backends.sqlite3", "NAME": "/data/traject.sqlite3"},
        )

    def test_sqlite_url_without_file_fails_loudly(self):
        for url in ("sqlite://", "sqlite:///"):
            with (
                self.subTest(url=url),
                self.assertRaisesMessage(ImproperlyConfigured, "names no SQLite file"),
            ):
                parse_database_url(url, base_dir="/srv")

    def test_postgres_url_gives_every_part(self):
        self.assertEqual(
            parse_database_url(
                "postgres://traject:s%40cret@db.internal:5433/traject?sslmode=require",
                base_dir="/srv",
            ),
            {
                "ENGINE": "django.db.backends.postgresql",
                "NAME": "traject",
                "USER": "traject",
                "PASSWORD": "s@cret",
                "HOST": "db.internal",
                "PORT": "5433",
                "OPTIONS": {"options": "-c jit=off", "sslmode": "require"},
                "CONN_MAX_AGE": 60,
                "CONN_HEALTH_CHECKS": True,
            },
        )

    def test_postgresql_scheme_without_port_or_password(self):
        database = parse_database_url(
            "postgresql://postgres@127.0.0.1/traject", base_dir="/srv"
        )

        self.assertEqual(
            (database["ENGINE"], database["USER"], database["PASSWORD"]),
            ("django.db.backends.postgresql", "postgres", ""),
        )
        self.assertEqual((database["HOST"], database["PORT"]), ("127.0.0.1", ""))

    def test_postgres_options_in_the_url_replace_the_default_ones(self):
        database = parse_database_url(
            "postgres://db/traject?options=-c%20statement_timeout%3D5000",
            base_dir="/srv",
        )

        self.assertEqual(database["OPTIONS"], {"options": "-c statement_timeout=5000"})

    def test_postgres_url_without_database_fails_loudly(self):
        with self.assertRaisesMessage(ImproperlyConfigured, "names no database"):
            parse_database_url("postgres://db.internal:5432/", base_dir="/srv")

    def test_postgres_url_with_bad_port_fails_loudly(self):
        for url in ("postgres://db:port/traject", "postgres://db:99999/traject"):
            with (
                self.subTest(url=url),
                self.assertRaisesMessage(ImproperlyConfigured, "has a bad port"),
            ):
                parse_database_url(url, base_dir="/srv")

    def test_unknown_scheme_fails_loudly(self):
        with self.assertRaisesMessage(
            ImproperlyConfigured, "DATABASE_URL scheme 'mysql' is not supported"
        ):
            parse_database_url("mysql://db/traject", base_dir="/srv")

    def test_redis_url_must_name_a_redis_host(self):
        self.assertEqual(
            parse_redis_url("redis://cache:6379/0"), "redis://cache:6379/0"
        )
        for url in ("http://cache:6379/0", "redis://"):
            with (
                self.subTest(url=url),
                self.assertRaisesMessage(ImproperlyConfigured, "is not a redis://"),
            ):
                parse_redis_url(url)


class SettingsImportTests(SimpleTestCase):
    """Settings are imported in a fresh interpreter with a chosen environment."""

    def import_settings(self, **variables):
        environ = {
            name: value
            for name, value in os.environ.items()
            if name not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"}
            and not name.startswith(("REDIS", "SESSION", "SECURE", "DJANGO"))
        }
        environ["DATABASE_URL"] = "sqlite:////tmp/traject-settings-test.sqlite3"
        environ.update(variables)
        return subprocess.run(
            [
                sys.executable,
                "-c",
                "import traject.settings as s; print(s.DEBUG, s.ALLOWED_HOSTS)",
            ],
            cwd=BASE_DIR,
            env=environ,
            capture_output=True,
            text=True,
            timeout=60,
        )

    def test_defaults_give_the_development_setup(self):
        result = self.import_settings()

        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout, "True ['127.0.0.1', 'localhost']\n")

    def test_production_without_secret_key_refuses_to_start(self):
        result = self.import_settings(DEBUG="0", ALLOWED_HOSTS="traject.example")

        self.assertNotEqual(result.returncode, 0)
        self.assertIn(
            "ImproperlyConfigured: SECRET_KEY is required when DEBUG is off.",
            result.stderr,
        )

    def test_production_without_allowed_hosts_refuses_to_start(self):
        result = self.import_settings(DEBUG="0", SECRET_KEY="k" * 50)

        self.assertNotEqual(result.returncode, 0)
        self.assertIn(
            "ImproperlyConfigured: ALLOWED_HOSTS is required when DEBUG is off.",
            result.stderr,
        )

    def test_production_with_its_secrets_starts(self):
        result = self.import_settings(
            DEBUG="0", SECRET_KEY="k" * 50, ALLOWED_HOSTS="traject.example"
        )

        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout, "False ['traject.example']\n")

    def test_malformed_debug_refuses_to_start(self):
        result = self.import_settings(DEBUG="maybe")

        self.assertNotEqual(result.returncode, 0)
        self.assertIn("DEBUG='maybe' is not a boolean", result.stderr)


SINGLE_SIGN_ON = {
    "OIDC_ENABLED": "1",
    "OIDC_ISSUER": "https://idp.example",
    "OIDC_AUTHORIZATION_ENDPOINT": "https://idp.example/authorize",
    "OIDC_TOKEN_ENDPOINT": "https://idp.example/token",
    "OIDC_USERINFO_ENDPOINT": "https://idp.example/userinfo",
    "OIDC_JWKS_ENDPOINT": "https://idp.example/jwks",
    "OIDC_CLIENT_ID": "traject",
    "OIDC_CLIENT_SECRET": "client-secret",
}
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-production-secret-key-" + "x7Qp" * 10,
    "ALLOWED_HOSTS": "traject.example",
}


class SingleSignOnSettingsTests(SimpleTestCase):
    def run_in_fresh_interpreter(self, arguments, **variables):
        environ = {
            name: value
            for name, value in os.environ.items()
            if name not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"}
            and not name.startswith(("REDIS", "SESSION", "SECURE", "DJANGO", "OIDC"))
            and name != "LOCAL_LOGIN_ENABLED"
        }
        environ["DATABASE_URL"] = "sqlite:////tmp/traject-settings-test.sqlite3"
        environ.update(variables)
        return subprocess.run(
            [sys.executable, *arguments],
            cwd=BASE_DIR,
            env=environ,
            capture_output=True,
            text=True,
            timeout=120,
        )

    def import_settings(self, **variables):
        return self.run_in_fresh_interpreter(
            [
                "-c",
                "import traject.settings as s; "
                "print(s.OIDC_ENABLED, s.LOCAL_LOGIN_ENABLED, "
                "s.OIDC_CLAIMS['ovo_number'], "
                "'objectives.sso.SingleSignOnBackend' in s.AUTHENTICATION_BACKENDS)",
            ],
            **variables,
        )

    def test_single_sign_on_is_off_by_default(self):
        result = self.import_settings()

        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout, "False True vo_orgcode False\n")

    def test_single_sign_on_adds_its_backend(self):
        result = self.import_settings(
            **SINGLE_SIGN_ON,
            LOCAL_LOGIN_ENABLED="0",
            OIDC_CLAIM_OVO_NUMBER="ovo_code",
        )

        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout, "True False ovo_code True\n")

    def test_no_password_without_single_sign_on_refuses_to_start(self):
        result = self.import_settings(LOCAL_LOGIN_ENABLED="0")

        self.assertNotEqual(result.returncode, 0)
        self.assertIn("LOCAL_LOGIN_ENABLED=0 needs OIDC_ENABLED=1", result.stderr)

    def test_missing_endpoint_refuses_to_start(self):
        result = self.import_settings(**SINGLE_SIGN_ON | {"OIDC_JWKS_ENDPOINT": ""})

        self.assertNotEqual(result.returncode, 0)
        self.assertIn("OIDC_JWKS_ENDPOINT='' is not an http/https URL", result.stderr)

    def test_production_needs_https_endpoints(self):
        result = self.import_settings(
            **PRODUCTION, **SINGLE_SIGN_ON | {"OIDC_ISSUER": "http://idp.example"}
        )

        self.assertNotEqual(result.returncode, 0)
        self.assertIn(
            "OIDC_ISSUER='http://idp.example' is not an https URL", result.stderr
        )

    def test_missing_client_secret_refuses_to_start(self):
        result = self.import_settings(**SINGLE_SIGN_ON | {"OIDC_CLIENT_SECRET": ""})

        self.assertNotEqual(result.returncode, 0)
        self.assertIn(
            "OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are required", result.stderr
        )

    def test_deploy_check_is_clean_with_single_sign_on_only(self):
        result = self.run_in_fresh_interpreter(
            ["manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
            **PRODUCTION,
            **SINGLE_SIGN_ON,
            LOCAL_LOGIN_ENABLED="0",
        )

        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("System check identified no issues (0 silenced).", result.stdout)
