"""Reading the fields of one JSON-lines document, shared by the staff and
process adapters: each reader returns the clean value or raises ``Rejected``
with a reason a person at the source can act on."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from sources.engine import Rejected

DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Angle brackets start markup: a name is plain text and shown as such.
MARKUP = re.compile(r"[<>]")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def check_object(document):
    if not isinstance(document, dict):
        raise Rejected(f"A document is a JSON object, not {_json_type(document)}.")


def text(document, name, *, max_length, required=False, plain=False):
    """The trimmed string ``document[name]``; "" when optional and absent."""
    value = document.get(name)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise Rejected(f"{name} must be a string, not {_json_type(value)}.")
    value = value.strip()
    if required and not value:
        raise Rejected(f"{name} is required.")
    if len(value) > max_length:
        raise Rejected(
            f"{name} is longer than {max_length} characters ({len(value):,})."
        )
    if plain and MARKUP.search(value):
        raise Rejected(f"{name} contains markup (< or >); only plain text is taken.")
    if plain and CONTROL_CHARACTERS.search(value):
        raise Rejected(f"{name} contains control characters.")
    return value


def email(document, name):
    value = text(document, name, max_length=254)
    if value:
        try:
            validate_email(value)
        except ValidationError:
            raise Rejected(f"{name} is not a valid e-mail address.") from None
    return value


def date(document, name, *, required=False):
    """The date ``document[name]`` written yyyy-mm-dd, or None."""
    value = document.get(name)
    if value is None or value == "":
        if required:
            raise Rejected(f"{name} is required.")
        return None
    if not isinstance(value, str):
        raise Rejected(f"{name} must be a date string, not {_json_type(value)}.")
    try:
        if not DATE_PATTERN.match(value):
            raise ValueError
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise Rejected(f"{name} is not a date written yyyy-mm-dd.") from None


def ordered(start, end, start_name, end_name):
    if start is not None and end is not None and end < start:
        raise Rejected(f"{end_name} ({end}) comes before {start_name} ({start}).")


def organisation(document, name, organisation_ids):
    """The id of the organisation whose OVO number is ``document[name]``."""
    ovo_number = text(document, name, max_length=9, required=True)
    if ovo_number not in organisation_ids:
        raise Rejected(f"{name} {ovo_number} is not an organisation known to Traject.")
    return organisation_ids[ovo_number], ovo_number


def _json_type(value):
    names = {bool: "a boolean", int: "a number", float: "a number", str: "a string"}
    names.update({list: "an array", dict: "an object", type(None): "null"})
    return names.get(type(value), type(value).__name__)
