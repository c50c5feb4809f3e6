"""Every write to a smartlist, each with its row of change history.

Like the domain's actions, these do not check permissions (the views ask
``lookup`` first) and take values that the smartlist forms validated.
"""

import logging

from django.db import transaction

from objectives.actions import describe, record_change
from objectives.models import Change
from reporting.models import SmartList

logger = logging.getLogger(__name__)

# The fields a change history row names; the owner and type never change.
DEFINITION = (
    "name",
    "filters",
    "columns",
    "sort_column",
    "sort_direction",
    "shared_with",
)


def _described(field, value):
    if field in ("filters", "columns"):
        return value
    return describe(value)


@transaction.atomic
def do_create_smartlist(*, owner, component_type, acting_user, **values):
    """A new list of ``owner``."""
    smartlist = SmartList.objects.create(
        owner=owner, component_type=component_type, **values
    )
    record_change(
        smartlist,
        Change.Kind.CREATED,
        {
            "component_type": [None, component_type],
            **{f: [None, _described(f, getattr(smartlist, f))] for f in DEFINITION},
        },
        acting_user=acting_user,
    )
    logger.info("Smartlist %s created by %s", smartlist.public_id, owner.pk)
    return smartlist


@transaction.atomic
def do_update_smartlist(smartlist, *, acting_user, **values):
    """Change the definition of ``smartlist``; saves only what changed."""
    changes = {}
    for field, new in values.items():
        old = getattr(smartlist, field)
        if old == new:
            continue
        setattr(smartlist, field, new)
        changes[field] = [_described(field, old), _described(field, new)]
    if changes:
        smartlist.save(update_fields=[*changes, "updated_at"])
        record_change(smartlist, Change.Kind.UPDATED, changes, acting_user=acting_user)
    return smartlist


@transaction.atomic
def do_delete_smartlist(smartlist, *, acting_user):
    """Delete ``smartlist``; its history keeps what it was."""
    record_change(
        smartlist,
        Change.Kind.DELETED,
        {"name": [smartlist.name, None]},
        acting_user=acting_user,
    )
    logger.info("Smartlist %s deleted", smartlist.public_id)
    smartlist.delete()
