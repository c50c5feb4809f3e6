"""Forms of the budget pages: structure elements, budget articles with their
amounts per year, and the objectives under an element. They validate; the
budget actions write."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from objectives import budget
from objectives.forms.manage import choice_box
from objectives.models import BudgetArticle, StructureElement

# Empty rows offered below the years of an article.
EXTRA_YEARS = 3
MAXIMUM_YEARS = 40


def _unique_code(model, code, instance, message):
    taken = model.objects.filter(code__iexact=code)
    if instance is not None and instance.pk:
        taken = taken.exclude(pk=instance.pk)
    if taken.exists():
        raise ValidationError(message % {"code": code}, code="duplicate_code")
    return code


class StructureElementForm(forms.ModelForm):
    class Meta:
        model = StructureElement
        fields = ["code", "title", "description"]
        help_texts = {
            "code": _("Unique across the government, for example “SE-MOW-001”."),
            "title": _("A neutral title that outlives legislatures."),
        }

    def clean_code(self):
        return _unique_code(
            StructureElement,
            self.cleaned_data["code"].strip(),
            self.instance,
            _("The code “%(code)s” is already used by another structure element."),
        )

    def values(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ElementChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, element):
        return f"{element.code} {element.title}"


class BudgetArticleForm(forms.ModelForm):
    """An article's code, title and structure elements. ``elements`` are
    the elements offered; links to other elements, which the user may not
    manage, are kept."""

    structure_elements = ElementChoiceField(
        label=_("Structure elements"),
        queryset=StructureElement.objects.none(),
        required=False,
        widget=choice_box(),
        help_text=_("The structure elements of the policy domain it funds."),
    )

    class Meta:
        model = BudgetArticle
        fields = ["code", "title"]
        help_texts = {"code": _("Unique across the budget, for example “MB0-1MAA2ZZ”.")}

    def __init__(self, data=None, *, elements, instance=None):
        super().__init__(data, instance=instance)
        self.offered = elements
        self.fields["structure_elements"].queryset = elements
        self.kept = []
        if instance is not None and instance.pk:
            current = list(instance.structure_elements.all())
            offered = set(elements)
            self.initial["structure_elements"] = [e for e in current if e in offered]
            self.kept = [e for e in current if e not in offered]

    def clean_code(self):
        return _unique_code(
            BudgetArticle,
            self.cleaned_data["code"].strip(),
            self.instance,
            _("The code “%(code)s” is already used by another budget article."),
        )

    def clean(self):
        cleaned = super().clean()
        chosen = cleaned.get("structure_elements")
        if chosen is not None and not chosen and not self.kept:
            self.add_error(
                "structure_elements",
                _("Link the article to at least one structure element."),
            )
        return cleaned

    def elements(self):
        return [*self.cleaned_data["structure_elements"], *self.kept]

    def values(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class AmountForm(forms.Form):
    year = forms.IntegerField(label=_("Budget year"), required=False)
    amount = forms.DecimalField(
        label=_("Amount (euro)"),
        required=False,
        max_digits=16,
        decimal_places=2,
        localize=True,
    )

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year is not None:
            budget.check_year(year)
        return year

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount is not None:
            budget.check_amount(amount)
        return amount

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("year") is None and cleaned.get("amount") is not None:
            self.add_error("year", _("Give the budget year of this amount."))
        return cleaned


class BaseAmountFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        years = [form.cleaned_data.get("year") for form in self.forms]
        years = [year for year in years if year is not None]
        doubled = sorted({year for year in years if years.count(year) > 1})
        if doubled:
            raise ValidationError(
                _("Each budget year comes once; %(years)s comes more than once.")
                % {"years": ", ".join(str(year) for year in doubled)},
                code="duplicate_year",
            )

    def amounts(self):
        """{year: amount} of the rows with both; a year without an amount is
        left out, and so removed."""
        return {
            form.cleaned_data["year"]: form.cleaned_data["amount"]
            for form in self.forms
            if form.cleaned_data.get("year") is not None
            and form.cleaned_data.get("amount") is not None
        }


AmountFormSet = forms.formset_factory(
    AmountForm,
    formset=BaseAmountFormSet,
    extra=EXTRA_YEARS,
    max_num=MAXIMUM_YEARS,
    validate_max=True,
)


def amount_formset(data=None, article=None):
    initial = []
    if article is not None and article.pk:
        initial = [
            {"year": amount.year, "amount": amount.amount}
            for amount in article.amounts.order_by("year")
        ]
    return AmountFormSet(data, initial=initial, prefix="amounts")


class ObjectiveChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, objective):
        return (
            f"{objective.lead_organisation} · {objective.code} {objective.title} "
            f"({objective.legislature})"
        )


class ElementObjectiveForm(forms.Form):
    """An objective to hang under a structure element (or to take from it),
    among ``objectives``."""

    objective = ObjectiveChoiceField(
        label=_("Objective"),
        queryset=None,
        to_field_name="public_id",
        help_text=_(
            "The objectives of the organisations of this policy domain that you "
            "may see."
        ),
    )

    def __init__(self, data=None, *, objectives):
        super().__init__(data)
        self.fields["objective"].queryset = objectives.select_related(
            "lead_organisation", "legislature"
        ).order_by("lead_organisation__name", "-legislature__start_date", "code")
