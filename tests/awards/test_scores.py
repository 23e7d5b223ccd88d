"""awards.scores: bounded score fields built from a rubric, exact totals, means half up to two decimals.

The rubric items are unsaved `RubricItem`s: the module reads only their code, names and maximum."""

from decimal import Decimal

import pytest
from django import forms

from awards import scores
from awards.models import RubricItem
from core.exceptions import BusinessRuleError
from core.templatetags.format_tags import score as score_filter

pytestmark = pytest.mark.unit

TOPIC = RubricItem(code="topic", name="选题", name_en="Choice of topic", max_points=Decimal("15.0"))
CAUSE = RubricItem(code="cause", name="原因分析", name_en="Cause analysis", max_points=Decimal("30.0"))
REPORT = RubricItem(code="report", name="报告", name_en="Report", max_points=Decimal("5.0"))
ITEMS = [TOPIC, CAUSE, REPORT]


class SheetForm(scores.RubricScoresMixin, forms.Form):
    def __init__(self, *args, saved=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_score_fields(ITEMS, saved)


# --- Rounding, totals, means --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("85.025"), "85.03"),  # half up, where half-even would give 85.02
        (Decimal("78.125"), "78.13"),
        (Decimal("85.015"), "85.02"),
        (Decimal("0.005"), "0.01"),
        (Decimal("85.0249"), "85.02"),
        (Decimal("86"), "86.00"),
        (Decimal("82.5"), "82.50"),
        ("85.025", "85.03"),
    ],
)
def test_round_half_up_to_two_decimals(value, shown):
    assert str(scores.round_half_up(value)) == shown
    assert score_filter(value) == shown  # the pages' |score filter rounds the same way


def test_round_half_up_keeps_none_and_the_filter_shows_the_empty_text():
    assert scores.round_half_up(None) is None
    assert (score_filter(None), score_filter(None, ""), score_filter("abc")) == ("—", "", "abc")


# Hand-computed: four reviewer sheets 90.0 + 84.5 + 80.1 + 85.5 = 340.1; 340.1 / 4 = 85.025 → 85.03.
FOUR_SHEETS = [Decimal("90.0"), Decimal("84.5"), Decimal("80.1"), Decimal("85.5")]


def test_mean_of_four_sheets_totalling_340_1_is_85_03():
    assert sum(FOUR_SHEETS) == Decimal("340.1")
    assert scores.mean(FOUR_SHEETS) == Decimal("85.03")
    assert scores.mean_of(Decimal("340.1"), 4) == Decimal("85.03")
    assert scores.mean_of(85.025 * 4, 4) == Decimal("85.03")  # a float sum (SQLite) gives the same figure


@pytest.mark.parametrize(
    ("totals", "mean"),
    [
        ([Decimal("90.0")], Decimal("90.00")),
        ([Decimal("90.0"), Decimal("84.5")], Decimal("87.25")),
        ([Decimal("80.0"), Decimal("80.0"), Decimal("80.1")], Decimal("80.03")),  # 80.0333…
        ([Decimal("80.1"), Decimal("80.1"), Decimal("80.0")], Decimal("80.07")),  # 80.0666…
        ([Decimal("70.1"), Decimal("70.0"), Decimal("70.0"), Decimal("70.0")], Decimal("70.03")),  # 70.025
        ([], None),
        ([None, Decimal("85.0")], Decimal("85.00")),
    ],
)
def test_mean_table(totals, mean):
    assert scores.mean(totals) == mean


def test_total_is_the_exact_sum_of_the_items():
    assert scores.total({"topic": "12.5", "cause": "27.3", "report": "4.1"}) == Decimal("43.9")
    assert scores.total([Decimal("15.0"), Decimal("30.0"), Decimal("5.0")]) == Decimal("50.0")
    assert scores.total({}) == Decimal("0")


