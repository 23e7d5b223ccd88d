"""The application's states and the one table of allowed moves. Only `application_transition` applies them."""

from dataclasses import dataclass

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


@dataclass(frozen=True)
class StatusInfo:
    """One row of the status table.

    `level`: who holds an application in this status. `order`: how far along the pipeline it has come; a status
    that sends it back down keeps an order at or above the furthest level it reached (returned to the unit comes
    after endorsed), so "reached the unit/recommender" is one comparison. `closed`: nobody acts on it any more in
    the normal course (a decision may still be reconsidered by whoever made it).
    """

    level: str
    order: int
    closed: bool = False


# The one table of statuses. A status added here (and to TRANSITIONS) appears in the unit's and the recommender's
# queues and stays visible to them by its order alone: every set below is derived, none is listed by hand.
STATUS_TABLE: dict[str, StatusInfo] = {
    Status.DRAFT: StatusInfo(Level.APPLICANT, 0),
    # Withdrawal leaves the pipeline; the status alone cannot tell whether it was submitted, so it ranks below
    # the unit (who sees it is decided by `first_submitted_at`, not by the status).
    Status.WITHDRAWN: StatusInfo(Level.CLOSED, 5, closed=True),
    Status.SUBMITTED: StatusInfo(Level.UNIT, 10),
    Status.RETURNED_TO_GROUP: StatusInfo(Level.APPLICANT, 11),
    Status.ENDORSED: StatusInfo(Level.RECOMMENDER, 20),
    Status.RETURNED_TO_UNIT: StatusInfo(Level.UNIT, 21),
    Status.DECLINED: StatusInfo(Level.CLOSED, 22, closed=True),
    Status.RECOMMENDED: StatusInfo(Level.ASSOCIATION, 30),
}


@dataclass(frozen=True)
class StatusSets:
    """Every set of statuses code asks about, derived from a status table and its transitions."""

    level_of: dict[str, str]
    # Held by the applicant and open: the applicant edits (draft, returned to them).
    editable: frozenset[str]
    # Reached the unit (submitted at least once and not withdrawn): the unit's queue, the per-unit and per-group
    # limits.
    reached_unit: frozenset[str]
    # Reached the recommending organisation: it may see the application and lists it in its queue.
    reached_recommender: frozenset[str]
    # Held by the unit: it evaluates, uploads its scan, endorses or returns.
    unit_desk: frozenset[str]
    # The unit has passed it on (reached the recommender and not sent back to the unit).
    passed_on_by_unit: frozenset[str]
    # Held by the recommender, or one move away by its own decision (recommend, decline) and not yet taken further:
    # the recommender scores, ranks and (re)decides.
    recommender_desk: frozenset[str]

    @property
    def counts_for_limits(self) -> frozenset[str]:
        """What the per-group and per-unit application limits count: every application that reached the unit."""
        return self.reached_unit

    def held_by(self, level: str) -> frozenset[str]:
        return frozenset(s for s, held in self.level_of.items() if held == level)


def derive_status_sets(table: dict[str, StatusInfo], transitions: dict) -> StatusSets:
    """Derive every status set from `table` (and, for what a level decides, from `transitions`)."""

    def reached(status) -> int:
        return table[status].order

    def held(level):
        return frozenset(s for s, info in table.items() if info.level == level)

    unit_from = min(reached(s) for s in held(Level.UNIT))
    recommender_from = min(reached(s) for s in held(Level.RECOMMENDER))
    reached_unit = frozenset(s for s, info in table.items() if info.order >= unit_from)
    reached_recommender = frozenset(s for s, info in table.items() if info.order >= recommender_from)
    at_recommender = held(Level.RECOMMENDER)
    # The recommender's own decisions: where a move from its desk leads, unless it sends the application down.
    decided = frozenset(
        target
        for sources, target in transitions.values()
        if sources & at_recommender and reached(target) >= recommender_from and table[target].level != Level.UNIT
    )
    return StatusSets(
        level_of={s: info.level for s, info in table.items()},
        editable=frozenset(s for s in held(Level.APPLICANT) if not table[s].closed),
        reached_unit=reached_unit,
        reached_recommender=reached_recommender,
        unit_desk=held(Level.UNIT),
        passed_on_by_unit=reached_recommender - held(Level.UNIT),
        recommender_desk=at_recommender | decided,
    )


