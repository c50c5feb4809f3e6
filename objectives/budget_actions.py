"""Every write of the budget, each with its row of change history: the
structure elements of a policy domain, the budget articles with their
amounts per year, and the objectives that hang under an element.

Like ``objectives.actions``, these do not check permissions (views and the
import ask ``access`` first) and expect valid values (forms and the import
resource check them with ``objectives.budget``).
"""

import logging
from decimal import Decimal

from django.db import transaction

from objectives.actions import _field_changes, describe, record_change
from objectives.models import BudgetAmount, BudgetArticle, Change, StructureElement

logger = logging.getLogger(__name__)

CENT = Decimal("0.01")


@transaction.atomic
def do_create_structure_element(*, policy_domain, acting_user, **values):
    """A new structure element of ``policy_domain``."""
    element = StructureElement.objects.create(policy_domain=policy_domain, **values)
    changes = {name: [None, describe(value)] for name, value in values.items()}
    changes["policy_domain"] = [None, describe(policy_domain)]
    record_change(element, Change.Kind.CREATED, changes, acting_user=acting_user)
    logger.info("Created structure element %s", element.public_id)
    return element


@transaction.atomic
def do_update_structure_element(element, *, acting_user, **values):
    """Change the code, title or description; returns {field: [old, new]}."""
    changes = _field_changes(element, values)
    if changes:
        element.save(update_fields=[*changes, "updated_at"])
        record_change(element, Change.Kind.UPDATED, changes, acting_user=acting_user)
    return changes


def _set_elements(article, elements):
    """Link ``article`` to exactly ``elements``; {field: [old, new]}."""
    old = set(article.structure_elements.all())
    new = set(elements)
    if old == new:
        return {}
    article.structure_elements.set(new)
    return {"structure_elements": [describe(old), describe(new)]}


def _set_amounts(article, amounts, *, only_given=False):
    """Make the article's amounts those of {year: amount}; with
    ``only_given`` the years not in ``amounts`` are kept. Returns
    {"amount YEAR": [old, new]} of what changed."""
    existing = {amount.year: amount for amount in article.amounts.all()}
    changes = {}
    for year, value in sorted(amounts.items()):
        value = Decimal(value).quantize(CENT)
        current = existing.get(year)
        if current is None:
            BudgetAmount.objects.create(article=article, year=year, amount=value)
            changes[f"amount {year}"] = [None, describe(value)]
        elif current.amount != value:
            changes[f"amount {year}"] = [describe(current.amount), describe(value)]
            current.amount = value
            current.save(update_fields=["amount"])
    if not only_given:
        gone = [year for year in existing if year not in amounts]
        BudgetAmount.objects.filter(article=article, year__in=gone).delete()
        for year in sorted(gone):
            changes[f"amount {year}"] = [describe(existing[year].amount), None]
    return changes


@transaction.atomic
def do_create_budget_article(*, code, title, structure_elements, amounts, acting_user):
    """A new budget article linked to ``structure_elements``, with
    ``amounts`` ({year: amount})."""
    article = BudgetArticle.objects.create(code=code, title=title)
    changes = {"code": [None, code], "title": [None, title]}
    changes.update(_set_elements(article, structure_elements))
    changes.update(_set_amounts(article, amounts))
    record_change(article, Change.Kind.CREATED, changes, acting_user=acting_user)
    logger.info("Created budget article %s", article.public_id)
    return article


@transaction.atomic
def do_update_budget_article(
    article,
    *,
    acting_user,
    structure_elements=None,
    amounts=None,
    keep_other_years=False,
    **values,
):
    """Change an article's code or title, its structure elements (when
    given) and its amounts (when given: {year: amount}, the other years
    removed unless ``keep_other_years``). Returns {field: [old, new]}."""
    changes = _field_changes(article, values)
    if changes:
        article.save(update_fields=[*changes, "updated_at"])
    if structure_elements is not None:
        changes.update(_set_elements(article, structure_elements))
    if amounts is not None:
        changes.update(_set_amounts(article, amounts, only_given=keep_other_years))
    if changes:
        record_change(article, Change.Kind.UPDATED, changes, acting_user=acting_user)
    return changes


@transaction.atomic
def do_set_structure_element(objective, element, *, acting_user):
    """Hang ``objective`` under ``element`` (None: under none); the history
    of both the objective and the elements says so."""
    old = objective.structure_element
    if getattr(old, "pk", None) == getattr(element, "pk", None):
        return False
    objective.structure_element = element
    objective.save(update_fields=["structure_element", "updated_at"])
    record_change(
        objective,
        Change.Kind.UPDATED,
        {"structure_element": [describe(old), describe(element)]},
        acting_user=acting_user,
    )
    if old is not None:
        record_change(
            old,
            Change.Kind.UNLINKED,
            {"objective": [describe(objective), None]},
            acting_user=acting_user,
        )
    if element is not None:
        record_change(
            element,
            Change.Kind.LINKED,
            {"objective": [None, describe(objective)]},
            acting_user=acting_user,
        )
    return True
