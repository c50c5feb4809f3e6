"""The writes of integrations: created with a token shown once, revoked."""

import logging

from django.db import transaction
from django.utils import timezone

from objectives.actions import record_change
from objectives.models import Change
from reporting.api.models import TOKEN_PREFIX_LENGTH, Integration, hash_token, new_token

logger = logging.getLogger(__name__)


@transaction.atomic
def do_create_integration(name, user, *, acting_user):
    """Create an integration acting as ``user``; returns it with its token,
    which is not kept and cannot be shown again."""
    token = new_token()
    integration = Integration.objects.create(
        name=name.strip(),
        user=user,
        token_prefix=token[:TOKEN_PREFIX_LENGTH],
        token_hash=hash_token(token),
        created_by=acting_user
        if acting_user and acting_user.is_authenticated
        else None,
    )
    changes = {"name": [None, integration.name], "user": [None, user.username]}
    record_change(integration, Change.Kind.CREATED, changes, acting_user=acting_user)
    logger.info("Integration %s created, acting as %s", integration.pk, user.pk)
    return integration, token


@transaction.atomic
def do_revoke_integration(integration, *, acting_user):
    """Revoke ``integration``: its token is refused from now on. Revoking
    twice changes nothing."""
    revoked = Integration.objects.filter(
        pk=integration.pk, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    integration.refresh_from_db(fields=["revoked_at"])
    if revoked:
        changes = {"revoked_at": [None, integration.revoked_at.isoformat()]}
        record_change(
            integration, Change.Kind.UPDATED, changes, acting_user=acting_user
        )
        logger.info("Integration %s revoked", integration.pk)
    return integration
