"""Objects of formal review for the authorization matrix: applications of the two chains recommended to the
association (own_group → own_unit → own_recommender, and the other chain)."""

from tests.applications.authz import _eligible
from tests.authz_world import register_object


def _recommended(world, group_object: str):
    from tests.factories.reviews import recommended_application

    group = _eligible(world.get(group_object))
    return recommended_application(edition=world.get("rec_edition"), group=group, unit=group.unit)


@register_object("formal_own_application")
def _formal_own_application(world):
    return _recommended(world, "own_group")


@register_object("formal_other_application")
def _formal_other_application(world):
    return _recommended(world, "other_group")
