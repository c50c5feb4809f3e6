"""Budget amounts as people read them."""

from decimal import Decimal

from django import template

from objectives.charts import format_number

register = template.Library()


@register.filter
def euro(amount):
    """1.234.567 for whole euros, 1.234,50 with cents; empty for none."""
    if amount is None or amount == "":
        return ""
    amount = Decimal(amount)
    decimals = 0 if amount == amount.to_integral_value() else 2
    return format_number(amount, decimals)
