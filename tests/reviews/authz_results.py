"""Round results objects for the authorization matrix (tests/authz_matrix.yaml): two review rounds of the matrix's
edition, and a stored review summary of each kind for each (tests/documents/authz.py `stored_document`). Results
and summaries are for staff only, whichever round."""

from tests.authz_world import register_object
from tests.documents.authz import stored_document
from tests.factories.reviews import review_round

SUMMARY_KINDS = ("round_review_summary", "round_review_summary_pdf")


@register_object("results_own_round")
def _results_own_round(world):
    return review_round(world.get("rec_edition"), name="authz 材料文审 1")


@register_object("results_other_round")
def _results_other_round(world):
    return review_round(world.get("rec_edition"), name="authz 材料文审 2")


def _register(name: str, kind: str, owner_object: str) -> None:
    register_object(name)(lambda world: stored_document(kind, world.get(owner_object)))


for _side in ("own", "other"):
    for _kind in SUMMARY_KINDS:
        _register(f"doc_{_kind}_{_side}", _kind, f"results_{_side}_round")
