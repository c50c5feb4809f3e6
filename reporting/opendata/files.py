"""Records written as JSON and CSV, a piece at a time so that a large data
set is streamed rather than built in memory.

CSV files are UTF-8, comma-separated, with a header row; a list (the
organisations, the links) is one cell with its addresses separated by
spaces. Every text cell is neutralised as in the spreadsheet exports, so
that no cell runs as a formula when the file is opened.
"""

import csv
import json

from reporting.transfer import cells

JSON_TYPE = "application/json"
CSV_TYPE = "text/csv; charset=utf-8"


def json_document(document):
    return json.dumps(document, ensure_ascii=False, indent=2)


def json_stream(header, records):
    """``header`` as a JSON object whose ``items`` are ``records``, written
    one record at a time."""
    opening = json.dumps({**header, "items": []}, ensure_ascii=False)
    yield opening[: -len("[]}")] + "[\n"
    for index, record in enumerate(records):
        separator = ",\n" if index else ""
        yield separator + json.dumps(record, ensure_ascii=False)
    yield "\n]}\n"


def csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        value = " ".join(value)
    return cells.neutralise(str(value))


class _Line:
    """A file-like object that hands back what the CSV writer writes."""

    def write(self, text):
        return text


def csv_stream(columns, records):
    """The CSV lines of ``records`` under a header of ``columns``."""
    writer = csv.writer(_Line(), lineterminator="\r\n")
    yield writer.writerow(columns)
    for record in records:
        yield writer.writerow([csv_cell(record[column]) for column in columns])
