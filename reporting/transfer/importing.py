"""Imports: a dry run that shows what each row would do, then the whole file
applied in one transaction, or nothing of it.

The dry run runs the very same import, through the actions layer, inside a
transaction that is rolled back: what it reports is what applying would do.
"""

import logging
import time
from dataclasses import dataclass, field

import tablib
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import transaction
from django.utils.translation import gettext as _
from import_export.results import RowResult

from objectives import access
from objectives.models import Membership
from reporting.transfer.reading import RefusedFile
from reporting.transfer.resources import KINDS

logger = logging.getLogger(__name__)

NEW = "new"
UPDATE = "update"
UNCHANGED = "unchanged"
ERROR = "error"
OUTCOMES = {
    RowResult.IMPORT_TYPE_NEW: NEW,
    RowResult.IMPORT_TYPE_UPDATE: UPDATE,
    RowResult.IMPORT_TYPE_SKIP: UNCHANGED,
}


@dataclass
class RowOutcome:
    line: int
    outcome: str
    key: str
    errors: list = field(default_factory=list)
    # (column, old value, new value) of each change.
    changes: list = field(default_factory=list)


@dataclass
class ImportReport:
    kind: str
    rows: list
    is_applied: bool = False

    @property
    def counts(self):
        counts = {NEW: 0, UPDATE: 0, UNCHANGED: 0, ERROR: 0}
        for row in self.rows:
            counts[row.outcome] += 1
        return counts

    @property
    def has_errors(self):
        return any(row.outcome == ERROR for row in self.rows)

    @property
    def has_changes(self):
        return any(row.outcome in (NEW, UPDATE) for row in self.rows)

    def to_json(self):
        """The report as JSON-ready data, its values as the page shows them."""
        return {
            "kind": self.kind,
            "is_applied": self.is_applied,
            "rows": [
                [
                    row.line,
                    row.outcome,
                    row.key,
                    [str(error) for error in row.errors],
                    [
                        [column, _text(old), _text(new)]
                        for column, old, new in row.changes
                    ],
                ]
                for row in self.rows
            ],
        }

    @classmethod
    def from_json(cls, data):
        rows = [
            RowOutcome(
                line=line,
                outcome=outcome,
                key=key,
                errors=errors,
                changes=[tuple(change) for change in changes],
            )
            for line, outcome, key, errors, changes in data.get("rows", [])
        ]
        return cls(kind=data["kind"], rows=rows, is_applied=data["is_applied"])


def _text(value):
    return None if value is None else str(value)


def importable_kinds(user):
    """The kinds ``user`` may import: measurements for contributors and
    administrators, the components for administrators, budget articles for
    the administrators of a policy domain; everything for global
    administrators."""
    if access.is_global_admin(user):
        return list(KINDS)
    roles = set(access.roles_by_organisation(user).values())
    kinds = []
    if Membership.Role.ADMINISTRATOR in roles:
        kinds = [
            slug
            for slug, kind in KINDS.items()
            if not (kind.for_contributors or kind.for_budget_managers)
        ]
    if roles & {Membership.Role.CONTRIBUTOR, Membership.Role.ADMINISTRATOR}:
        kinds += [slug for slug, kind in KINDS.items() if kind.for_contributors]
    if Membership.Role.ADMINISTRATOR in roles and access.manages_any_budget(user):
        kinds += [slug for slug, kind in KINDS.items() if kind.for_budget_managers]
    return [slug for slug in KINDS if slug in kinds]


def check_headers(kind, headers):
    """Refuse a sheet without the key columns of ``kind`` or with columns it
    does not know (a misspelt column would otherwise be ignored)."""
    resource_class = KINDS[kind].resource_class
    known = [column for column, *_ in resource_class.columns()]
    missing = [column for column in resource_class.key_columns if column not in headers]
    if missing:
        raise RefusedFile(
            _("The sheet lacks the columns %(columns)s.")
            % {"columns": ", ".join(missing)}
        )
    unknown = [header for header in headers if header not in known]
    if unknown:
        raise RefusedFile(
            _("The sheet has columns that Traject does not know: %(columns)s.")
            % {"columns": ", ".join(unknown)}
        )


def dry_run(user, kind, sheet):
    """What importing ``sheet`` would do, row by row; nothing is saved."""
    return _run(user, kind, sheet, apply=False)


def apply(user, kind, sheet):
    """Import ``sheet``: every row, or none when any row has an error."""
    return _run(user, kind, sheet, apply=True)


def _run(user, kind, sheet, *, apply):
    started = time.monotonic()
    check_headers(kind, sheet.headers)
    resource = KINDS[kind].resource_class(user)
    dataset = tablib.Dataset(*sheet.rows, headers=sheet.headers)

    with transaction.atomic():
        result = resource.import_data(
            dataset,
            dry_run=not apply,
            raise_errors=False,
            use_transactions=True,
            rollback_on_validation_errors=True,
        )
        report = _report(resource, kind, result, sheet)
        if not apply or report.has_errors:
            transaction.set_rollback(True)
        else:
            report.is_applied = True

    counts = report.counts
    logger.info(
        "Import of %s by user %s (%s): %d new, %d updated, %d unchanged, "
        "%d errors in %.2fs",
        kind,
        user.pk,
        "applied" if report.is_applied else "not applied",
        counts[NEW],
        counts[UPDATE],
        counts[UNCHANGED],
        counts[ERROR],
        time.monotonic() - started,
    )
    return report


def _report(resource, kind, result, sheet):
    columns = {
        field.attribute: field.column_name
        for field in resource.fields.values()
        if field.attribute
    }
    key_positions = [sheet.headers.index(column) for column in resource.key_columns]
    rows = []
    for row_result, values, line in zip(
        result.rows, sheet.rows, sheet.line_numbers, strict=False
    ):
        key = " · ".join(
            str(values[position]) if values[position] is not None else "—"
            for position in key_positions
        )
        outcome = RowOutcome(
            line=line, outcome=OUTCOMES.get(row_result.import_type, ERROR), key=key
        )
        if outcome.outcome == ERROR:
            outcome.errors = _row_errors(row_result, columns)
        else:
            outcome.changes = [
                (columns.get(name, name), old, new)
                for name, (old, new) in getattr(row_result, "changes", {}).items()
            ]
        rows.append(outcome)
    for error in result.base_errors:
        # An error outside any row (the library's own checks): shown on a row
        # of its own so that nothing is applied.
        rows.append(
            RowOutcome(line=1, outcome=ERROR, key="", errors=[str(error.error)])
        )
    return ImportReport(kind=kind, rows=rows)


def _row_errors(row_result, columns):
    messages = []
    if row_result.validation_error is not None:
        error = row_result.validation_error
        by_field = (
            error.message_dict
            if hasattr(error, "error_dict")
            else {NON_FIELD_ERRORS: error.messages}
        )
        for name, field_messages in by_field.items():
            for message in field_messages:
                if name == NON_FIELD_ERRORS:
                    messages.append(message)
                else:
                    messages.append(f"{columns.get(name, name)}: {message}")
    for error in row_result.errors:
        messages.append(
            _("This row could not be saved: %(error)s") % {"error": error.error}
        )
    return messages or [_("This row could not be read.")]
