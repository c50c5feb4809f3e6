"""Reading an uploaded spreadsheet without trusting it.

An upload is refused, with a message for its user, before it can cost much
time or memory: over the size cap, empty, not a workbook or CSV file, a ZIP
archive that unpacks to too much or compresses suspiciously well (a "zip
bomb"), XML that declares entities (a "billion laughs"), or a sheet with too
many rows or columns. Only then does openpyxl open the workbook, read-only and
without evaluating anything: a formula arrives as its text, beginning with
``=``, and the import turns it into a row error.
"""

import csv
import datetime
import io
import logging
import zipfile
import zlib
from dataclasses import dataclass, field

import openpyxl
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
# A small archive may compress well without harm: an empty workbook does.
RATIO_CHECKED_FROM_BYTES = 1024 * 1024
# A workbook has a few dozen parts; thousands are a way to cost time.
MAX_ARCHIVE_MEMBERS = 1000
MAX_ROWS = 20_000
MAX_COLUMNS = 100
# Filled cells of a whole sheet: 20,000 rows of the widest kind (14 columns)
# fit; a hundred filled columns on every row would cost seconds to parse.
MAX_CELLS = 300_000
SCAN_CHUNK_BYTES = 64 * 1024
# The parts of a workbook that an XML parser reads.
XML_SUFFIXES = (".xml", ".rels", ".vml")
FORBIDDEN_XML = (b"<!DOCTYPE", b"<!ENTITY")
ZIP_MAGIC = b"PK\x03\x04"


class RefusedFile(Exception):
    """An upload that is not read; the message tells its user why."""


@dataclass
class Sheet:
    """The cells of an upload: the header row, then the rows that are not
    empty, each with its line number in the file (the header is line 1)."""

    headers: list
    rows: list = field(default_factory=list)
    line_numbers: list = field(default_factory=list)


