"""Objects of the staff's review-round pages for the authorization matrix (tests/authz_matrix.yaml). Prefixed "rr_".

Rounds belong to the secretariat: "own" and "other" are two rounds of two editions, and every role gets the same
answer for both (only staff may see or change them).
"""

from reviews.enums import AssignmentState
from reviews.models import RoundRubric
from tests.authz_world import register_object
from tests.factories.awards import open_edition
from tests.factories.reviews import assigned, pool_expert, quick_admitted, review_round


@register_object("rr_round")
def _rr_round(world):
    return review_round(open_edition())


@register_object("rr_other_round")
def _rr_other_round(world):
    return review_round(open_edition())


@register_object("rr_edition")
def _rr_edition(world):
    return world.get("rr_round").edition


@register_object("rr_other_edition")
def _rr_other_edition(world):
    return world.get("rr_other_round").edition


def _rubric(round_):
    return RoundRubric.objects.filter(round=round_, is_current=True).order_by("id").first()


@register_object("rr_rubric")
def _rr_rubric(world):
    return _rubric(world.get("rr_round"))


@register_object("rr_other_rubric")
def _rr_other_rubric(world):
    return _rubric(world.get("rr_other_round"))


def _assignment(round_):
    edition = round_.edition
    return assigned(round_, quick_admitted(edition), pool_expert(edition.programme), state=AssignmentState.OFFERED)


@register_object("rr_assignment")
def _rr_assignment(world):
    return _assignment(world.get("rr_round"))


@register_object("rr_other_assignment")
def _rr_other_assignment(world):
    return _assignment(world.get("rr_other_round"))
