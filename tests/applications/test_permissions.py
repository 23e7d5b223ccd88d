"""Who reaches which application page: scope first (404 outside it), then the permission (403)."""

import pytest
from django.urls import reverse

from applications.models import Attachment
from tests.factories import recommender_member
from tests.factories.applications import draft_application, eligible_group, submitted_application

from .conftest import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.unit]

# (url name, method, extra url args from the attachment)
PAGES = [
    ("applications:detail", "get"),
    ("applications:edit", "get"),
    ("applications:edit", "post"),
    ("applications:attachments", "get"),
    ("applications:attachments", "post"),
    ("applications:attachment_download", "get"),
    ("applications:co_applicants", "get"),
    ("applications:submit", "get"),
    ("applications:submit", "post"),
    ("applications:withdraw", "post"),
    ("applications:extend_deadline", "get"),
    ("applications:extend_deadline", "post"),
]
IDS = [f"{name.split(':')[1]}-{method}" for name, method in PAGES]


def _url(name, application):
    if name == "applications:attachment_download":
        attachment = Attachment.objects.filter(application=application).first()
        return reverse(name, args=[application.pk, attachment.pk])
    return reverse(name, args=[application.pk])


def _status(client, name, method, application) -> int:
    return getattr(client, method)(_url(name, application)).status_code


@pytest.mark.parametrize(("name", "method"), PAGES, ids=IDS)
def test_another_groups_leader_gets_404_everywhere(edition, draft, name, method):
    other_leader = eligible_group().leader
    assert _status(client_for(other_leader), name, method, draft) == 404


@pytest.mark.parametrize(("name", "method"), PAGES, ids=IDS)
def test_another_groups_leader_gets_404_on_submitted_too(edition, group, name, method):
    application = submitted_application(edition=edition, group=group)
    assert _status(client_for(eligible_group().leader), name, method, application) == 404


@pytest.mark.parametrize(("name", "method"), PAGES, ids=IDS)
def test_unit_contact_does_not_see_drafts(draft, contact, name, method):
    assert _status(client_for(contact), name, method, draft) == 404


UNIT_ON_SUBMITTED = {
    ("applications:detail", "get"): 200,
    ("applications:edit", "get"): 403,
    ("applications:edit", "post"): 403,
    ("applications:attachments", "get"): 200,
    ("applications:attachments", "post"): 403,
    ("applications:attachment_download", "get"): 200,
    ("applications:co_applicants", "get"): 404,  # a QC programme has no co-applicants
    ("applications:submit", "get"): 403,
    ("applications:submit", "post"): 403,
    ("applications:withdraw", "post"): 403,
    ("applications:extend_deadline", "get"): 403,
    ("applications:extend_deadline", "post"): 403,
}


@pytest.mark.parametrize(("name", "method"), PAGES, ids=IDS)
def test_unit_contact_reads_submitted_applications_only(edition, group, contact, name, method):
    application = submitted_application(edition=edition, group=group)
    assert _status(client_for(contact), name, method, application) == UNIT_ON_SUBMITTED[(name, method)]


@pytest.mark.parametrize(("name", "method"), PAGES, ids=IDS)
def test_recommender_does_not_see_applications_still_at_the_unit(edition, group, name, method):
    application = submitted_application(edition=edition, group=group)
    user = recommender_member(group.unit.recommender)
    assert _status(client_for(user), name, method, application) == 404


def test_anonymous_is_sent_to_sign_in(draft, client):
    for name, method in PAGES:
        response = getattr(client, method)(_url(name, draft))
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), name


def test_staff_reads_but_does_not_edit(draft, staff):
    client = client_for(staff)
    assert _status(client, "applications:detail", "get", draft) == 200
    assert _status(client, "applications:attachments", "get", draft) == 200
    assert _status(client, "applications:extend_deadline", "get", draft) == 200
    assert _status(client, "applications:edit", "get", draft) == 403
    assert _status(client, "applications:submit", "post", draft) == 403


def test_unit_panel_lists_submitted_not_drafts(edition, group, contact):
    submitted = submitted_application(edition=edition, group=group)
    hidden = draft_application(edition=edition, group=eligible_group(group.unit), title="尚未提交的草稿")

    page = client_for(contact).get(reverse("accounts:unit_dashboard", args=[group.unit.pk])).content.decode()

    assert reverse("applications:detail", args=[submitted.pk]) in page
    assert reverse("applications:detail", args=[hidden.pk]) not in page and "尚未提交的草稿" not in page


def test_unit_contact_sees_group_dashboard_without_drafts(edition, group, contact):
    hidden = draft_application(edition=edition, group=group, title="尚未提交的草稿")
    page = client_for(contact).get(reverse("accounts:group_dashboard", args=[group.pk])).content.decode()
    assert "尚未提交的草稿" not in page and reverse("applications:detail", args=[hidden.pk]) not in page
    assert 'data-testid="open-editions"' not in page


def test_staff_list_is_staff_only(draft, leader_client, staff):
    assert leader_client.get(reverse("applications:staff_list")).status_code == 403
    assert client_for(staff).get(reverse("applications:staff_list")).status_code == 200
