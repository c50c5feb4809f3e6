from urllib.parse import urlencode

from django.shortcuts import render
from django.utils import timezone

from objectives import access, budget, closing, cycle, dashboard, search
from objectives.cascades import add_beneath, lens_cascade, organisation_overview
from objectives.catalogue import lens_catalogue
from objectives.filters import MINIMUM_QUERY_LENGTH, SearchForm
from objectives.models import Legislature, Lens, Objective

# How many of the reports a user owes the home page lists.
OWED_SHOWN = 5


def home(request):
    today = timezone.localdate()
    responsibilities = dashboard.responsibilities(request.user, today)
    overdue, upcoming = dashboard.my_milestones(request.user, today)
    context = {
        "responsibilities": responsibilities,
        "responsibility_count": sum(
            len(group["components"]) for group in responsibilities
        ),
        "owed": cycle.owed_by_user(request.user, today),
        "owed_shown": f":{OWED_SHOWN}",
        "overdue_milestones": overdue,
        "upcoming_milestones": upcoming,
        "upcoming_days": dashboard.UPCOMING_DAYS,
        "changes": dashboard.recent_changes(request.user),
        "coordinated_lenses": dashboard.coordinated_lenses(request.user),
    }
    return render(request, "objectives/home.html", context)


def organisation_detail(request, ovo_number):
    organisation = access.get_organisation(request.user, ovo_number)
    overview = organisation_overview(
        request.user, organisation, request.GET, timezone.localdate()
    )
    context = {"organisation": organisation, "overview": overview}
    return render(request, "objectives/organisation_detail.html", context)


def lens_list(request):
    context = {"groups": lens_catalogue(request.user)}
    return render(request, "objectives/lens_list.html", context)


def lens_detail(request, public_id):
    lens = access.get_for_user(request.user, Lens, public_id)
    cascade = lens_cascade(request.user, lens)
    objectives = [line.objective for line in cascade.lines if line.objective]
    context = {
        "lens": lens,
        "cascade": cascade,
        "budget": budget.objectives_budget(objectives),
        "coordinators": list(lens.coordinators.order_by("last_name", "first_name")),
        "is_plan": lens.kind == Lens.Kind.TRANSVERSAL_PLAN,
    }
    if context["is_plan"]:
        context["validations"] = closing.validations_of(lens)
    return render(request, "objectives/lens_detail.html", context)


def objective_beneath(request, public_id):
    """What lies beneath an objective, as a fragment for the lens page."""
    objective = access.get_for_user(request.user, Objective, public_id)
    add_beneath(request.user, [objective])
    context = {"objective": objective}
    return render(request, "objectives/includes/_objective_beneath.html", context)


def search_results(request):
    form = SearchForm(
        request.GET or None,
        types=search.SEARCHED_TYPES,
        legislatures=Legislature.objects.all(),
    )
    context = {
        "form": form,
        "types": search.SEARCHED,
        "minimum_length": MINIMUM_QUERY_LENGTH,
    }
    if form.is_valid():
        terms, chosen = form.terms(), form.cleaned_data["type"]
        legislature = form.chosen_legislature()
        context["legislature_query"] = (
            urlencode({"legislature": legislature.name}) if legislature else ""
        )
        if chosen:
            context["page"] = search.results_page(
                request.user, terms, chosen, request.GET.get("page"), legislature
            )
            context["chosen"] = chosen
        else:
            groups = search.preview(request.user, terms, legislature)
            context["groups"] = groups
            context["found_any"] = any(group.total for group in groups)
    return render(request, "objectives/search.html", context)
