"""Panel objects for the authorization matrix: a round whose problem-solving panel is led by `expert_user` (for
the panel_member role: led by another expert, `expert_user` a member) and another round's panel led by another
expert, both with every sheet submitted. Prefixed "pn_"."""

from tests.authz_world import register_object


def _panel(world, round_name, leader_is_world_expert: bool):
    from reviews.enums import Aggregation
    from tests.factories.recommenders import category_of
    from tests.factories.reviews import assigned, pool_expert, quick_admitted, review_round
    from tests.factories.reviews_onsite import panel_of, submitted

    edition = world.get("pn_edition")
    round_ = review_round(edition, aggregation=Aggregation.MEAN, name=round_name)
    world_expert = world.get("expert_user").expert_profile
    if not leader_is_world_expert:
        leader, member = pool_expert(edition.programme), pool_expert(edition.programme)
    elif world.role == "panel_member":  # the world's expert sits on the panel; another expert leads it
        leader, member = pool_expert(edition.programme), world_expert
    else:
        leader, member = world_expert, pool_expert(edition.programme)
    application = quick_admitted(edition)
    for expert in (leader, member):
        submitted(assigned(round_, application, expert))
    panel = panel_of(round_, category_of(edition), leader=leader)
    panel.authz_application = application
    return panel


@register_object("pn_edition")
def _pn_edition(world):
    from tests.factories.recommenders import qc_edition

    return qc_edition()


@register_object("pn_category")
def _pn_category(world):
    from tests.factories.recommenders import category_of

    return category_of(world.get("pn_edition"))


@register_object("pn_own_panel")
def _pn_own_panel(world):
    return _panel(world, "authz 合议 1", True)


@register_object("pn_other_panel")
def _pn_other_panel(world):
    return _panel(world, "authz 合议 2", False)


@register_object("pn_own_round")
def _pn_own_round(world):
    return world.get("pn_own_panel").round


@register_object("pn_other_round")
def _pn_other_round(world):
    return world.get("pn_other_panel").round


@register_object("pn_own_app")
def _pn_own_app(world):
    return world.get("pn_own_panel").authz_application


@register_object("pn_other_app")
def _pn_other_app(world):
    return world.get("pn_other_panel").authz_application
