"""Objects of the programme and edition console for the authorization matrix (tests/authz_matrix.yaml).

Editions belong to nobody: "own" and "other" are simply two editions of two programmes, and every role gets the
same answer for both. Prefixed "aw_" so they never clash with other apps' objects.
"""

from awards.enums import ProgrammeKind
from tests.authz_world import register_object
from tests.factories.awards import open_edition, past_edition


@register_object("aw_edition")
def _aw_edition(world):
    return open_edition(ProgrammeKind.QC_ACHIEVEMENT)


@register_object("aw_other_edition")
def _aw_other_edition(world):
    return past_edition(ProgrammeKind.TACKLING)


@register_object("aw_programme")
def _aw_programme(world):
    return world.get("aw_edition").programme


@register_object("aw_other_programme")
def _aw_other_programme(world):
    return world.get("aw_other_edition").programme


@register_object("aw_rubric")
def _aw_rubric(world):
    return world.get("aw_edition").rubrics.order_by("id").first()


@register_object("aw_other_rubric")
def _aw_other_rubric(world):
    return world.get("aw_other_edition").rubrics.order_by("id").first()