# Applications' own tables, as declared above (higher apps extend STATUS_TABLE and TRANSITIONS at start-up).
OWN_STATUS_TABLE = dict(STATUS_TABLE)
OWN_TRANSITIONS = dict(TRANSITIONS)

# The sets in force. Code reads `status_sets().<name>` when it runs, so statuses added later (and tests, which swap
# `STATUS_SETS`) are followed; nothing keeps a copy taken at import.
STATUS_SETS = derive_status_sets(STATUS_TABLE, TRANSITIONS)


def status_sets() -> StatusSets:
    return STATUS_SETS


def repeats(status: str, action: str) -> bool:
    """The application already stands where `action` leads and cannot start it from there: a repeated request
    (a double click, a second tab). `application_transition` answers it as a no-op."""
    allowed_from, target = TRANSITIONS[action]
    return status == target and status not in allowed_from


# Statuses and moves added by higher apps (`applications.workflow.extend`): their labels, since the TextChoices
# above list only applications' own.
_ADDED_STATUS_LABELS: dict[str, object] = {}
_ADDED_ACTION_LABELS: dict[str, object] = {}


# The labels are lazy: translated when shown, in the request's language.
_OWN_STATUS_LABELS = {status.value: status.label for status in Status}
_OWN_ACTION_LABELS = {action.value: action.label for action in Action}


def status_label(value: str):
    """The label of any status in the table, applications' own or added; the raw value when unknown."""
    label = _OWN_STATUS_LABELS.get(value)
    return label if label is not None else _ADDED_STATUS_LABELS.get(value, value)


def action_label(value: str):
    label = _OWN_ACTION_LABELS.get(value)
    return label if label is not None else _ADDED_ACTION_LABELS.get(value, value)


def status_choices() -> list[tuple[str, object]]:
    """Every status with its label, in pipeline order (the status field's choices: a callable, so statuses added
    later are labelled too without a migration)."""
    return [(value, status_label(value)) for value in sorted(STATUS_TABLE, key=lambda v: STATUS_TABLE[v].order)]


def action_values() -> frozenset[str]:
    return frozenset(TRANSITIONS)


def add_statuses(statuses: dict[str, tuple[object, StatusInfo]], transitions: dict[str, tuple[object, frozenset, str]]):
    """Add statuses (value -> (label, info)) and moves (action -> (label, from-states, to-state)) to the tables
    and re-derive every status set. Only `applications.workflow.extend` calls it."""
    global STATUS_SETS
    for value, (label, info) in statuses.items():
        if value in Status.values:
            raise ValueError(f"status {value!r} is applications' own")
        STATUS_TABLE[value] = info
        _ADDED_STATUS_LABELS[value] = label
    for action, (label, sources, target) in transitions.items():
        if action in Action.values:
            raise ValueError(f"action {action!r} is applications' own")
        unknown = (set(sources) | {target}) - set(STATUS_TABLE)
        if unknown:
            raise ValueError(f"action {action!r} names unknown statuses {sorted(unknown)}")
        TRANSITIONS[action] = (frozenset(sources), target)
        _ADDED_ACTION_LABELS[action] = label
    STATUS_SETS = derive_status_sets(STATUS_TABLE, TRANSITIONS)


# The audit actions applications writes, as people read them (every transition is "application.<action>").
AUDIT_ACTIONS = {
    **{f"application.{action.value}": action.label for action in Action},  # added moves: `workflow.extend`
    "application.created": _("application created"),
    "application.saved": _("draft saved"),
    "application.attachment_uploaded": _("file uploaded"),
    "application.co_applicants_saved": _("co-applicants saved"),
    "application.deadline_extended": _("deadline extended"),
}
