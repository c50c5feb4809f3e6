from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from objectives import access, linked
from objectives.presenters import RELATED, component_context


def component_detail(request, public_id, *, model):
    component = access.get_for_user(
        request.user, model, public_id, related=RELATED[model]
    )
    context = component_context(request.user, component)
    return render(request, "objectives/component_detail.html", context)


def linked_section(request, model, public_id, section):
    """Every item of one section of a detail page, a page at a time: the
    fragment for htmx, a page of its own without JavaScript."""
    component = access.get_for_user(request.user, model, public_id)
    found = linked.section(request.user, component, section)
    page = linked.paginate(found, request.GET.get("page"))

    if request.headers.get("HX-Request") == "true":
        template = "objectives/includes/_linked_section_page.html"
    else:
        template = "objectives/linked_section.html"
    context = {"component": component, "section": found, "page": page}
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response
