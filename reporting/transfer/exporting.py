"""Exports: the rows of one kind that a user may see, as XLSX or CSV.

Every text cell is neutralised (see ``cells``), so that no cell of an export
runs as a formula when the file is opened.
"""

import logging
import time

import tablib

from reporting.transfer import cells
from reporting.transfer.resources import KINDS

logger = logging.getLogger(__name__)

XLSX = "xlsx"
CSV = "csv"
CONTENT_TYPES = {
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    CSV: "text/csv; charset=utf-8",
}
# Spreadsheets set to Dutch or French split CSV lines on semicolons.
CSV_DELIMITER = ";"


def export_rows(user, kind, organisation=None):
    """A dataset of the ``kind`` rows that ``user`` may see (of the lead
    organisation ``organisation`` when given), every text cell neutralised."""
    started = time.monotonic()
    resource = KINDS[kind].resource_class(user)
    exported = resource.export(resource.export_queryset(organisation))

    dataset = tablib.Dataset(headers=exported.headers, title=kind)
    for row in exported:
        dataset.append(
            [
                cells.neutralise(value) if isinstance(value, str) else value
                for value in row
            ]
        )
    logger.info(
        "Exported %d %s for user %s in %.2fs",
        len(dataset),
        kind,
        user.pk,
        time.monotonic() - started,
    )
    return dataset


def render(dataset, file_format):
    """The bytes of ``dataset`` in ``file_format`` (XLSX or CSV)."""
    if file_format == XLSX:
        writable = tablib.Dataset(headers=dataset.headers, title=dataset.title)
        for row in dataset:
            writable.append(
                [
                    cells.without_illegal_characters(value)
                    if isinstance(value, str)
                    else value
                    for value in row
                ]
            )
        return writable.export(XLSX)
    # The byte order mark makes Excel read the file as UTF-8.
    return dataset.export(CSV, delimiter=CSV_DELIMITER).encode("utf-8-sig")
