from django.shortcuts import render

from objectives import access
from objectives.access import Action
from objectives.cascades import organisation_cascades
from objectives.models import (
    Indicator,
    Milestone,
    Objective,
    Process,
    Programme,
    Project,
)
from objectives.presenters import component_context


def home(request):
    organisations = list(access.organisations_of(request.user).order_by("name"))
    cascades = organisation_cascades(request.user, organisations)
    return render(request, "objectives/home.html", {"cascades": cascades})


def _component_detail(request, model, public_id):
    component = access.get_for_user(request.user, model, public_id, Action.VIEW)
    context = component_context(request.user, component)
    return render(request, "objectives/component_detail.html", context)


def objective_detail(request, public_id):
    return _component_detail(request, Objective, public_id)


def project_detail(request, public_id):
    return _component_detail(request, Project, public_id)


def process_detail(request, public_id):
    return _component_detail(request, Process, public_id)


def programme_detail(request, public_id):
    return _component_detail(request, Programme, public_id)


def indicator_detail(request, public_id):
    return _component_detail(request, Indicator, public_id)


def milestone_detail(request, public_id):
    return _component_detail(request, Milestone, public_id)


def organisation_detail(request, ovo_number):
    organisation = access.get_organisation(request.user, ovo_number)
    cascades = organisation_cascades(request.user, [organisation])
    context = {"organisation": organisation, "cascades": cascades}
    return render(request, "objectives/organisation_detail.html", context)
