"""The members of an organisation and their roles.

Members of the organisation read the list; its administrators (and global
administrators) grant, change and end roles. Anyone else gets 404.
"""

import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from objectives import access, actions
from objectives.forms.members import (
    ChangeRoleForm,
    GrantRoleForm,
    MembershipForm,
    PersonSearchForm,
)
from objectives.models import Membership

MEMBERS_PER_PAGE = 50


def _list_url(organisation, query=""):
    url = reverse("objectives:member_list", args=[organisation.ovo_number])
    return f"{url}?{urlencode({'q': query})}#grant" if query else url


def _attempt(request, action, *args, done, **kwargs):
    """Run ``action``, keeping an administrator; say ``done`` or why not."""
    try:
        action(*args, acting_user=request.user, keep_an_administrator=True, **kwargs)
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        messages.success(request, done)


def _refuse_invalid(request, form):
    for errors in form.errors.values():
        messages.error(request, " ".join(errors))


def member_list(request, ovo_number):
    organisation = access.get_organisation_for_members(request.user, ovo_number)
    memberships = (
        organisation.memberships.active()
        .select_related("person")
        .order_by("person__last_name", "person__first_name", "pk")
    )
    page = Paginator(memberships, MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    may_manage = access.can_manage_memberships(request.user, organisation)
    search = PersonSearchForm(request.GET)

    context = {
        "organisation": organisation,
        "page": page,
        "may_manage": may_manage,
        "roles": Membership.Role.choices,
        "search": search,
        "candidates": search.results() if may_manage else [],
    }
    return render(request, "objectives/members/list.html", context)


def member_person_search(request, ovo_number):
    """The picker's candidates alone, for the live search."""
    organisation = access.get_organisation_for_members(
        request.user, ovo_number, manage=True
    )
    search = PersonSearchForm(request.GET)
    context = {
        "organisation": organisation,
        "search": search,
        "candidates": search.results(),
    }
    return render(request, "objectives/members/_people.html", context)


@require_POST
def member_grant(request, ovo_number):
    organisation = access.get_organisation_for_members(
        request.user, ovo_number, manage=True
    )
    form = GrantRoleForm(request.POST)
    if not form.is_valid():
        _refuse_invalid(request, form)
        return redirect(_list_url(organisation, request.POST.get("q", "")))

    person, role = form.cleaned_data["person"], form.cleaned_data["role"]
    done = _("%(person)s is now %(role)s.") % {
        "person": person,
        "role": Membership.Role(role).label,
    }
    _attempt(
        request, actions.do_grant_membership, person, organisation, role, done=done
    )
    return redirect(_list_url(organisation, form.cleaned_data["q"]))


@require_POST
def member_change(request, ovo_number):
    organisation = access.get_organisation_for_members(
        request.user, ovo_number, manage=True
    )
    form = ChangeRoleForm(request.POST, organisation=organisation)
    if not form.is_valid():
        _refuse_invalid(request, form)
        return redirect(_list_url(organisation))

    person, role = form.cleaned_data["person"], form.cleaned_data["role"]
    done = _("%(person)s is now %(role)s.") % {
        "person": person,
        "role": Membership.Role(role).label,
    }
    _attempt(
        request, actions.do_grant_membership, person, organisation, role, done=done
    )
    return redirect(_list_url(organisation))


@require_POST
def member_end(request, ovo_number):
    organisation = access.get_organisation_for_members(
        request.user, ovo_number, manage=True
    )
    form = MembershipForm(request.POST, organisation=organisation)
    if not form.is_valid():
        _refuse_invalid(request, form)
        return redirect(_list_url(organisation))

    # The end date is the last day of the role: ending today takes effect now.
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    done = _("The role of %(person)s has ended.") % {"person": form.membership.person}
    _attempt(
        request,
        actions.do_end_membership,
        form.membership,
        end_date=yesterday,
        done=done,
    )
    return redirect(_list_url(organisation))
