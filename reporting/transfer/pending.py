"""Uploads waiting between their dry run and their application.

The file is kept in MEDIA_ROOT/imports/<token>.<xlsx|csv>, beside a small JSON
file naming its user and kind. Only that user may apply it; it is deleted once
applied, and any upload older than a day is deleted by the next upload.
"""

import datetime
import json
import logging
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from reporting.transfer.reading import ZIP_MAGIC

logger = logging.getLogger(__name__)

DIRECTORY = "imports"
MAX_AGE = datetime.timedelta(days=1)
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{32}$")


@dataclass(frozen=True)
class PendingUpload:
    token: str
    kind: str
    name: str
    data: bytes


def _directory():
    directory = Path(settings.MEDIA_ROOT) / DIRECTORY
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def _paths(token):
    directory = _directory()
    return directory / f"{token}.json", [
        directory / f"{token}.xlsx",
        directory / f"{token}.csv",
    ]


def keep(user, kind, data, name):
    """Store an upload for ``user``; returns the token that refers to it."""
    purge_expired()
    token = secrets.token_urlsafe(24)
    suffix = "xlsx" if data.startswith(ZIP_MAGIC) else "csv"
    directory = _directory()
    (directory / f"{token}.{suffix}").write_bytes(data)
    meta = {"user": user.pk, "kind": kind, "name": name, "suffix": suffix}
    (directory / f"{token}.json").write_text(json.dumps(meta))
    return token


def load(user, token):
    """The upload that ``token`` refers to, if it is ``user``'s and less than a
    day old; None otherwise."""
    if not isinstance(token, str) or not TOKEN_PATTERN.match(token):
        return None
    meta_path, _ = _paths(token)
    try:
        meta = json.loads(meta_path.read_text())
        if meta["user"] != user.pk or _is_expired(meta_path):
            return None
        data = (meta_path.parent / f"{token}.{meta['suffix']}").read_bytes()
    except (OSError, ValueError, KeyError):
        return None
    return PendingUpload(token=token, kind=meta["kind"], name=meta["name"], data=data)


def discard(token):
    if not TOKEN_PATTERN.match(token):
        return
    meta_path, data_paths = _paths(token)
    for path in (meta_path, *data_paths):
        path.unlink(missing_ok=True)


def _is_expired(path):
    modified = datetime.datetime.fromtimestamp(path.stat().st_mtime, tz=datetime.UTC)
    return timezone.now() - modified > MAX_AGE


def purge_expired():
    """Delete the uploads older than a day."""
    removed = 0
    for path in _directory().iterdir():
        try:
            if path.is_file() and _is_expired(path):
                path.unlink()
                removed += 1
        except OSError:
            continue
    if removed:
        logger.info("Removed %d expired import files", removed)
