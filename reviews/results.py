"""Round results: what staff see per application of a round, and the snapshot written when the round closes.

`round_results(round_)` reads the round in two queries whatever its size (three with the unit's and the
recommender's scores, `with_chain_scores=True`, which only staff pages ask for — never shown to experts):

1. every assignment of the round, with its application (category, unit), expert and sheet;
2. (optional) the unit's self-evaluation and the recommending organisation's reviewers' totals.

Only SUBMITTED sheets of live assignments (offered / accepted) count; declined, recused and removed assignments are
left out entirely. Experts get a stable code by expert order within the round (E01, E02, ... by expert id), used
in blind rounds instead of names. Figures go through `reviews.aggregation` (and so `awards.scores`).
"""

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from awards import scores

from . import aggregation
from .enums import LIVE_ASSIGNMENT_STATES, SheetState
from .models import Assignment, ReviewRound, RoundResult

FLAG_OUTLIER = "outlier"  # one expert is more than `outlier_points` from the mean of the others
FLAG_INCOMPLETE = "incomplete"  # a live assignment has no submitted sheet yet


@dataclass(frozen=True)
class ExpertColumn:
    id: int
    code: str  # E01, E02, ... stable within the round
    name: str


@dataclass(frozen=True)
class Mark:
    """One live assignment's score in a row: the expert's total (None until the sheet is submitted)."""

    expert: ExpertColumn
    total: Decimal | None
    normalised: Decimal | None = None
    outlier: bool = False
    sheet_id: int | None = None  # staff correct a closed round's sheet from its mark

    @property
    def submitted(self) -> bool:
        return self.total is not None


@dataclass(frozen=True)
class ResultRow:
    application_id: int
    category_id: int
    category: str
    number: str
    code: str
    title: str
    unit: str
    marks: tuple[Mark, ...]
    result: Decimal | None
    stdev: Decimal | None
    count: int
    normalised: Decimal | None
    flags: tuple[str, ...]
    rank: int | None = None
    self_total: Decimal | None = None  # staff only: the unit's self-evaluation
    recommender_mean: Decimal | None = None  # staff only: the recommender's reviewers' mean

    @property
    def totals_by_expert(self) -> dict[int, Decimal | None]:
        return {mark.expert.id: mark.total for mark in self.marks}


@dataclass(frozen=True)
class RoundResults:
    round: ReviewRound
    experts: tuple[ExpertColumn, ...]
    rows: tuple[ResultRow, ...]
    categories: tuple[tuple[str, tuple[ResultRow, ...]], ...] = field(default=())

    @property
    def max_marks(self) -> int:
        return max((len(row.marks) for row in self.rows), default=0)


def expert_code(position: int) -> str:
    return f"E{position:02d}"


def _chain_scores(application_ids) -> dict[int, tuple[Decimal | None, Decimal | None]]:
    """(self-evaluation total, recommender reviewers' mean) by application, in one query."""
    from recommenders.enums import EndorsementLevel
    from recommenders.models import Evaluation

    self_totals, reviewer_totals = {}, {}
    rows = Evaluation.objects.filter(application_id__in=application_ids).values_list("application_id", "level", "total")
    for application_id, level, total in rows:
        if level == EndorsementLevel.UNIT:
            self_totals[application_id] = total
        elif level == EndorsementLevel.RECOMMENDER:
            reviewer_totals.setdefault(application_id, []).append(total)
    return {
        a: (self_totals.get(a), scores.mean(reviewer_totals.get(a, [])))
        for a in set(self_totals) | set(reviewer_totals)
    }


