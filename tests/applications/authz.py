"""Objects of the applicant channel for the authorization matrix (tests/authz_matrix.yaml).

Applications of the world's two chains: own_group / own_unit (the signed-in roles' side) and other_group /
other_unit. Drafts for the pages that change an application, submitted ones for the pages that read it (a unit
contact sees its groups' applications only once submitted).
"""

import datetime
import types

from django.utils import timezone

from accounts.models import QCGroup
from applications.services import application_submit
from awards.enums import ProgrammeKind
from tests.authz_world import register_object
from tests.factories.applications import draft_application
from tests.factories.awards import open_edition


def _eligible(group):
    """The world's groups are registered just now; applicants must have registered before the window opened."""
    QCGroup.objects.filter(pk=group.pk).update(created_at=timezone.now() - datetime.timedelta(days=400))
    group.refresh_from_db()
    return group


@register_object("app_edition")
def _app_edition(world):
    return open_edition(ProgrammeKind.QC_ACHIEVEMENT)


@register_object("app_tackling_edition")
def _app_tackling_edition(world):
    return open_edition(ProgrammeKind.TACKLING)


def _draft(world, group_name):
    return draft_application(edition=world.get("app_edition"), group=_eligible(world.get(group_name)))


@register_object("app_own_draft")
def _app_own_draft(world):
    return _draft(world, "own_group")


@register_object("app_other_draft")
def _app_other_draft(world):
    return _draft(world, "other_group")


@register_object("app_own_submitted")
def _app_own_submitted(world):
    application = _draft(world, "own_group")
    return application_submit(actor=application.created_by, application=application)


@register_object("app_other_submitted")
def _app_other_submitted(world):
    application = _draft(world, "other_group")
    return application_submit(actor=application.created_by, application=application)


def _file_of(application):
    return types.SimpleNamespace(application=application, attachment=application.attachments.order_by("id").first())


@register_object("app_own_file")
def _app_own_file(world):
    return _file_of(world.get("app_own_submitted"))


@register_object("app_other_file")
def _app_other_file(world):
    return _file_of(world.get("app_other_submitted"))


@register_object("app_own_unit_draft")
def _app_own_unit_draft(world):
    """A tackling project (unit applicant, co-applicants) of own_unit, by its contact."""
    return draft_application(
        edition=world.get("app_tackling_edition"),
        unit=world.get("own_unit"),
        actor=world.get("unit_user"),
        category="chain_collaboration",
        complete=False,
    )


@register_object("app_other_unit_draft")
def _app_other_unit_draft(world):
    return draft_application(
        edition=world.get("app_tackling_edition"),
        unit=world.get("other_unit"),
        actor=world.get("other_unit_contact"),
        category="chain_collaboration",
        complete=False,
    )
