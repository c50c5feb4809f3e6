import uuid

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from objectives.models.organisations import Organisation


class StructureElement(models.Model):
    """A stable heading that outlives legislatures, between policy and budget."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    policy_domain = models.ForeignKey(
        Organisation,
        verbose_name=_("policy domain"),
        on_delete=models.PROTECT,
        related_name="structure_elements",
    )
    is_archived = models.BooleanField(_("archived"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("structure element")
        verbose_name_plural = _("structure elements")

    def __str__(self):
        return f"{self.code} {self.title}"

    def get_absolute_url(self):
        return reverse("objectives:structure_element_detail", args=[self.public_id])


class BudgetArticle(models.Model):
    """A line of the budget, linked to the structure elements it funds."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=300)
    structure_elements = models.ManyToManyField(
        StructureElement,
        verbose_name=_("structure elements"),
        blank=True,
        related_name="budget_articles",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("budget article")
        verbose_name_plural = _("budget articles")

    def __str__(self):
        return f"{self.code} {self.title}"

    def get_absolute_url(self):
        return reverse("objectives:budget_article_detail", args=[self.public_id])


class BudgetAmount(models.Model):
    """The credit of a budget article in one budget year, in euro."""

    article = models.ForeignKey(
        BudgetArticle,
        verbose_name=_("budget article"),
        on_delete=models.CASCADE,
        related_name="amounts",
    )
    year = models.PositiveSmallIntegerField(_("budget year"))
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)

    class Meta:
        ordering = ["article", "year"]
        verbose_name = _("budget amount")
        verbose_name_plural = _("budget amounts")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "year"], name="budget_amount_one_per_year"
            )
        ]

    def __str__(self):
        return f"{self.article.code} {self.year}: {self.amount}"
