import uuid

import pytest
from django.urls import reverse

from documents.enums import DocumentStatus
from documents.models import Document
from documents.services import document_build_now, document_request

from .builders import UNIT_TABLE

pytestmark = [pytest.mark.unit, pytest.mark.django_db]


@pytest.fixture
def ready_document(table_kind, unit):
    return document_build_now(kind=UNIT_TABLE, obj=unit)


@pytest.fixture
def pending_document(table_kind, unit, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        return document_request(kind=UNIT_TABLE, obj=unit, actor=None)


def test_download_serves_the_file_to_a_user_with_the_owner_permission(contact_client, ready_document, unit):
    response = contact_client.get(reverse("documents:download", args=[ready_document.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''")
    assert "no-cache" in response["Cache-Control"]
    body = b"".join(response.streaming_content)
    assert body == ready_document.file.open("rb").read()
    assert len(body) == ready_document.size


def test_download_without_the_owner_permission_is_404_like_a_missing_one(stranger_client, ready_document):
    """No existence oracle: someone else's document and a missing one get the same answer."""
    theirs = stranger_client.get(reverse("documents:download", args=[ready_document.pk]))
    missing = stranger_client.get(reverse("documents:download", args=[ready_document.pk + 1000]))

    assert (theirs.status_code, missing.status_code) == (404, 404)
    assert theirs.templates[0].name == missing.templates[0].name == "404.html"


def test_download_of_a_document_that_is_not_ready_is_404(contact_client, pending_document):
    response = contact_client.get(reverse("documents:download", args=[pending_document.pk]))
    assert response.status_code == 404


def test_download_of_a_missing_document_is_404(contact_client, table_kind):
    assert contact_client.get(reverse("documents:download", args=[987654])).status_code == 404


def test_download_redirects_anonymous_users_to_sign_in(client, ready_document):
    url = reverse("documents:download", args=[ready_document.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={url}"


def test_status_polls_while_pending(contact_client, pending_document):
    response = contact_client.get(reverse("documents:status", args=[pending_document.pk]), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'hx-trigger="every 2s"' in html
    assert f'hx-get="{reverse("documents:status", args=[pending_document.pk])}"' in html
    assert 'data-status="pending"' in html
    assert "<script" not in html


def test_status_shows_the_download_link_and_stops_polling_when_ready(contact_client, ready_document):
    response = contact_client.get(reverse("documents:status", args=[ready_document.pk]), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'data-status="ready"' in html
    assert reverse("documents:download", args=[ready_document.pk]) in html
    assert "hx-trigger" not in html
    assert "<html" not in html  # a fragment for htmx


def test_status_shows_a_readable_message_when_failed(contact_client, ready_document):
    Document.objects.filter(pk=ready_document.pk).update(status=DocumentStatus.FAILED, error="RuntimeError: 模板缺失")
    response = contact_client.get(reverse("documents:status", args=[ready_document.pk]), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    # The exception text stays for staff (admin, audit log); the page says what to do.
    assert "RuntimeError" not in html
    assert "模板缺失" not in html
    assert "Something went wrong on the server while building it. Try again; if it fails again" in html
    assert "hx-trigger" not in html
    assert reverse("documents:request", args=[UNIT_TABLE, ready_document.owner_id]) in html


def test_status_without_htmx_is_a_full_page(contact_client, ready_document):
    response = contact_client.get(reverse("documents:status", args=[ready_document.pk]))
    assert response.status_code == 200
    assert "<html" in response.content.decode()


def test_status_without_the_owner_permission_is_404_like_a_missing_one(stranger_client, ready_document):
    assert stranger_client.get(reverse("documents:status", args=[ready_document.pk])).status_code == 404
    assert stranger_client.get(reverse("documents:status", args=[ready_document.pk + 1000])).status_code == 404


def test_request_by_htmx_returns_the_status_fragment(
    contact_client, table_kind, unit, django_capture_on_commit_callbacks
):
    url = reverse("documents:request", args=[UNIT_TABLE, unit.pk])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = contact_client.post(url, HTTP_HX_REQUEST="true")
    document = Document.objects.get()
    assert response.status_code == 200
    assert f'id="document-{document.pk}"' in response.content.decode()
    assert document.status == DocumentStatus.PENDING
    assert len(callbacks) == 1


def test_request_without_htmx_redirects_back(contact_client, table_kind, unit, django_capture_on_commit_callbacks):
    url = reverse("documents:request", args=[UNIT_TABLE, unit.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = contact_client.post(url, {"next": "/portal/"})
    assert response.status_code == 302
    assert response["Location"] == "/portal/"
    with django_capture_on_commit_callbacks(execute=True):
        response = contact_client.post(url, {"next": "https://evil.example/"})
    assert response["Location"] == reverse("documents:status", args=[Document.objects.get().pk])


def test_request_without_the_owner_permission_is_404_like_a_missing_owner(stranger_client, table_kind, unit):
    theirs = stranger_client.post(reverse("documents:request", args=[UNIT_TABLE, unit.pk]))
    missing = stranger_client.post(reverse("documents:request", args=[UNIT_TABLE, unit.pk + 1000]))

    assert (theirs.status_code, missing.status_code) == (404, 404)
    assert not Document.objects.exists()


@pytest.mark.parametrize("kind, exists", [("tests.nope", True), (UNIT_TABLE, False)])
def test_request_of_an_unknown_kind_or_object_is_404(contact_client, table_kind, unit, kind, exists):
    object_id = unit.pk if exists else unit.pk + 1000
    assert contact_client.post(reverse("documents:request", args=[kind, object_id])).status_code == 404


def test_request_needs_post(contact_client, table_kind, unit):
    assert contact_client.get(reverse("documents:request", args=[UNIT_TABLE, unit.pk])).status_code == 405


def test_verify_page_is_public_and_shows_only_the_genuine_details(client, ready_document, unit):
    response = client.get(reverse("documents:verify", args=[ready_document.public_id]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "单位汇总表（测试）" in html
    assert unit.name in html
    assert ready_document.checksum in html
    assert unit.credit_code not in html
    assert reverse("documents:download", args=[ready_document.pk]) not in html


def test_verify_page_of_an_unknown_or_unfinished_document_is_404(client, pending_document):
    assert client.get(reverse("documents:verify", args=[uuid.uuid4()])).status_code == 404
    assert client.get(reverse("documents:verify", args=[pending_document.public_id])).status_code == 404


def test_document_widget_shows_the_request_button_then_the_status(rf, contact, table_kind, unit):
    from django.template import engines

    template = engines["django"].from_string("{% load documents_tags %}{% document_widget kind unit %}")
    request = rf.get("/portal/")
    request.user = contact
    html = template.render({"kind": UNIT_TABLE, "unit": unit}, request)
    assert reverse("documents:request", args=[UNIT_TABLE, unit.pk]) in html
    assert "单位汇总表（测试）" in html
    document_build_now(kind=UNIT_TABLE, obj=unit)
    html = template.render({"kind": UNIT_TABLE, "unit": unit}, request)
    assert 'data-status="ready"' in html
