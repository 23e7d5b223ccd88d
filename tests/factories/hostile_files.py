"""Hostile uploads, built in the tests: PDFs with active content, polyglots, zip bombs and lying archives."""

import io
import struct
import zipfile

from pypdf import PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, TextStringObject

from .applications import pdf_bytes


def _written(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _page(text: str = "") -> PdfWriter:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if text:
        writer.add_metadata({"/Title": text})
    return writer


def _name(value: str) -> NameObject:
    return NameObject(value)


def _action(kind: str, **entries) -> DictionaryObject:
    action = DictionaryObject({_name("/Type"): _name("/Action"), _name("/S"): _name(kind)})
    for key, value in entries.items():
        action[_name(f"/{key}")] = TextStringObject(value)
    return action


def _annotation(subtype: str, **entries) -> DictionaryObject:
    annotation = DictionaryObject(
        {
            _name("/Type"): _name("/Annot"),
            _name("/Subtype"): _name(subtype),
            _name("/Rect"): ArrayObject([NumberObject(10), NumberObject(10), NumberObject(100), NumberObject(40)]),
        }
    )
    annotation.update({_name(f"/{key}"): value for key, value in entries.items()})
    return annotation


def pdf_with_document_javascript() -> bytes:
    """JavaScript in the document's /Names /JavaScript tree (pypdf's add_open_action; add_js was removed in 7)."""
    writer = _page()
    writer.add_open_action(JavaScript("app.alert('pwned');"))
    return _written(writer)


def pdf_with_javascript_open_action() -> bytes:
    writer = _page()
    writer._root_object[_name("/OpenAction")] = _action("/JavaScript", JS="app.launchURL('https://evil.test');")
    return _written(writer)


def pdf_with_launch_open_action() -> bytes:
    writer = _page()
    writer._root_object[_name("/OpenAction")] = _action("/Launch", F="C:\\Windows\\System32\\calc.exe")
    return _written(writer)


def pdf_with_page_open_javascript() -> bytes:
    """A page's additional action (/AA /O: when the page opens) that runs JavaScript."""
    writer = _page()
    writer.pages[0][_name("/AA")] = DictionaryObject({_name("/O"): _action("/JavaScript", JS="this.print();")})
    return _written(writer)


def pdf_with_launch_link() -> bytes:
    writer = _page()
    writer.add_annotation(0, _annotation("/Link", A=_action("/Launch", F="cmd.exe")))
    return _written(writer)


def pdf_with_embedded_file() -> bytes:
    writer = _page()
    writer.add_attachment("payload.exe", b"MZ\x90\x00 not really a program")
    return _written(writer)


def pdf_with_file_attachment_annotation() -> bytes:
    writer = _page()
    filespec = DictionaryObject({_name("/Type"): _name("/Filespec"), _name("/F"): TextStringObject("a.txt")})
    writer.add_annotation(0, _annotation("/FileAttachment", FS=filespec))
    return _written(writer)


def pdf_with_benign_open_action() -> bytes:
    """Open at page 1, fit to window: a GoTo destination, which readers show every day."""
    writer = _page("benign open action")
    writer._root_object[_name("/OpenAction")] = ArrayObject([writer.pages[0].indirect_reference, _name("/Fit")])
    return _written(writer)


def pdf_with_web_link() -> bytes:
    writer = _page("web link")
    link = _annotation(
        "/Link", A=DictionaryObject({_name("/S"): _name("/URI"), _name("/URI"): TextStringObject("https://saq.test/")})
    )
    writer.add_annotation(0, link)
    return _written(writer)


def encrypted_pdf(*, user_password: str) -> bytes:
    writer = _page("encrypted")
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="RC4-128")
    return _written(writer)


def small_zip(**members) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in (members or {"evil.html": b"<script>alert(1)</script>"}).items():
            archive.writestr(name, data)
    return out.getvalue()


def pdf_html_polyglot() -> bytes:
    """A PDF followed by a web page: browsers that sniff it as HTML run the script."""
    return pdf_bytes(text="polyglot") + b"\n<html><body><script>alert(document.cookie)</script></body></html>\n"


def html_pdf_polyglot() -> bytes:
    """A web page first, then the PDF (readers find the header within the first kilobyte)."""
    return b"<!doctype html><html><body><iframe src='https://evil.test'></iframe><!--\n" + pdf_bytes(text="p") + b"-->"


def pdf_zip_polyglot() -> bytes:
    """A PDF with a ZIP archive appended: a PDF to readers and an archive to unzip tools."""
    return pdf_bytes(text="zip polyglot") + small_zip()


def pdf_after_junk() -> bytes:
    return b"\x00" * 64 + pdf_bytes(text="late header")


# --- ZIP-based files -----------------------------------------------------------------------------------------------

CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    b'content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/'
    b'document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"'
    b"/></Types>"
)
DOCUMENT_XML = (
    b'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
    b'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>\xe6\xb4\xbb\xe5\x8a\xa8\xe6\x80\xbb\xe7\xbb\x93'
    b"</w:t></w:r></w:p></w:body></w:document>"
)


def docx_bytes(*, extra: dict | None = None, parts: int = 0) -> bytes:
    """A small Word file (the parts that make libmagic and our sniffing call it docx), plus `extra` members and
    `parts` tiny padding parts."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("word/document.xml", DOCUMENT_XML)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
        for number in range(parts):
            archive.writestr(f"word/media/part{number}.xml", b"<p/>")
    return out.getvalue()


def docx_bomb(*, expanded_mb: int) -> bytes:
    """A docx whose one image member is `expanded_mb` MB of zeros (compresses about 1000:1)."""
    return docx_bytes(extra={"word/media/image1.bin": bytes(expanded_mb * 1024 * 1024)})


def lying_sizes(data: bytes, member: str, *, claimed_size: int) -> bytes:
    """`data` with `member`'s uncompressed size rewritten to `claimed_size` in its local header and in the central
    directory (a bomb that declares small sizes to pass a check of the declared sizes)."""
    patched = bytearray(data)
    encoded = member.encode()
    local = patched.find(b"PK\x03\x04")
    while local >= 0:
        name_length = struct.unpack_from("<H", patched, local + 26)[0]
        if bytes(patched[local + 30 : local + 30 + name_length]) == encoded:
            struct.pack_into("<I", patched, local + 22, claimed_size)
            break
        local = patched.find(b"PK\x03\x04", local + 4)
    central = patched.find(b"PK\x01\x02")
    while central >= 0:
        name_length = struct.unpack_from("<H", patched, central + 28)[0]
        if bytes(patched[central + 46 : central + 46 + name_length]) == encoded:
            struct.pack_into("<I", patched, central + 24, claimed_size)
            break
        central = patched.find(b"PK\x01\x02", central + 4)
    return bytes(patched)