def round_results(round_: ReviewRound, *, with_chain_scores: bool = False) -> RoundResults:
    """Every application of the round with a live assignment: its experts' totals, result, σ, count, normalised
    result, flags and rank within its category (ties share a rank: 1, 1, 3). Ordered by category, rank, number."""
    assignments = list(
        Assignment.objects.filter(round=round_, state__in=LIVE_ASSIGNMENT_STATES)
        .select_related("application__category", "application__unit", "expert__user", "sheet")
        .order_by("application_id", "expert_id")
    )
    expert_ids = sorted({a.expert_id for a in assignments})
    names = {a.expert_id: a.expert.user.full_name or a.expert.user.email for a in assignments}
    experts = {e: ExpertColumn(id=e, code=expert_code(i), name=names[e]) for i, e in enumerate(expert_ids, start=1)}

    by_application: dict[int, list[Assignment]] = {}
    for assignment in assignments:
        by_application.setdefault(assignment.application_id, []).append(assignment)

    def counted_total(assignment):
        sheet = getattr(assignment, "sheet", None)
        if sheet is None or sheet.state != SheetState.SUBMITTED or sheet.total is None:
            return None
        return sheet.total

    normalised = {}
    if round_.normalise:
        normalised = aggregation.zscores(
            (a.expert_id, a.application_id, counted_total(a)) for a in assignments if counted_total(a) is not None
        )
    chain = _chain_scores(list(by_application)) if with_chain_scores else {}

    rows = []
    for application_id, items in by_application.items():
        application = items[0].application
        totals = [counted_total(a) for a in items]
        flagged = set(aggregation.outliers(totals, round_.outlier_points))
        marks = tuple(
            Mark(
                expert=experts[a.expert_id],
                total=total,
                normalised=scores.round_half_up(normalised.get((a.expert_id, application_id))),
                outlier=index in flagged,
                sheet_id=getattr(getattr(a, "sheet", None), "pk", None),
            )
            for index, (a, total) in enumerate(zip(items, totals, strict=True))
        )
        present = [t for t in totals if t is not None]
        flags = []
        if flagged:
            flags.append(FLAG_OUTLIER)
        if len(present) < len(totals):
            flags.append(FLAG_INCOMPLETE)
        result_normalised = None
        if round_.normalise:
            result_normalised = aggregation.round_score(
                [
                    normalised[(a.expert_id, application_id)]
                    for a in items
                    if (a.expert_id, application_id) in normalised
                ],
                round_.aggregation,
                round_.trim_min_count,
            )
        self_total, recommender_mean = chain.get(application_id, (None, None))
        rows.append(
            ResultRow(
                application_id=application_id,
                category_id=application.category_id,
                category=application.category.name,
                number=application.number or "",
                code=next((a.code for a in items if a.code), ""),
                title=application.title,
                unit=application.unit.name,
                marks=marks,
                result=aggregation.round_score(present, round_.aggregation, round_.trim_min_count),
                stdev=aggregation.stdev(present),
                count=len(present),
                normalised=result_normalised,
                flags=tuple(flags),
                self_total=self_total,
                recommender_mean=recommender_mean,
            )
        )

    # Rank within each category; categories in their edition order.
    category_order = {}
    for items in by_application.values():
        category = items[0].application.category
        category_order[category.pk] = (category.position, category.pk)
    ranked = []
    for category_id in sorted(category_order, key=category_order.get):
        members = [r for r in rows if r.category_id == category_id]
        places = aggregation.ranks([r.result for r in members])
        members = [_with_rank(r, place) for r, place in zip(members, places, strict=True)]
        members.sort(key=lambda r: (r.rank is None, r.rank or 0, r.number, r.code))
        ranked.extend(members)
    categories = []
    for row in ranked:
        if not categories or categories[-1][0] != row.category:
            categories.append((row.category, []))
        categories[-1][1].append(row)
    return RoundResults(
        round=round_,
        experts=tuple(experts[e] for e in expert_ids),
        rows=tuple(ranked),
        categories=tuple((name, tuple(members)) for name, members in categories),
    )


def _with_rank(row: ResultRow, rank: int | None) -> ResultRow:
    return ResultRow(**{**row.__dict__, "rank": rank})


def results_version(results: RoundResults, *, shows_names: bool) -> str:
    """A digest of what a summary prints: it changes exactly when a figure, a flag, a name or the choice does."""
    experts = tuple((e.code, e.name if shows_names else "") for e in results.experts)
    rows = tuple(
        (
            r.number,
            r.code,
            r.title,
            r.category,
            tuple((m.expert.code, m.total) for m in r.marks),
            r.result,
            r.stdev,
            r.rank,
            r.flags,
        )
        for r in results.rows
    )
    text = repr((results.round.name, results.round.edition_id, shows_names, experts, rows))
    return hashlib.sha256(text.encode()).hexdigest()


@transaction.atomic
def round_results_snapshot(*, round: ReviewRound) -> list[RoundResult]:
    """Write the round's results as `RoundResult` rows (called when the round closes): the figures at closing,
    replacing any earlier snapshot of the round."""
    results = round_results(round)
    RoundResult.objects.filter(round=round).delete()
    return RoundResult.objects.bulk_create(
        RoundResult(
            round=round,
            application_id=row.application_id,
            score=row.result,
            normalised=row.normalised,
            stdev=row.stdev,
            sheet_count=row.count,
            rank=row.rank,
            flags=list(row.flags),
        )
        for row in results.rows
    )
