"""The assignment solver against its guarantees, on hypothesis-generated pools.

Optimality ("the spread is as small as it can be", "the most expertise matches when loads differ by at most one")
and infeasibility are checked against a second, independent solver: a CP-SAT model of the same rules.
"""

import math
import random
from dataclasses import dataclass

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from reviews.assignment import (
    Application,
    ApplicationShortage,
    AssignmentInfeasible,
    CategoryShortage,
    Expert,
    InvalidPair,
    OverfullApplication,
    UnfilledApplication,
    assign,
)

pytestmark = pytest.mark.unit


@dataclass
class Pool:
    applications: list
    experts: list
    k: int
    conflicts: frozenset = frozenset()
    pinned: frozenset = frozenset()
    forbidden: frozenset = frozenset()
    accepted: frozenset = frozenset()

    def kwargs(self):
        return {
            "applications": self.applications,
            "experts": self.experts,
            "k": self.k,
            "conflicts": self.conflicts,
            "pinned": self.pinned,
            "forbidden": self.forbidden,
            "accepted": self.accepted,
        }

    def allowed(self, expert, application):
        pair = (expert.id, application.id)
        return (
            application.category in expert.eligible
            and pair not in self.conflicts
            and pair not in self.forbidden
            and expert.cap > 0
        )


@st.composite
def pools(draw, max_apps=8):
    k = draw(st.sampled_from([3, 5]))
    categories = list(range(1, draw(st.integers(1, 3)) + 1))
    applications = [
        Application(id=100 + i, category=draw(st.sampled_from(categories)))
        for i in range(draw(st.integers(0, max_apps)))
    ]
    experts = [
        Expert(
            id=1 + j,
            cap=draw(st.integers(0, 12)),
            eligible=draw(st.frozensets(st.sampled_from(categories), min_size=1)),
            expertise=draw(st.frozensets(st.sampled_from(categories))),
        )
        for j in range(draw(st.integers(k - 1, k + 5)))
    ]
    pairs = sorted((e.id, a.id) for e in experts for a in applications)
    # A rate rather than a drawn set: hypothesis keeps drawn sets small, and conflicts must actually occur.
    rate, rng = draw(st.sampled_from([0, 0.1, 0.25])), draw(st.randoms(use_true_random=False))
    conflicts = frozenset(p for p in pairs if rng.random() < rate)
    return Pool(applications=applications, experts=experts, k=k, conflicts=conflicts)


def reference(pool):
    """CP-SAT on the same rules: (feasible, smallest spread, most expertise matches at a spread ≤ 1 or None)."""
    fixed = pool.pinned | pool.accepted
    model = cp_model.CpModel()
    x = {}
    for e in pool.experts:
        for a in pool.applications:
            if pool.allowed(e, a):
                x[e.id, a.id] = model.new_bool_var(f"x{e.id}_{a.id}")
    if any(pair not in x for pair in fixed):
        return False, None, None
    for pair in fixed:
        model.add(x[pair] == 1)
    for a in pool.applications:
        model.add(sum(x[e.id, a.id] for e in pool.experts if (e.id, a.id) in x) == pool.k)
    loads = {}
    for e in pool.experts:
        loads[e.id] = sum(x[e.id, a.id] for a in pool.applications if (e.id, a.id) in x)
        model.add(loads[e.id] <= e.cap)
    # Experts with any eligible work: kept work, or an allowed pair on an application that still has open slots.
    open_apps = {a.id for a in pool.applications if sum((e.id, a.id) in fixed for e in pool.experts) < pool.k}
    held = {e.id: sum((e.id, a.id) in fixed for a in pool.applications) for e in pool.experts}
    counted = [
        e.id
        for e in pool.experts
        if held[e.id] > 0
        or (
            held[e.id] < e.cap
            and any(pool.allowed(e, a) and a.id in open_apps and (e.id, a.id) not in fixed for a in pool.applications)
        )
    ]
    high, low = model.new_int_var(0, 100, "high"), model.new_int_var(0, 100, "low")
    for e in counted:
        model.add(high >= loads[e])
        model.add(low <= loads[e])
    model.minimize(high - low if counted else 0)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 20
    status = solver.solve(model)
    if status == cp_model.INFEASIBLE:
        return False, None, None
    assert status == cp_model.OPTIMAL
    spread = round(solver.objective_value)
    if spread > 1:
        return True, spread, None
    model.add(high - low <= spread)
    model.maximize(sum(var for (e, a), var in x.items() if pool_category(pool, a) in pool_expert(pool, e).expertise))
    assert solver.solve(model) == cp_model.OPTIMAL
    return True, spread, round(solver.objective_value)


