"""The budget behind policy: the structure elements of a policy domain, its
budget articles with their amounts per year, and the objectives under each
element. Everybody reads the budget; the administrators of a policy domain
(and global administrators) manage it."""

import copy

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from objectives import access, actions, budget, budget_actions
from objectives.forms.budget import (
    BudgetArticleForm,
    ElementObjectiveForm,
    StructureElementForm,
    amount_formset,
)
from objectives.models import Organisation


def budget_domain_list(request):
    domains = (
        access.visible(request.user, Organisation)
        .filter(kind=Organisation.Kind.POLICY_DOMAIN)
        .order_by("name")
    )
    context = {
        "domains": domains,
        "managed": set(
            access.budget_domains(request.user).values_list("pk", flat=True)
        ),
    }
    return render(request, "objectives/budget/domain_list.html", context)


def budget_domain_detail(request, ovo_number):
    domain = access.get_policy_domain(request.user, ovo_number)
    may_manage = access.can_manage_budget(request.user, domain)
    elements = budget.domain_elements(domain, with_archived=may_manage)
    context = {
        "domain": domain,
        "elements": [
            (e, budget.budget_table(e.budget_articles.all())) for e in elements
        ],
        "may_manage": may_manage,
    }
    return render(request, "objectives/budget/domain_detail.html", context)


def structure_element_detail(request, public_id):
    element = access.get_structure_element(request.user, public_id)
    may_manage = access.can_manage_budget(request.user, element.policy_domain)
    context = {
        "element": element,
        "table": budget.element_budget(element),
        "objectives": budget.objectives_of_element(request.user, element),
        "may_manage": may_manage,
    }
    if may_manage and not element.is_archived:
        candidates = access.objectives_for_element(request.user, element)
        context["link_form"] = ElementObjectiveForm(
            objectives=candidates.exclude(structure_element=element)
        )
    return render(request, "objectives/budget/element_detail.html", context)


def structure_element_create(request, ovo_number):
    domain = access.get_policy_domain(request.user, ovo_number, manage=True)
    form = StructureElementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        element = budget_actions.do_create_structure_element(
            policy_domain=domain, acting_user=request.user, **form.values()
        )
        messages.success(request, _("The structure element is created."))
        return redirect("objectives:structure_element_detail", element.public_id)
    context = {"form": form, "domain": domain, "title": _("New structure element")}
    return render(request, "objectives/budget/element_form.html", context)


def structure_element_edit(request, public_id):
    element = access.get_structure_element(request.user, public_id, manage=True)
    form = StructureElementForm(request.POST or None, instance=_copy(element))
    if request.method == "POST" and form.is_valid():
        budget_actions.do_update_structure_element(
            element, acting_user=request.user, **form.values()
        )
        messages.success(request, _("The structure element is saved."))
        return redirect("objectives:structure_element_detail", element.public_id)
    context = {
        "form": form,
        "domain": element.policy_domain,
        "element": element,
        "title": _("Edit %(element)s") % {"element": element},
    }
    return render(request, "objectives/budget/element_form.html", context)


def structure_element_archive(request, public_id, *, archived):
    """GET asks to confirm; POST archives or restores the element."""
    element = access.get_structure_element(request.user, public_id, manage=True)
    if request.method == "POST":
        actions.do_archive_component(
            element, acting_user=request.user, archived=archived
        )
        return redirect("objectives:structure_element_detail", element.public_id)
    context = {"element": element, "archived": archived}
    return render(request, "objectives/budget/element_archive.html", context)


@require_POST
def structure_element_objective_add(request, public_id):
    element = access.get_structure_element(request.user, public_id, manage=True)
    candidates = access.objectives_for_element(request.user, element)
    form = ElementObjectiveForm(request.POST, objectives=candidates)
    if element.is_archived:
        messages.error(request, _("An archived structure element takes no objectives."))
    elif not form.is_valid():
        messages.error(request, _("Choose one of the objectives offered."))
    else:
        objective = form.cleaned_data["objective"]
        budget_actions.do_set_structure_element(
            objective, element, acting_user=request.user
        )
        messages.success(
            request,
            _("%(objective)s hangs under this element.") % {"objective": objective},
        )
    return redirect("objectives:structure_element_detail", element.public_id)


@require_POST
def structure_element_objective_remove(request, public_id):
    element = access.get_structure_element(request.user, public_id, manage=True)
    candidates = access.objectives_for_element(request.user, element)
    form = ElementObjectiveForm(
        request.POST, objectives=candidates.filter(structure_element=element)
    )
    if form.is_valid():
        budget_actions.do_set_structure_element(
            form.cleaned_data["objective"], None, acting_user=request.user
        )
        messages.success(
            request, _("The objective no longer hangs under this element.")
        )
    else:
        messages.error(request, _("Choose one of the objectives under this element."))
    return redirect("objectives:structure_element_detail", element.public_id)


def budget_article_detail(request, public_id):
    article = access.get_budget_article(request.user, public_id)
    context = {
        "article": article,
        "table": budget.article_budget(article),
        "objectives": budget.objectives_of_article(request.user, article),
        "may_manage": access.can_manage_article(request.user, article),
    }
    return render(request, "objectives/budget/article_detail.html", context)


def budget_article_create(request, ovo_number):
    domain = access.get_policy_domain(request.user, ovo_number, manage=True)
    elements = domain.structure_elements.filter(is_archived=False).order_by("code")
    form = BudgetArticleForm(request.POST or None, elements=elements)
    amounts = amount_formset(request.POST or None)
    if request.method == "POST" and form.is_valid() and amounts.is_valid():
        article = budget_actions.do_create_budget_article(
            **form.values(),
            structure_elements=form.elements(),
            amounts=amounts.amounts(),
            acting_user=request.user,
        )
        messages.success(request, _("The budget article is created."))
        return redirect("objectives:budget_article_detail", article.public_id)
    context = {"form": form, "amounts": amounts, "domain": domain}
    context["title"] = _("New budget article")
    return render(request, "objectives/budget/article_form.html", context)


def budget_article_edit(request, public_id):
    article = access.get_budget_article(request.user, public_id, manage=True)
    elements = access.article_elements_offered(request.user, article)
    form = BudgetArticleForm(
        request.POST or None, elements=elements, instance=_copy(article)
    )
    amounts = amount_formset(request.POST or None, article)
    if request.method == "POST" and form.is_valid() and amounts.is_valid():
        budget_actions.do_update_budget_article(
            article,
            structure_elements=form.elements(),
            amounts=amounts.amounts(),
            acting_user=request.user,
            **form.values(),
        )
        messages.success(request, _("The budget article is saved."))
        return redirect("objectives:budget_article_detail", article.public_id)
    context = {"form": form, "amounts": amounts, "article": article}
    context["title"] = _("Edit %(article)s") % {"article": article}
    return render(request, "objectives/budget/article_form.html", context)


def _copy(instance):
    """A copy for a model form to change, so that the action still sees the
    saved values and records what really changed."""
    return copy.copy(instance)