# --- Fields -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("item", "typed", "message"),
    [
        (TOPIC, "15.1", "“Choice of topic”: the score must be between 0 and 15.0."),
        (CAUSE, "-0.1", "“Cause analysis”: the score must be between 0 and 30.0."),
        (CAUSE, "1e3", "“Cause analysis”: the score must be between 0 and 30.0."),
        (CAUSE, "abc", "“Cause analysis”: enter a number."),
        (CAUSE, "NaN", "“Cause analysis”: enter a number."),
        (CAUSE, "Infinity", "“Cause analysis”: enter a number."),
        (REPORT, "4.25", "“Report”: use at most one decimal place."),
        (REPORT, "", "“Report”: give a score."),
    ],
)
def test_a_refused_score_says_which_item_and_why(item, typed, message):
    field = scores.ScoreField(item)
    with pytest.raises(forms.ValidationError) as error:
        field.clean(typed)
    assert error.value.messages[0] == message


@pytest.mark.parametrize(
    ("typed", "clean"),
    [("15", "15.0"), ("0", "0.0"), ("-0", "0.0"), ("12.50", "12.5"), (" 7.3 ", "7.3"), (Decimal("7.30"), "7.3")],
)
def test_a_score_within_bounds_cleans_to_one_decimal_place(typed, clean):
    assert str(scores.ScoreField(TOPIC).clean(typed)) == clean


def test_the_field_bounds_the_browser_input_from_the_rubric():
    html = str(SheetForm()["score_cause"])
    for attribute in ('type="number"', 'min="0"', 'max="30.0"', 'step="0.1"', 'data-testid="score-cause"'):
        assert attribute in html


def test_a_bound_form_shows_every_value_as_typed_and_one_message_per_wrong_score():
    form = SheetForm({"score_topic": "16", "score_cause": "abc", "score_report": "4.0"})

    assert not form.is_valid()
    assert form.score_errors() == [
        "“Choice of topic”: the score must be between 0 and 15.0.",
        "“Cause analysis”: enter a number.",
    ]
    assert [(row["item"].code, row["field"].value(), row["invalid"]) for row in form.score_rows()] == [
        ("topic", "16", True),
        ("cause", "abc", True),
        ("report", "4.0", False),
    ]
    assert 'value="16"' in str(form["score_topic"]) and 'value="abc"' in str(form["score_cause"])
    assert form.score_total() is None


def test_a_valid_form_gives_decimals_and_the_total():
    form = SheetForm({"score_topic": "12.5", "score_cause": "27.30", "score_report": "4"})

    assert form.is_valid(), form.errors
    assert form.scores() == {"topic": Decimal("12.5"), "cause": Decimal("27.3"), "report": Decimal("4.0")}
    assert form.score_total() == Decimal("43.8")


def test_an_unbound_form_shows_the_saved_scores():
    form = SheetForm(saved={"topic": "12.5", "cause": "27.0"})
    assert [row["field"].value() for row in form.score_rows()] == ["12.5", "27.0", None]
    assert form.score_errors() == [] and form.score_total() is None


def test_a_percent_sign_in_an_item_name_survives_the_message():
    item = RubricItem(code="rate", name="达标率%", name_en="Rate %", max_points=Decimal("10.0"))
    with pytest.raises(forms.ValidationError) as error:
        scores.ScoreField(item).clean("11")
    assert error.value.messages == ["“Rate %”: the score must be between 0 and 10.0."]


# --- The service's check ------------------------------------------------------------------------------------------


def test_clean_sheet_gives_text_scores_and_the_total():
    assert scores.clean_sheet(ITEMS, {"topic": "12.50", "cause": Decimal("27"), "report": "4"}) == (
        {"topic": "12.5", "cause": "27.0", "report": "4.0"},
        Decimal("43.5"),
    )


def test_clean_sheet_refuses_with_one_message_per_wrong_item():
    with pytest.raises(BusinessRuleError) as error:
        scores.clean_sheet(ITEMS, {"topic": "15.5", "cause": "", "report": "4"})
    assert error.value.code == "scores"
    assert (
        error.value.message
        == "“Choice of topic”: the score must be between 0 and 15.0. “Cause analysis”: give a score."
    )
