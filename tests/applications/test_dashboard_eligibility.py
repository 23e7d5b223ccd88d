"""The group dashboard's deadline and submitted columns, and a group the edition does not admit told so up front."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import QCGroup
from applications.models import Application
from applications.services import application_create
from core.exceptions import BusinessRuleError
from tests.factories.applications import category_of, draft_application, submitted_application

pytestmark = [pytest.mark.django_db, pytest.mark.unit]

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _cells(page: str, testid: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>|\s+", " ", c).strip() for c in re.findall(rf'data-testid="{testid}">(.*?)</td>', page, re.S)
    ]


def _registered_after_window(group, edition):
    opened = edition.application_phase.starts_at
    QCGroup.objects.filter(pk=group.pk).update(created_at=opened + datetime.timedelta(hours=1))
    group.refresh_from_db()
    return f"{timezone.localtime(opened):%Y-%m-%d}"


def test_deadline_column_never_shows_the_submission_time(edition, group, leader_client):
    submitted = submitted_application(edition=edition, group=group)
    page = leader_client.get(reverse("accounts:group_dashboard", args=[group.pk]), **EN).content.decode()
    assert _cells(page, "deadline") == ["—"]
    assert _cells(page, "submitted-at") == [f"{timezone.localtime(submitted.submitted_at):%Y-%m-%d %H:%M}"]
    assert re.search(r"<th>Deadline</th><th>Submitted</th>", page)


def test_draft_row_shows_its_deadline_and_no_submission_time(edition, group, leader_client):
    draft_application(edition=edition, group=group, complete=False)
    page = leader_client.get(reverse("accounts:group_dashboard", args=[group.pk]), **EN).content.decode()
    deadline = timezone.localtime(edition.application_phase.ends_at)
    assert _cells(page, "deadline")[0].startswith(f"{deadline:%Y-%m-%d %H:%M}")
    assert _cells(page, "submitted-at") == ["—"]


def test_group_registered_after_the_window_opened_is_told_on_the_dashboard(edition, group, leader_client):
    date = _registered_after_window(group, edition)
    page = leader_client.get(reverse("accounts:group_dashboard", args=[group.pk]), **EN).content.decode()
    reason = (
        f"The QC group was registered after the application window opened on {date}; "
        "this edition admits only groups registered before."
    )
    assert reason in page
    assert 'data-testid="not-eligible-QC"' in page
    assert f"{reverse('applications:create_for_group', args=[group.pk])}?edition={edition.pk}" not in page


def test_group_registered_after_the_window_opened_gets_no_create_form(edition, group, leader_client):
    date = _registered_after_window(group, edition)
    url = reverse("applications:create_for_group", args=[group.pk])
    page = leader_client.get(url, {"edition": edition.pk}, **EN).content.decode()
    assert 'data-testid="not-eligible"' in page and 'data-testid="create-form"' not in page
    assert f"registered after the application window opened on {date}" in page

    category = category_of(edition)
    response = leader_client.post(
        url, {"edition": edition.pk, "category": category.pk, "title": "降低车削尺寸超差率"}, **EN
    )
    assert response.status_code == 200
    assert not Application.objects.exists()


def test_application_create_refuses_a_group_registered_after_the_window_opened(edition, group):
    _registered_after_window(group, edition)
    with pytest.raises(BusinessRuleError) as error:
        application_create(
            actor=group.leader, edition=edition, category=category_of(edition), title="降低车削尺寸超差率", group=group
        )
    assert error.value.code == "not_eligible"
    assert not Application.objects.exists()
