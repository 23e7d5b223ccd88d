"""Every list page of the applicant channel runs the same number of queries for 1 row as for 3 rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.services import attachment_upload
from tests.factories.applications import draft_application, eligible_group, pdf_bytes, submitted_application, upload

from .conftest import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.unit]


def _queries(client, url, params=None, rows_marker=None, rows=None) -> int:
    client.get(url, params)  # warm caches (content types, sessions) outside the count
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    if rows_marker:
        assert response.content.decode().count(rows_marker) == rows
    return len(captured)


def test_group_panel_constant_queries(edition, group, leader_client):
    url = reverse("accounts:group_dashboard", args=[group.pk])
    marker = 'data-testid="application-status"'
    draft_application(edition=edition, group=group, complete=False)
    one = _queries(leader_client, url, rows_marker=marker, rows=1)
    for title in ("提高焊接一次合格率", "缩短换模时间"):
        draft_application(edition=edition, group=group, complete=False, title=title)
    three = _queries(leader_client, url, rows_marker=marker, rows=3)
    assert one == three


def test_unit_panel_constant_queries(edition, group, contact):
    client = client_for(contact)
    url = reverse("accounts:unit_dashboard", args=[group.unit.pk])
    marker = 'data-testid="application-status"'
    submitted_application(edition=edition, group=group)
    one = _queries(client, url, rows_marker=marker, rows=1)
    for _ in range(2):
        submitted_application(edition=edition, group=eligible_group(group.unit))
    three = _queries(client, url, rows_marker=marker, rows=3)
    assert one == three


def test_staff_list_constant_queries(edition, staff):
    client = client_for(staff)
    url = reverse("applications:staff_list")
    marker = 'data-testid="application-status"'
    submitted_application(edition=edition)
    one = _queries(client, url, {"edition": edition.pk}, marker, 1)
    submitted_application(edition=edition)
    submitted_application(edition=edition)
    three = _queries(client, url, {"edition": edition.pk}, marker, 3)
    assert one == three


def test_staff_list_filters(edition, staff):
    client = client_for(staff)
    draft = draft_application(edition=edition, title="草稿课题", complete=False)
    done = submitted_application(edition=edition, title="已提交课题")
    url = reverse("applications:staff_list")

    by_status = client.get(url, {"edition": edition.pk, "status": "submitted"}).content.decode()
    by_search = client.get(url, {"q": done.number}).content.decode()

    assert "已提交课题" in by_status and "草稿课题" not in by_status
    assert "已提交课题" in by_search and "草稿课题" not in by_search
    assert draft.title in client.get(url, {"q": "草稿"}).content.decode()


def test_attachment_history_constant_queries(edition, group, leader_client, leader):
    application = draft_application(edition=edition, group=group, complete=False)
    requirement = edition.attachment_requirements.get(code="report")
    url = reverse("applications:attachments", args=[application.pk])

    def replace(n):
        attachment_upload(
            actor=leader,
            application=application,
            requirement=requirement,
            uploaded_file=upload(f"v{n}.pdf", pdf_bytes(text=f"v{n}")),
        )

    replace(0)
    replace(1)
    one = _queries(leader_client, url, rows_marker="<tr><td><a href=", rows=1)
    replace(2)
    replace(3)
    three = _queries(leader_client, url, rows_marker="<tr><td><a href=", rows=3)
    assert one == three
