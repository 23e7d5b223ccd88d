"""The association's review: the statuses it adds to an application's life, formal-review outcomes, rounds."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ReviewStatus(models.TextChoices):
    """Statuses reviews adds to the application's status table (registered in `reviews.workflow`)."""

    ADMITTED = "admitted", _("Admitted to review")
    CORRECTION = "correction", _("Returned for correction")
    CORRECTED = "corrected", _("Corrected, at the association")
    NOT_ADMITTED = "not_admitted", _("Not admitted to review")
    DEFERRED = "deferred", _("Deferred to next year")
    REJECTED = "rejected", _("Rejected")


class ReviewAction(models.TextChoices):
    """Moves reviews adds to the application's transition table."""

    FORMAL_ADMIT = "formal_admit", _("Admit to review")
    FORMAL_RETURN = "formal_return", _("Return for correction")
    FORMAL_NOT_ADMIT = "formal_not_admit", _("Do not admit")
    FORMAL_DEFER = "formal_defer", _("Defer to next year")
    FORMAL_REJECT = "formal_reject", _("Reject")
    RESUBMIT_CORRECTION = "resubmit_correction", _("Resubmit the correction")
    CARRY_OVER = "carry_over", _("Carry over to the next edition")


class FormalOutcome(models.TextChoices):
    """形式审查结论: what staff decide; each maps to one move of the application."""

    ADMIT = "admit", _("Admitted")
    CORRECT = "correct", _("Admitted after correction")
    NOT_ADMIT = "not_admit", _("Not admitted")
    DEFER = "defer", _("Deferred")
    REJECT = "reject", _("Rejected")


OUTCOME_ACTION = {
    FormalOutcome.ADMIT: ReviewAction.FORMAL_ADMIT,
    FormalOutcome.CORRECT: ReviewAction.FORMAL_RETURN,
    FormalOutcome.NOT_ADMIT: ReviewAction.FORMAL_NOT_ADMIT,
    FormalOutcome.DEFER: ReviewAction.FORMAL_DEFER,
    FormalOutcome.REJECT: ReviewAction.FORMAL_REJECT,
}


class RoundKind(models.TextChoices):
    DOCUMENT = "document", _("Document review")
    ONSITE = "onsite", _("On-site review")
    PRESENTATION = "presentation", _("Presentation competition")


class RoundState(models.TextChoices):
    DRAFT = "draft", _("Being prepared")
    OPEN = "open", _("Open for scoring")
    DISCUSSION = "discussion", _("Open for discussion")
    CLOSED = "closed", _("Closed")


class Aggregation(models.TextChoices):
    MEAN = "mean", _("Mean")
    MEDIAN = "median", _("Median")
    TRIMMED_MEAN = "trimmed_mean", _("Mean without the highest and the lowest")


class AssignmentState(models.TextChoices):
    OFFERED = "offered", _("Awaiting the expert's answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    RECUSED = "recused", _("Recused (conflict of interest)")
    REMOVED = "removed", _("Removed by staff")


# Assignments whose sheets count and whose expert may open the application.
LIVE_ASSIGNMENT_STATES = frozenset({AssignmentState.OFFERED, AssignmentState.ACCEPTED})


class AssignmentSource(models.TextChoices):
    SOLVER = "solver", _("Automatic")
    PINNED = "pinned", _("Pinned by staff")
    VISIT = "visit", _("On-site visit panel")
    SESSION = "session", _("Judge of the session")


class SessionState(models.TextChoices):
    OPEN = "open", _("Open for scoring")
    CLOSED = "closed", _("Closed")


class PairRuleKind(models.TextChoices):
    PIN = "pin", _("Always assign")
    FORBID = "forbid", _("Never assign")


class ConflictSource(models.TextChoices):
    SAME_UNIT = "same_unit", _("Works at the applying unit")
    SAME_RECOMMENDER = "same_recommender", _("Same recommending organisation")
    CO_APPLICANT = "co_applicant", _("Works at a co-applicant")
    GROUP_MEMBER = "group_member", _("Member of the group")
    SCORED_EARLIER = "scored_earlier", _("Scored it at the unit or recommender level")
    DECLARED = "declared", _("Declared by the expert")


class SheetState(models.TextChoices):
    DRAFT = "draft", _("Saved, not submitted")
    # With a context: the bare "Submitted" is a submission-date column elsewhere (提交时间), not this state.
    SUBMITTED = "submitted", pgettext_lazy("score sheet", "Submitted")


AUDIT_ACTIONS = {
    "formal_review.checked": _("formal review checklist saved"),
    "formal_review.decided": _("formal review outcome"),
    "formal_review.expired": _("correction deadline passed"),
    "pool.added": _("expert added to the pool"),
    "pool.changed": _("pool entry changed"),
    "pool.imported": _("experts imported"),
    "declaration.text_changed": _("declaration text changed"),
    "declaration.signed": _("declaration signed"),
    "conflict.declared": _("conflict declared"),
    "round.created": _("review round created"),
    "round.changed": _("review round changed"),
    "round.opened": _("review round opened"),
    "round.discussion_opened": _("discussion opened"),
    "round.closed": _("review round closed"),
    "round.rubric_versioned": _("rubric version created"),
    "round.assigned": _("experts assigned"),
    "round.reminded": _("reminders sent"),
    "pair_rule.set": _("assignment pinned or forbidden"),
    "assignment.accepted": _("assignment accepted"),
    "assignment.declined": _("assignment declined"),
    "assignment.removed": _("assignment removed"),
    "score_sheet.submitted": _("score sheet submitted"),
    "score_sheet.corrected": _("score corrected by staff"),
    "site_visit.scheduled": _("on-site visit scheduled"),
    "site_visit.changed": _("on-site visit changed"),
    "visit_photo.added": _("on-site photo added"),
    "panel.leader_set": _("panel leader named"),
    "panel_conclusion.recorded": _("panel conclusion recorded"),
    "presentation.round_created": _("presentation round created"),
    "session.built": _("presentation sessions built"),
    "session.changed": _("presentation session changed"),
    "session.reordered": _("running order changed"),
    "session.judges_set": _("session judges set"),
    "session.closed": _("presentation session closed"),
    "session.reopened": _("presentation session reopened"),
    "session.notified": _("groups told their slot"),
    "slot.moved": _("presentation moved to another session"),
    "slot.file_uploaded": _("presentation file uploaded"),
}
