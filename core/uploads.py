"""Request bodies are capped before they are read: the limit, and the upload handler for streamed bodies.

`RequestBodyLimitMiddleware` (first in MIDDLEWARE) refuses a declared Content-Length above the cap before anything
reads the body. `RequestBodyLimitUploadHandler` (first in FILE_UPLOAD_HANDLERS) counts the file bytes as Django
streams them and stops reading once they pass the cap, so a body whose size was not declared up front (or a
deployment that dropped the middleware) cannot make the portal read and store an oversized upload.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler
from django.shortcuts import render
from django.utils import translation

# Set on the request when the handler stopped reading; the middleware then answers with the 413 page.
BODY_LIMIT_FLAG = "body_limit_exceeded"


def body_limit_bytes() -> int:
    """The largest request body accepted, in bytes (settings.MAX_REQUEST_BODY_MB)."""
    return int(settings.MAX_REQUEST_BODY_MB * 1024 * 1024)


def declared_length(request) -> int | None:
    """The body length the client declared (Content-Length), or None when absent or not a number."""
    try:
        return int(request.META.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None


class RequestBodyLimitUploadHandler(FileUploadHandler):
    """Stops a multipart upload as soon as the bytes received pass the cap.

    Django's StopUpload would hand the view a request whose file is silently missing (and the view could save
    the other fields); raising RequestDataTooBig instead aborts the request before any view logic runs, without
    reading the rest of the body, and the middleware turns it into the readable 413 page.
    """

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.limit = body_limit_bytes()
        self.received = 0
        if content_length and content_length > self.limit:
            self._stop()
        return None

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self._stop()
        return raw_data

    def file_complete(self, file_size):
        return None

    def _stop(self):
        if self.request is not None:
            setattr(self.request, BODY_LIMIT_FLAG, True)
        raise RequestDataTooBig(f"The request body passed MAX_REQUEST_BODY_MB ({settings.MAX_REQUEST_BODY_MB} MB).")


def request_too_large(request):
    """The readable 413 page, in the visitor's language.

    It is answered before the other middleware run (so before sessions, CSRF and the CSP middleware), hence the
    security headers are set here.
    """
    from csp.utils import build_policy

    language = translation.get_language_from_request(request)
    with translation.override(language):
        response = render(request, "413.html", {"max_mb": settings.MAX_REQUEST_BODY_MB}, status=413)
    response["Content-Language"] = language
    response["Content-Security-Policy"] = build_policy()
    response["X-Content-Type-Options"] = "nosniff"
    response["X-Frame-Options"] = "DENY"
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "no-store"
    return response


class RequestBodyLimitMiddleware:
    """Refuse a request whose declared body is larger than settings.MAX_REQUEST_BODY_MB, without reading it.

    Placed first in MIDDLEWARE, so nothing (CSRF, a view, request.POST) has touched the body yet. A streamed body
    that passes the cap is stopped by RequestBodyLimitUploadHandler, which marks the request; its
    response is replaced by the same 413 page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        length = declared_length(request)
        if length is not None and length > body_limit_bytes():
            return request_too_large(request)
        response = self.get_response(request)
        if getattr(request, BODY_LIMIT_FLAG, False):
            return request_too_large(request)
        return response
