"""Objects of the expert pool pages for the authorization matrix (tests/authz_matrix.yaml). The pool belongs to
staff: "own" and "other" are two programmes' pools, and every role gets the same answer for both. Prefixed "pool_"."""

from reviews.models import PoolEntry
from tests.authz_world import register_object
from tests.factories.reviews import pool_expert


@register_object("pool_entry")
def _pool_entry(world):
    return PoolEntry.objects.get(expert=pool_expert(world.get("aw_programme")), programme=world.get("aw_programme"))


@register_object("pool_other_entry")
def _pool_other_entry(world):
    programme = world.get("aw_other_programme")
    return PoolEntry.objects.get(expert=pool_expert(programme), programme=programme)
