"""评定 fixtures: closed rounds with results, and an edition's level scheme.

doc = closed_round(edition, name="材料文审")
result(doc, application, "80.00")                           # a RoundResult row (the figures at closing)
scheme = level_scheme(edition, {doc: 40, pres: 60}, levels=[("标杆级", None, "5", None), ...])
"""

from decimal import Decimal

from reviews.enums import RoundState
from reviews.models_levels import AwardLevel, LevelScheme, SchemeRound

from .reviews import review_round, stored_result

__all__ = ["closed_round", "level_scheme", "result"]


def closed_round(edition, **fields):
    return review_round(edition, state=RoundState.CLOSED, **fields)


def result(round_, application, score, *, flags=()):
    return stored_result(round_, application, score=None if score is None else Decimal(str(score)), flags=list(flags))


def level_scheme(edition, weights: dict, *, levels=(), tie_break=(), **fields) -> LevelScheme:
    """`levels`: (name, min_score, max_share, max_count) best first."""
    scheme = LevelScheme.objects.create(edition=edition, tie_break=[r.pk for r in tie_break], **fields)
    for round_, weight in weights.items():
        SchemeRound.objects.create(scheme=scheme, round=round_, weight=weight)
    for position, (name, min_score, max_share, max_count) in enumerate(levels):
        AwardLevel.objects.create(
            scheme=scheme,
            position=position,
            name=name,
            min_score=None if min_score is None else Decimal(str(min_score)),
            max_share=None if max_share is None else Decimal(str(max_share)),
            max_count=max_count,
        )
    return scheme
