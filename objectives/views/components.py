from django.shortcuts import render

from objectives import access
from objectives.presenters import RELATED, component_context


def component_detail(request, public_id, *, model):
    component = access.get_for_user(
        request.user, model, public_id, related=RELATED[model]
    )
    context = component_context(request.user, component)
    return render(request, "objectives/component_detail.html", context)
