"""Questions the lens and member hooks ask of the access layer."""

from django import template

from objectives import access

register = template.Library()


@register.simple_tag(takes_context=True)
def can_create_lenses(context):
    """Whether the page's user may create a lens in some organisation:
    ``{% can_create_lenses as may_create %}``."""
    return access.can_create_lenses(context["request"].user)


@register.simple_tag(takes_context=True)
def can_see_members(context, organisation):
    """Whether the page's user may read the members of ``organisation``."""
    return access.can_see_memberships(context["request"].user, organisation)
