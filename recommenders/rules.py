"""Who may act in the unit and recommender channels."""

import rules

from accounts.rules import is_staff_member
from applications.enums import status_sets
from applications.rules import was_submitted
from core import roles


@rules.predicate
def is_contact_of_applicant_unit(user, application):
    return application is not None and application.unit_id in roles.unit_ids(user)


@rules.predicate
def waits_for_unit(user, application):
    return application is not None and application.status in status_sets().unit_desk


@rules.predicate
def is_member_of_applications_recommender(user, application):
    return application is not None and application.unit.recommender_id in roles.recommender_ids(user)


@rules.predicate
def waits_for_recommender(user, application):
    return application is not None and application.status in status_sets().recommender_desk


@rules.predicate
def is_member_of_dossier_recommender(user, dossier):
    return dossier is not None and dossier.recommender_id in roles.recommender_ids(user)


@rules.predicate
def is_member_of(user, recommender):
    return recommender is not None and recommender.pk in roles.recommender_ids(user)


@rules.predicate
def decides_for_applications_recommender(user, application):
    return application is not None and application.unit.recommender_id in roles.decider_recommender_ids(user)


@rules.predicate
def decides_for_dossier_recommender(user, dossier):
    return dossier is not None and dossier.recommender_id in roles.decider_recommender_ids(user)


@rules.predicate
def decides_for(user, recommender):
    return recommender is not None and recommender.pk in roles.decider_recommender_ids(user)


@rules.predicate
def is_contact_of(user, unit):
    return unit is not None and unit.pk in roles.unit_ids(user)


rules.add_perm("recommenders.view_unit_queue", is_contact_of | is_staff_member)
rules.add_perm("recommenders.unit_act", is_contact_of_applicant_unit & waits_for_unit)
rules.add_perm("recommenders.view_recommender_queue", is_member_of | is_staff_member)
# Every member of the organisation reviews (scores); only its deciders recommend, decline, reconsider and return.
rules.add_perm("recommenders.recommender_act", is_member_of_applications_recommender & waits_for_recommender)
rules.add_perm("recommenders.recommender_decide", decides_for_applications_recommender & waits_for_recommender)
rules.add_perm("recommenders.rank", decides_for)
# Reviewers of one organisation see each other's scores; nobody outside it does (staff excepted).
rules.add_perm("recommenders.view_recommender_scores", is_member_of_applications_recommender | is_staff_member)
rules.add_perm("recommenders.view_dossier", is_member_of_dossier_recommender | is_staff_member)
rules.add_perm("recommenders.change_dossier", decides_for_dossier_recommender)
rules.add_perm("recommenders.view_handins_overview", is_staff_member)


@rules.predicate
def has_reached_recommender(user, application):
    return application is not None and application.status in status_sets().reached_recommender


# The scoring-and-recommendation form (and its stamped scan): the unit that filled it in, once the application was
# submitted to it (never a group's draft), its recommending organisation once the application reached it, and staff.
rules.add_perm(
    "recommenders.view_scoring_form",
    (is_contact_of_applicant_unit & was_submitted)
    | (is_member_of_applications_recommender & has_reached_recommender)
    | is_staff_member,
)
