"""评定 objects for the authorization matrix (tests/authz_matrix.yaml): two editions with a level scheme, an
admitted application of each, and a stored combined results document of each kind. Everything is staff only; the
vote is for committee members (the matrix's staff member is none)."""

from reviews.models_levels import LevelScheme
from tests.authz_world import register_object
from tests.documents.authz import stored_document
from tests.factories.recommenders import qc_edition
from tests.factories.reviews import quick_admitted

KINDS = ("combined_results", "combined_results_pdf")


@register_object("lv_edition")
def _lv_edition(world):
    return qc_edition()


@register_object("lv_other_edition")
def _lv_other_edition(world):
    return qc_edition()


@register_object("lv_application")
def _lv_application(world):
    return quick_admitted(world.get("lv_edition"))


@register_object("lv_other_application")
def _lv_other_application(world):
    return quick_admitted(world.get("lv_other_edition"))


@register_object("lv_scheme")
def _lv_scheme(world):
    return LevelScheme.objects.get_or_create(edition=world.get("lv_edition"))[0]


@register_object("lv_other_scheme")
def _lv_other_scheme(world):
    return LevelScheme.objects.get_or_create(edition=world.get("lv_other_edition"))[0]


def _register(name: str, kind: str, owner_object: str) -> None:
    register_object(name)(lambda world: stored_document(kind, world.get(owner_object)))


for _side, _owner in (("own", "lv_scheme"), ("other", "lv_other_scheme")):
    for _kind in KINDS:
        _register(f"doc_{_kind}_{_side}", _kind, _owner)
