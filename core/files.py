"""Uploads are judged by their content, never by their name or the browser's claim."""

import io
import zipfile

import magic
from django.utils.translation import gettext as _

from .exceptions import BusinessRuleError

SNIFF_BYTES = 4096
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TYPE_NAMES = {
    "application/pdf": "PDF",
    "image/jpeg": "JPG",
    "image/png": "PNG",
    DOCX: "Word (docx)",
    XLSX: "Excel (xlsx)",
}


def sniff_content_type(data: bytes) -> str:
    """The content type read from the bytes themselves (libmagic)."""
    mime = magic.from_buffer(data[:SNIFF_BYTES], mime=True)
    if mime in ("application/zip", "application/octet-stream") and data[:2] == b"PK":
        # OOXML files may sniff as zip from their first bytes; look inside for the main part.
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = archive.namelist()
        except zipfile.BadZipFile:
            return mime
        if "word/document.xml" in names:
            return DOCX
        if "xl/workbook.xml" in names:
            return XLSX
    return mime


def is_readable(mime: str, data: bytes) -> bool:
    """A PDF, image or OOXML file that its reader can open (a renamed or truncated file fails here)."""
    try:
        if mime == "application/pdf":
            from pypdf import PdfReader

            return len(PdfReader(io.BytesIO(data), strict=False).pages) > 0
        if mime.startswith("image/"):
            from PIL import Image

            with Image.open(io.BytesIO(data)) as image:
                image.verify()
            return True
        if mime in (DOCX, XLSX):
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                return archive.testzip() is None
    except Exception:  # noqa: BLE001 - any reader failure means the file is damaged
        return False
    return True


def validate_file(*, data: bytes, allowed_types: list[str], max_mb: int, label: str) -> str:
    """Check an upload's size, sniffed type and readability; return the content type or raise a clear message."""
    if not data:
        raise BusinessRuleError(_("The file is empty. Choose the file again."), code="empty")
    if len(data) > max_mb * 1024 * 1024:
        raise BusinessRuleError(
            _("The file is %(size).1f MB; “%(name)s” may be at most %(max)s MB.")
            % {"size": len(data) / 1024 / 1024, "name": label, "max": max_mb},
            code="too_large",
        )
    mime = sniff_content_type(data)
    if mime not in allowed_types:
        allowed = ", ".join(TYPE_NAMES.get(t, t) for t in allowed_types)
        raise BusinessRuleError(
            _("This file is not an accepted type for “%(name)s” (its content is %(found)s). Accepted: %(allowed)s.")
            % {"name": label, "found": TYPE_NAMES.get(mime, mime), "allowed": allowed},
            code="type",
        )
    if not is_readable(mime, data):
        raise BusinessRuleError(
            _("The file seems damaged and cannot be opened. Export or scan it again."), code="corrupt"
        )
    return mime


def stored_file_response(field_file, *, filename: str, content_type: str):
    """A stored upload or generated file as a download: attachment, declared type, no sniffing, no caching.

    Callers check permission first; a file missing from storage is a 404, not a 500.
    """
    from django.http import FileResponse, Http404

    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
