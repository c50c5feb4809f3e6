"""Which integrations a user may see and manage: global administrators all
of them, everybody else none (the pages do not exist for them)."""

from django.http import Http404

from objectives.access import check_manages_integrations
from reporting.api.models import Integration


def integrations(user):
    """Every integration with the accounts it names, for those who manage
    integrations (others: 404)."""
    check_manages_integrations(user)
    return Integration.objects.select_related("user", "created_by")


def get_integration(user, public_id):
    """The integration ``public_id`` for ``user`` (404 if missing or not
    managed by them)."""
    integration = integrations(user).filter(public_id=public_id).first()
    if integration is None:
        raise Http404("No integration matches the given query.")
    return integration
