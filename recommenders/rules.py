"""Who may act in the unit and recommender channels."""

import rules

from accounts.rules import is_staff_member
from applications.enums import Action, status_sets
from applications.rules import (
    actions_of,
    add_action_condition,
    is_recommender_decider,
    is_unit_contact,
    was_submitted,
)
from awards.enums import PhaseKind
from core import roles

from . import services


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


# --- What the unit and recommender services check beyond the transition table ----------------------------------
# (added to the permissions `applications.<action>`, so a page shows a button only when its POST would succeed)


@rules.predicate
def unit_endorsement_open(user, application):
    return application is not None and services.phase_open(application.edition, PhaseKind.UNIT_ENDORSEMENT)


@rules.predicate
def endorsement_prerequisites_met(user, application):
    """The self-evaluation, the opinion, the generated form and its current stamped scan (`unit_endorse`)."""
    return application is not None and not services.unit_endorsement_problems(application)


@rules.predicate
def unit_quota_left(user, application):
    uses = services.quota_usage(application, kinds=(services.QUOTA_UNIT_ENDORSEMENTS,))
    return application is not None and not any(use.full for use in uses)


@rules.predicate
def applies_directly(user, application):
    """A confirmed direct member unit: its endorsement goes straight to the association."""
    return application is not None and services.applies_directly(application.unit)


@rules.predicate
def has_recommender(user, application):
    return application is not None and application.unit.recommender_id is not None


@rules.predicate
def recommender_is_active(user, application):
    recommender = application.unit.recommender if application is not None else None
    return recommender is not None and recommender.is_active


@rules.predicate
def recommendation_open(user, application):
    return application is not None and services.phase_open(application.edition, PhaseKind.RECOMMENDATION)


@rules.predicate
def ranking_complete(user, application):
    """Recommending needs the saved ranking of the application's category."""
    return application is not None and not services.ranking_problem(
        recommender=application.unit.recommender, edition=application.edition, category=application.category
    )


@rules.predicate
def recommendation_quota_left(user, application):
    return application is not None and not services.quota_problem(
        application=application, recommender=application.unit.recommender
    )


for _action in actions_of(is_unit_contact):
    add_action_condition(_action, unit_endorsement_open)
for _action in (Action.UNIT_ENDORSE, Action.UNIT_ENDORSE_DIRECT):
    add_action_condition(_action, endorsement_prerequisites_met, unit_quota_left)
add_action_condition(Action.UNIT_ENDORSE, ~applies_directly & has_recommender)
add_action_condition(Action.UNIT_ENDORSE_DIRECT, applies_directly)
for _action in actions_of(is_recommender_decider):
    add_action_condition(_action, recommender_is_active, recommendation_open)
add_action_condition(Action.RECOMMEND, ranking_complete, recommendation_quota_left)
