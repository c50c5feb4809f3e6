"""`make backup` and `make restore` give back every row: a small demo is
seeded into a fresh PostgreSQL database, dumped, restored into another fresh
database, and every table compared.

The test makes its own databases on the PostgreSQL server at
BACKUP_TEST_SERVER (default 127.0.0.1:5432, user postgres), whatever
DATABASE_URL says: the development machines and CI always run one.
"""

import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import psycopg
from django.test import SimpleTestCase

BASE_DIR = Path(__file__).resolve().parent.parent.parent
SERVER = os.environ.get("BACKUP_TEST_SERVER", "postgres://postgres@127.0.0.1:5432")
TIMEOUT = 600


def admin_connection():
    return psycopg.connect(f"{SERVER}/postgres", autocommit=True)


def table_fingerprints(url):
    """{table: (rows, md5 of the rows in a fixed order)} of every table in
    the public schema, and the value of every sequence."""
    with psycopg.connect(url) as connection:
        tables = connection.execute(
            "select tablename from pg_tables where schemaname = 'public' "
            "order by tablename"
        ).fetchall()
        fingerprints = {
            name: connection.execute(
                f"select count(*), md5(coalesce(string_agg(t::text, '' order by "
                f"t::text), '')) from \"{name}\" t"
            ).fetchone()
            for (name,) in tables
        }
        sequences = connection.execute(
            "select sequencename, last_value from pg_sequences "
            "where schemaname = 'public' order by sequencename"
        ).fetchall()
        views = connection.execute(
            "select viewname, definition from pg_views where schemaname = 'public' "
            "order by viewname"
        ).fetchall()
    return fingerprints, dict(sequences), dict(views)


class BackupRestoreTests(SimpleTestCase):
    def setUp(self):
        suffix = uuid.uuid4().hex[:10]
        self.names = [f"traject_backup_{suffix}", f"traject_restore_{suffix}"]
        with admin_connection() as connection:
            for name in self.names:
                connection.execute(f'create database "{name}"')
        self.addCleanup(self.drop_databases)
        self.source, self.target = (f"{SERVER}/{name}" for name in self.names)
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        self.dump = Path(directory.name) / "traject.dump"

    def drop_databases(self):
        with admin_connection() as connection:
            for name in self.names:
                connection.execute(f'drop database if exists "{name}" with (force)')

    def run_here(self, command, database_url):
        environ = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith(("REDIS", "DJANGO", "MAKE", "MFLAGS"))
            and name != "DATABASE_URL"
        }
        environ |= {"DATABASE_URL": database_url, "BACKUP": str(self.dump)}
        result = subprocess.run(
            command,
            cwd=BASE_DIR,
            env=environ,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        return result

    def test_a_restored_backup_has_every_row_of_every_table(self):
        manage = [sys.executable, "manage.py"]
        self.run_here([*manage, "migrate", "--noinput"], self.source)
        self.run_here(
            [*manage, "seed_demo", "--scale", "0.02", "--seed", "1"], self.source
        )

        self.run_here(["make", "--no-print-directory", "backup"], self.source)
        self.run_here(["make", "--no-print-directory", "restore"], self.target)

        tables, sequences, views = table_fingerprints(self.source)
        restored_tables, restored_sequences, restored_views = table_fingerprints(
            self.target
        )
        self.assertGreater(tables["objectives_project"][0], 50)
        self.assertGreater(tables["objectives_change"][0], 1000)
        self.assertGreater(len(tables), 30)
        self.assertEqual(restored_tables, tables)
        self.assertEqual(restored_sequences, sequences)
        self.assertEqual(restored_views, views)
