"""Who may see and change which application. Views and templates use these same permissions.

Each action of the transition table has its permission `applications.<action>` (see `ACTION_ACTORS` below), so a
page offers exactly the buttons whose POST the service would accept, and no template compares status strings.
"""

import rules
from django.utils import timezone

from accounts.rules import is_staff_member
from core import roles

from . import visibility
from .enums import TRANSITIONS, Action, status_sets
from .services import application_deadline, application_open_for_changes, application_problems


@rules.predicate
def is_applicant(user, application):
    """The QC group's leader, or for unit programmes a contact of the applying unit."""
    if application is None:
        return False
    if application.group_id:
        return application.group_id in roles.group_ids(user)
    return application.unit_id in roles.unit_ids(user)


@rules.predicate
def is_unit_contact(user, application):
    return application is not None and application.unit_id in roles.unit_ids(user)


@rules.predicate
def was_submitted(user, application):
    """Submitted at least once: only then does anyone above the applicant (the unit first) see it. A draft
    withdrawn before its first submission never was."""
    return application is not None and application.first_submitted_at is not None


@rules.predicate
def is_recommender(user, application):
    return application is not None and application.unit.recommender_id in roles.recommender_ids(user)


@rules.predicate
def has_reached_recommender(user, application):
    return application is not None and application.status in status_sets().reached_recommender


@rules.predicate
def is_editable(user, application):
    return application is not None and application.status in status_sets().editable


@rules.predicate
def is_open_for_changes(user, application):
    """Before the application's deadline (the window's end or its extension): afterwards it is read-only."""
    return application is not None and application_open_for_changes(application)


@rules.predicate
def is_withdrawable(user, application):
    return application is not None and application.status in TRANSITIONS[Action.WITHDRAW][0]


@rules.predicate
def is_visible_by_registered_rule(user, application):
    """The visibility rules apps register (applications' own: applicant, unit once submitted, recommender once
    reached; reviews may add experts), the same rules `selectors.applications_visible_to` filters by."""
    return visibility.may_see(user, application)


can_view = is_staff_member | is_visible_by_registered_rule

rules.add_perm("applications.view_application", can_view)
rules.add_perm("applications.change_application", is_applicant & is_editable & is_open_for_changes)
# The applicant holds an application they could change but for the deadline: the pages that change it answer them
# (a late save or upload is refused by the service in its own words, with the typed input kept), and the submit
# page says the window closed.
rules.add_perm("applications.hold_application", is_applicant & is_editable)
rules.add_perm("applications.submit_application", is_applicant & is_editable)
rules.add_perm("applications.withdraw_application", is_applicant & is_withdrawable)
# An extension gives the applicant time to change and submit: only for a draft or an application returned to them.
rules.add_perm("applications.extend_deadline", is_staff_member & is_editable)
rules.add_perm("applications.view_all_applications", is_staff_member)


# --- One permission per action of the transition table ----------------------------------------------------------
#
# `applications.<action>` = who takes the action & the application is in one of the action's from-states (from
# TRANSITIONS) & every further condition its service checks (the deadline, completeness, the endorsement
# prerequisites, quotas). Templates ask `{% has_perm "applications.<action>" user application %}` for each button.
# The conditions that belong to a higher app (the unit and recommender phases, quotas, the stamped scan) are
# added by that app with `add_action_condition`, so this module never imports it.


@rules.predicate
def is_recommender_decider(user, application):
    """A member who decides for the application's recommending organisation (the others review and score)."""
    return application is not None and application.unit.recommender_id in roles.decider_recommender_ids(user)


@rules.predicate
def is_within_submission_window(user, application):
    """The server accepts the submission now (as `application_submit` checks): the edition's application window
    has opened and the application's deadline (the window's end or its extension) has not passed."""
    if application is None:
        return False
    phase, deadline, now = application.edition.application_phase, application_deadline(application), timezone.now()
    return phase is not None and deadline is not None and phase.starts_at <= now < deadline


@rules.predicate
def is_complete(user, application):
    """Nothing stops the submission: every required answer and file, and the eligibility rules."""
    return application is not None and not application_problems(application)


# Who takes each action; every action of the table has its role here.
ACTION_ACTORS = {
    Action.SUBMIT: is_applicant,
    Action.WITHDRAW: is_applicant,
    Action.UNIT_RETURN: is_unit_contact,
    Action.UNIT_ENDORSE: is_unit_contact,
    Action.UNIT_ENDORSE_DIRECT: is_unit_contact,
    Action.RECOMMENDER_RETURN: is_recommender_decider,
    Action.RECOMMEND: is_recommender_decider,
    Action.DECLINE: is_recommender_decider,
    Action.RECONSIDER: is_recommender_decider,
}
if set(ACTION_ACTORS) != set(TRANSITIONS):  # checked at import, also under `python -O` (unlike assert)
    raise RuntimeError("every action of the transition table needs its actor")

# The conditions beyond the actor and the from-states, per action (see `add_action_condition`).
ACTION_CONDITIONS: dict[str, list] = {
    Action.SUBMIT: [is_within_submission_window, is_complete],
    **{action: [] for action in TRANSITIONS if action != Action.SUBMIT},
}


def add_action_condition(action: str, *predicates) -> None:
    """Another condition `action`'s service checks (called by higher apps when their rules module loads)."""
    ACTION_CONDITIONS[action].extend(predicates)


def from_states(*actions) -> frozenset[str]:
    """The states from which any of `actions` may start, from the transition table."""
    return frozenset().union(*(TRANSITIONS[action][0] for action in actions))


def actions_of(actor) -> tuple[str, ...]:
    """The actions `actor` (one of the predicates of ACTION_ACTORS) takes."""
    return tuple(action for action, who in ACTION_ACTORS.items() if who is actor)


def _in_from_states(action):
    allowed = TRANSITIONS[action][0]

    def check(user, application):
        return application is not None and application.status in allowed

    return rules.predicate(check, name=f"may_start_{action}")


def _conditions_hold(action):
    def check(user, application):
        return all(condition(user, application) for condition in ACTION_CONDITIONS[action])

    return rules.predicate(check, name=f"conditions_of_{action}")


def action_predicate(action: str):
    return ACTION_ACTORS[action] & _in_from_states(action) & _conditions_hold(action)


for _action in TRANSITIONS:
    rules.add_perm(f"applications.{_action}", action_predicate(_action))


def add_action(action: str, actor, *conditions) -> None:
    """Give an action added to the transition table its actor, conditions and `applications.<action>` permission
    (called by `applications.workflow.extend`)."""
    ACTION_ACTORS[action] = actor
    ACTION_CONDITIONS[action] = list(conditions)
    rules.set_perm(f"applications.{action}", action_predicate(action))
