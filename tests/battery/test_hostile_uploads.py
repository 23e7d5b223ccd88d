"""Hostile uploads are refused with a readable message and leave nothing behind; real PDFs and images pass.

Judged twice: by the shared gate (`core.files.validate_file`, every upload slot goes through it) and through a real
upload view (an application's attachments page), where a refusal must leave no Attachment row and no stored file.
"""

import hashlib
import io
import struct
import zlib

import pytest
from django.urls import reverse

from applications.models import Attachment
from core.exceptions import BusinessRuleError
from core.files import DOCX, PDF, PPTX, XLSX, clean_filename, validate_file
from tests.factories import hostile_files as hostile
from tests.factories.applications import draft_application, eligible_group, pdf_bytes, png_bytes, upload
from tests.factories.awards import open_edition
from tests.helpers import client_for
from tests.media_files import orphans, stored_files

pytestmark = [pytest.mark.django_db]

SCAN_TYPES = [PDF, "image/jpeg", "image/png"]


def jpeg_bytes(size=(64, 48)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, format="JPEG", quality=85)
    return out.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header declares a huge canvas (a "pixel flood"): the file is a few hundred bytes."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


def jpeg_declaring(width: int, height: int) -> bytes:
    """A small JPEG whose frame header (SOF0) is patched to declare a huge canvas."""
    data = bytearray(jpeg_bytes())
    sof = data.find(b"\xff\xc0")
    struct.pack_into(">HH", data, sof + 5, height, width)
    return bytes(data)


SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(document.domain)'
    b"</script></svg>"
)
HTML = b"<!DOCTYPE html><html><body><script>fetch('/accounts/')</script></body></html>"
EXE = b"MZ" + b"\x90" * 58 + struct.pack("<I", 64) + b"PE\x00\x00" + b"\x00" * 512

# (case, bytes, allowed types): every one must be refused.
HOSTILE = {
    "png_posing_as_pdf": (png_bytes(), [PDF]),
    "exe_posing_as_pdf": (EXE, SCAN_TYPES),
    "html_posing_as_png": (HTML, SCAN_TYPES),
    "svg_with_script": (SVG, SCAN_TYPES),
    "plain_text": (b"just text, named .pdf", SCAN_TYPES),
    "pdf_then_html": (hostile.pdf_html_polyglot(), SCAN_TYPES),
    "html_then_pdf": (hostile.html_pdf_polyglot(), SCAN_TYPES),
    "pdf_then_zip": (hostile.pdf_zip_polyglot(), SCAN_TYPES),
    "junk_then_pdf": (hostile.pdf_after_junk(), SCAN_TYPES),
    "png_then_html": (png_bytes() + HTML, SCAN_TYPES),
    "jpeg_then_zip": (jpeg_bytes() + hostile.small_zip(), SCAN_TYPES),
    "pdf_document_javascript": (hostile.pdf_with_document_javascript(), SCAN_TYPES),
    "pdf_javascript_open_action": (hostile.pdf_with_javascript_open_action(), SCAN_TYPES),
    "pdf_launch_open_action": (hostile.pdf_with_launch_open_action(), SCAN_TYPES),
    "pdf_page_open_javascript": (hostile.pdf_with_page_open_javascript(), SCAN_TYPES),
    "pdf_launch_link": (hostile.pdf_with_launch_link(), SCAN_TYPES),
    "pdf_embedded_file": (hostile.pdf_with_embedded_file(), SCAN_TYPES),
    "pdf_file_attachment": (hostile.pdf_with_file_attachment_annotation(), SCAN_TYPES),
    "pdf_with_password": (hostile.encrypted_pdf(user_password="secret"), SCAN_TYPES),
    "truncated_pdf": (pdf_bytes()[:200], SCAN_TYPES),
    "truncated_png": (png_bytes()[:40], SCAN_TYPES),
    "png_pixel_flood": (png_declaring(30_000, 30_000), SCAN_TYPES),
    "png_pixel_flood_below_pillow_bound": (png_declaring(11_000, 11_000), SCAN_TYPES),
    "jpeg_pixel_flood": (jpeg_declaring(60_000, 60_000), SCAN_TYPES),
    "empty": (b"", SCAN_TYPES),
    "docx_bomb": (hostile.docx_bomb(expanded_mb=300), [DOCX, PPTX, XLSX]),
    "docx_bomb_lying_sizes": (
        hostile.lying_sizes(hostile.docx_bomb(expanded_mb=30), "word/media/image1.bin", claimed_size=1000),
        [DOCX, PPTX, XLSX],
    ),
    "docx_too_many_parts": (hostile.docx_bytes(parts=10_001), [DOCX]),
    "zip_with_html": (hostile.small_zip(), [DOCX, PPTX, XLSX]),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_files_are_refused_with_a_readable_message(case):
    data, allowed = HOSTILE[case]

    with pytest.raises(BusinessRuleError) as refused:
        validate_file(data=data, allowed_types=allowed, max_mb=20, label="Scan")

    message = str(refused.value.message)
    assert len(message) > 20 and message.endswith(".")
    assert "Traceback" not in message and "application/" not in message and "Error" not in message


def test_an_oversized_file_is_refused_before_it_is_read():
    data = pdf_bytes() + b"%" * (2 * 1024 * 1024)

    with pytest.raises(BusinessRuleError) as refused:
        validate_file(data=data, allowed_types=[PDF], max_mb=1, label="Scan")

    assert refused.value.code == "too_large"
    assert "may be at most 1 MB" in refused.value.message


@pytest.mark.parametrize(
    ("build", "mime"),
    [
        (pdf_bytes, PDF),
        (lambda: pdf_bytes(pages=3, text="报告"), PDF),
        (jpeg_bytes, "image/jpeg"),
        (png_bytes, "image/png"),
    ],
)
def test_legitimate_files_are_accepted(build, mime):
    assert validate_file(data=build(), allowed_types=SCAN_TYPES, max_mb=20, label="Scan") == mime


def test_a_large_photo_below_the_pixel_bound_is_accepted():
    assert validate_file(data=jpeg_bytes((6000, 4000)), allowed_types=SCAN_TYPES, max_mb=20, label="Scan")


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd", "_.._etc_passwd"),
        ("..\\..\\windows\\win.ini", "_.._windows_win.ini"),
        ("report\u202efdp.exe", "reportfdp.exe"),
        ("a\x00b\r\n.pdf", "ab .pdf"),
        ("\x07\x1b[31m.pdf", "[31m.pdf"),
        ("...", "file"),
    ],
)
def test_traversal_and_control_characters_never_reach_a_stored_name(raw, clean):
    assert clean_filename(raw) == clean


