"""The application's states and the one table of allowed moves. Only `application_transition` applies them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted, at the unit")
    RETURNED_TO_GROUP = "returned_to_group", _("Returned for changes")
    ENDORSED = "endorsed", _("Endorsed, at the recommender")
    RETURNED_TO_UNIT = "returned_to_unit", _("Returned to the unit")
    RECOMMENDED = "recommended", _("Recommended, at the association")
    DECLINED = "declined", _("Not recommended")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Action(models.TextChoices):
    SUBMIT = "submit", _("Submit")
    WITHDRAW = "withdraw", _("Withdraw")
    UNIT_RETURN = "unit_return", _("Return to the applicant")
    UNIT_ENDORSE = "unit_endorse", _("Endorse")
    UNIT_ENDORSE_DIRECT = "unit_endorse_direct", _("Endorse and apply directly")
    RECOMMENDER_RETURN = "recommender_return", _("Return to the unit")
    RECOMMEND = "recommend", _("Recommend")
    DECLINE = "decline", _("Do not recommend")
    RECONSIDER = "reconsider", _("Reconsider the decision")


class Level(models.TextChoices):
    """Who holds the application in each state."""

    APPLICANT = "applicant", _("Applicant")
    UNIT = "unit", _("Unit")
    RECOMMENDER = "recommender", _("Recommending organisation")
    ASSOCIATION = "association", _("Association")
    CLOSED = "closed", _("Closed")


# action: (states it may start from, state it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    Action.SUBMIT: (frozenset({Status.DRAFT, Status.RETURNED_TO_GROUP}), Status.SUBMITTED),
    # Withdrawal is possible until the unit has acted (endorsed); a returned application may also be withdrawn.
    Action.WITHDRAW: (frozenset({Status.DRAFT, Status.SUBMITTED, Status.RETURNED_TO_GROUP}), Status.WITHDRAWN),
    Action.UNIT_RETURN: (frozenset({Status.SUBMITTED, Status.RETURNED_TO_UNIT}), Status.RETURNED_TO_GROUP),
    Action.UNIT_ENDORSE: (frozenset({Status.SUBMITTED, Status.RETURNED_TO_UNIT}), Status.ENDORSED),
    Action.UNIT_ENDORSE_DIRECT: (frozenset({Status.SUBMITTED, Status.RETURNED_TO_UNIT}), Status.RECOMMENDED),
    Action.RECOMMENDER_RETURN: (frozenset({Status.ENDORSED}), Status.RETURNED_TO_UNIT),
    Action.RECOMMEND: (frozenset({Status.ENDORSED, Status.DECLINED}), Status.RECOMMENDED),
    Action.DECLINE: (frozenset({Status.ENDORSED, Status.RECOMMENDED}), Status.DECLINED),
    Action.RECONSIDER: (frozenset({Status.RECOMMENDED, Status.DECLINED}), Status.ENDORSED),
}

LEVEL_OF_STATUS = {
    Status.DRAFT: Level.APPLICANT,
    Status.RETURNED_TO_GROUP: Level.APPLICANT,
    Status.SUBMITTED: Level.UNIT,
    Status.RETURNED_TO_UNIT: Level.UNIT,
    Status.ENDORSED: Level.RECOMMENDER,
    Status.RECOMMENDED: Level.ASSOCIATION,
    Status.DECLINED: Level.CLOSED,
    Status.WITHDRAWN: Level.CLOSED,
}

EDITABLE_STATUSES = frozenset({Status.DRAFT, Status.RETURNED_TO_GROUP})
# States an application has once it reached its recommender (the recommender may see it).
AT_OR_PAST_RECOMMENDER = frozenset({Status.ENDORSED, Status.RETURNED_TO_UNIT, Status.RECOMMENDED, Status.DECLINED})
COUNTS_FOR_LIMITS = frozenset(set(Status) - {Status.DRAFT, Status.WITHDRAWN})


# The audit actions applications writes, as people read them (every transition is "application.<action>").
AUDIT_ACTIONS = {
    **{f"application.{action.value}": action.label for action in Action},
    "application.created": _("application created"),
    "application.saved": _("draft saved"),
    "application.attachment_uploaded": _("file uploaded"),
    "application.co_applicants_saved": _("co-applicants saved"),
    "application.deadline_extended": _("deadline extended"),
}
