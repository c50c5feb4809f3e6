"""The API's one way in: ``Authorization: Bearer <token>`` of an integration.

There is no session or password authentication on the API: a request
without a token, with an unknown one or with a revoked one is answered 401.
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from reporting.api.models import Integration, hash_token

KEYWORD = "Bearer"
# ``last_used_at`` is written at most once a minute per integration, so that
# a busy integration does not write on every read.
LAST_USED_PRECISION = datetime.timedelta(minutes=1)


def integration_for_token(token):
    """The active integration whose token is ``token``, or None."""
    return (
        Integration.objects.active()
        .select_related("user")
        .filter(token_hash=hash_token(token))
        .first()
    )


def note_use(integration):
    now = timezone.now()
    last_used_at = integration.last_used_at
    if last_used_at is not None and now - last_used_at < LAST_USED_PRECISION:
        return
    Integration.objects.filter(pk=integration.pk).update(last_used_at=now)
    integration.last_used_at = now


class IntegrationTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        words = authentication.get_authorization_header(request).split()
        if not words or words[0].lower() != KEYWORD.lower().encode():
            return None
        if len(words) != 2:
            raise exceptions.AuthenticationFailed(
                _("Give the token after Bearer, without spaces.")
            )
        try:
            token = words[1].decode("ascii")
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None

        integration = integration_for_token(token)
        if integration is None or not integration.user.is_active:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        note_use(integration)
        return integration.user, integration

    def authenticate_header(self, request):
        # A 401 rather than a 403 for a request without a valid token.
        return KEYWORD


class IntegrationTokenScheme(OpenApiAuthenticationExtension):
    """The token in the OpenAPI description."""

    target_class = IntegrationTokenAuthentication
    name = "integrationToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "The token of an integration, shown once when a global "
                "administrator creates it: `Authorization: Bearer trj_…`."
            ),
        }
