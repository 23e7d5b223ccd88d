"""Scores against a `Rubric`: the one module behind every score, total and mean.

Unit self-evaluation, the recommending organisation's reviewers and the experts score the same way: each rubric
item takes a decimal from 0 to the item's maximum with at most one decimal place; a sheet's total is the exact sum
of its items; the mean of several sheets is rounded half up to two decimals (the association's rounding: four
sheets totalling 340.1 give 85.025, shown 85.03 — never 85.02). Pages (`core` `|score`), Excel and PDF show the
figures this module returns, so they always agree.

Forms use `ScoreField` (through `RubricScoresMixin`); services re-check what they are given with `clean_sheet`,
which runs the very same fields, so a page and its endpoint give the same message for the same input.
"""

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Avg, DecimalField
from django.utils.translation import gettext as _

from core.exceptions import BusinessRuleError

ITEM_DECIMAL_PLACES = 1
ITEM_STEP = Decimal("0.1")
SHOWN_STEP = Decimal("0.01")  # totals and means are shown with two decimals
ZERO = Decimal("0")


def field_name(item) -> str:
    """The form field of a rubric item: `score_<code>`."""
    return f"score_{item.code}"


def round_half_up(value) -> Decimal | None:
    """Two decimals, half up: 85.025 → 85.03, 78.125 → 78.13, 86 → 86.00; None stays None."""
    if value is None or value == "":
        return None
    return Decimal(str(value)).quantize(SHOWN_STEP, rounding=ROUND_HALF_UP)


def display(value, empty: str = "—") -> str:
    """A score as text, two decimals half up; `empty` for None. Anything that is no number is returned as is."""
    try:
        rounded = round_half_up(value)
    except (ArithmeticError, ValueError, TypeError):
        return value
    return empty if rounded is None else str(rounded)


def total(scores: Mapping | Iterable) -> Decimal:
    """The exact sum of a sheet's item scores (a mapping code → score, or the scores), with no rounding."""
    values = scores.values() if isinstance(scores, Mapping) else scores
    return sum((Decimal(str(v)) for v in values if v not in (None, "")), ZERO)


def mean(totals: Iterable) -> Decimal | None:
    """The mean of several sheets' totals, half up to two decimals; None when there is no sheet."""
    values = [Decimal(str(t)) for t in totals if t is not None]
    return mean_of(sum(values, ZERO), len(values))


def mean_of(sum_of_totals, count: int) -> Decimal | None:
    """The mean from a sum and a count (as a query returns them), half up to two decimals."""
    if not count or sum_of_totals is None:
        return None
    return round_half_up(Decimal(str(sum_of_totals)) / count)


def mean_expression(field: str, **extra) -> Avg:
    """The mean of `field` in a query, kept to four decimals so `round_half_up` sees the exact .xx5 (PostgreSQL
    averages numerics exactly; a float average such as SQLite's is 85.02499999…, which four decimals restore).
    Show it through `round_half_up` (the `|score` filter)."""
    return Avg(field, output_field=DecimalField(max_digits=12, decimal_places=4), **extra)


# --- Input ----------------------------------------------------------------------------------------------------------


class ScoreInput(forms.NumberInput):
    """A score input: bounded for the browser (min / max / step), marked for the running total."""

    def __init__(self, item, attrs=None, step=None):
        super().__init__(
            attrs={
                "min": "0",
                "max": str(item.max_points),
                "step": str(step or ITEM_STEP),
                "inputmode": "decimal",
                "class": "form-control form-control-sm text-end score-input",
                "data-score-input": "",
                "data-max": str(item.max_points),
                "data-testid": f"score-{item.code}",
                **(attrs or {}),
            }
        )

    def format_value(self, value):
        # What was typed, even "abc" or "35": a refused save shows every value as it was entered.
        return None if value in (None, "") else str(value)


class ScoreField(forms.DecimalField):
    """One rubric item's score: 0 to the item's maximum, at most one decimal place (12.50 is 12.5). Cleans to a
    Decimal with one decimal place. Every message names the item, so a list of them reads on its own. `step` (e.g.
    0.5 for the association's experts) also refuses a score that is no multiple of it."""

    def __init__(self, item, step=None, **kwargs):
        name = item.localized("name")
        # Messages with parameters are %-formatted again by ValidationError: a "%" in the name must survive that.
        escaped = name.replace("%", "%%")
        bounds = _("“%(item)s”: the score must be between 0 and %(max)s.") % {"item": escaped, "max": item.max_points}
        kwargs.setdefault("required", True)
        super().__init__(
            label=name,
            min_value=ZERO,
            max_value=item.max_points,
            max_digits=None,
            decimal_places=ITEM_DECIMAL_PLACES,
            widget=ScoreInput(item, step=step),
            error_messages={
                "required": _("“%(item)s”: give a score.") % {"item": name},
                "invalid": _("“%(item)s”: enter a number.") % {"item": name},
                "min_value": bounds,
                "max_value": bounds,
                "max_decimal_places": _("“%(item)s”: use at most one decimal place.") % {"item": escaped},
            },
            **kwargs,
        )
        self.item = item
        self.step = Decimal(str(step)) if step else None
        self.step_message = _("“%(item)s”: use steps of %(step)s.") % {"item": name, "step": self.step}

    def to_python(self, value):
        number = super().to_python(value)
        # Trailing zeros are no extra decimal place: 12.50 is 12.5 (normalize would turn 10 into 1E+1: only
        # numbers with a fraction are normalised). "NaN", "sNaN" and "Infinity" parse as Decimals too: they are left
        # to DecimalField.validate, which refuses them as "enter a number" (comparing an sNaN would raise).
        if number is not None and number.is_finite() and number != number.to_integral_value():
            number = number.normalize()
        return number

    def clean(self, value):
        number = super().clean(value)
        if number is not None and self.step and number % self.step:
            raise ValidationError(self.step_message, code="step")
        return None if number is None else number.quantize(ITEM_STEP) + ZERO  # + 0 turns -0.0 into 0.0


