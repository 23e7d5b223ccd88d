"""What reviews adds to an application's life: the formal-review outcomes and the correction loop.

Registered once from `ReviewsConfig.ready()` through `applications.workflow.extend`; applications' own tables are
never edited. Orders sit above "recommended" (30), so the unit and the recommender keep seeing the application and
every derived set follows.
"""

import rules
from django.utils import timezone

from accounts.rules import is_staff_member
from applications.enums import Level, Status
from applications.rules import is_applicant
from applications.workflow import AddedAction, AddedStatus, extend

from .enums import ReviewAction, ReviewStatus

# Where formal review starts: recommended (or endorsed on the direct path, which also lands in recommended), or
# corrected and handed back by the group.
FORMAL_REVIEW_QUEUE = frozenset({Status.RECOMMENDED, ReviewStatus.CORRECTED})
# Formal-review outcomes (what staff decide from the queue).
FORMAL_DECIDED = frozenset(
    {
        ReviewStatus.ADMITTED,
        ReviewStatus.CORRECTION,
        ReviewStatus.NOT_ADMITTED,
        ReviewStatus.DEFERRED,
        ReviewStatus.REJECTED,
    }
)


@rules.predicate
def is_before_correction_deadline(user, application):
    """The group may hand back its correction until the deadline staff set for this case."""
    review = getattr(application, "formal_review", None)
    deadline = review.correction_deadline if review else None
    return deadline is None or timezone.now() < deadline


STATUSES = [
    AddedStatus(ReviewStatus.CORRECTION, ReviewStatus.CORRECTION.label, Level.APPLICANT, order=31),
    AddedStatus(ReviewStatus.CORRECTED, ReviewStatus.CORRECTED.label, Level.ASSOCIATION, order=32),
    AddedStatus(ReviewStatus.ADMITTED, ReviewStatus.ADMITTED.label, Level.ASSOCIATION, order=40),
    AddedStatus(ReviewStatus.NOT_ADMITTED, ReviewStatus.NOT_ADMITTED.label, Level.CLOSED, order=40, closed=True),
    AddedStatus(ReviewStatus.DEFERRED, ReviewStatus.DEFERRED.label, Level.ASSOCIATION, order=40, closed=True),
    AddedStatus(ReviewStatus.REJECTED, ReviewStatus.REJECTED.label, Level.CLOSED, order=40, closed=True),
]

ACTIONS = [
    AddedAction(
        ReviewAction.FORMAL_ADMIT,
        ReviewAction.FORMAL_ADMIT.label,
        FORMAL_REVIEW_QUEUE,
        ReviewStatus.ADMITTED,
        actor=is_staff_member,
    ),
    AddedAction(
        ReviewAction.FORMAL_RETURN,
        ReviewAction.FORMAL_RETURN.label,
        FORMAL_REVIEW_QUEUE,
        ReviewStatus.CORRECTION,
        actor=is_staff_member,
    ),
    # 不评 also when a correction was not handed back in time (the expiry job, or staff).
    AddedAction(
        ReviewAction.FORMAL_NOT_ADMIT,
        ReviewAction.FORMAL_NOT_ADMIT.label,
        FORMAL_REVIEW_QUEUE | {ReviewStatus.CORRECTION},
        ReviewStatus.NOT_ADMITTED,
        actor=is_staff_member,
    ),
    AddedAction(
        ReviewAction.FORMAL_DEFER,
        ReviewAction.FORMAL_DEFER.label,
        FORMAL_REVIEW_QUEUE,
        ReviewStatus.DEFERRED,
        actor=is_staff_member,
    ),
    AddedAction(
        ReviewAction.FORMAL_REJECT,
        ReviewAction.FORMAL_REJECT.label,
        FORMAL_REVIEW_QUEUE,
        ReviewStatus.REJECTED,
        actor=is_staff_member,
    ),
    AddedAction(
        ReviewAction.RESUBMIT_CORRECTION,
        ReviewAction.RESUBMIT_CORRECTION.label,
        {ReviewStatus.CORRECTION},
        ReviewStatus.CORRECTED,
        actor=is_applicant,
        conditions=(is_before_correction_deadline,),
    ),
    # A deferred application enters the next edition's formal review, with its history.
    AddedAction(
        ReviewAction.CARRY_OVER,
        ReviewAction.CARRY_OVER.label,
        {ReviewStatus.DEFERRED},
        Status.RECOMMENDED,
        actor=is_staff_member,
    ),
]


def register() -> None:
    extend(statuses=STATUSES, actions=ACTIONS)
