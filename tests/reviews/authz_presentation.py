"""Objects of the presentation competition for the authorization matrix (tests/authz_matrix.yaml). Prefixed "pr_".

One open presentation round: the "own" session holds own_group's application and is judged by `expert_user`
(declaration signed); the "other" session holds other_group's application and another judge. Staff pages answer
the same for both; a judge reaches only their session, a group only its slot."""

from tests.authz_world import register_object
from tests.documents.authz import stored_document

DOCUMENT_KINDS = ("presentation_running_sheet", "presentation_judge_sheets")


@register_object("pr_edition")
def _pr_edition(world):
    from tests.factories.recommenders import qc_edition

    return qc_edition()


@register_object("pr_round")
def _pr_round(world):
    from tests.factories.reviews_presentation import presentation_round

    return presentation_round(world.get("pr_edition"))


def _session(world, group_name, expert, name):
    from applications.models import Application
    from tests.factories.reviews_presentation import passed_application, presentation_session

    group = world.get(group_name)
    application = passed_application(world.get("pr_edition"))
    # The matrix's groups registered after this edition opened: the application is moved to them afterwards.
    Application.objects.filter(pk=application.pk).update(group=group, unit=group.unit)
    application.refresh_from_db()
    return presentation_session(world.get("pr_round"), [application], judges=[expert], name=name)


@register_object("pr_session")
def _pr_session(world):
    from reviews.declaration import declaration_sign
    from reviews.models import PoolEntry

    user = world.get("expert_user")
    PoolEntry.objects.get_or_create(
        programme=world.get("pr_edition").programme,
        expert=user.expert_profile,
        defaults={"categories": ["problem_solving", "innovation"]},
    )
    session = _session(world, "own_group", user.expert_profile, "第一场")
    declaration_sign(actor=user, round=session.round)
    return session


@register_object("pr_other_session")
def _pr_other_session(world):
    from tests.factories.reviews import pool_expert

    world.get("pr_session")  # the own session first: the round's session names stay in order
    return _session(world, "other_group", pool_expert(world.get("pr_edition").programme), "第二场")


@register_object("pr_own_slot")
def _pr_own_slot(world):
    return world.get("pr_session").slots.get()


@register_object("pr_other_slot")
def _pr_other_slot(world):
    return world.get("pr_other_session").slots.get()


def _register(name: str, kind: str, owner_object: str) -> None:
    register_object(name)(lambda world: stored_document(kind, world.get(owner_object)))


for _side, _owner in (("own", "pr_session"), ("other", "pr_other_session")):
    for _kind in DOCUMENT_KINDS:
        _register(f"doc_{_kind}_{_side}", _kind, _owner)


def _slot_with_file(world, slot_name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from reviews.presentation import slot_file_upload
    from tests.reviews.test_presentation_services import MINIMAL_PDF

    slot = world.get(slot_name)
    return slot_file_upload(actor=None, slot=slot, uploaded_file=SimpleUploadedFile("slides.pdf", MINIMAL_PDF))


@register_object("pr_own_slot_file")
def _pr_own_slot_file(world):
    return _slot_with_file(world, "pr_own_slot")


@register_object("pr_other_slot_file")
def _pr_other_slot_file(world):
    return _slot_with_file(world, "pr_other_slot")