def pool_category(pool, application_id):
    return next(a.category for a in pool.applications if a.id == application_id)


def pool_expert(pool, expert_id):
    return next(e for e in pool.experts if e.id == expert_id)


def check_valid(pool, result):
    by_app = {a.id: result.experts_of(a.id) for a in pool.applications}
    for application in pool.applications:
        experts = by_app[application.id]
        assert len(experts) == pool.k
        assert len(set(experts)) == pool.k
        for expert_id in experts:
            expert = pool_expert(pool, expert_id)
            assert application.category in expert.eligible
            assert (expert_id, application.id) not in pool.conflicts
            assert (expert_id, application.id) not in pool.forbidden
    for expert in pool.experts:
        load = sum(expert.id in experts for experts in by_app.values())
        assert load == result.loads[expert.id] <= expert.cap
    pairs = {(a.expert, a.application) for a in result.assignments}
    assert pool.accepted <= pairs
    assert pool.pinned <= pairs
    assert len(pairs) == len(result.assignments) == pool.k * len(pool.applications)


def category_capacity(pool, categories):
    """Independent count: each expert contributes min(cap, applications of those categories they may take)."""
    total = 0
    for expert in pool.experts:
        may_take = sum(1 for a in pool.applications if a.category in categories and pool.allowed(expert, a))
        total += min(expert.cap, may_take)
    return total


def solve(pool):
    try:
        return assign(**pool.kwargs()), None
    except AssignmentInfeasible as error:
        return None, error.reason


@given(pools())
def test_assignment_valid_and_optimal_or_infeasibility_real(pool):
    result, reason = solve(pool)
    feasible, spread, matches = reference(pool)
    assert (result is not None) == feasible
    if result is not None:
        check_valid(pool, result)
        assert result.spread == spread
        if spread <= 1:
            assert result.expertise_matches == matches
        return
    assert reason
    # The per-category shortages are exactly the categories whose slots exceed their experts' capacity.
    short = {
        c: (n, category_capacity(pool, {c}))
        for c in {a.category for a in pool.applications}
        if (n := sum(a.category == c for a in pool.applications)) * pool.k > category_capacity(pool, {c})
    }
    reported = {s.categories[0]: s for s in reason.category_shortages if len(s.categories) == 1}
    assert set(reported) == set(short)
    for category, (applications, capacity) in short.items():
        s = reported[category]
        assert (s.applications, s.k, s.slots, s.capacity) == (applications, pool.k, applications * pool.k, capacity)
        assert s.short == applications * pool.k - capacity > 0
    for s in reason.category_shortages:
        assert s.slots > s.capacity == category_capacity(pool, set(s.categories))
    few = {a.id: n for a in pool.applications if (n := sum(pool.allowed(e, a) for e in pool.experts)) < pool.k}
    assert {s.application: s.available for s in reason.application_shortages} == few