def first_errors(form, names: Iterable[str]) -> list[str]:
    """The first error of each named field, in order (one message per wrong score)."""
    return [form.errors[name][0] for name in names if form.errors.get(name)]


class RubricScoresMixin:
    """A form that scores a rubric: `add_score_fields(items, saved)` adds one `ScoreField` per item (initial: the
    saved scores by item code); then `scores()`, `score_total()`, `score_errors()` and `score_rows()`."""

    def add_score_fields(self, items, saved: Mapping | None = None) -> None:
        self.items = list(items)
        for item in self.items:
            self.fields[field_name(item)] = ScoreField(item)
            if saved and saved.get(item.code) not in (None, ""):
                self.initial.setdefault(field_name(item), saved[item.code])

    def score_names(self) -> list[str]:
        return [field_name(item) for item in self.items]

    def scores(self) -> dict[str, Decimal]:
        """The valid scores by item code (call after `is_valid()`)."""
        data = getattr(self, "cleaned_data", {})
        return {item.code: data[field_name(item)] for item in self.items if data.get(field_name(item)) is not None}

    def score_total(self) -> Decimal | None:
        """The total of the typed scores when every one is valid, else None (the page shows "—")."""
        if not self.is_bound:
            return None
        self.is_valid()
        if any(self.errors.get(name) for name in self.score_names()):
            return None
        return total(self.scores())

    def score_errors(self) -> list[str]:
        """The form's own errors, then one message per wrong score, in rubric order."""
        if not self.is_bound:
            return []
        return list(self.non_field_errors()) + first_errors(self, self.score_names())

    def score_rows(self) -> list[dict]:
        """Item, bound field and whether the typed value is refused (to mark the input)."""
        rows = []
        for item in self.items:
            field = self[field_name(item)]
            rows.append({"item": item, "field": field, "invalid": self.is_bound and bool(field.errors)})
        return rows


def clean_sheet(items: Iterable, raw: Mapping, *, step=None, required: bool = True) -> tuple[dict[str, str], Decimal]:
    """A score sheet checked by the same fields as the form: (scores by item code as text with one decimal
    place, the total). Refuses with one message per wrong item (`BusinessRuleError`, code "scores"). `step`: scores
    must be multiples of it; `required=False`: items left empty are left out (a partial sheet saved for later)."""
    scores, problems = {}, []
    for item in items:
        try:
            number = ScoreField(item, step=step, required=required).clean(raw.get(item.code))
        except ValidationError as error:
            problems.append(error.messages[0])
            continue
        if number is not None:
            scores[item.code] = str(number)
    if problems:
        raise BusinessRuleError(" ".join(problems), code="scores")
    return scores, total(scores)


# --- Several sheets: median and spread (the association's round results, `reviews.aggregation`) -------------------


def median(totals: Iterable) -> Decimal | None:
    """The median of several sheets' totals (the mean of the middle two for an even count), half up to two
    decimals; None when there is no sheet."""
    values = sorted(Decimal(str(t)) for t in totals if t is not None)
    if not values:
        return None
    middle = len(values) // 2
    if len(values) % 2:
        return round_half_up(values[middle])
    return round_half_up((values[middle - 1] + values[middle]) / 2)


def exact_stdev(totals: Iterable) -> Decimal | None:
    """The population standard deviation σ = √(Σ(x − x̄)² / n), unrounded; None when there is no sheet.

    Population, not sample (n − 1): the experts of a round are the whole panel that scored the application, not a
    sample of a larger one, and σ is defined for a single sheet (0)."""
    values = [Decimal(str(t)) for t in totals if t is not None]
    if not values:
        return None
    centre = sum(values, ZERO) / len(values)
    return (sum(((v - centre) ** 2 for v in values), ZERO) / len(values)).sqrt()


def stdev(totals: Iterable) -> Decimal | None:
    """`exact_stdev`, half up to two decimals (what pages and documents show)."""
    return round_half_up(exact_stdev(totals))
