"""Which smartlists a user sees and changes.

A list is its owner's; a shared one is seen by the members of the
organisation it is shared with (an active role, from the access layer).
Someone else's private list is answered as if it did not exist (404); a
shared list that a member may see but not change answers 403.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from objectives import access
from reporting.models import SmartList


def visible_smartlists(user):
    """Every list ``user`` may open: their own and those shared with them."""
    return SmartList.objects.visible_to(
        user, access.organisations_of(user).values("pk")
    )


def get_smartlist(user, public_id, *, change=False):
    """The list ``public_id`` for ``user``; with ``change``, only its owner
    may have it."""
    smartlist = (
        visible_smartlists(user)
        .select_related("owner", "shared_with")
        .filter(public_id=public_id)
        .first()
    )
    if smartlist is None:
        raise Http404("No smartlist matches the given query.")
    if change and smartlist.owner_id != user.pk:
        raise PermissionDenied
    return smartlist


def can_change(user, smartlist):
    return smartlist.owner_id == user.pk
