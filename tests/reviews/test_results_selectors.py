"""reviews.results: which sheets count, ranks per category, expert codes, staff-only figures, constant queries,
and the snapshot written when a round closes."""

from decimal import Decimal

import pytest

from reviews.enums import Aggregation, AssignmentState, SheetState
from reviews.models import RoundResult
from reviews.results import FLAG_INCOMPLETE, FLAG_OUTLIER, round_results, round_results_snapshot
from tests.factories.recommenders import contact_of, qc_edition, self_evaluated, submitted_application
from tests.factories.reviews import assigned, pool_expert, review_round, scored

pytestmark = [pytest.mark.unit, pytest.mark.django_db]

D = Decimal


@pytest.fixture
def edition():
    return qc_edition()


@pytest.fixture
def experts(edition):
    return [pool_expert(edition.programme, full_name=f"专家{i}") for i in range(1, 6)]


def _scored_application(round_, experts, totals, *, category="problem_solving", title="降低焊接缺陷率"):
    application = submitted_application(edition=round_.edition, category=category, title=title)
    for expert, total in zip(experts, totals, strict=False):
        scored(assigned(round_, application, expert), total)
    return application


def _row(results, application):
    return next(r for r in results.rows if r.application_id == application.pk)


def test_declined_recused_removed_and_draft_sheets_do_not_count(edition, experts):
    round_ = review_round(edition, aggregation=Aggregation.MEAN)
    application = submitted_application(edition=edition)
    scored(assigned(round_, application, experts[0]), 80)
    scored(assigned(round_, application, experts[1], state=AssignmentState.OFFERED), 90)
    for expert, state in zip(
        experts[2:], (AssignmentState.DECLINED, AssignmentState.RECUSED, AssignmentState.REMOVED), strict=True
    ):
        scored(assigned(round_, application, expert, state=state), 20)
    draft = assigned(round_, submitted_application(edition=edition), experts[0])
    scored(draft, 50, state=SheetState.DRAFT)

    results = round_results(round_)
    row = _row(results, application)

    assert row.result == D("85.00")
    assert row.count == 2
    assert [m.expert.id for m in row.marks] == [experts[0].pk, experts[1].pk]
    assert row.flags == ()
    draft_row = _row(results, draft.application)
    assert (draft_row.result, draft_row.count, draft_row.flags) == (None, 0, (FLAG_INCOMPLETE,))


def test_round_rule_stdev_outlier_and_codes(edition, experts):
    round_ = review_round(edition, aggregation=Aggregation.TRIMMED_MEAN, outlier_points=D("15"))
    application = _scored_application(round_, experts, [60, 80, 85, 90, 99])

    row = _row(round_results(round_), application)

    assert row.result == D("85.00")  # 60 and 99 dropped
    assert row.stdev == D("13.01")  # population σ of the five: √(846.8 / 5) = √169.36 = 13.0138…
    assert row.totals_by_expert == {e.pk: D(t) for e, t in zip(experts, (60, 80, 85, 90, 99), strict=True)}
    assert [m.expert.code for m in row.marks] == ["E01", "E02", "E03", "E04", "E05"]
    assert [m.expert.name for m in row.marks][:2] == ["专家1", "专家2"]
    # 60 is 28.5 from the mean of the others (88.5): flagged; 99 is 20.25 from 78.75: flagged too.
    assert [m.outlier for m in row.marks] == [True, False, False, False, True]
    assert row.flags == (FLAG_OUTLIER,)


def test_ranks_per_category_share_ties(edition, experts):
    round_ = review_round(edition, aggregation=Aggregation.MEAN)
    first = _scored_application(round_, experts[:2], [90, 80])  # 85
    tied = _scored_application(round_, experts[1:3], [85, 85])  # 85
    third = _scored_application(round_, experts[2:4], [70, 80])  # 75
    other = _scored_application(round_, experts[:2], [60, 61], category="innovation")  # alone in its category

    results = round_results(round_)

    assert {r.application_id: r.rank for r in results.rows} == {first.pk: 1, tied.pk: 1, third.pk: 3, other.pk: 1}
    assert [name for name, _rows in results.categories] == ["问题解决型", "创新型"]
    assert [r.rank for r in results.categories[0][1]] == [1, 1, 3]


