"""PDF rendering with WeasyPrint: Django template → HTML → PDF, fetching nothing but our own static files.

Templates extend `documents/pdf_base.html` (A4, CJK fonts, page numbers, the bordered form grid of a 申报表).
Images and stylesheets are referenced with `{% static %}` (or a path relative to STATIC_URL) or as `data:` URIs
(see `qr_svg_data_uri`). Everything else (http, https, file, ftp...) is refused, and a refused resource fails the
render instead of silently leaving a hole in a certificate. Fonts come from fontconfig (fonts-noto-cjk), not from
URLs.
"""

import mimetypes
import posixpath
from urllib.parse import unquote, urlsplit

import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template.loader import render_to_string
from django.urls import reverse
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from .fonts import require_cjk_font

# Relative and root-relative URLs in our templates resolve against this origin. `.invalid` is reserved
# (RFC 2606) and never resolves, so even a fetcher bug could not reach a real host through it.
STATIC_ORIGIN = "https://static.saq-portal.invalid"


class UnsafeURLError(ValueError):
    """A PDF template referenced something other than our static files or a data: URI."""


class PDFRenderError(RuntimeError):
    pass


def static_base_url() -> str:
    static_url = settings.STATIC_URL or "/static/"
    if urlsplit(static_url).scheme:
        return static_url
    return STATIC_ORIGIN + "/" + static_url.lstrip("/")


def _static_relative_path(url: str) -> str:
    """The path below STATIC_URL that `url` names, or raise UnsafeURLError."""
    base = static_base_url()
    if not url.startswith(base):
        raise UnsafeURLError(f"refused to fetch {url!r}: PDF templates may use only static files and data: URIs")
    relative = unquote(urlsplit(url[len(base) :]).path)
    parts = relative.split("/")
    if not relative or "\\" in relative or "\x00" in relative or ".." in parts or relative.startswith("/"):
        raise UnsafeURLError(f"refused to fetch {url!r}: not a plain static path")
    return posixpath.normpath(relative)


def find_static_file(relative: str) -> str | None:
    """The file system path of a static file: the finders first (source tree), then STATIC_ROOT (collected,
    possibly with hashed names as `{% static %}` produces them under a manifest storage)."""
    found = finders.find(relative)
    if found:
        return found if isinstance(found, str) else found[0]
    try:
        if staticfiles_storage.exists(relative):
            return staticfiles_storage.path(relative)
    except NotImplementedError:  # a remote storage has no local path
        return None
    return None


class StaticOnlyURLFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves our static files and data: URIs and refuses everything else."""

    def __init__(self, *, fail_on_errors: bool = True):
        super().__init__(allowed_protocols=("data",), allow_redirects=False, fail_on_errors=fail_on_errors)

    def fetch(self, url, headers=None):
        if url[:5].lower() == "data:":
            # urllib's DataHandler decodes the URI in memory; no other handler is reachable for this scheme.
            return super().fetch(url, headers)
        relative = _static_relative_path(url)
        path = find_static_file(relative)
        if path is None:
            raise UnsafeURLError(f"static file {relative!r} not found")
        mime_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        with open(path, "rb") as fh:
            body = fh.read()
        return URLFetcherResponse(url, body, headers={"Content-Type": mime_type})


def max_html_bytes() -> int:
    """The largest HTML rendered to PDF (settings.PDF_MAX_HTML_MB). Layout time and memory grow with the HTML; a
    5,000-row table is about 3 MB, so the default leaves room while bounding what a flood of rows can cost."""
    return int(getattr(settings, "PDF_MAX_HTML_MB", 16) * 1024 * 1024)


def html_to_pdf(html: str) -> bytes:
    # Without a CJK font WeasyPrint would silently draw boxes; refuse instead of storing an unreadable PDF.
    require_cjk_font()
    size = len(html.encode("utf-8"))
    if size > max_html_bytes():
        # Refused before layout: the build fails with this message on the document row instead of running for
        # minutes and gigabytes.
        raise PDFRenderError(
            f"the document's HTML is {size / 1024 / 1024:.1f} MB, above PDF_MAX_HTML_MB "
            f"({max_html_bytes() // 1024 // 1024} MB); it is too large to render as a PDF"
        )
    document = HTML(string=html, base_url=static_base_url(), url_fetcher=StaticOnlyURLFetcher())
    try:
        return document.write_pdf()
    except FatalURLFetchingError as exc:
        # WeasyPrint's fatal error is a BaseException; turn it into an ordinary error that callers record.
        raise PDFRenderError(str(exc.__cause__ or exc)) from exc.__cause__


def render_pdf(template_name: str, context: dict, *, request=None) -> bytes:
    """Render a Django template to PDF bytes. Pass `request` only when the template needs context processors."""
    html = render_to_string(template_name, context, request=request)
    return html_to_pdf(html)


def qr_svg_data_uri(text: str, *, scale: int = 4, border: int = 2) -> str:
    """A QR code of `text` as an SVG data: URI, for `<img src="...">` in PDF templates."""
    return segno.make(text, error="m", micro=False).svg_data_uri(scale=scale, border=border)


def verification_url(document) -> str:
    """The absolute URL of the public verification page of `document` (printed on certificates and forms)."""
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse("documents:verify", args=[document.public_id])


def verification_context(document) -> dict:
    """Template context for the verification footer of `documents/pdf_base.html`."""
    url = verification_url(document)
    return {"document": document, "verify_url": url, "verify_qr": qr_svg_data_uri(url)}
