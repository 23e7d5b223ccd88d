"""Who may invite to, and answer, a joint recommendation (联合推荐); and the visibility of a jointly recommended
application to the invited organisation (registered with applications.visibility in RecommendersConfig.ready)."""

import rules
from django.db.models import Q

from accounts.rules import is_staff_member
from core import roles

from .models_joint import VISIBLE_STATES, CoRecommendation, CoRecommendationState
from .rules import decides_for_applications_recommender, is_member_of, recommender_is_active
from .services_joint import joint_problem


@rules.predicate
def joint_possible(user, application):
    """The programme takes consortia, the lead holds the application, the deadline has not passed."""
    return application is not None and not joint_problem(application)


@rules.predicate
def decides_for_invited(user, co_recommendation):
    return co_recommendation is not None and co_recommendation.recommender_id in roles.decider_recommender_ids(user)


@rules.predicate
def is_open_invitation(user, co_recommendation):
    return co_recommendation is not None and co_recommendation.state == CoRecommendationState.INVITED


# Only a decider of the application's own (lead) organisation invites; only the invited organisation's deciders answer.
rules.add_perm(
    "recommenders.invite_corecommender",
    decides_for_applications_recommender & recommender_is_active & joint_possible,
)
rules.add_perm("recommenders.view_joint_invitations", is_member_of | is_staff_member)
rules.add_perm("recommenders.decide_corecommendation", decides_for_invited & is_open_invitation)


# --- Visibility: the invited (or confirmed) organisation reads that one application, nothing else of the unit ----


def _co_recommender_sees(user, application) -> bool:
    ids = roles.recommender_ids(user)
    return (
        bool(ids)
        and CoRecommendation.objects.filter(
            application_id=application.pk, recommender_id__in=ids, state__in=VISIBLE_STATES
        ).exists()
    )


def _co_recommender_scope(user) -> Q:
    ids = roles.recommender_ids(user)
    if not ids:
        return Q(pk__in=[])
    # A subquery, not a join: a list filtered by it never repeats an application.
    return Q(
        pk__in=CoRecommendation.objects.filter(recommender_id__in=ids, state__in=VISIBLE_STATES).values(
            "application_id"
        )
    )


def register_visibility() -> None:
    from applications import visibility

    visibility.register("recommenders.co_recommender", sees=_co_recommender_sees, scope=_co_recommender_scope)
