from django import template
from django.db.models import prefetch_related_objects
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from objectives import access
from objectives.access import Action
from objectives.models import Milestone, Project

register = template.Library()


@register.simple_tag(takes_context=True)
def manage_links(context, component):
    """What the page's user may do to ``component`` from its detail page, as
    a list of {"label", "url", "is_secondary"}:
    ``{% manage_links component as links %}``."""
    user = context["request"].user
    if not isinstance(component, Milestone):
        # One query for the organisations, which every permission asks.
        prefetch_related_objects([component], "organisations")
    name = component._meta.model_name
    is_imported = getattr(component, "is_imported", False)
    # Whoever may relink may also edit, and only they may archive: ask the
    # access layer no more often than that needs.
    may_link = access.can(user, Action.LINK, component)
    may_edit = may_link or access.can(user, Action.EDIT, component)
    may_delete = may_link and access.can(user, Action.DELETE, component)

    def link(label, url_name, *args, is_secondary=True):
        url = reverse(f"objectives:{url_name}", args=args or [component.public_id])
        return {"label": label, "url": url, "is_secondary": is_secondary}

    links = []
    if may_link and not is_imported:
        links.append(link(_("Edit"), f"{name}_edit", is_secondary=False))
    elif may_edit and not is_imported:
        links.append(link(_("Edit description"), f"{name}_description_edit"))
    if may_link and not isinstance(component, Milestone):
        links.append(link(_("Links"), f"{name}_links"))
    if may_link and isinstance(component, Project):
        links.append(link(_("New milestone"), "milestone_create"))
    if may_delete and not is_imported:
        if component.is_archived:
            links.append(link(_("Restore"), f"{name}_restore"))
        else:
            links.append(link(_("Archive"), f"{name}_archive"))
    return links
