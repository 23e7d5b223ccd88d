"""Objects of the expert channel for the authorization matrix: a blind round in which `expert_user` has signed
the declaration and has one accepted assignment (with its attachments), and another round and assignment of
another expert. Prefixed "ex_" so they never clash with the other parts' objects."""

from tests.authz_world import register_object


@register_object("ex_edition")
def _ex_edition(world):
    from tests.factories.recommenders import qc_edition

    return qc_edition()


@register_object("ex_round")
def _ex_round(world):
    from tests.factories.reviews import review_round

    return review_round(world.get("ex_edition"), blind=True)


@register_object("ex_other_round")
def _ex_other_round(world):
    from tests.factories.reviews import review_round

    return review_round(world.get("ex_edition"), blind=True, name="other round")


def _assignment(world, round_name, expert):
    from tests.factories.reviews import admitted_application, assigned

    application = admitted_application(edition=world.get("ex_edition"))
    return assigned(world.get(round_name), application, expert)


@register_object("ex_own_assignment")
def _ex_own_assignment(world):
    from reviews.declaration import declaration_sign

    user = world.get("expert_user")
    assignment = _assignment(world, "ex_round", user.expert_profile)
    declaration_sign(actor=user, round=assignment.round)
    if world.role == "conflicted_expert":
        from reviews.conflicts import conflict_declare

        conflict_declare(
            actor=user,
            round=assignment.round,
            expert=user.expert_profile,
            application=assignment.application,
            reason="我曾指导该小组的课题",
        )
        assignment.refresh_from_db()
    return assignment


@register_object("ex_other_assignment")
def _ex_other_assignment(world):
    from tests.factories.reviews import pool_expert

    return _assignment(world, "ex_other_round", pool_expert(world.get("ex_edition").programme))


@register_object("ex_own_round")
def _ex_own_round(world):
    return world.get("ex_own_assignment").round


@register_object("ex_own_attachment")
def _ex_own_attachment(world):
    return world.get("ex_own_assignment").application.attachments.filter(is_current=True).first()


@register_object("ex_other_attachment")
def _ex_other_attachment(world):
    return world.get("ex_other_assignment").application.attachments.filter(is_current=True).first()


@register_object("ex_sheet")
def _ex_sheet(world):
    from reviews.models import ScoreSheet
    from reviews.selectors_expert import rubric_for

    assignment = world.get("ex_other_assignment")
    return ScoreSheet.objects.create(assignment=assignment, rubric=rubric_for(assignment), scores={}, total=None)