def read_upload(upload):
    """The bytes and the sheet of an uploaded file (a Django
    ``UploadedFile``)."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise RefusedFile(too_large_message())
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    return data, read_spreadsheet(data, upload.name)


def too_large_message():
    return _("The file is larger than %(size)s; split it into smaller files.") % {
        "size": filesizeformat(MAX_UPLOAD_BYTES)
    }


def read_spreadsheet(data, name):
    """The sheet in ``data``, an XLSX workbook or a CSV file named ``name``."""
    if not data:
        raise RefusedFile(_("The file is empty."))
    if len(data) > MAX_UPLOAD_BYTES:
        raise RefusedFile(too_large_message())
    if data.startswith(ZIP_MAGIC):
        return _read_workbook(data)
    if name.lower().endswith(".csv"):
        return _read_csv(data)
    raise RefusedFile(not_a_spreadsheet_message())


def not_a_spreadsheet_message():
    return _(
        "This file is not a spreadsheet that Traject reads: upload an Excel "
        "workbook (.xlsx) or a CSV file (.csv)."
    )


# Workbooks -------------------------------------------------------------------


def _read_workbook(data):
    with _open_archive(data) as archive:
        _check_archive(archive)
    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=False
        )
    except Exception as error:
        # openpyxl raises many kinds of error on a damaged workbook.
        logger.warning("Refused a workbook that openpyxl cannot open: %r", error)
        raise RefusedFile(not_a_spreadsheet_message()) from error
    try:
        if not workbook.worksheets:
            raise RefusedFile(_("The workbook has no sheet."))
        rows = workbook.worksheets[0].iter_rows(
            max_col=MAX_COLUMNS + 1, values_only=True
        )
        return _collect(rows)
    except (zipfile.BadZipFile, zlib.error, KeyError, ValueError) as error:
        logger.warning("Refused a workbook whose sheet cannot be read: %r", error)
        raise RefusedFile(not_a_spreadsheet_message()) from error
    finally:
        workbook.close()


def _open_archive(data):
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zlib.error, ValueError, EOFError) as error:
        raise RefusedFile(not_a_spreadsheet_message()) from error


def _check_archive(archive):
    """Refuse an archive by what its directory declares, then by the XML of
    its parts, before anything parses it. Python's zipfile never unpacks a
    member beyond its declared size, so the declared sizes bound the work."""
    members = archive.infolist()
    if len(members) > MAX_ARCHIVE_MEMBERS:
        raise RefusedFile(_("The workbook has too many parts to be a spreadsheet."))
    if "xl/workbook.xml" not in {member.filename for member in members}:
        raise RefusedFile(not_a_spreadsheet_message())

    unpacked = sum(member.file_size for member in members)
    packed = sum(member.compress_size for member in members)
    if unpacked > MAX_UNPACKED_BYTES:
        raise RefusedFile(
            _("The workbook unpacks to more than %(size)s; it is refused.")
            % {"size": filesizeformat(MAX_UNPACKED_BYTES)}
        )
    for member_unpacked, member_packed in [
        (unpacked, packed),
        *((member.file_size, member.compress_size) for member in members),
    ]:
        if member_unpacked > RATIO_CHECKED_FROM_BYTES and (
            member_unpacked > MAX_COMPRESSION_RATIO * max(member_packed, 1)
        ):
            raise RefusedFile(
                _(
                    "The workbook is compressed more than %(ratio)s to 1, as "
                    "files built to exhaust a server are; it is refused."
                )
                % {"ratio": MAX_COMPRESSION_RATIO}
            )

    for member in members:
        if member.filename.lower().endswith(XML_SUFFIXES):
            _scan_xml(archive, member)


def _scan_xml(archive, member):
    """Refuse a part that declares a document type or entities (the way to an
    entity expansion bomb) or that is not in UTF-8 (where the scan would not
    see the declaration)."""
    tail = b""
    try:
        with archive.open(member) as stream:
            first = True
            while chunk := stream.read(SCAN_CHUNK_BYTES):
                if first and (
                    b"\x00" in chunk[:4] or chunk[:2] in (b"\xff\xfe", b"\xfe\xff")
                ):
                    raise RefusedFile(not_a_spreadsheet_message())
                first = False
                window = (tail + chunk).upper()
                if any(marker in window for marker in FORBIDDEN_XML):
                    raise RefusedFile(
                        _(
                            "The workbook contains XML with a document type or "
                            "entity declaration, which Traject does not accept."
                        )
                    )
                tail = window[-16:]
    except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError) as error:
        # A damaged or encrypted member, or one that unpacks to other than it
        # declares.
        raise RefusedFile(not_a_spreadsheet_message()) from error


# CSV files -------------------------------------------------------------------


def _read_csv(data):
    if b"\x00" in data:
        raise RefusedFile(not_a_spreadsheet_message())
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Windows saves CSV in its own code page.
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as error:
            raise RefusedFile(not_a_spreadsheet_message()) from error

    first_line = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first_line.count)
    try:
        return _collect(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise RefusedFile(
            _("The CSV file cannot be read: %(error)s") % {"error": error}
        ) from error


# Both ------------------------------------------------------------------------


def _is_empty(value):
    return value is None or (isinstance(value, str) and not value.strip())


def _cell(value):
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return value.date()
    return value


def _collect(rows):
    """The sheet of ``rows`` (sequences of cell values), refused when it has
    more rows, columns or filled cells than the caps. Empty rows, counted
    among the rows, are skipped."""
    sheet = None
    filled = 0
    for line_number, values in enumerate(rows, start=1):
        if line_number > MAX_ROWS + 1:
            raise RefusedFile(
                _(
                    "The sheet has more than %(rows)s rows (empty rows "
                    "included); split it into smaller files."
                )
                % {"rows": number_format(MAX_ROWS, force_grouping=True)}
            )
        if len(values) > MAX_COLUMNS and not all(
            _is_empty(value) for value in values[MAX_COLUMNS:]
        ):
            raise RefusedFile(
                _("The sheet has more than %(columns)s columns.")
                % {"columns": MAX_COLUMNS}
            )
        row_filled = sum(not _is_empty(value) for value in values)
        if not row_filled:
            continue
        filled += row_filled
        if filled > MAX_CELLS:
            raise RefusedFile(
                _(
                    "The sheet has more than %(cells)s filled cells; split it "
                    "into smaller files."
                )
                % {"cells": number_format(MAX_CELLS, force_grouping=True)}
            )
        values = [_cell(value) for value in values[:MAX_COLUMNS]]
        if sheet is None:
            sheet = Sheet(headers=_headers(values))
            continue
        width = len(sheet.headers)
        sheet.rows.append((values + [None] * width)[:width])
        sheet.line_numbers.append(line_number)
    if sheet is None:
        raise RefusedFile(_("The file is empty."))
    return sheet


def _headers(values):
    while values and _is_empty(values[-1]):
        values = values[:-1]
    headers = [str(value).strip() if value is not None else "" for value in values]
    for position, header in enumerate(headers, start=1):
        if not header:
            raise RefusedFile(
                _("Column %(position)s of the first row has no name.")
                % {"position": position}
            )
    duplicates = sorted({header for header in headers if headers.count(header) > 1})
    if duplicates:
        raise RefusedFile(
            _("These columns appear more than once: %(columns)s.")
            % {"columns": ", ".join(duplicates)}
        )
    return headers
