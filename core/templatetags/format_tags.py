"""One display format per kind of figure. Scores (rubric points, totals, means) always show two decimals."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

register = template.Library()

TWO_PLACES = Decimal("0.01")


@register.filter
def score(value, empty="—"):
    """A score as every page shows it: 86 → "86.00", 82.5 → "82.50", 78.125 → "78.13"; None or "" → `empty`."""
    if value is None or value == "":
        return empty
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return value
    return str(number.quantize(TWO_PLACES, rounding=ROUND_HALF_UP))
