"""Objects of the staff console for the authorization matrix (tests/authz_matrix.yaml)."""

from accounts.enums import Role
from tests.authz_world import register_object
from tests.factories import recommender_member


@register_object("own_recommender_membership")
def _own_recommender_membership(world):
    """The matrix's recommender member's role (the decider of own_recommender)."""
    return world.get("recommender_user").memberships.get(role=Role.RECOMMENDER)


@register_object("other_recommender_membership")
def _other_recommender_membership(world):
    """A reviewer of the other organisation (staff may let them decide)."""
    reviewer = recommender_member(world.get("other_recommender"), can_decide=False, email="reviewer@authz.test")
    return reviewer.memberships.get(role=Role.RECOMMENDER)
