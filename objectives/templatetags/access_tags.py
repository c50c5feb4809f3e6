from django import template

from objectives import access

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context, action, obj):
    """Whether the page's user may do ``action`` ("view", "edit", "link",
    "delete") on ``obj``: ``{% can "edit" component as may_edit %}``."""
    return access.can(context["request"].user, access.Action(action), obj)


@register.simple_tag(takes_context=True)
def can_create(context, model_name, organisation=None):
    """Whether the page's user may create a ``model_name`` in
    ``organisation`` (None: government-wide)."""
    model = access.model_named(model_name)
    return access.can_create(context["request"].user, model, organisation)
