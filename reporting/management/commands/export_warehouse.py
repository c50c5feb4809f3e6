"""Write every warehouse view to a CSV file, one file per view."""

import contextlib
import csv
import datetime
import decimal
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

VIEW_PREFIX = "warehouse_"
# Rows fetched from the cursor at a time: the memory the export holds.
BATCH_SIZE = 2000


def warehouse_views():
    """The names of the warehouse views in the database, sorted."""
    with connection.cursor() as cursor:
        tables = connection.introspection.get_table_list(cursor)
    return sorted(
        table.name
        for table in tables
        if table.type == "v" and table.name.startswith(VIEW_PREFIX)
    )


def csv_value(column, value):
    """``value`` as the text written to the CSV file, the same on both
    databases: ISO dates, UTC timestamps, plain decimals, true/false."""
    if value is None:
        return ""
    if column.startswith("is_"):
        # SQLite answers 0/1 where a union leaves it no column type.
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            # SQLite keeps timestamps in UTC without a zone.
            value = value.replace(tzinfo=datetime.UTC)
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, float)):
        # SQLite answers a float; PostgreSQL pads with the column's scale.
        return format(decimal.Decimal(str(value)).normalize(), "f")
    return str(value)


@contextlib.contextmanager
def snapshot():
    """On PostgreSQL, read every view in one read-only transaction that sees
    one snapshot, so that the files agree with one another. SQLite reads each
    view on its own: a transaction there would hold the write lock
    (``transaction_mode`` IMMEDIATE) for the whole export."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def export_view(name, path):
    """Stream view ``name`` into the CSV file ``path``; returns the row count.

    The file appears complete or not at all.
    """
    partial = path.with_name(f"{path.name}.part")
    count = 0
    with (
        partial.open("w", newline="", encoding="utf-8") as file,
        connection.chunked_cursor() as cursor,
    ):
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(name)}")
        columns = [column[0] for column in cursor.description]
        writer = csv.writer(file)
        writer.writerow(columns)
        while rows := cursor.fetchmany(BATCH_SIZE):
            writer.writerows(
                [
                    csv_value(column, value)
                    for column, value in zip(columns, row, strict=True)
                ]
                for row in rows
            )
            count += len(rows)
    partial.replace(path)
    return count


class Command(BaseCommand):
    help = (
        "Write every warehouse view (see docs/warehouse.md) to a CSV file "
        "<view>.csv in a directory, with a header row; an empty field is NULL "
        "or empty text."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--to", required=True, metavar="DIR", help="The directory to fill."
        )

    def handle(self, *args, to, **options):
        directory = Path(to)
        directory.mkdir(parents=True, exist_ok=True)
        views = warehouse_views()
        if not views:
            raise CommandError("The warehouse views are missing: run migrate.")

        with snapshot():
            for name in views:
                started = time.monotonic()
                count = export_view(name, directory / f"{name}.csv")
                seconds = time.monotonic() - started
                self.stdout.write(f"{name}: {count} rows in {seconds:.1f} s")
