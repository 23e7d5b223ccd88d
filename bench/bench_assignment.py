"""Expert assignment for a document-review round: 5,000 applications, 200 experts, k = 5, against a greedy floor.

The pool is generated (seeded, so every run sees the same one): 4 categories in realistic proportions
(问题解决型 45 %, 创新型 25 %, 现场型 20 %, 服务型 10 %), each expert eligible for 1 to 3 of them with expertise in one,
load caps of 130 to 170 (25,000 slots against about 30,000 of capacity) and 2 % of the eligible pairs conflicted.
`reviews.assignment.assign` is pure (no database, no Django set-up), so only the solver is timed: its pre-checks,
the min-cost flow and the result. The floor is a greedy pass over the same candidate pairs (each application takes
the k least-loaded eligible, non-conflicted experts with room left): the least work any assignment can do, with no
guarantee of feasibility or balance. Prints both medians, their ratio, and the loads' spread and expertise matches of
each.

    .venv/bin/python bench/bench_assignment.py                    # median of 3 each
    .venv/bin/python bench/bench_assignment.py --applications 10000 --experts 400 --runs 5
"""

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reviews.assignment import Application, Expert, assign

CATEGORIES = {1: 45, 2: 25, 3: 20, 4: 10}  # 问题解决型, 创新型, 现场型, 服务型: share of the applications in %


def make_pool(applications: int, experts: int, seed: int = 2026):
    rng = random.Random(seed)
    categories, weights = list(CATEGORIES), list(CATEGORIES.values())
    apps = [Application(id=i + 1, category=c) for i, c in enumerate(rng.choices(categories, weights, k=applications))]
    pool = []
    for j in range(experts):
        eligible = frozenset(rng.sample(categories, rng.randint(1, 3)))
        expertise = frozenset({rng.choice(sorted(eligible))})
        pool.append(Expert(id=j + 1, cap=rng.randint(130, 170), eligible=eligible, expertise=expertise))
    conflicts = {(e.id, a.id) for a in apps for e in pool if a.category in e.eligible and rng.random() < 0.02}
    return apps, pool, conflicts


def greedy(applications, experts, k, conflicts):
    """The floor: one pass, each application takes the k least-loaded candidates (may leave slots unfilled)."""
    load = {e.id: 0 for e in experts}
    by_category = {c: [e for e in experts if c in e.eligible] for c in CATEGORIES}
    pairs = []
    for application in applications:
        candidates = [
            e
            for e in by_category[application.category]
            if load[e.id] < e.cap and (e.id, application.id) not in conflicts
        ]
        candidates.sort(key=lambda e: (load[e.id], application.category not in e.expertise, e.id))
        for expert in candidates[:k]:
            load[expert.id] += 1
            pairs.append((expert, application))
    return pairs, load


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=5000)
    parser.add_argument("--experts", type=int, default=200)
    parser.add_argument("-k", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    apps, experts, conflicts = make_pool(args.applications, args.experts)
    print(
        f"{len(apps)} applications, {len(experts)} experts, k = {args.k}, {len(conflicts)} conflicts, "
        f"capacity {sum(e.cap for e in experts)} for {len(apps) * args.k} slots"
    )
    solver_times, floor_times = [], []
    for _ in range(args.runs):  # interleaved, so both see the same machine load
        start = time.perf_counter()
        result = assign(applications=apps, experts=experts, k=args.k, conflicts=conflicts)
        solver_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        pairs, greedy_load = greedy(apps, experts, args.k, conflicts)
        floor_times.append(time.perf_counter() - start)

    solver, floor = statistics.median(solver_times), statistics.median(floor_times)
    counted = [greedy_load[e] for e in result.balanced_experts]
    print(f"{'':<34} {'median s':>9} {'runs':>5} {'spread':>7} {'matches':>8} {'filled':>7}")
    print(
        f"{'assignment (min-cost flow)':<34} {solver:>9.3f} {args.runs:>5} {result.spread:>7} "
        f"{result.expertise_matches:>8} {len(result.assignments):>7}"
    )
    print(
        f"{'floor (greedy pass)':<34} {floor:>9.3f} {args.runs:>5} {max(counted) - min(counted):>7} "
        f"{sum(a.category in e.expertise for e, a in pairs):>8} {len(pairs):>7}"
    )
    print()
    print(f"assignment: {solver / floor:.1f}× the floor's time; goal under 10 s: {'met' if solver < 10 else 'MISSED'}")


if __name__ == "__main__":
    main()
