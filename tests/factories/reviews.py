"""Bring applications into the association's review, and build rounds, pool experts and assignments.

    application = recommended_application(edition=edition)   # at the association, in the formal-review queue
    application = admitted_application(edition=edition)      # 参评: admitted to the review rounds
    round_ = review_round(edition)                           # a document round open now, rubrics copied in
    expert = pool_expert(edition.programme, categories=["problem_solving"])
    assignment = assigned(round_, application, expert)       # accepted by the expert

Status moves go through `application_transition` like the portal's own; rows the review services own are built
directly so that each part's tests do not depend on another part's services.
"""

import datetime

from django.utils import timezone

from accounts.models import Expert
from applications.models import Application
from applications.services import application_transition
from awards.models import Edition
from reviews.enums import AssignmentSource, AssignmentState, ReviewAction, RoundState
from reviews.models import Assignment, PoolEntry, ReviewRound, RoundResult, RoundRubric

from .accounts import ExpertFactory, UserFactory, recommender_member, staff_user
from .recommenders import decided, endorsed_application, qc_edition

__all__ = [
    "admitted_application",
    "assigned",
    "pool_expert",
    "recommended_application",
    "review_round",
    "rubric_items_of",
    "stored_result",
]


def recommended_application(*, edition: Edition | None = None, **kwargs) -> Application:
    """Endorsed by its unit and recommended by its recommender: status `recommended`, in formal review."""
    application = endorsed_application(edition=edition or qc_edition(), **kwargs)
    if application.status == "recommended":  # a direct member unit
        return application
    return decided(application, recommender_member(application.unit.recommender))


def admitted_application(*, edition: Edition | None = None, actor=None, **kwargs) -> Application:
    """参评: passed formal review (status `admitted`)."""
    application = recommended_application(edition=edition, **kwargs)
    return application_transition(
        application=application, action=ReviewAction.FORMAL_ADMIT, actor=actor or staff_user()
    ).application


def rubric_items_of(category) -> list[dict]:
    """The items of a category's rubric as a round freezes them."""
    return [
        {
            "code": item.code,
            "name": item.name,
            "name_en": item.name_en,
            "description": item.description,
            "max_points": str(item.max_points),
        }
        for item in category.rubric.items.order_by("position", "id")
    ]


def review_round(edition: Edition, *, state: str = RoundState.OPEN, **fields) -> ReviewRound:
    """A document round of `edition`, open from an hour ago for ten days, each category's rubric copied in."""
    now = timezone.now()
    values = {
        "name": f"{edition.year} 材料文审",
        "opens_at": now - datetime.timedelta(hours=1),
        "closes_at": now + datetime.timedelta(days=10),
        "state": state,
        **fields,
    }
    round_ = ReviewRound.objects.create(edition=edition, **values)
    for category in edition.categories.filter(rubric__isnull=False).select_related("rubric"):
        RoundRubric.objects.create(round=round_, category=category, items=rubric_items_of(category))
    return round_


def reopen_round(round_: ReviewRound, state: str = RoundState.OPEN) -> ReviewRound:
    """Move a closed round back to `state`, a test's setup shortcut: no service does it, and PostgreSQL refuses it
    (migration reviews.0007) unless the transaction says `saq.round_reopen = 'on'`, as a maintenance session would.
    The switch is turned off again at once."""
    from django.db import connection, transaction

    # Atomic so that the local switch holds for the update in a transactional (live server) test too.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('saq.round_reopen', 'on', true)")
        ReviewRound.objects.filter(pk=round_.pk).update(state=state)
        cursor.execute("SELECT set_config('saq.round_reopen', 'off', true)")
    round_.state = state
    return round_


def stored_result(round_: ReviewRound, application, **fields) -> RoundResult:
    """A round's result row as closing stores it. PostgreSQL refuses a result in a closed round (reviews.0008:
    closing writes its results before the state moves), so a closed round is opened for the insert and closed
    again, in the order closing uses. A test's setup shortcut, like `reopen_round`."""
    from django.db import transaction

    with transaction.atomic():
        state = ReviewRound.objects.values_list("state", flat=True).get(pk=round_.pk)
        if state == RoundState.CLOSED:
            reopen_round(round_)
        result = RoundResult.objects.create(round=round_, application=application, **fields)
        if state == RoundState.CLOSED:
            ReviewRound.objects.filter(pk=round_.pk).update(state=state)
            round_.state = state
    return result


def pool_expert(
    programme, *, categories=("problem_solving", "innovation"), employer=None, max_load: int = 20, **user_fields
) -> Expert:
    """An expert (user with the expert role) in `programme`'s pool."""
    expert = ExpertFactory(user=UserFactory(**user_fields))
    PoolEntry.objects.create(
        programme=programme, expert=expert, categories=list(categories), employer=employer, max_load=max_load
    )
    return expert


def assigned(round_: ReviewRound, application: Application, expert: Expert, *, state=AssignmentState.ACCEPTED):
    """`expert` reviews `application` in `round_` (accepted unless told otherwise)."""
    number = Assignment.objects.filter(round=round_).values("application").distinct().count() + 1
    code = (
        Assignment.objects.filter(round=round_, application=application).values_list("code", flat=True).first()
        or f"R{round_.pk}-{number:04d}"
    )
    return Assignment.objects.create(
        round=round_,
        application=application,
        expert=expert,
        source=AssignmentSource.SOLVER,
        state=state,
        code=code,
    )


# --- pool ---


def pool_xlsx(rows, *, header: bool = True) -> bytes:
    """An expert-pool import workbook (`reviews.pool_import` template columns): a header row, then one row per item of
    `rows`, each a dict keyed by the column keys (full_name, email, mobile, organisation_name, title, categories,
    fields, employer, max_load, available_from, available_until) or a list in column order. Values are written as
    given: a string starting with "=" becomes a formula cell, a date a date cell."""
    import io

    from openpyxl import Workbook

    from reviews.pool_import import COLUMNS, KEYS

    workbook = Workbook()
    sheet = workbook.active
    if header:
        sheet.append([str(label) for _key, label in COLUMNS])
    for row in rows:
        sheet.append([row.get(key) for key in KEYS] if isinstance(row, dict) else list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- results ---------------------------------------------------------------------------------------------------


def scored(assignment: Assignment, total, *, state: str = "submitted"):
    """A score sheet of `assignment` with the given total (one item holds it all), submitted unless told otherwise."""
    from decimal import Decimal

    from reviews.models import ScoreSheet

    rubric = RoundRubric.objects.filter(
        round=assignment.round, category=assignment.application.category, is_current=True
    ).first() or RoundRubric.objects.create(round=assignment.round, category=assignment.application.category)
    total = Decimal(str(total))
    return ScoreSheet.objects.create(
        assignment=assignment,
        rubric=rubric,
        scores={"all": str(total)},
        total=total,
        state=state,
        submitted_at=timezone.now() if state == "submitted" else None,
    )


# --- rounds ---------------------------------------------------------------------------------------------------------


def quick_admitted(edition: Edition, *, category: str = "problem_solving", unit=None, group=None) -> Application:
    """An admitted application of `edition` without the paperwork of the whole chain (for tests that need many):
    an incomplete draft whose status is set to `admitted` directly, numbered. Use `admitted_application` when the
    way there matters."""
    from reviews.enums import ReviewStatus

    from .applications import draft_application

    application = draft_application(edition=edition, category=category, unit=unit, group=group, complete=False)
    Application.objects.filter(pk=application.pk).update(
        status=ReviewStatus.ADMITTED, number=f"T{edition.year}-{application.pk:05d}"
    )
    return Application.objects.get(pk=application.pk)
