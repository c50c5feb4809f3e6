"""Logging in: the password form and single sign-on through OpenID Connect.

Settings choose which are offered: ``OIDC_ENABLED`` adds the button of the
government account, ``LOCAL_LOGIN_ENABLED`` (on by default) keeps the
password form; with it off, a password posted anyway is refused.
"""

import logging

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

logger = logging.getLogger(__name__)


class LoginView(auth_views.LoginView):
    def post(self, request, *args, **kwargs):
        if not settings.LOCAL_LOGIN_ENABLED:
            logger.warning("A password login was refused: local login is off")
            response = self.render_to_response(
                self.get_context_data(password_refused=True)
            )
            response.status_code = 403
            return response
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            local_login_enabled=settings.LOCAL_LOGIN_ENABLED,
            sso_enabled=settings.OIDC_ENABLED,
            **kwargs,
        )


class SingleSignOnMixin:
    def dispatch(self, request, *args, **kwargs):
        if not settings.OIDC_ENABLED:
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class SingleSignOnStartView(SingleSignOnMixin, OIDCAuthenticationRequestView):
    """Sends the browser to the identity platform."""


class SingleSignOnCallbackView(SingleSignOnMixin, OIDCAuthenticationCallbackView):
    """Where the identity platform sends the browser back; logs in, or shows
    why not."""

    def get(self, request):
        unknown = _("This login was not started here, or was already used.")
        if "code" in request.GET and "oidc_states" not in request.session:
            logger.warning("Single sign-on callback without a login under way")
            request.sso_refusal = unknown
            return self.login_failure()
        try:
            return super().get(request)
        except SuspiciousOperation as error:
            # A state this session never handed out: an old or replayed link.
            logger.warning("Single sign-on callback refused: %s", error)
            request.sso_refusal = unknown
            return self.login_failure()

    def login_failure(self):
        reason = getattr(self.request, "sso_refusal", None)
        if reason is None and self.request.GET.get("error"):
            reason = _("The identity platform did not log you in.")
        return render(
            self.request,
            "registration/sso_refused.html",
            {"reason": reason or _("The login could not be completed.")},
            status=403,
        )
