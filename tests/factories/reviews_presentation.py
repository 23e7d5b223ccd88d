"""The presentation competition: a closed document round whose results let applications through, a presentation
round, sessions built from it.

    edition = open_edition()
    passed = passed_application(edition)                  # admitted, with a result of a closed document round
    round_ = presentation_round(edition)                  # kind PRESENTATION, open now, rubrics copied in
    session = presentation_session(round_, [passed], judges=[expert])
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from reviews.enums import RoundKind, RoundState
from reviews.models import ReviewRound
from reviews.models_presentation import PresentationSession, SessionSlot

from .accounts import staff_user
from .reviews import quick_admitted, review_round, stored_result

__all__ = ["closed_document_round", "passed_application", "presentation_round", "presentation_session"]


def closed_document_round(edition) -> ReviewRound:
    round_ = ReviewRound.objects.filter(edition=edition, kind=RoundKind.DOCUMENT, state=RoundState.CLOSED).first()
    return round_ or review_round(edition, state=RoundState.CLOSED, name=f"{edition.year} 材料文审")


def passed_application(edition, *, score="80", **kwargs):
    """An admitted application with a result in the edition's closed document round."""
    application = quick_admitted(edition, **kwargs)
    stored_result(closed_document_round(edition), application, score=Decimal(score))
    return application


def presentation_round(edition, *, state=RoundState.OPEN, **fields) -> ReviewRound:
    return review_round(
        edition, state=state, kind=RoundKind.PRESENTATION, blind=False, **{"name": f"{edition.year} 发表赛", **fields}
    )


def presentation_session(round_, applications, *, judges=(), **fields) -> PresentationSession:
    """A session of `round_` holding `applications` in that order, judged by `judges` (assignments synced through
    the service, so conflicts apply)."""
    from reviews.presentation import session_judges_set

    values = {
        "name": "第一场",
        "venue": "上海市质量协会 3楼会议室",
        "starts_at": timezone.now() + datetime.timedelta(days=1),
        "slot_minutes": 15,
        "category": applications[0].category,
        **fields,
    }
    session = PresentationSession.objects.create(round=round_, **values)
    SessionSlot.objects.bulk_create(
        SessionSlot(round=round_, session=session, application=a, position=i) for i, a in enumerate(applications, 1)
    )
    if judges:
        session_judges_set(actor=staff_user(), session=session, experts=judges)
    return session
