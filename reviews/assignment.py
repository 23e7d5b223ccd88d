"""Expert assignment for a review round: which experts review which applications.

A pure function: plain dataclasses in, plain dataclasses out, no ORM. The round's service builds the input from the
pool, the conflicts and the existing assignments, and saves what comes out.

Guarantees of `assign()` (it raises `AssignmentInfeasible` when they cannot all hold):

- every application gets exactly k distinct experts, each eligible for its category, never a conflicted or forbidden
  pair; no expert goes above their load cap for the round;
- accepted and pinned pairs are kept as they are (re-running never disturbs accepted work; the caller turns a
  declined pair into a forbidden one, and the application is refilled);
- loads are balanced: the solver minimises the sum of squared loads, which over the load vectors a flow can reach
  (an M-convex set) gives the decreasingly-minimal one, so the most loaded expert is as low and the least loaded as
  high as possible at the same time: the spread (max − min) is the smallest possible, ≤ 1 whenever some assignment
  achieves that. Among the assignments with those loads it takes the most expertise matches;
- the same input, in any order, gives the same output.

The model is a min-cost flow (OR-Tools): source → application (capacity: open slots) → expert (capacity 1, cost 0 for
an expertise match, 1 otherwise) → sink through parallel unit arcs whose costs are the marginal squares of the
expert's load, weighted so that balance always outranks expertise. The assignment is feasible exactly when the
maximum flow fills every open slot. Before solving, per-category capacity is checked so that staff get the reason in
their terms (which categories lack experts, by how many slots).
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from django.utils.functional import lazy
from django.utils.translation import gettext, ngettext
from ortools.graph.python import min_cost_flow

from core.exceptions import BusinessRuleError

# (expert id, application id): the order of every pair in this module.
Pair = tuple[int, int]
Source = Literal["accepted", "pinned", "solver"]
Problem = Literal["unknown", "conflict", "forbidden", "ineligible"]

# Unions of categories are checked for shortage up to this many categories (2^n subsets); beyond, only each
# category and all of them together.
MAX_CATEGORIES_FOR_UNIONS = 12


@dataclass(frozen=True)
class Application:
    id: int
    category: int


@dataclass(frozen=True)
class Expert:
    id: int
    cap: int  # maximum number of applications in this round
    eligible: frozenset[int]  # categories the expert may judge
    expertise: frozenset[int] = frozenset()  # categories of the expert's expertise (preferred, not required)


@dataclass(frozen=True)
class Assignment:
    expert: int
    application: int
    source: Source
    expertise_match: bool


@dataclass(frozen=True)
class AssignmentResult:
    assignments: tuple[Assignment, ...]  # sorted by application, then expert
    loads: Mapping[int, int]  # every expert's load in the round, kept pairs included
    balanced_experts: frozenset[int]  # experts with any eligible work: the ones the spread is measured over

    @property
    def spread(self) -> int:
        loads = [self.loads[e] for e in self.balanced_experts]
        return max(loads) - min(loads) if loads else 0

    @property
    def expertise_matches(self) -> int:
        return sum(a.expertise_match for a in self.assignments)

    @property
    def new(self) -> tuple[Assignment, ...]:
        return tuple(a for a in self.assignments if a.source == "solver")

    def experts_of(self, application: int) -> tuple[int, ...]:
        return tuple(a.expert for a in self.assignments if a.application == application)


@dataclass(frozen=True)
class InvalidPair:
    """A pinned or accepted pair that may not stand."""

    expert: int
    application: int
    problem: Problem


@dataclass(frozen=True)
class OverfullApplication:
    application: int
    fixed: int  # pinned and accepted experts
    k: int


@dataclass(frozen=True)
class OverloadedExpert:
    expert: int
    fixed: int  # pinned and accepted applications
    cap: int


@dataclass(frozen=True)
class ApplicationShortage:
    """An application with fewer than k eligible, non-conflicted, available experts in the whole pool."""

    application: int
    available: int
    k: int


@dataclass(frozen=True)
class CategoryShortage:
    """A category (or a set of categories sharing experts) whose slots exceed what its experts can take."""

    categories: tuple[int, ...]
    applications: int
    k: int
    slots: int
    capacity: int

    @property
    def short(self) -> int:
        return self.slots - self.capacity


@dataclass(frozen=True)
class UnfilledApplication:
    """Left short by the solver although the per-category capacity sufficed (its experts are taken elsewhere)."""

    application: int
    assigned: int
    k: int


@dataclass(frozen=True)
class InfeasibleReason:
    invalid_pairs: tuple[InvalidPair, ...] = ()
    overfull_applications: tuple[OverfullApplication, ...] = ()
    overloaded_experts: tuple[OverloadedExpert, ...] = ()
    application_shortages: tuple[ApplicationShortage, ...] = ()
    category_shortages: tuple[CategoryShortage, ...] = ()
    unfilled_applications: tuple[UnfilledApplication, ...] = ()

    def __bool__(self) -> bool:
        return any(getattr(self, name) for name in self.__dataclass_fields__)

    def messages(
        self,
        *,
        categories: Mapping[int, str] | None = None,
        applications: Mapping[int, str] | None = None,
        experts: Mapping[int, str] | None = None,
    ) -> list[str]:
        """One translated sentence per problem; the mappings give display names (ids are shown otherwise)."""

        def name(mapping, key):
            return str(mapping[key]) if mapping and key in mapping else str(key)

        problems = {
            "unknown": gettext("no such expert or application in this round"),
            "conflict": gettext("conflict of interest"),
            "forbidden": gettext("the pair is forbidden"),
            "ineligible": gettext("the expert may not judge this category"),
        }
        out = []
        for p in self.invalid_pairs:
            out.append(
                gettext("Expert %(expert)s cannot review application %(application)s: %(problem)s.")
                % {
                    "expert": name(experts, p.expert),
                    "application": name(applications, p.application),
                    "problem": problems[p.problem],
                }
            )
        for a in self.overfull_applications:
            out.append(
                gettext("Application %(application)s has %(fixed)d pinned or accepted experts, more than %(k)d.")
                % {"application": name(applications, a.application), "fixed": a.fixed, "k": a.k}
            )
        for e in self.overloaded_experts:
            out.append(
                gettext(
                    "Expert %(expert)s has %(fixed)d pinned or accepted applications, more than their load of %(cap)d."
                )
                % {"expert": name(experts, e.expert), "fixed": e.fixed, "cap": e.cap}
            )
        for s in self.category_shortages:
            values = {
                "category": " + ".join(name(categories, c) for c in s.categories),
                "applications": s.applications,
                "k": s.k,
                "slots": s.slots,
                "capacity": s.capacity,
                "short": s.short,
            }
            if len(s.categories) == 1:
                text = ngettext(
                    "Category %(category)s: %(applications)d application × %(k)d experts = %(slots)d slots, "
                    "capacity of eligible experts without conflicts %(capacity)d: short by %(short)d.",
                    "Category %(category)s: %(applications)d applications × %(k)d experts = %(slots)d slots, "
                    "capacity of eligible experts without conflicts %(capacity)d: short by %(short)d.",
                    s.applications,
                )
            else:
                text = ngettext(
                    "Categories %(category)s together: %(applications)d application × %(k)d experts = "
                    "%(slots)d slots, capacity of eligible experts without conflicts %(capacity)d: short by %(short)d.",
                    "Categories %(category)s together: %(applications)d applications × %(k)d experts = "
                    "%(slots)d slots, capacity of eligible experts without conflicts %(capacity)d: short by %(short)d.",
                    s.applications,
                )
            out.append(text % values)
        for a in self.application_shortages:
            out.append(
                ngettext(
                    "Application %(application)s has only %(available)d eligible expert without conflicts; "
                    "it needs %(k)d.",
                    "Application %(application)s has only %(available)d eligible experts without conflicts; "
                    "it needs %(k)d.",
                    a.available,
                )
                % {"application": name(applications, a.application), "available": a.available, "k": a.k}
            )
        for a in self.unfilled_applications:
            out.append(
                gettext(
                    "Application %(application)s can get only %(assigned)d of %(k)d experts: its eligible experts "
                    "are at their load limit with other applications."
                )
                % {"application": name(applications, a.application), "assigned": a.assigned, "k": a.k}
            )
        return out


class AssignmentInfeasible(BusinessRuleError):
    """No assignment meets the round's rules; `reason` says why, `messages()` in the staff's words."""

    def __init__(self, reason: InfeasibleReason):
        # Lazy: the module is used without Django's translation set up (benchmarks); the text is built when shown.
        super().__init__(lazy(lambda: " ".join(reason.messages()), str)(), code="assignment_infeasible")
        self.reason = reason


@dataclass
class _Pool:
    """The input, sorted by id and turned into expert × application matrices once."""

    applications: list[Application]
    experts: list[Expert]
    k: int
    conflicts: frozenset[Pair]
    forbidden: frozenset[Pair]
    fixed: dict[Pair, Source] = field(default_factory=dict)

    def __post_init__(self):
        self.app_by_id = {a.id: a for a in self.applications}
        self.expert_by_id = {e.id: e for e in self.experts}
        if len(self.app_by_id) != len(self.applications) or len(self.expert_by_id) != len(self.experts):
            raise ValueError("duplicate application or expert ids")
        self.app_index = {a.id: i for i, a in enumerate(self.applications)}
        self.expert_index = {e.id: i for i, e in enumerate(self.experts)}
        self.categories = sorted({a.category for a in self.applications})
        category_index = {c: i for i, c in enumerate(self.categories)}
        self.app_category = np.array([category_index[a.category] for a in self.applications], dtype=np.intp)
        shape = (len(self.experts), len(self.categories))
        eligible, expertise = np.zeros(shape, dtype=bool), np.zeros(shape, dtype=bool)
        for row, expert in enumerate(self.experts):
            eligible[row, [category_index[c] for c in expert.eligible if c in category_index]] = True
            expertise[row, [category_index[c] for c in expert.expertise if c in category_index]] = True
        self.caps = np.array([e.cap for e in self.experts], dtype=np.int64)
        # allowed[e, a]: eligible for the category, no conflict, not forbidden.
        self.allowed = eligible[:, self.app_category]
        blocked = self._indices(self.conflicts | self.forbidden)
        self.allowed[blocked] = False
        self.match = expertise[:, self.app_category]

    def _indices(self, pairs: Iterable[Pair]) -> tuple[np.ndarray, np.ndarray]:
        experts, apps = self.expert_index, self.app_index
        known = [(experts[e], apps[a]) for e, a in pairs if e in experts and a in apps]
        rows = np.array([r for r, _ in known], dtype=np.intp)
        columns = np.array([c for _, c in known], dtype=np.intp)
        return rows, columns

    def fixed_matrix(self) -> np.ndarray:
        fixed = np.zeros(self.allowed.shape, dtype=bool)
        fixed[self._indices(self.fixed)] = True
        return fixed

    def per_category(self, matrix: np.ndarray) -> np.ndarray:
        """expert × category counts of an expert × application matrix."""
        one_hot = np.zeros((len(self.applications), len(self.categories)), dtype=np.int64)
        one_hot[np.arange(len(self.applications)), self.app_category] = 1
        return matrix.astype(np.int64) @ one_hot


def assign(
    *,
    applications: Iterable[Application],
    experts: Iterable[Expert],
    k: int,
    conflicts: Iterable[Pair] = (),
    pinned: Iterable[Pair] = (),
    forbidden: Iterable[Pair] = (),
    accepted: Iterable[Pair] = (),
) -> AssignmentResult:
    """Assign k experts to every application (see the module docstring for the guarantees).

    Pairs are (expert id, application id). Raises `AssignmentInfeasible` with the reason when it cannot be done.
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    pool = _Pool(
        applications=sorted(applications, key=lambda a: a.id),
        experts=sorted(experts, key=lambda e: e.id),
        k=k,
        conflicts=frozenset(conflicts),
        forbidden=frozenset(forbidden),
    )
    for pair in sorted(set(pinned)):
        pool.fixed[pair] = "pinned"
    for pair in sorted(set(accepted)):  # accepted wins over pinned: the expert has said yes
        pool.fixed[pair] = "accepted"

    _check_fixed(pool)
    fixed = pool.fixed_matrix()
    _check_capacity(pool, fixed)
    return _solve(pool, fixed)


