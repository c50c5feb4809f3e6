"""The integrations of the JSON API, for global administrators: the list,
a new integration with its token shown once, and revoking one."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from objectives.access import check_manages_integrations
from reporting.api import access
from reporting.api.actions import do_create_integration, do_revoke_integration
from reporting.api.forms import IntegrationForm


def integration_list(request):
    integrations = list(access.integrations(request.user))
    context = {"integrations": integrations}
    return render(request, "reporting/integrations/list.html", context)


# The answer to a valid form holds the token: no cache may keep it.
@never_cache
def integration_new(request):
    check_manages_integrations(request.user)
    form = IntegrationForm(request.POST if request.method == "POST" else None)
    if not form.is_valid():
        return render(request, "reporting/integrations/new.html", {"form": form})

    integration, token = do_create_integration(
        form.cleaned_data["name"],
        form.cleaned_data["username"],
        acting_user=request.user,
    )
    # Rendered, not redirected: the token is kept nowhere to be shown later.
    context = {"integration": integration, "token": token}
    return render(request, "reporting/integrations/created.html", context)


@require_POST
def integration_revoke(request, public_id):
    integration = access.get_integration(request.user, public_id)
    was_revoked = integration.is_revoked

    do_revoke_integration(integration, acting_user=request.user)
    if was_revoked:
        message = _("The integration %(name)s was already revoked.")
    else:
        message = _("The integration %(name)s is revoked: its token is refused.")
    messages.success(request, message % {"name": integration.name})
    return redirect("reporting:integration_list")
