"""On-site review objects for the authorization matrix: an on-site round with a visit whose panel includes
`expert_user` (with a photo), and a visit of another expert (with a photo). Prefixed "on_"."""

from tests.authz_world import register_object


@register_object("on_round")
def _on_round(world):
    from tests.factories.recommenders import qc_edition
    from tests.factories.reviews_onsite import onsite_round

    return onsite_round(qc_edition())


@register_object("on_other_round")
def _on_other_round(world):
    from tests.factories.reviews_onsite import onsite_round

    return onsite_round(world.get("on_round").edition, name="other on-site round")


@register_object("on_edition")
def _on_edition(world):
    return world.get("on_round").edition


def _visit(world, round_name, expert):
    from tests.factories.reviews import quick_admitted
    from tests.factories.reviews_onsite import site_visit

    round_ = world.get(round_name)
    return site_visit(round_, quick_admitted(round_.edition), [expert])


@register_object("on_own_visit")
def _on_own_visit(world):
    return _visit(world, "on_round", world.get("expert_user").expert_profile)


@register_object("on_other_visit")
def _on_other_visit(world):
    from tests.factories.reviews import pool_expert

    return _visit(world, "on_other_round", pool_expert(world.get("on_edition").programme))


@register_object("on_own_photo")
def _on_own_photo(world):
    from tests.factories.reviews_onsite import visit_photo

    return visit_photo(world.get("on_own_visit"))


@register_object("on_other_photo")
def _on_other_photo(world):
    from tests.factories.reviews_onsite import visit_photo

    return visit_photo(world.get("on_other_visit"))
