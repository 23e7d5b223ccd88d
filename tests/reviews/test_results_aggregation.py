"""Round results against hand-computed tables (reviews.aggregation, through awards.scores)."""

from decimal import Decimal

import pytest

from awards import scores
from reviews import aggregation
from reviews.enums import Aggregation

pytestmark = pytest.mark.unit

D = Decimal


def test_mean_two_decimals_half_up():
    assert aggregation.round_score([80, 85, D("90.5")], Aggregation.MEAN) == D("85.17")  # 255.5 / 3 = 85.1666…
    # 340.1 / 4 = 85.025: the association rounds half up, never to even.
    assert aggregation.round_score([D("85.0"), D("85.0"), D("85.1"), D("85.0")], Aggregation.MEAN) == D("85.03")


def test_median_of_an_odd_and_an_even_count():
    assert aggregation.round_score([70, 90, 80], Aggregation.MEDIAN) == D("80.00")
    assert aggregation.round_score([90, 70, 85, 80], Aggregation.MEDIAN) == D("82.50")
    assert aggregation.round_score([D("80.5"), D("81.5"), D("82.0"), 90], Aggregation.MEDIAN) == D("81.75")


def test_trimmed_mean_with_four_scores_is_the_mean():
    assert aggregation.round_score([60, 80, 85, 95], Aggregation.TRIMMED_MEAN) == D("80.00")  # 320 / 4


def test_trimmed_mean_with_five_scores_drops_the_highest_and_the_lowest():
    assert aggregation.round_score([60, 80, 85, 90, 99], Aggregation.TRIMMED_MEAN) == D("85.00")  # (80+85+90)/3
    # Only one of two equal extremes goes.
    assert aggregation.round_score([80, 80, 81, 99, 99], Aggregation.TRIMMED_MEAN) == D("86.67")  # (80+81+99)/3


def test_the_trim_threshold_is_configurable():
    assert aggregation.round_score([60, 80, 85, 95], Aggregation.TRIMMED_MEAN, trim_min_count=4) == D("82.50")
    assert aggregation.round_score([60, 80, 85, 90, 99], Aggregation.TRIMMED_MEAN, trim_min_count=6) == D("82.80")


def test_no_scores_no_result_and_none_is_skipped():
    assert aggregation.round_score([], Aggregation.TRIMMED_MEAN) is None
    assert aggregation.round_score([None, 80, 90], Aggregation.MEAN) == D("85.00")
    with pytest.raises(ValueError):
        aggregation.round_score([80], "mode")


def test_population_standard_deviation():
    assert aggregation.stdev([80, 85, 90]) == D("4.08")  # √(50 / 3) = 4.0824…
    assert aggregation.stdev([2, 4, 4, 4, 5, 5, 7, 9]) == D("2.00")
    assert aggregation.stdev([88]) == D("0.00")
    assert aggregation.stdev([]) is None
    assert scores.exact_stdev([1, 3]) == D("1")


def test_outlier_is_more_than_the_points_from_the_mean_of_the_others():
    # 60 is 21 from (80 + 82) / 2; 80 is 9 from 71; 82 is 12 from 70.
    assert aggregation.outliers([80, 82, 60], 15) == [2]
    assert aggregation.outliers([80, 82, 60], D("21")) == []  # exactly 21 is not more than 21
    assert aggregation.outliers([80, 95], 15) == []
    assert aggregation.outliers([80, None, 50], 15) == [0, 2]  # two scores: each is 30 from the other
    assert aggregation.outliers([80], 1) == []


def test_zscores_put_a_strict_and_a_lenient_expert_on_one_scale():
    # Expert A gives 70 and 80 (μ 75, σ 5); B gives 80 and 100 (μ 90, σ 10). All four: M = 82.5,
    # S = √(475 / 4) = 10.8972…; each expert's lower score is z = −1 → 71.60, the higher z = +1 → 93.40.
    sheets = [("A", 1, 70), ("A", 2, 80), ("B", 1, 80), ("B", 2, 100)]
    normalised = aggregation.zscores(sheets)

    shown = {key: scores.round_half_up(value) for key, value in normalised.items()}
    assert shown == {("A", 1): D("71.60"), ("A", 2): D("93.40"), ("B", 1): D("71.60"), ("B", 2): D("93.40")}
    assert aggregation.round_score([normalised["A", 1], normalised["B", 1]]) == D("71.60")
    assert aggregation.round_score([70, 80]) == D("75.00")  # the raw result it is shown beside


def test_zscore_of_an_expert_without_spread_is_the_round_mean():
    normalised = aggregation.zscores([("A", 1, 70), ("A", 2, 90), ("C", 1, 77)])
    assert scores.round_half_up(normalised["C", 1]) == D("79.00")  # (70 + 90 + 77) / 3
    assert aggregation.zscores([]) == {}


def test_ranks_ties_share_a_rank():
    assert aggregation.ranks([D("90"), D("85"), D("90.00"), None, D("80")]) == [1, 3, 1, None, 4]


def test_median_helper_rounds_half_up():
    assert scores.median([D("85.02"), D("85.03")]) == D("85.03")  # 85.025
    assert scores.median([]) is None
