import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts import staff_nav
from core.audit import audit_for
from notices.enums import NoticeState
from notices.models import Notice, NoticeAttachment
from tests.factories import staff_user, unit_contact
from tests.factories.applications import pdf_bytes, png_bytes
from tests.factories.hostile_files import pdf_with_document_javascript
from tests.factories.notices import NoticeFactory, published_notice

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(staff_user())
    return client


def _messages(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_staff_nav_lists_notices_for_staff_only():
    assert any(e["url"] == reverse("notices:staff_list") for e in staff_nav.entries_for(staff_user()))
    assert not any(e["url"] == reverse("notices:staff_list") for e in staff_nav.entries_for(unit_contact()))


def test_create_saves_a_sanitised_draft_and_audits(staff_client):
    response = staff_client.post(
        reverse("notices:staff_create"), {"title": "新通知", "body": "<p>正文</p><script>x</script>", "pinned": "on"}
    )
    notice = Notice.objects.get(title="新通知")
    assert response.url == reverse("notices:staff_edit", args=[notice.pk])
    assert (notice.body, notice.state, notice.pinned) == ("<p>正文</p>", NoticeState.DRAFT, True)
    assert [e.action for e in audit_for(notice)] == ["notice.created"]


def test_preview_shows_the_sanitised_body_without_saving(staff_client):
    response = staff_client.post(
        reverse("notices:staff_create"),
        {"title": "预览", "body": '<p>甲</p><img src=x onerror="alert(1)">', "preview": "1"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and not Notice.objects.exists()
    preview = html.split('data-testid="notice-preview"')[1].split("</div></div>")[0]
    assert "<p>甲</p>" in preview and "onerror" not in preview


def test_publish_schedule_and_withdraw(staff_client):
    notice = NoticeFactory()
    staff_client.post(reverse("notices:staff_publish", args=[notice.pk]))
    notice.refresh_from_db()
    assert notice.state == NoticeState.PUBLISHED and notice.publish_at <= timezone.now()

    staff_client.post(reverse("notices:staff_schedule", args=[notice.pk]), {"publish_at": "2099-10-01T09:30"})
    notice.refresh_from_db()
    assert timezone.localtime(notice.publish_at).replace(tzinfo=None) == datetime.datetime(2099, 10, 1, 9, 30)
    assert str(timezone.localtime(notice.publish_at).tzinfo) == "Asia/Shanghai"

    staff_client.post(reverse("notices:staff_withdraw", args=[notice.pk]))
    notice.refresh_from_db()
    assert notice.state == NoticeState.WITHDRAWN
    assert [e.action for e in audit_for(notice)] == ["notice.withdrawn", "notice.published", "notice.published"]


def test_schedule_in_the_past_is_refused(staff_client):
    notice = NoticeFactory()
    response = staff_client.post(
        reverse("notices:staff_schedule", args=[notice.pk]), {"publish_at": "2000-01-01T09:00"}, follow=True
    )
    notice.refresh_from_db()
    assert notice.state == NoticeState.DRAFT
    assert "Choose a time in the future, or publish now." in _messages(response)


def test_withdraw_of_a_draft_is_refused(staff_client):
    notice = NoticeFactory()
    response = staff_client.post(reverse("notices:staff_withdraw", args=[notice.pk]), follow=True)
    notice.refresh_from_db()
    assert notice.state == NoticeState.DRAFT
    assert "Only a published or scheduled notice can be withdrawn." in _messages(response)


def test_attachment_is_checked_by_content_and_downloadable(staff_client, client):
    notice = published_notice()
    add = reverse("notices:staff_attachment_add", args=[notice.pk])
    staff_client.post(add, {"file": SimpleUploadedFile("申报指南.pdf", pdf_bytes(), "application/pdf")})
    staff_client.post(add, {"file": SimpleUploadedFile("图.png", png_bytes(), "image/png")})
    assert list(notice.attachments.values_list("file_name", "file_type")) == [
        ("申报指南.pdf", "application/pdf"),
        ("图.png", "image/png"),
    ]
    attachment = notice.attachments.first()
    staff_client.logout()
    response = client.get(reverse("notices:attachment", args=[attachment.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == pdf_bytes()
    page = client.get(reverse("notices:detail", args=[notice.pk])).content.decode()
    assert "申报指南.pdf" in page


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("disguised.pdf", b"MZ\x90\x00 not a pdf at all" * 10, "is not an accepted type"),
        ("active.pdf", None, "PDF"),
        ("empty.pdf", b"", "Choose a file to attach."),
    ],
)
def test_attachment_failing_the_content_checks_is_refused(staff_client, name, data, message):
    notice = NoticeFactory()
    data = pdf_with_document_javascript() if data is None else data
    response = staff_client.post(
        reverse("notices:staff_attachment_add", args=[notice.pk]),
        {"file": SimpleUploadedFile(name, data, "application/pdf")},
        follow=True,
    )
    assert not NoticeAttachment.objects.exists()
    assert any(message in m for m in _messages(response))


def test_attachment_remove_deletes_the_row_and_file(staff_client, django_capture_on_commit_callbacks):
    notice = NoticeFactory()
    staff_client.post(
        reverse("notices:staff_attachment_add", args=[notice.pk]),
        {"file": SimpleUploadedFile("a.pdf", pdf_bytes(), "application/pdf")},
    )
    attachment = NoticeAttachment.objects.get()
    storage, name = attachment.file.storage, attachment.file.name
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("notices:staff_attachment_remove", args=[attachment.pk]))
    assert not NoticeAttachment.objects.exists() and not storage.exists(name)
    assert [e.action for e in audit_for(notice)] == ["notice.attachment_removed", "notice.attachment_added"]


def test_attachment_of_a_draft_is_hidden_from_the_public(client):
    notice = NoticeFactory()
    from notices.services import notice_attachment_add

    attachment = notice_attachment_add(
        actor=staff_user(), notice=notice, uploaded_file=SimpleUploadedFile("a.pdf", pdf_bytes())
    )
    assert client.get(reverse("notices:attachment", args=[attachment.pk])).status_code == 404
    client.force_login(unit_contact())
    assert client.get(reverse("notices:attachment", args=[attachment.pk])).status_code == 404


@pytest.mark.parametrize("rows", [1, 4])
def test_staff_list_query_count_is_constant(staff_client, django_assert_num_queries, rows):
    for _ in range(rows):
        published_notice()
    with django_assert_num_queries(5):  # session, user, memberships, count, page
        response = staff_client.get(reverse("notices:staff_list"))
    assert response.content.decode().count('data-testid="notice-staff-row"') == rows
