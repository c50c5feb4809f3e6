from django.shortcuts import render

from objectives import access
from objectives.cascades import organisation_cascades


def home(request):
    organisations = list(access.organisations_of(request.user).order_by("name"))
    cascades = organisation_cascades(request.user, organisations)
    return render(request, "objectives/home.html", {"cascades": cascades})


def organisation_detail(request, ovo_number):
    organisation = access.get_organisation(request.user, ovo_number)
    cascades = organisation_cascades(request.user, [organisation])
    context = {"organisation": organisation, "cascades": cascades}
    return render(request, "objectives/organisation_detail.html", context)
