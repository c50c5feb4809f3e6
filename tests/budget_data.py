"""A budget to test with: two policy domains over departments A and B, their
structure elements, budget articles with amounts, and objectives under the
elements."""

from decimal import Decimal

from objectives.models import (
    BudgetAmount,
    BudgetArticle,
    Change,
    Confidentiality,
    Objective,
    Organisation,
    StructureElement,
)
from tests.factories import make_membership, make_objective, make_organisation
from tests.personas import PersonaTestCase, Role, make_persona


def make_element(domain, code, title="", **fields):
    return StructureElement.objects.create(
        policy_domain=domain, code=code, title=title or f"Element {code}", **fields
    )


def make_article(code, title, elements, amounts):
    article = BudgetArticle.objects.create(code=code, title=title)
    article.structure_elements.set(elements)
    for year, amount in amounts.items():
        BudgetAmount.objects.create(article=article, year=year, amount=Decimal(amount))
    return article


class BudgetTestCase(PersonaTestCase):
    """Department A lies in the policy domain Mobility, B in Education.

    Mobility has the elements SE-MOW-1 and SE-MOW-2; Education SE-OND-1.
    Article MOW-1 funds SE-MOW-1 (2025 and 2026), MOW-2 funds both
    elements of Mobility (2026), OND-1 funds SE-OND-1. SD 1 of A hangs
    under SE-MOW-1, SD 2 and the confidential SD 9 of A under SE-MOW-2,
    SD 5 of B under SE-OND-1. Each domain has an administrator of its own;
    the one of Mobility also reads department A.
    """

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        policy_domain = Organisation.Kind.POLICY_DOMAIN
        cls.mobility = make_organisation(
            ovo_number="OVO000010", name="Mobility and Public Works", kind=policy_domain
        )
        cls.education = make_organisation(
            ovo_number="OVO000020", name="Education and Training", kind=policy_domain
        )
        Organisation.objects.filter(pk=cls.organisation_a.pk).update(
            parent=cls.mobility
        )
        Organisation.objects.filter(pk=cls.organisation_b.pk).update(
            parent=cls.education
        )
        cls.organisation_a.refresh_from_db()
        cls.organisation_b.refresh_from_db()
        cls.domain_admin = make_persona(
            "domain_admin", cls.mobility, Role.ADMINISTRATOR
        )
        # Objectives are seen in the organisations that own them: the domain
        # administrator reads those of department A.
        make_membership(cls.domain_admin.person, cls.organisation_a, Role.READER)
        cls.other_domain_admin = make_persona(
            "other_domainadmin", cls.education, Role.ADMINISTRATOR
        )

        cls.element = make_element(cls.mobility, "SE-MOW-1", "Road safety")
        cls.second_element = make_element(cls.mobility, "SE-MOW-2", "Public transport")
        cls.foreign_element = make_element(cls.education, "SE-OND-1", "Schools")
        cls.article = make_article(
            "MOW-1",
            "Road safety: operating credits",
            [cls.element],
            {2025: "1000000", 2026: "1200000"},
        )
        cls.shared_article = make_article(
            "MOW-2",
            "Traffic subsidies",
            [cls.element, cls.second_element],
            {2026: "500000.50"},
        )
        cls.foreign_article = make_article(
            "OND-1", "School buildings", [cls.foreign_element], {2026: "300"}
        )

        cls.plan_objective.structure_element = cls.element
        cls.plan_objective.save()
        cls.transport_objective = make_objective(
            lead_organisation=cls.organisation_a,
            code="SD 2",
            title="Better buses",
            structure_element=cls.second_element,
        )
        cls.secret_objective = make_objective(
            lead_organisation=cls.organisation_a,
            code="SD 9",
            title="Secret tram plan",
            confidentiality=Confidentiality.CONFIDENTIAL,
            structure_element=cls.second_element,
        )
        cls.school_objective = make_objective(
            lead_organisation=cls.organisation_b,
            code="SD 5",
            title="Safe schools",
            structure_element=cls.foreign_element,
        )
        cls.unplaced_objective = make_objective(
            lead_organisation=cls.organisation_a, code="SD 3", title="Cleaner air"
        )

    def budget_state(self):
        """What a budget change may touch, to show that it did not."""
        return {
            "elements": list(
                StructureElement.objects.order_by("pk").values_list(
                    "code", "title", "description", "policy_domain", "is_archived"
                )
            ),
            "articles": list(
                BudgetArticle.objects.order_by("pk").values_list("code", "title")
            ),
            "links": sorted(
                BudgetArticle.structure_elements.through.objects.values_list(
                    "budgetarticle_id", "structureelement_id"
                )
            ),
            "amounts": sorted(
                BudgetAmount.objects.values_list("article_id", "year", "amount")
            ),
            "objectives": sorted(
                Objective.objects.values_list("pk", "structure_element_id")
            ),
            "changes": Change.objects.count(),
        }