# --- Through the attachments page ----------------------------------------------------------------------------------


@pytest.fixture
def page():
    edition = open_edition()
    group = eligible_group()
    application = draft_application(edition=edition, group=group, complete=False)
    requirement = edition.attachment_requirements.get(code="stamped_form")  # PDF, JPG or PNG, 10 MB
    return {
        "client": client_for(group.leader),
        "application": application,
        "requirement": requirement,
        "url": reverse("applications:attachments", args=[application.pk]),
    }


VIEW_CASES = [
    "html_posing_as_png",
    "png_then_html",
    "svg_with_script",
    "pdf_then_html",
    "jpeg_then_zip",
    "pdf_javascript_open_action",
    "pdf_launch_open_action",
    "pdf_embedded_file",
    "png_pixel_flood",
    "empty",
]


@pytest.mark.parametrize("case", VIEW_CASES)
@pytest.mark.parametrize("name", ["scan.pdf", "../../../../tmp/evil.pdf", "scan\u202egnp.exe", "a\x00b.png"])
def test_a_refused_upload_leaves_no_row_and_no_file(page, case, name):
    data, _allowed = HOSTILE[case]

    response = page["client"].post(page["url"], {"requirement": page["requirement"].pk, "file": upload(name, data)})

    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="upload-error"' in body
    assert not Attachment.objects.filter(application=page["application"]).exists()
    assert stored_files() == set()
    assert orphans() == set()


@pytest.mark.parametrize(("build", "mime"), [(pdf_bytes, PDF), (jpeg_bytes, "image/jpeg"), (png_bytes, "image/png")])
def test_a_legitimate_upload_is_stored_with_its_checksum(page, build, mime):
    data = build()

    response = page["client"].post(
        page["url"], {"requirement": page["requirement"].pk, "file": upload("../扫描\u202e件.bin", data)}
    )

    assert response.status_code == 302
    attachment = Attachment.objects.get(application=page["application"])
    assert (attachment.mime_type, attachment.size, attachment.sha256) == (
        mime,
        len(data),
        hashlib.sha256(data).hexdigest(),
    )
    assert attachment.original_name == "扫描件.bin"  # Django keeps the base name; the bidi override is removed
    with attachment.file.open("rb") as stored:
        assert hashlib.sha256(stored.read()).hexdigest() == attachment.sha256
    assert orphans() == set()
