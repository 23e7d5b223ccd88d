"""Round results from the experts' totals: pure functions over Decimals, through the one scoring module
(`awards.scores`: half-up rounding, mean, median, standard deviation).

Which totals count is the caller's business (`reviews.results`): only SUBMITTED sheets of live assignments
(offered / accepted); declined, recused and removed experts never count.

- `round_score(totals, rule, trim_min_count)`: the round's rule — mean; median; or the trimmed mean, which drops one
  highest and one lowest total when there are at least `trim_min_count` totals (fewer: the plain mean). Two
  decimals, half up (85.025 → 85.03).
- `stdev(totals)`: the population standard deviation σ = √(Σ(x − x̄)² / n), two decimals (see `awards.scores`).
- `outliers(totals, points)`: the positions of totals more than `points` away from the mean of the other totals.
- `zscores(sheets)`: per-expert normalisation for large pools. For expert e with mean μₑ and population standard
  deviation σₑ over all their submitted totals in the round, and the round's overall mean M and σ S over every
  counted total, a total x becomes

      x′ = M + S · (x − μₑ) / σₑ          (x′ = M when σₑ = 0, e.g. an expert with a single sheet)

  so a strict expert's 70 and a lenient expert's 90 land on one common scale. The application's normalised result
  is the round's rule applied to its x′ (shown beside the raw result, never instead of it).
"""

from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from decimal import Decimal

from awards import scores

from .enums import Aggregation

DEFAULT_TRIM_MIN_COUNT = 5


def _decimals(totals: Iterable) -> list[Decimal]:
    return [Decimal(str(t)) for t in totals if t is not None]


def round_score(totals: Iterable, rule: str = Aggregation.MEAN, trim_min_count: int = DEFAULT_TRIM_MIN_COUNT):
    """The round score of one application by `rule`, two decimals half up; None without any total."""
    values = _decimals(totals)
    if not values:
        return None
    if rule == Aggregation.MEDIAN:
        return scores.median(values)
    if rule == Aggregation.TRIMMED_MEAN and len(values) >= max(trim_min_count, 3):
        values = sorted(values)[1:-1]
    elif rule not in (Aggregation.MEAN, Aggregation.TRIMMED_MEAN):
        raise ValueError(f"unknown aggregation rule {rule!r}")
    return scores.mean(values)


def stdev(totals: Iterable) -> Decimal | None:
    """Population standard deviation of the totals, two decimals half up; None without any total."""
    return scores.stdev(_decimals(totals))


def outliers(totals: Sequence, points) -> list[int]:
    """Indices of the totals more than `points` (strictly) from the exact mean of the other totals. None totals are
    skipped (never flagged, never part of the others); fewer than two totals flag nothing."""
    limit = Decimal(str(points))
    present = [(i, Decimal(str(t))) for i, t in enumerate(totals) if t is not None]
    if len(present) < 2:
        return []
    whole = sum((t for _i, t in present), Decimal("0"))
    others = len(present) - 1
    return [i for i, t in present if abs(t - (whole - t) / others) > limit]


def zscores(sheets: Iterable[tuple[Hashable, Hashable, object]]) -> dict[tuple[Hashable, Hashable], Decimal]:
    """Normalised totals (exact, unrounded) by (expert, application) from (expert, application, total) triples of
    one round: x′ = M + S · (x − μₑ) / σₑ (see the module docstring)."""
    sheets = [(e, a, Decimal(str(t))) for e, a, t in sheets if t is not None]
    if not sheets:
        return {}
    by_expert: dict[Hashable, list[Decimal]] = defaultdict(list)
    for expert, _application, total in sheets:
        by_expert[expert].append(total)
    overall = [t for _e, _a, t in sheets]
    centre = sum(overall, Decimal("0")) / len(overall)
    spread = scores.exact_stdev(overall)
    expert_stats = {
        expert: (sum(values, Decimal("0")) / len(values), scores.exact_stdev(values))
        for expert, values in by_expert.items()
    }
    normalised = {}
    for expert, application, total in sheets:
        mu, sigma = expert_stats[expert]
        z = (total - mu) / sigma if sigma else Decimal("0")
        normalised[(expert, application)] = centre + spread * z
    return normalised


def ranks(results: Sequence) -> list[int | None]:
    """Competition ranks (1, 1, 3) of results, highest first; None results get no rank."""
    ordered = sorted((r for r in results if r is not None), reverse=True)
    first_place = {}
    for place, value in enumerate(ordered, start=1):
        first_place.setdefault(value, place)
    return [None if r is None else first_place[r] for r in results]
