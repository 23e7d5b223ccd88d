"""Request bodies are capped before they are read: a 413 page for a declared oversized body, a stopped stream."""

import io
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import RequestDataTooBig
from django.core.handlers.wsgi import WSGIHandler, WSGIRequest
from django.http import HttpResponse, HttpResponseBadRequest
from django.test import RequestFactory
from django.test.client import encode_multipart
from django.urls import include, path, reverse
from django.views.decorators.csrf import csrf_exempt

from applications.models import Attachment
from awards.forms import MAX_ATTACHMENT_MB
from core.uploads import BODY_LIMIT_FLAG, RequestBodyLimitMiddleware
from tests.factories.applications import draft_application, pdf_bytes, upload
from tests.factories.awards import open_edition
from tests.helpers import client_for

pytestmark = [pytest.mark.unit]

MB = 1024 * 1024
BOUNDARY = "BoUnDaRy"
VIEW_CALLS = []


@csrf_exempt
def probe(request):
    """A view that reads the body, as an upload view does, and records that it ran."""
    VIEW_CALLS.append(len(request.FILES))
    return HttpResponse("stored")


urlpatterns = [path("probe/", probe, name="probe"), path("", include("saq_portal.urls"))]


@pytest.fixture
def probe_urls(settings):
    settings.ROOT_URLCONF = __name__
    VIEW_CALLS.clear()
    return settings


class CountingInput(io.RawIOBase):
    """A request body of `size` bytes produced on demand, counting what the server reads of it."""

    def __init__(self, size: int, head: bytes = b""):
        self.size, self.head, self.bytes_read = size, head, 0

    def readable(self):
        return True

    def readinto(self, buffer):
        remaining = self.size - self.bytes_read
        count = min(len(buffer), remaining)
        start = self.bytes_read
        chunk = (self.head[start : start + count] if start < len(self.head) else b"").ljust(count, b"0")
        buffer[:count] = chunk
        self.bytes_read += count
        return count


def test_the_cap_leaves_room_for_the_largest_attachment_staff_may_allow():
    assert (
        django_settings.MAX_REQUEST_BODY_MB * MB >= MAX_ATTACHMENT_MB * MB + django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    )
    assert django_settings.MIDDLEWARE[0] == "core.uploads.RequestBodyLimitMiddleware"
    assert django_settings.FILE_UPLOAD_HANDLERS[0] == "core.uploads.RequestBodyLimitUploadHandler"


def test_a_huge_declared_body_gets_413_without_the_view_running_or_the_body_being_read(client, probe_urls):
    declared = 200 * MB

    response = client.post(
        "/probe/", {"file": upload("大文件.pdf", pdf_bytes())}, CONTENT_LENGTH=str(declared), HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 413
    assert VIEW_CALLS == []
    assert response.wsgi_request.environ["wsgi.input"].read_started is False
    page = response.content.decode()
    assert (
        "What you sent is larger than the portal accepts in one submission (at most 110 MB). Nothing was saved." in page
    )
    assert '<html lang="en">' in page
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert (response["X-Frame-Options"], response["X-Content-Type-Options"]) == ("DENY", "nosniff")


def test_the_413_page_follows_the_browsers_language(client, probe_urls):
    response = client.post("/probe/", {}, CONTENT_LENGTH=str(500 * MB), HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")

    assert response.status_code == 413
    assert '<html lang="zh-hans">' in response.content.decode()
    assert response["Content-Language"] == "zh-hans"


def test_a_body_under_the_cap_reaches_the_view(client, probe_urls):
    response = client.post("/probe/", {"file": upload("报告.pdf", pdf_bytes())})

    assert (response.status_code, VIEW_CALLS) == (200, [1])


@pytest.mark.django_db
def test_an_oversized_attachment_upload_is_refused_before_it_is_read():
    application = draft_application(edition=open_edition(), complete=False)
    requirement = application.edition.attachment_requirements.get(code="report")
    client = client_for(application.created_by)

    response = client.post(
        reverse("applications:attachments", args=[application.pk]),
        {"requirement": requirement.pk, "file": upload("成果报告.pdf", pdf_bytes())},
        CONTENT_LENGTH=str(200 * MB),
    )

    assert response.status_code == 413
    assert not Attachment.objects.exists()


def _multipart_request(size: int, *, content_length: bool = True) -> tuple[WSGIRequest, CountingInput]:
    head = encode_multipart(BOUNDARY, {"file": upload("big.pdf", b"")}).split(b"\r\n\r\n\r\n")[0] + b"\r\n\r\n"
    stream = CountingInput(size, head=head)
    environ = RequestFactory()._base_environ(
        PATH_INFO="/probe/",
        REQUEST_METHOD="POST",
        CONTENT_TYPE=f"multipart/form-data; boundary={BOUNDARY}",
        **{"wsgi.input": stream},
    )
    if content_length:
        environ["CONTENT_LENGTH"] = str(size)
    else:
        environ.pop("CONTENT_LENGTH", None)
        environ["HTTP_TRANSFER_ENCODING"] = "chunked"
    return WSGIRequest(environ), stream


def test_the_upload_handler_stops_a_stream_past_the_cap_when_the_middleware_is_bypassed(settings):
    settings.MAX_REQUEST_BODY_MB = 1
    request, stream = _multipart_request(50 * MB)
    request.META["CONTENT_LENGTH"] = str(MB // 2)  # a client that declares less than it sends
    request._stream.limit = 50 * MB  # ... and a server that passes the whole stream on

    with pytest.raises(RequestDataTooBig):
        request.FILES  # noqa: B018 - parsing the body is the point

    assert MB < stream.bytes_read <= MB + 2 * 64 * 1024
    assert getattr(request, BODY_LIMIT_FLAG) is True


def test_a_request_stopped_by_the_upload_handler_gets_the_413_page(rf):
    request = rf.post("/probe/")

    def view_stopped_by_the_handler(request):
        setattr(request, BODY_LIMIT_FLAG, True)
        return HttpResponseBadRequest()

    response = RequestBodyLimitMiddleware(view_stopped_by_the_handler)(request)

    assert response.status_code == 413


@pytest.mark.django_db
def test_a_chunked_oversized_upload_is_not_read(probe_urls):
    """Without a Content-Length Django reads no body (WSGI); the whole 200 MB stream stays unread."""
    _request, stream = _multipart_request(200 * MB, content_length=False)
    environ = _request.environ
    statuses = []

    body = b"".join(WSGIHandler()(environ, lambda status, headers, exc_info=None: statuses.append(status)))

    assert stream.bytes_read == 0
    assert VIEW_CALLS == [0]  # the view saw no file
    assert statuses == ["200 OK"] and body == b"stored"


def test_gunicorn_runs_with_request_line_and_header_limits():
    """The one gunicorn configuration (the image's CMD uses it; tests/test_deployment.py runs it)."""
    root = Path(django_settings.BASE_DIR)
    text = (root / "gunicorn.conf.py").read_text()
    for option in ("limit_request_line = 4094", "limit_request_fields = 60", "limit_request_field_size = 8190"):
        assert option in text
