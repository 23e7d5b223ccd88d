"""One display format per kind of figure. Scores (rubric points, totals, means) always show two decimals."""

from django import template

from awards import scores

register = template.Library()


@register.filter
def score(value, empty="—"):
    """A score as every page, Excel and PDF shows it (`awards.scores`: two decimals, half up): 86 → "86.00",
    82.5 → "82.50", 85.025 → "85.03"; None or "" → `empty`."""
    return scores.display(value, empty)