def _check_fixed(pool: _Pool) -> None:
    invalid = []
    by_app, by_expert = defaultdict(int), defaultdict(int)
    for e, a in sorted(pool.fixed):
        by_app[a] += 1
        by_expert[e] += 1
        expert, application = pool.expert_by_id.get(e), pool.app_by_id.get(a)
        if expert is None or application is None:
            problem = "unknown"
        elif (e, a) in pool.conflicts:
            problem = "conflict"
        elif (e, a) in pool.forbidden:
            problem = "forbidden"
        elif application.category not in expert.eligible:
            problem = "ineligible"
        else:
            continue
        invalid.append(InvalidPair(expert=e, application=a, problem=problem))
    overfull = tuple(
        OverfullApplication(application=a.id, fixed=by_app[a.id], k=pool.k)
        for a in pool.applications
        if by_app[a.id] > pool.k
    )
    overloaded = tuple(
        OverloadedExpert(expert=e.id, fixed=by_expert[e.id], cap=e.cap) for e in pool.experts if by_expert[e.id] > e.cap
    )
    reason = InfeasibleReason(
        invalid_pairs=tuple(invalid), overfull_applications=overfull, overloaded_experts=overloaded
    )
    if reason:
        raise AssignmentInfeasible(reason)


def _check_capacity(pool: _Pool, fixed: np.ndarray) -> None:
    """Necessary conditions, in staff's terms: enough experts per application, enough capacity per category.

    A category's capacity counts each expert at most once per application they may review and at most up to the
    load left after their kept work in other categories. Sets of categories sharing experts are checked too
    (Hall's condition over categories), reporting only the smallest sets that fall short.
    """
    k = pool.k
    available = pool.allowed & (pool.caps > 0)[:, None]
    experts_per_app = available.sum(axis=0)
    shortages = tuple(
        ApplicationShortage(application=a.id, available=int(experts_per_app[i]), k=k)
        for i, a in enumerate(pool.applications)
        if experts_per_app[i] < k
    )
    allowed_count = pool.per_category(pool.allowed)
    fixed_count = pool.per_category(fixed)
    apps_per_category = np.bincount(pool.app_category, minlength=len(pool.categories))

    m = len(pool.categories)
    if m <= MAX_CATEGORIES_FOR_UNIONS:
        subsets = [s for size in range(1, m + 1) for s in itertools.combinations(range(m), size)]
    else:
        subsets = [(i,) for i in range(m)] + [tuple(range(m))]
    short_sets: list[frozenset[int]] = []
    category_shortages = []
    for subset in subsets:
        chosen = frozenset(subset)
        if any(s <= chosen for s in short_sets):
            continue  # a smaller set already explains it
        inside = np.zeros(m, dtype=bool)
        inside[list(subset)] = True
        room = pool.caps - fixed_count[:, ~inside].sum(axis=1)
        capacity = int(np.maximum(np.minimum(room, allowed_count[:, inside].sum(axis=1)), 0).sum())
        applications = int(apps_per_category[inside].sum())
        if applications * k > capacity:
            short_sets.append(chosen)
            category_shortages.append(
                CategoryShortage(
                    categories=tuple(pool.categories[i] for i in subset),
                    applications=applications,
                    k=k,
                    slots=applications * k,
                    capacity=capacity,
                )
            )
    reason = InfeasibleReason(application_shortages=shortages, category_shortages=tuple(category_shortages))
    if reason:
        raise AssignmentInfeasible(reason)


