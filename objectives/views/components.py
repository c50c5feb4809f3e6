from django.shortcuts import render

from objectives import access
from objectives.presenters import component_context


def component_detail(request, public_id, *, model):
    component = access.get_for_user(request.user, model, public_id)
    context = component_context(request.user, component)
    return render(request, "objectives/component_detail.html", context)
