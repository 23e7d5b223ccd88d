"""Objects of the results publicity pages for the authorization matrix (tests/authz_matrix.yaml). "rs_edition" has
released levels, an awarded application of the own group, and a started, finalised publicity (its public pages
answer everyone); "rs_other_edition" has released levels and no publicity (public pages 404). Objection requests
are answered by the application's group and unit: the own chain's for "rs_request", the other chain's for
"rs_other_request". Prefixed "rs_"."""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import QCGroup
from applications.models import Application
from notices.models_results import Objection, ObjectionFile, ObjectionRequest, ResultsPublicity
from reviews.models_levels import AwardLevel, LevelDecision, LevelScheme
from reviews.workflow_levels import LevelStatus
from tests.authz_world import register_object
from tests.factories.applications import pdf_bytes
from tests.factories.recommenders import qc_edition
from tests.factories.reviews import quick_admitted


def _released(edition):
    scheme = LevelScheme.objects.create(edition=edition, released_at=timezone.now())
    AwardLevel.objects.create(scheme=scheme, position=0, name="标杆级")
    return scheme


def _awarded(edition, unit, group):
    # The world's groups are registered just now; applicants must have registered before the window opened.
    QCGroup.objects.filter(pk=group.pk).update(created_at=timezone.now() - datetime.timedelta(days=400))
    group.refresh_from_db()
    application = quick_admitted(edition, unit=unit, group=group)
    Application.objects.filter(pk=application.pk).update(status=LevelStatus.AWARDED)
    scheme = edition.level_scheme
    LevelDecision.objects.create(scheme=scheme, application=application, level=scheme.levels.first(), released=True)
    return application


@register_object("rs_edition")
def _rs_edition(world):
    edition = qc_edition()
    _released(edition)
    now = timezone.now()
    ResultsPublicity.objects.create(
        edition=edition,
        starts_at=now - datetime.timedelta(days=20),
        ends_at=now - datetime.timedelta(days=1),
        finalised_at=now,
    )
    return edition


@register_object("rs_other_edition")
def _rs_other_edition(world):
    edition = qc_edition()
    _released(edition)
    return edition


@register_object("rs_application")
def _rs_application(world):
    return _awarded(world.get("rs_edition"), world.get("own_unit"), world.get("own_group"))


@register_object("rs_other_application")
def _rs_other_application(world):
    return _awarded(world.get("rs_other_edition"), world.get("other_unit"), world.get("other_group"))


def _objection(world, application, number):
    return Objection.objects.create(
        publicity=world.get("rs_edition").results_publicity,
        application=application,
        tracking_number=number,
        real_name="张三",
        mobile="13812345678",
        reason="异议",
        consent=True,
    )


@register_object("rs_objection")
def _rs_objection(world):
    return _objection(world, world.get("rs_application"), "YYAUTHZOWN001")


@register_object("rs_other_objection")
def _rs_other_objection(world):
    edition = world.get("rs_edition")
    other = _awarded(edition, world.get("other_unit"), world.get("other_group"))
    return _objection(world, other, "YYAUTHZOTH001")


def _request(objection):
    return ObjectionRequest.objects.create(
        objection=objection, question="请说明。", deadline=timezone.now() + datetime.timedelta(days=3)
    )


@register_object("rs_request")
def _rs_request(world):
    return _request(world.get("rs_objection"))


@register_object("rs_other_request")
def _rs_other_request(world):
    return _request(world.get("rs_other_objection"))


def _file(objection):
    stored = ObjectionFile(objection=objection, file_name="证据.pdf", file_type="application/pdf", file_sha256="0" * 64)
    stored.file.save("rs.pdf", ContentFile(pdf_bytes()), save=False)
    stored.save()
    return stored


@register_object("rs_file")
def _rs_file(world):
    return _file(world.get("rs_objection"))


@register_object("rs_other_file")
def _rs_other_file(world):
    return _file(world.get("rs_other_objection"))