def _solve(pool: _Pool, fixed: np.ndarray) -> AssignmentResult:
    k = pool.k
    n_experts, n_apps = fixed.shape
    held = fixed.sum(axis=1)  # per expert
    room = pool.caps - held
    demand = k - fixed.sum(axis=0)  # per application
    total = int(demand.sum())
    # Candidate pairs: open slots × allowed experts with room left, not already fixed on that application.
    candidates = pool.allowed & ~fixed & (room > 0)[:, None] & (demand > 0)[None, :]
    open_arcs = candidates.sum(axis=1)
    balanced = frozenset(e.id for i, e in enumerate(pool.experts) if held[i] > 0 or open_arcs[i] > 0)

    chosen = np.zeros(fixed.shape, dtype=bool)
    if total:
        source, sink = 0, n_apps + n_experts + 1
        # Application-major order, experts by id: the same input always builds the same graph.
        cand_app, cand_expert = np.nonzero(candidates.T)
        # Parallel expert → sink arcs, one per extra unit of load, priced at the step of the squared load.
        steps = np.minimum(room, open_arcs).clip(min=0)
        step_expert = np.repeat(np.arange(n_experts), steps)
        step_load = np.repeat(held, steps) + np.arange(steps.sum()) - np.repeat(np.cumsum(steps) - steps, steps) + 1
        # Balance outranks expertise: one step of squared load costs more than every expertise mismatch together.
        weight = total + 1
        tails = np.concatenate([np.zeros(n_apps), cand_app + 1, step_expert + n_apps + 1]).astype(np.int32)
        heads = np.concatenate([np.arange(1, n_apps + 1), cand_expert + n_apps + 1, np.full(len(step_expert), sink)])
        capacities = np.concatenate([demand, np.ones(len(cand_app) + len(step_expert), dtype=np.int64)])
        costs = np.concatenate(
            [
                np.zeros(n_apps, dtype=np.int64),
                (~pool.match[cand_expert, cand_app]).astype(np.int64),
                weight * (2 * step_load - 1),  # load² − (load − 1)²
            ]
        )
        flow = min_cost_flow.SimpleMinCostFlow()
        flow.add_arcs_with_capacity_and_unit_cost(
            tails, heads.astype(np.int32), capacities.astype(np.int64), costs.astype(np.int64)
        )
        flow.set_node_supply(source, total)
        flow.set_node_supply(sink, -total)
        # Unlike solve(), this one succeeds when not every slot can be filled, so the unfilled ones can be named.
        status = flow.solve_max_flow_with_min_cost()
        if status != flow.OPTIMAL:
            raise RuntimeError(f"min-cost flow failed with status {status}")
        used = np.flatnonzero(flow.flows(np.arange(n_apps, n_apps + len(cand_app), dtype=np.int32)))
        chosen[cand_expert[used], cand_app[used]] = True
        if flow.maximum_flow() < total:
            got = chosen.sum(axis=0)
            unfilled = tuple(
                UnfilledApplication(application=a.id, assigned=int(k - demand[i] + got[i]), k=k)
                for i, a in enumerate(pool.applications)
                if got[i] < demand[i]
            )
            raise AssignmentInfeasible(InfeasibleReason(unfilled_applications=unfilled))

    assignments = []
    for app_i, expert_i in zip(*np.nonzero((fixed | chosen).T), strict=True):
        expert, application = pool.experts[expert_i], pool.applications[app_i]
        assignments.append(
            Assignment(
                expert=expert.id,
                application=application.id,
                source=pool.fixed.get((expert.id, application.id), "solver"),
                expertise_match=bool(pool.match[expert_i, app_i]),
            )
        )
    loads = (fixed | chosen).sum(axis=1)
    return AssignmentResult(
        assignments=tuple(assignments),
        loads={e.id: int(loads[i]) for i, e in enumerate(pool.experts)},
        balanced_experts=balanced,
    )
