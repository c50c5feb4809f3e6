"""Who may follow and start the imports: global administrators only.

Anyone else is answered as if the pages did not exist.
"""

from django.http import Http404

from objectives.access import is_global_admin
from sources.models import Source, SourceState, SyncRun


def require_global_admin(user):
    if not is_global_admin(user):
        raise Http404("Only global administrators follow the imports.")


def runs(user, source=None):
    """The runs, newest first, of ``source`` or of every source."""
    require_global_admin(user)
    found = SyncRun.objects.select_related("requested_by").order_by(
        "-created_at", "-pk"
    )
    return found.filter(source=source) if source else found


def get_run(user, public_id):
    require_global_admin(user)
    try:
        return SyncRun.objects.select_related("requested_by").get(public_id=public_id)
    except SyncRun.DoesNotExist:
        raise Http404("No such run.") from None


def source_states(user):
    """The state of each source, keyed by source (missing: never run)."""
    require_global_admin(user)
    return {state.source: state for state in SourceState.objects.all()}


def get_source(user, source):
    require_global_admin(user)
    if source not in Source.values:
        raise Http404("No such source.")
    return Source(source)
