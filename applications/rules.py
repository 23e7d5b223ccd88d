"""Who may see and change which application. Views and templates use these same permissions."""

import rules

from accounts.rules import is_staff_member
from core import roles

from . import visibility
from .enums import AT_OR_PAST_RECOMMENDER, EDITABLE_STATUSES, Status
from .services import application_open_for_changes


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
    return application is not None and application.status in AT_OR_PAST_RECOMMENDER


@rules.predicate
def is_editable(user, application):
    return application is not None and application.status in EDITABLE_STATUSES


@rules.predicate
def is_open_for_changes(user, application):
    """Before the application's deadline (the window's end or its extension): afterwards it is read-only."""
    return application is not None and application_open_for_changes(application)


@rules.predicate
def is_withdrawable(user, application):
    return application is not None and application.status in {Status.DRAFT, Status.SUBMITTED, Status.RETURNED_TO_GROUP}


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
