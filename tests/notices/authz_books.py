"""Objects of the books and shared-case pages for the authorization matrix. Prefixed "bk_".

bk_edition: an edition with award-confirmed applications of own_group (bk_own_confirmed) and other_group
(bk_other_confirmed); bk_package: a package of it; bk_share / bk_other_share: their published shares (own with the
report consented); bk_unpublished: a consented share staff has not published.
"""

from applications.models import Application
from reviews.workflow_levels import LevelStatus
from tests.authz_world import register_object
from tests.factories.applications import draft_application
from tests.factories.notices_books import confirm


def _confirmed(world, group_name):
    from tests.applications.authz import _eligible

    edition = world.get("bk_edition")
    application = draft_application(edition=edition, group=_eligible(world.get(group_name)))
    # Released awards are the reviews app's business (tests/reviews/test_levels_services.py); here only the
    # award's confirmation matters, which goes through the transition.
    Application.objects.filter(pk=application.pk).update(
        status=LevelStatus.AWARDED, number=f"BK{edition.year}-{application.pk:05d}"
    )
    return confirm(Application.objects.get(pk=application.pk))


@register_object("bk_edition")
def _bk_edition(world):
    from tests.factories.recommenders import qc_edition

    return qc_edition()


@register_object("bk_own_confirmed")
def _bk_own_confirmed(world):
    return _confirmed(world, "own_group")


@register_object("bk_other_confirmed")
def _bk_other_confirmed(world):
    return _confirmed(world, "other_group")


@register_object("bk_package")
def _bk_package(world):
    from notices.models_books import NationalPackage
    from notices.national import package_build

    package = NationalPackage.objects.create(edition=world.get("bk_edition"))
    package.applications.set([world.get("bk_own_confirmed")])
    return package_build(package_id=package.pk, build_forms=False)


def _share(world, name, *, report, published=True):
    from notices import cases
    from tests.factories.accounts import staff_user

    application = world.get(name)
    share = cases.case_consent_set(actor=application.group.leader, application=application, summary=True, report=report)
    return cases.case_publish(actor=staff_user(), share=share, published=True) if published else share


@register_object("bk_share")
def _bk_share(world):
    return _share(world, "bk_own_confirmed", report=True)


@register_object("bk_unpublished")
def _bk_unpublished(world):
    return _share(world, "bk_other_confirmed", report=True, published=False)


@register_object("bk_other_edition")
def _bk_other_edition(world):
    from tests.factories.recommenders import qc_edition

    return qc_edition()


def _register_document(name: str, kind: str, owner_object: str) -> None:
    from tests.documents.authz import stored_document

    register_object(name)(lambda world: stored_document(kind, world.get(owner_object)))


for _side, _owner in (("own", "bk_edition"), ("other", "bk_other_edition")):
    for _kind in ("compendium", "compendium_draft"):
        _register_document(f"doc_{_kind}_{_side}", _kind, _owner)
