"""The functional administrators' pages: create, edit, archive and link
components. Contributors reach only the description form."""

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from objectives import access, actions
from objectives.access import Action
from objectives.forms.manage import FORMS, DescriptionForm
from objectives.models import (
    Indicator,
    Milestone,
    Objective,
    Process,
    Programme,
    Project,
)

# How many candidates the link picker shows before asking for a narrower search.
PICKER_LIMIT = 20


@dataclass(frozen=True)
class LinkKind:
    """One kind of link seen from one side.

    ``field`` is the many-to-many field on ``owner`` that holds the link;
    ``lookup`` goes from ``other`` back to the managed component; ``forward``
    says whether the managed component is the owner.
    """

    slug: str
    heading: Promise
    other: type
    field: str
    lookup: str
    forward: bool

    @property
    def other_name_plural(self):
        return self.other._meta.verbose_name_plural

    def arrange(self, component, other):
        """(source, field, target) for ``do_link`` and ``do_unlink``."""
        if self.forward:
            return component, self.field, other
        return other, self.field, component


LINK_KINDS = {
    Objective: [
        LinkKind(
            "projects",
            gettext_lazy("Projects"),
            Project,
            "projects",
            "objectives",
            True,
        ),
        LinkKind(
            "processes",
            gettext_lazy("Processes"),
            Process,
            "processes",
            "objectives",
            True,
        ),
        LinkKind(
            "indicators",
            gettext_lazy("Indicators"),
            Indicator,
            "indicators",
            "objectives",
            True,
        ),
        LinkKind(
            "contributes-to",
            gettext_lazy("Contributes to the objectives"),
            Objective,
            "contributes_to",
            "contributions",
            True,
        ),
        LinkKind(
            "contributions",
            gettext_lazy("Contributions from the objectives"),
            Objective,
            "contributes_to",
            "contributes_to",
            False,
        ),
    ],
    Project: [
        LinkKind(
            "objectives",
            gettext_lazy("Objectives it realises"),
            Objective,
            "projects",
            "projects",
            False,
        ),
        LinkKind(
            "programmes",
            gettext_lazy("Programmes"),
            Programme,
            "projects",
            "projects",
            False,
        ),
    ],
    Process: [
        LinkKind(
            "objectives",
            gettext_lazy("Objectives it realises"),
            Objective,
            "processes",
            "processes",
            False,
        )
    ],
    Indicator: [
        LinkKind(
            "objectives",
            gettext_lazy("Objectives it measures"),
            Objective,
            "indicators",
            "indicators",
            False,
        )
    ],
    Programme: [
        LinkKind(
            "projects",
            gettext_lazy("Projects"),
            Project,
            "projects",
            "programmes",
            True,
        )
    ],
}


NEW_TITLES = {
    Objective: gettext_lazy("New objective"),
    Project: gettext_lazy("New project"),
    Process: gettext_lazy("New process"),
    Programme: gettext_lazy("New programme"),
    Indicator: gettext_lazy("New indicator"),
}


class TargetForm(forms.Form):
    target = forms.UUIDField()


def _kind_name(model):
    return model._meta.verbose_name


def _refuse_register_fields(component):
    """Imported processes change only through the process register."""
    if getattr(component, "is_imported", False):
        raise PermissionDenied("Imported processes change only through the register.")


def _render_form(request, form, component, title):
    context = {
        "form": form,
        "component": component,
        "title": title,
        "cancel_url": component.get_absolute_url(),
    }
    return render(request, "objectives/manage/component_form.html", context)


# Create ------------------------------------------------------------------


def component_create(request, ovo_number, *, model):
    organisation = access.get_organisation(request.user, ovo_number)
    if not access.can_create(request.user, model, organisation):
        raise PermissionDenied

    data = request.POST if request.method == "POST" else None
    form = FORMS[model](data, user=request.user, owner=organisation)
    if form.is_bound and form.is_valid():
        arguments = form.create_arguments()
        if model is Project:
            component = actions.do_create_project(acting_user=request.user, **arguments)
        else:
            component = actions.do_create_component(
                model, acting_user=request.user, **arguments
            )
        message = _("“%(name)s” has been created.") % {"name": component}
        messages.success(request, message)
        return redirect(component)

    context = {"form": form, "title": NEW_TITLES[model], "organisation": organisation}
    context["cancel_url"] = organisation.get_absolute_url()
    return render(request, "objectives/manage/component_form.html", context)


def milestone_create(request, public_id):
    project = access.get_for_user(request.user, Project, public_id, Action.LINK)

    data = request.POST if request.method == "POST" else None
    form = FORMS[Milestone](data, user=request.user, owner=project)
    if form.is_bound and form.is_valid():
        milestone = actions.do_create_milestone(
            project, acting_user=request.user, **form.create_arguments()
        )
        message = _("“%(name)s” has been created.") % {"name": milestone}
        messages.success(request, message)
        return redirect(project)

    title = _("New milestone")
    return _render_form(request, form, project, title)


# Edit ----------------------------------------------------------------------


def _owner(component):
    """The project of a milestone; a component's form finds its own lead."""
    if isinstance(component, Milestone):
        return component.project
    return None


