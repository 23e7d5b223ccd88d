"""The application pages offer each viewer exactly the actions whose POST would succeed, in the application's state
(issue 8: staff opening a recommended application saw 编辑申报表, 检查并提交, 撤回申报, replace-file buttons and
an extend-deadline link, all of which failed). The demo's staff login is also a Django superuser: it gets no
more than the staff role gives."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from accounts.models import Membership
from applications.enums import Status
from applications.models import Application, Attachment
from applications.services import application_extend_deadline
from core.exceptions import BusinessRuleError
from recommenders import services as recommender_services
from tests.applications.test_views import _form_data
from tests.factories import UserFactory, recommender_member, staff_user
from tests.factories.applications import pdf_bytes, upload
from tests.factories.recommenders import contact_of, draft_application, endorsed_application, qc_edition
from tests.helpers import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

ACTIONS = ("edit", "submit", "withdraw", "extend", "upload")


@pytest.fixture
def edition():
    return qc_edition()


def make(state, edition) -> Application:
    if state == "draft":
        return draft_application(edition=edition)
    application = endorsed_application(edition=edition)
    recommender = application.unit.recommender
    decider = recommender_member(recommender)
    recommender_services.recommender_rank(
        actor=decider,
        recommender=recommender,
        edition=edition,
        category=application.category,
        ordered_ids=[application.pk],
    )
    return recommender_services.recommender_decide(
        actor=decider, application=application, recommender=recommender, recommend=True, opinion="同意推荐。"
    )


def viewer_of(kind, application):
    if kind == "group":
        return application.group.leader
    if kind == "unit":
        existing = Membership.objects.filter(role=Role.UNIT, unit=application.unit).first()
        return existing.user if existing else contact_of(application.unit)
    if kind == "staff":
        return staff_user()
    superuser = UserFactory(is_staff=True, is_superuser=True)  # like the demo's staff login
    Membership.objects.create(user=superuser, role=Role.STAFF)
    return superuser


def shown(client, application) -> set[str]:
    detail = client.get(reverse("applications:detail", args=[application.pk]))
    if detail.status_code != 200:
        return set()
    page = detail.content.decode()
    attachments = client.get(reverse("applications:attachments", args=[application.pk])).content.decode()
    found = {
        "edit": 'data-testid="tab-edit"' in page,
        "submit": 'data-testid="tab-submit"' in page,
        "withdraw": 'data-testid="withdraw-form"' in page,
        "extend": 'data-testid="extend-deadline"' in page,
        "upload": 'data-testid="upload-report"' in attachments,
    }
    if 'data-testid="no-problems"' in page:  # "已填写完整，可以提交" only for someone who can submit
        found["complete-notice"] = True
    return {name for name, present in found.items() if present}


def post_succeeds(client, application, action) -> bool:
    """POST the action as the page would, then look whether it took effect."""
    pk = application.pk
    if action == "edit":
        client.post(reverse("applications:edit", args=[pk]), _form_data(application, title="提高焊接一次合格率"))
        return Application.objects.get(pk=pk).title == "提高焊接一次合格率"
    if action == "submit":
        client.post(reverse("applications:submit", args=[pk]), {"confirm": "on"})
        return Application.objects.get(pk=pk).status == Status.SUBMITTED != application.status
    if action == "withdraw":
        client.post(reverse("applications:withdraw", args=[pk]), {"note": ""})
        return Application.objects.get(pk=pk).status == Status.WITHDRAWN
    if action == "extend":
        until = timezone.localtime(application.edition.application_phase.ends_at + datetime.timedelta(days=3))
        data = {"until": f"{until:%Y-%m-%dT%H:%M}", "reason": "单位停电，材料延后"}
        client.post(reverse("applications:extend_deadline", args=[pk]), data)
        return Application.objects.get(pk=pk).deadline_extended_until is not None
    before = Attachment.objects.filter(application_id=pk).count()
    requirement = application.edition.attachment_requirements.get(code="report")
    client.post(
        reverse("applications:attachments", args=[pk]),
        {"requirement": requirement.pk, "file": upload("成果报告-新.pdf", pdf_bytes())},
    )
    return Attachment.objects.filter(application_id=pk).count() > before


EXPECTED = {
    ("group", "draft"): {"edit", "submit", "withdraw", "upload", "complete-notice"},
    ("unit", "draft"): set(),  # never submitted: the unit does not see it at all
    ("staff", "draft"): {"extend"},
    ("superuser", "draft"): {"extend"},
    ("group", "recommended"): set(),
    ("unit", "recommended"): set(),
    ("staff", "recommended"): set(),
    ("superuser", "recommended"): set(),
}


@pytest.mark.parametrize("state", ["draft", "recommended"])
@pytest.mark.parametrize("viewer", ["group", "unit", "staff", "superuser"])
def test_the_page_shows_exactly_the_actions_whose_post_succeeds(edition, viewer, state):
    application = make(state, edition)
    offered = shown(client_for(viewer_of(viewer, application)), application)
    assert offered == EXPECTED[(viewer, state)]

    succeeded = set()
    for action in ACTIONS:
        fresh = make(state, edition)
        if post_succeeds(client_for(viewer_of(viewer, fresh)), fresh, action):
            succeeded.add(action)
    assert succeeded == offered - {"complete-notice"}


def test_an_extension_of_a_recommended_application_is_refused_by_the_service(edition):
    application = make("recommended", edition)
    with pytest.raises(BusinessRuleError) as error:
        application_extend_deadline(
            actor=staff_user(),
            application=application,
            until=application.edition.application_phase.ends_at + datetime.timedelta(days=3),
            reason="迟到",
        )
    assert error.value.message == (
        "This application is “Recommended, at the association”: its applicant can no longer change it, so there is "
        "nothing to extend."
    )
    application.refresh_from_db()
    assert application.deadline_extended_until is None