@given(
    k=st.sampled_from([3, 5]),
    n_apps=st.integers(1, 40),
    n_experts=st.integers(5, 12),
    slack=st.lists(st.integers(0, 3), min_size=12, max_size=12),
    categories=st.integers(1, 4),
    seed=st.integers(0, 10_000),
)
def test_assignment_balanced_when_everyone_may_judge_everything(k, n_apps, n_experts, slack, categories, seed):
    rng = random.Random(seed)
    floor = math.ceil(n_apps * k / n_experts)
    pool = Pool(
        applications=[Application(id=i, category=rng.randint(1, categories)) for i in range(n_apps)],
        experts=[
            Expert(
                id=j,
                cap=floor + slack[j],
                eligible=frozenset(range(1, categories + 1)),
                expertise=frozenset({rng.randint(1, categories)}),
            )
            for j in range(n_experts)
        ],
        k=k,
    )
    result = assign(**pool.kwargs())
    check_valid(pool, result)
    assert result.spread <= 1


@settings(max_examples=40)  # two solves and a CP-SAT reference per example, and infeasible first runs are skipped
@given(pools(), st.data())
def test_assignment_rerun_keeps_accepted_and_pins_and_refills_declined(pool, data):
    first, _ = solve(pool)
    assume(first is not None and first.assignments)
    pairs = [(a.expert, a.application) for a in first.assignments]
    accepted = data.draw(st.frozensets(st.sampled_from(pairs)))
    rest = [p for p in pairs if p not in accepted]
    pinned = data.draw(st.frozensets(st.sampled_from(rest))) if rest else frozenset()
    declinable = [p for p in rest if p not in pinned]
    declined = data.draw(st.frozensets(st.sampled_from(declinable), max_size=2)) if declinable else frozenset()
    rerun = Pool(
        applications=pool.applications,
        experts=pool.experts,
        k=pool.k,
        conflicts=pool.conflicts,
        accepted=accepted,
        pinned=pinned,
        forbidden=declined,  # a declined pair becomes forbidden
    )
    result, reason = solve(rerun)
    feasible, spread, _ = reference(rerun)
    assert (result is not None) == feasible
    if result is None:
        assert reason.unfilled_applications or reason.category_shortages or reason.application_shortages
        return
    check_valid(rerun, result)  # accepted and pinned kept, declined (forbidden) never used, each application k
    assert result.spread == spread
    sources = {(a.expert, a.application): a.source for a in result.assignments}
    assert all(sources[p] == "accepted" for p in accepted)
    assert all(sources[p] == "pinned" for p in pinned)
    assert all(sources[p] == "solver" for p in set(sources) - accepted - pinned)


@given(pools(max_apps=12), st.randoms(use_true_random=False))
def test_assignment_same_input_in_any_order_gives_same_output(pool, rng):
    result, reason = solve(pool)
    shuffled = Pool(
        applications=rng.sample(pool.applications, len(pool.applications)),
        experts=rng.sample(pool.experts, len(pool.experts)),
        k=pool.k,
        conflicts=frozenset(rng.sample(sorted(pool.conflicts), len(pool.conflicts))),
    )
    again, reason_again = solve(shuffled)
    assert again == result
    assert reason_again == reason


def test_assignment_reports_short_category_with_numbers():
    applications = [Application(id=i, category=7) for i in range(12)] + [Application(id=20, category=8)]
    experts = [Expert(id=j, cap=10, eligible=frozenset({7, 8})) for j in range(3)]
    experts.append(Expert(id=9, cap=10, eligible=frozenset({8})))
    with pytest.raises(AssignmentInfeasible) as caught:
        assign(applications=applications, experts=experts, k=3)
    reason = caught.value.reason
    shortage = CategoryShortage(categories=(7,), applications=12, k=3, slots=36, capacity=30)
    assert reason.category_shortages == (shortage,)
    assert reason.category_shortages[0].short == 6
    assert reason.messages(categories={7: "问题解决型", 8: "创新型"}) == [
        "Category 问题解决型: 12 applications × 3 experts = 36 slots, capacity of eligible experts without "
        "conflicts 30: short by 6."
    ]
    assert str(caught.value) == (
        "Category 7: 12 applications × 3 experts = 36 slots, capacity of eligible experts without "
        "conflicts 30: short by 6."
    )