def _edit(request, component, form_class, title):
    """Validate and save an edit form; on a conflict, show it again."""
    data = request.POST if request.method == "POST" else None
    owner = _owner(component)
    form = form_class(data, user=request.user, owner=owner, component=component)
    if form.is_bound and form.is_valid():
        try:
            actions.do_edit_component(
                component,
                version=form.cleaned_data["version"],
                acting_user=request.user,
                **form.edit_arguments(),
            )
        except actions.EditConflict:
            component.refresh_from_db()
            data = data.copy()
            data["version"] = component.updated_at.isoformat()
            form = form_class(
                data, user=request.user, owner=owner, component=component, conflict=True
            )
        else:
            messages.success(request, _("Your changes have been saved."))
            return redirect(component)
    return _render_form(request, form, component, title)


def component_edit(request, public_id, *, model):
    component = access.get_for_user(request.user, model, public_id, Action.LINK)
    _refuse_register_fields(component)
    title = _("Edit %(name)s") % {"name": component}
    return _edit(request, component, FORMS[model], title)


def component_description_edit(request, public_id, *, model):
    component = access.get_for_user(request.user, model, public_id, Action.EDIT)
    _refuse_register_fields(component)
    title = _("Edit the description of %(name)s") % {"name": component}
    return _edit(request, component, DescriptionForm, title)


# Archive -------------------------------------------------------------------


def component_archive(request, public_id, *, model, archived):
    """GET asks for confirmation; POST archives (or restores)."""
    component = access.get_for_user(request.user, model, public_id, Action.DELETE)
    _refuse_register_fields(component)

    if request.method == "POST":
        actions.do_archive_component(
            component, acting_user=request.user, archived=archived
        )
        if archived:
            message = _("“%(name)s” has been archived.")
        else:
            message = _("“%(name)s” has been restored.")
        messages.success(request, message % {"name": component})
        return redirect(component)

    context = {"component": component, "archived": archived}
    context["kind"] = _kind_name(model)
    return render(request, "objectives/manage/archive_confirm.html", context)


# Links ---------------------------------------------------------------------


def _link_kind(model, slug):
    for kind in LINK_KINDS[model]:
        if kind.slug == slug:
            return kind
    raise Http404("No such link.")


def _linked(user, component, kind):
    return access.visible(user, kind.other).filter(**{kind.lookup: component})


def _candidates(user, component, kind, query):
    """Visible, unarchived components that ``kind`` could link, not yet linked."""
    candidates = (
        access.visible(user, kind.other)
        .filter(is_archived=False)
        .exclude(pk__in=_linked(user, component, kind).values("pk"))
    )
    if kind.other is type(component):
        candidates = candidates.exclude(pk=component.pk)
    if query:
        candidates = candidates.filter(
            Q(code__icontains=query) | Q(title__icontains=query)
        )
    return candidates


def component_links(request, public_id, *, model):
    component = access.get_for_user(request.user, model, public_id, Action.LINK)
    sections = [
        {
            "kind": kind,
            "linked": list(
                _linked(request.user, component, kind)
                .select_related("lead_organisation")
                .order_by("code")
            ),
        }
        for kind in LINK_KINDS[model]
    ]
    context = {"component": component, "sections": sections}
    context["model_name"] = model._meta.model_name
    return render(request, "objectives/manage/links.html", context)


def component_link_picker(request, public_id, kind, *, model):
    """Candidates to link, searched with ``q``: a page, or its list for htmx."""
    component = access.get_for_user(request.user, model, public_id, Action.LINK)
    kind = _link_kind(model, kind)
    query = request.GET.get("q", "").strip()

    candidates = list(
        _candidates(request.user, component, kind, query)
        .select_related("lead_organisation")
        .order_by("code", "pk")[: PICKER_LIMIT + 1]
    )
    context = {"component": component, "kind": kind, "query": query}
    context["model_name"] = model._meta.model_name
    context["candidates"] = candidates[:PICKER_LIMIT]
    context["has_more"] = len(candidates) > PICKER_LIMIT
    context["limit"] = PICKER_LIMIT
    if request.headers.get("HX-Request"):
        template = "objectives/includes/_manage_link_candidates.html"
    else:
        template = "objectives/manage/link_picker.html"
    return render(request, template, context)


def _link_target(request, component, kind):
    form = TargetForm(request.POST)
    if not form.is_valid():
        raise Http404("No such component.")
    return access.get_for_user(request.user, kind.other, form.cleaned_data["target"])


@require_POST
def component_link(request, public_id, kind, *, model):
    component = access.get_for_user(request.user, model, public_id, Action.LINK)
    kind = _link_kind(model, kind)
    target = _link_target(request, component, kind)
    if target.is_archived or target == component:
        raise Http404("Not a component to link.")

    actions.do_link(*kind.arrange(component, target), acting_user=request.user)
    messages.success(request, _("“%(name)s” has been linked.") % {"name": target})
    return redirect(f"objectives:{model._meta.model_name}_links", public_id)


@require_POST
def component_unlink(request, public_id, kind, *, model):
    component = access.get_for_user(request.user, model, public_id, Action.LINK)
    kind = _link_kind(model, kind)
    target = _link_target(request, component, kind)

    actions.do_unlink(*kind.arrange(component, target), acting_user=request.user)
    messages.success(request, _("“%(name)s” has been unlinked.") % {"name": target})
    return redirect(f"objectives:{model._meta.model_name}_links", public_id)
