"""The budget behind policy: structure elements, their budget articles and
the amounts per budget year, as the pages show them.

Budget figures are not confidential; the objectives beside them are read
through ``access``. Each helper runs a fixed number of queries whatever the
number of elements, articles or years.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from objectives import access
from objectives.models import BudgetAmount, BudgetArticle, Objective, StructureElement
from objectives.status import with_latest_status

# A budget year lies this many years around the current one at most: a year
# further off is a typing error.
YEARS_AROUND = 10
# More than the whole budget of the government: an amount above it is a
# typing error.
MAXIMUM_AMOUNT = Decimal("100000000000")


def year_range(today=None):
    """(first, last) budget year that may be entered."""
    year = (today or timezone.localdate()).year
    return year - YEARS_AROUND, year + YEARS_AROUND


def check_year(year, today=None):
    """Refuse a budget year out of range."""
    first, last = year_range(today)
    if not first <= year <= last:
        raise ValidationError(
            _("A budget year lies between %(first)s and %(last)s.")
            % {"first": first, "last": last},
            code="year_out_of_range",
        )


def check_amount(amount):
    """Refuse a negative or absurd amount, or one with fractions of cents."""
    if amount < 0:
        raise ValidationError(
            _("An amount cannot be negative."), code="negative_amount"
        )
    if amount > MAXIMUM_AMOUNT:
        raise ValidationError(
            _("An amount above %(maximum)s euro cannot be right.")
            % {"maximum": f"{MAXIMUM_AMOUNT:,.0f}".replace(",", ".")},
            code="absurd_amount",
        )
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError(
            _("An amount has at most two decimals (cents)."), code="cents"
        )


@dataclass
class ArticleLine:
    article: BudgetArticle
    # The amount of each year of the table, None where none is entered.
    amounts: list
    elements: list = field(default_factory=list)


@dataclass
class BudgetTable:
    """Articles with their amounts per year, and the total of each year."""

    years: list
    lines: list
    totals: list

    @property
    def is_empty(self):
        return not self.lines


def budget_table(articles, elements_of=None):
    """The table of ``articles`` (each with its ``amounts`` read), every
    article once; ``elements_of`` gives the elements to show beside one."""
    years = sorted({amount.year for a in articles for amount in a.amounts.all()})
    lines, totals = [], defaultdict(Decimal)
    for article in sorted(articles, key=lambda a: a.code):
        by_year = {amount.year: amount.amount for amount in article.amounts.all()}
        for year, amount in by_year.items():
            totals[year] += amount
        lines.append(
            ArticleLine(
                article=article,
                amounts=[by_year.get(year) for year in years],
                elements=elements_of(article) if elements_of else [],
            )
        )
    return BudgetTable(years, lines, [totals[year] for year in years])


def _articles_of(element_ids):
    """The articles linked to one of ``element_ids``, each once, with their
    amounts and elements: three queries."""
    return list(
        BudgetArticle.objects.filter(structure_elements__in=element_ids)
        .distinct()
        .prefetch_related(
            Prefetch("amounts", BudgetAmount.objects.order_by("year")),
            Prefetch("structure_elements", StructureElement.objects.order_by("code")),
        )
    )


def element_budget(element):
    """The budget behind one structure element: three queries."""
    if element is None:
        return None
    return budget_table(_articles_of([element.pk]))


def objectives_budget(objectives):
    """The budget behind ``objectives``: the distinct structure elements
    they hang under, the articles of those elements (each counted once,
    however many of the elements it funds) and the total per year. Three
    queries, none when no objective has an element."""
    element_ids = {o.structure_element_id for o in objectives if o.structure_element_id}
    if not element_ids:
        return budget_table([])
    articles = _articles_of(list(element_ids))

    def elements_of(article):
        return [e for e in article.structure_elements.all() if e.pk in element_ids]

    return budget_table(articles, elements_of)


def article_budget(article):
    """The amounts of one article (its ``amounts`` prefetched or read)."""
    return budget_table([article])


def objectives_of_article(user, article):
    """The current objectives ``user`` may see that hang under one of the
    article's structure elements, with their latest status: one query."""
    element_ids = [element.pk for element in article.structure_elements.all()]
    rows = (
        access.visible(user, Objective)
        .filter(structure_element__in=element_ids, is_archived=False)
        .select_related("lead_organisation", "legislature", "structure_element")
    )
    return list(with_latest_status(rows).order_by("-legislature__start_date", "code"))


def objectives_of_element(user, element):
    """The current objectives ``user`` may see under ``element``, with their
    latest status: one query."""
    rows = (
        access.visible(user, Objective)
        .filter(structure_element=element, is_archived=False)
        .select_related("lead_organisation", "legislature")
    )
    return list(with_latest_status(rows).order_by("-legislature__start_date", "code"))


def domain_elements(domain, *, with_archived=False, year=None):
    """The structure elements of a policy domain with their articles and
    their amounts (of ``year`` only, when given): three queries."""
    elements = domain.structure_elements.order_by("code")
    if not with_archived:
        elements = elements.filter(is_archived=False)
    amounts = BudgetAmount.objects.order_by("year")
    if year is not None:
        amounts = amounts.filter(year=year)
    return list(
        elements.prefetch_related(
            Prefetch(
                "budget_articles",
                BudgetArticle.objects.order_by("code").prefetch_related(
                    Prefetch("amounts", amounts)
                ),
            )
        )
    )