def test_assignment_reports_categories_short_together():
    # Each category alone has 3 experts × 2 = 6 ≥ 2 × 3 slots, but the three experts are shared: 12 slots, 6 load.
    applications = [Application(id=i, category=1 + i % 2) for i in range(4)]
    experts = [Expert(id=j, cap=2, eligible=frozenset({1, 2})) for j in range(3)]
    with pytest.raises(AssignmentInfeasible) as caught:
        assign(applications=applications, experts=experts, k=3)
    assert caught.value.reason.category_shortages == (
        CategoryShortage(categories=(1, 2), applications=4, k=3, slots=12, capacity=6),
    )
    assert caught.value.reason.messages(categories={1: "A", 2: "B"}) == [
        "Categories A + B together: 4 applications × 3 experts = 12 slots, capacity of eligible experts without "
        "conflicts 6: short by 6."
    ]


def test_assignment_lists_applications_with_too_few_experts():
    applications = [Application(id=1, category=1), Application(id=2, category=1)]
    experts = [Expert(id=j, cap=5, eligible=frozenset({1})) for j in range(4)]
    conflicts = {(0, 2), (1, 2)}
    with pytest.raises(AssignmentInfeasible) as caught:
        assign(applications=applications, experts=experts, k=3, conflicts=conflicts)
    reason = caught.value.reason
    assert reason.application_shortages == (ApplicationShortage(application=2, available=2, k=3),)
    assert reason.messages(applications={2: "QC-2026-0002"}) == [
        "Application QC-2026-0002 has only 2 eligible experts without conflicts; it needs 3."
    ]


def test_assignment_names_applications_left_unfilled_by_the_flow():
    # The category has capacity (e0, e1, e2: 1 each = 3 slots) but applications 1 and 2 both depend on e0 alone.
    applications = [Application(id=i, category=1) for i in (1, 2, 3)]
    experts = [Expert(id=j, cap=1 if j == 0 else 5, eligible=frozenset({1})) for j in (0, 1, 2)]
    conflicts = {(1, 1), (2, 1), (1, 2), (2, 2)}
    with pytest.raises(AssignmentInfeasible) as caught:
        assign(applications=applications, experts=experts, k=1, conflicts=conflicts)
    reason = caught.value.reason
    assert not reason.category_shortages and not reason.application_shortages
    (unfilled,) = reason.unfilled_applications
    assert unfilled in {UnfilledApplication(application=a, assigned=0, k=1) for a in (1, 2)}


def test_assignment_refuses_conflicted_pin_and_overfull_application():
    applications = [Application(id=1, category=1)]
    experts = [Expert(id=j, cap=5, eligible=frozenset({1})) for j in range(5)]
    with pytest.raises(AssignmentInfeasible) as caught:
        assign(
            applications=applications,
            experts=experts,
            k=3,
            conflicts={(0, 1)},
            pinned={(0, 1), (1, 1), (2, 1)},
            accepted={(3, 1)},
        )
    reason = caught.value.reason
    assert reason.invalid_pairs == (InvalidPair(expert=0, application=1, problem="conflict"),)
    assert reason.overfull_applications == (OverfullApplication(application=1, fixed=4, k=3),)
    assert reason.messages() == [
        "Expert 0 cannot review application 1: conflict of interest.",
        "Application 1 has 4 pinned or accepted experts, more than 3.",
    ]


def test_assignment_prefers_expertise_when_balance_allows():
    applications = [Application(id=i, category=1 + i % 2) for i in range(4)]
    experts = [
        Expert(id=1, cap=4, eligible=frozenset({1, 2}), expertise=frozenset({1})),
        Expert(id=2, cap=4, eligible=frozenset({1, 2}), expertise=frozenset({2})),
    ]
    result = assign(applications=applications, experts=experts, k=1)
    assert [(a.application, a.expert) for a in result.assignments] == [(0, 1), (1, 2), (2, 1), (3, 2)]
    assert result.expertise_matches == 4
    assert result.spread == 0