def test_normalised_result_beside_the_raw_one(edition, experts):
    round_ = review_round(edition, aggregation=Aggregation.MEAN, normalise=True)
    strict, lenient = experts[:2]
    one = submitted_application(edition=edition)
    two = submitted_application(edition=edition)
    scored(assigned(round_, one, strict), 70)
    scored(assigned(round_, two, strict), 80)
    scored(assigned(round_, one, lenient), 80)
    scored(assigned(round_, two, lenient), 100)

    results = round_results(round_)

    assert (_row(results, one).result, _row(results, one).normalised) == (D("75.00"), D("71.60"))
    assert (_row(results, two).result, _row(results, two).normalised) == (D("90.00"), D("93.40"))
    assert [m.normalised for m in _row(results, one).marks] == [D("71.60"), D("71.60")]


def test_without_normalisation_nothing_is_normalised(edition, experts):
    round_ = review_round(edition)
    application = _scored_application(round_, experts[:2], [70, 80])
    assert _row(round_results(round_), application).normalised is None


def test_unit_and_recommender_scores_only_when_asked(edition, experts):
    round_ = review_round(edition)
    application = _scored_application(round_, experts[:2], [70, 80])
    self_evaluated(application, contact_of(application.unit))

    assert _row(round_results(round_), application).self_total is None
    row = _row(round_results(round_, with_chain_scores=True), application)
    assert row.self_total is not None and row.self_total > 0


def _round_with(edition, experts, count):
    round_ = review_round(edition)
    for i in range(count):
        _scored_application(round_, experts[i % 3 : i % 3 + 3], [70 + i % 7, 80, 85], title=f"课题{i}")
    return round_


def test_query_count_does_not_grow_with_the_round(edition, experts, django_assert_max_num_queries):
    small, large = _round_with(edition, experts, 5), _round_with(edition, experts, 30)

    with django_assert_max_num_queries(2):
        assert len(round_results(small, with_chain_scores=True).rows) == 5
    with django_assert_max_num_queries(2):
        assert len(round_results(large, with_chain_scores=True).rows) == 30


def test_snapshot_writes_one_result_per_application_and_replaces_an_earlier_one(edition, experts):
    round_ = review_round(edition, aggregation=Aggregation.MEAN, outlier_points=D("15"))
    application = _scored_application(round_, experts[:3], [80, 82, 60])
    round_results_snapshot(round=round_)
    round_results_snapshot(round=round_)

    result = RoundResult.objects.get(round=round_)
    assert (result.application_id, result.score, result.stdev, result.sheet_count, result.rank, result.flags) == (
        application.pk,
        D("74.00"),
        D("9.93"),
        3,
        1,
        [FLAG_OUTLIER],
    )


def test_closing_a_round_stores_its_results_once(edition, experts):
    from reviews.rounds import round_close
    from tests.factories import staff_user

    round_ = review_round(edition, aggregation=Aggregation.MEAN)
    application = _scored_application(round_, experts[:2], [80, 90])
    assert not RoundResult.objects.filter(round=round_).exists()

    round_close(actor=staff_user(), round=round_)
    result = RoundResult.objects.get(round=round_)
    assert (result.application_id, result.score, result.sheet_count, result.rank) == (application.pk, D("85.00"), 2, 1)

    # A second close (another tab) keeps the rows taken at closing (the database refuses to change them anyway:
    # tests/reviews/test_closed_round_locked.py).
    round_close(actor=staff_user(), round=round_)
    assert list(RoundResult.objects.filter(round=round_).values_list("pk", "score")) == [(result.pk, D("85.00"))]
