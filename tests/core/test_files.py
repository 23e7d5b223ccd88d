"""The upload gate (core.files): hostile PDFs and polyglots, zip bombs, and names with invisible characters."""

import io
import time
import zipfile

import pytest
from pypdf.generic import DictionaryObject, NameObject

from core import files
from core.exceptions import BusinessRuleError
from core.files import DOCX, PDF, clean_display_name, clean_filename, validate_file
from documents.pdf import html_to_pdf
from documents.registry import DocumentKind
from tests.factories import hostile_files as hostile
from tests.factories.applications import pdf_bytes, png_bytes

pytestmark = [pytest.mark.unit]

SAFETY = (
    "For safety this PDF cannot be accepted: {}. Save or print it again as a plain PDF (for example with “Save as "
    "PDF” or “Print to PDF”) and upload that file."
)
JAVASCRIPT = "it contains JavaScript (scripts that run when the file is opened)"
LAUNCH = "it contains an action that starts another program"
EMBEDDED = "it contains embedded files (other files hidden inside the PDF)"
HTML = "it is at the same time a web page (it contains HTML markup)"
ZIP = "it is at the same time a ZIP archive"
HEADER = "it does not start with the PDF header (other data comes first)"
BOMB = (
    "This file would expand to more than {} MB when opened, or is compressed far more strongly than normal "
    "documents (a “zip bomb”), so it is not accepted. Save it again from its original program and upload the new file."
)
DAMAGED = "The file seems damaged and cannot be opened. Export or scan it again."


def refusal(data: bytes, allowed=(PDF, "image/png"), max_mb: int = 20) -> BusinessRuleError:
    with pytest.raises(BusinessRuleError) as caught:
        validate_file(data=data, allowed_types=list(allowed), max_mb=max_mb, label="成果报告")
    return caught.value


# --- PDFs ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "problems"),
    [
        (hostile.pdf_with_document_javascript, [JAVASCRIPT]),
        (hostile.pdf_with_javascript_open_action, [JAVASCRIPT]),
        (hostile.pdf_with_page_open_javascript, [JAVASCRIPT]),
        (hostile.pdf_with_launch_open_action, [LAUNCH]),
        (hostile.pdf_with_launch_link, [LAUNCH]),
        (hostile.pdf_with_embedded_file, [EMBEDDED]),
        (hostile.pdf_with_file_attachment_annotation, [EMBEDDED]),
        (hostile.pdf_html_polyglot, [HTML]),
        (hostile.html_pdf_polyglot, [HEADER, HTML]),
        (hostile.pdf_zip_polyglot, [ZIP]),
        (hostile.pdf_after_junk, [HEADER]),
    ],
    ids=lambda value: getattr(value, "__name__", None),
)
def test_dangerous_pdfs_are_refused_with_the_problem_named(build, problems):
    error = refusal(build())

    assert error.code == "unsafe_pdf"
    assert str(error) == SAFETY.format("; ".join(problems))


def test_every_problem_found_is_named_once_in_a_fixed_order():
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(hostile.pdf_with_launch_link())))
    writer.add_attachment("payload.exe", b"MZ")
    writer.add_attachment("second.exe", b"MZ")
    writer.pages[0][NameObject("/AA")] = DictionaryObject(
        {NameObject("/O"): DictionaryObject({NameObject("/S"): NameObject("/JavaScript")})}
    )
    out = io.BytesIO()
    writer.write(out)

    assert str(refusal(out.getvalue())) == SAFETY.format(f"{JAVASCRIPT}; {LAUNCH}; {EMBEDDED}")


def test_a_pdf_behind_a_zip_header_is_judged_as_a_polyglot():
    data = hostile.small_zip(**{"a.txt": b"x"})[:30] + pdf_bytes(text="behind")

    assert str(refusal(data)) == SAFETY.format(f"{HEADER}; {ZIP}")


@pytest.mark.parametrize(
    "build",
    [
        lambda: pdf_bytes(),
        lambda: pdf_bytes(pages=5, text="五页"),
        hostile.pdf_with_benign_open_action,
        hostile.pdf_with_web_link,
        lambda: hostile.encrypted_pdf(user_password=""),  # restrictions only: opens without a password
        lambda: html_to_pdf(
            "<html><body><h1>成果报告</h1><p>" + "质量管理小组活动。" * 400 + "</p>"
            "<a href='https://www.saq.test/'>上海市质量协会</a></body></html>"
        ),
    ],
    ids=["blank", "five-pages", "goto-open-action", "web-link", "owner-password-only", "weasyprint"],
)
def test_normal_pdfs_are_still_accepted(build):
    data = build()

    assert validate_file(data=data, allowed_types=[PDF], max_mb=20, label="成果报告") == PDF


def test_a_pdf_locked_with_a_password_cannot_be_checked():
    error = refusal(hostile.encrypted_pdf(user_password="secret"))

    assert (error.code, str(error)) == (
        "pdf_encrypted",
        "This PDF is protected with a password, so it cannot be checked for safety. Save it again without a "
        "password and upload that file.",
    )


def test_a_structure_that_cannot_be_walked_is_refused_not_a_500(monkeypatch):
    monkeypatch.setattr(files, "PDF_MAX_OBJECTS", 3)

    error = refusal(pdf_bytes(pages=3))

    assert (error.code, str(error)) == (
        "pdf_unchecked",
        "This PDF's structure is damaged or too complex to be checked for safety. Export or scan it again and "
        "upload the new file.",
    )


def test_a_damaged_pdf_is_still_reported_as_damaged():
    error = refusal(b"%PDF-1.7\n1 0 obj << /Type /Cat" + b"\x00" * 500)

    assert (error.code, str(error)) == ("corrupt", DAMAGED)


def test_binary_stream_data_is_not_mistaken_for_markup_or_an_archive():
    """Image data may contain any bytes; only PDF syntax outside stream bodies is searched for markup."""
    from PIL import Image

    image = Image.frombytes("L", (64, 64), (b"<html><script>PK\x03\x04\x14\x00\x00\x00\x08\x00" * 200)[: 64 * 64])
    out = io.BytesIO()
    image.save(out, format="PDF")

    assert validate_file(data=out.getvalue(), allowed_types=[PDF], max_mb=20, label="扫描件") == PDF


def test_a_large_pdf_is_checked_in_reasonable_time():
    data = pdf_bytes(pages=300, text="三百页")
    started = time.perf_counter()

    validate_file(data=data, allowed_types=[PDF], max_mb=20, label="成果报告")

    assert time.perf_counter() - started < 5


# --- ZIP-based files -----------------------------------------------------------------------------------------------


@pytest.fixture
def small_zip_bounds(settings):
    settings.UPLOAD_ZIP_MAX_EXPANDED_MB = 10
    settings.UPLOAD_ZIP_MAX_RATIO = 100
    settings.UPLOAD_ZIP_MAX_MEMBERS = 50
    return settings


def test_a_normal_docx_is_accepted(small_zip_bounds):
    assert validate_file(data=hostile.docx_bytes(), allowed_types=[PDF, DOCX], max_mb=20, label="活动总结") == DOCX


def test_a_docx_bomb_is_refused_before_anything_is_expanded(small_zip_bounds, monkeypatch):
    bomb = hostile.docx_bomb(expanded_mb=20)  # ~20 KB on the wire
    expanded = []
    monkeypatch.setattr(files, "read_zip_members_bounded", lambda *a, **k: expanded.append(1))
    started = time.perf_counter()

    error = refusal(bomb, allowed=[PDF, DOCX])

    elapsed_ms = (time.perf_counter() - started) * 1000
    assert (error.code, str(error)) == ("zip_bomb", BOMB.format(10))
    assert expanded == []  # refused from the central directory alone
    assert elapsed_ms < 500
    assert len(bomb) < 100 * 1024


def test_a_strongly_compressed_member_is_refused_below_the_size_bound(small_zip_bounds):
    bomb = hostile.docx_bomb(expanded_mb=5)  # 5 MB < 10 MB bound, but about 1000:1

    error = refusal(bomb, allowed=[DOCX])

    assert (error.code, str(error)) == ("zip_bomb", BOMB.format(10))


def test_a_bomb_whose_header_lies_about_its_size_is_refused_after_reading_little(small_zip_bounds):
    real = hostile.docx_bomb(expanded_mb=50)
    lying = hostile.lying_sizes(real, "word/media/image1.bin", claimed_size=4096)
    with zipfile.ZipFile(io.BytesIO(lying)) as archive:
        assert archive.getinfo("word/media/image1.bin").file_size == 4096  # the check of declared sizes passes
    started = time.perf_counter()

    error = refusal(lying, allowed=[DOCX])

    assert (error.code, str(error)) == ("corrupt", DAMAGED)  # the member's CRC fails after its declared 4 KB
    assert (time.perf_counter() - started) * 1000 < 500


def test_reading_members_stops_as_soon_as_the_real_bytes_pass_the_bound():
    real = hostile.docx_bomb(expanded_mb=20)
    limits = {"max_expanded": 1024 * 1024, "max_ratio": 10**9, "max_members": 100, "ratio_grace": 0}
    started = time.perf_counter()

    with zipfile.ZipFile(io.BytesIO(real)) as archive, pytest.raises(files.ZipBombError) as caught:
        files.read_zip_members_bounded(archive, archive_size=len(real), limits=limits)

    assert 1024 * 1024 < caught.value.bytes_read <= 1024 * 1024 + files.ZIP_READ_CHUNK
    assert (time.perf_counter() - started) * 1000 < 500


def test_too_many_members_are_refused_without_parsing_the_directory(small_zip_bounds, monkeypatch):
    crowded = hostile.docx_bytes(parts=80)

    def no_directory_parsing(*args, **kwargs):
        raise AssertionError("the central directory was parsed")

    monkeypatch.setattr(files.zipfile, "ZipFile", no_directory_parsing)
    error = refusal(crowded, allowed=[DOCX, files.ZIP])

    assert (error.code, str(error)) == (
        "zip_members",
        "This file is a package of 82 parts; at most 50 are accepted. Save it again from its original program and "
        "upload the new file.",
    )


def test_sniffing_reads_only_the_directory_never_a_member(monkeypatch):
    bomb = hostile.docx_bomb(expanded_mb=5)
    opened = []
    original_open = zipfile.ZipFile.open
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda self, *a, **k: opened.append(a) or original_open(self, *a, **k))

    assert files.sniff_content_type(bomb) == DOCX
    assert opened == []


def test_is_readable_is_bounded_too(small_zip_bounds):
    assert files.is_readable(DOCX, hostile.docx_bomb(expanded_mb=20)) is False
    assert files.is_readable(DOCX, hostile.docx_bytes()) is True


# --- Names ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("invoice\u202egpj.exe", "invoicegpj.exe"),
        ("成果\u2066报告\u2069.pdf", "成果报告.pdf"),
        ("\u200f扫描件\u200e.png", "扫描件.png"),
        ("a\u061cb\u200bc\ufeff.pdf", "abc.pdf"),
        ("报告\x00\x1f\x7f.pdf", "报告.pdf"),
        ("../../etc/passwd", "_.._etc_passwd"),
        ("C:\\Users\\王\\盖章.pdf", "C:_Users_王_盖章.pdf"),
        ("..hidden.pdf", "hidden.pdf"),
        ("e\u0301te\u0301.pdf", "été.pdf"),
        ("成果\n报告\t.pdf", "成果 报告 .pdf"),
        ("\u202e", "file"),
        ("", "file"),
    ],
)
def test_clean_filename(raw, clean):
    assert clean_filename(raw) == clean


def test_a_long_name_keeps_its_extension():
    assert clean_filename("质" * 300 + ".pdf") == "质" * 146 + ".pdf"


def test_clean_display_name_keeps_chinese_and_single_spaces():
    assert clean_display_name("  上海\u202e华瑞  精密 \u200b机械 ") == "上海华瑞 精密 机械"


def test_document_file_names_from_organisation_names_are_cleaned():
    kind = DocumentKind(
        kind="demo",
        label="demo",
        model="recommenders.Dossier",
        build=lambda obj, document: b"",
        filename=lambda obj: f"2026-{obj}-成果推荐表.xlsx",
        mime_type="application/octet-stream",
        permission="demo",
        version=lambda obj: "1",
    )

    assert kind.filename_of("浦东\u202exslx.exe") == "2026-浦东xslx.exe-成果推荐表.xlsx"


@pytest.mark.django_db
def test_download_names_are_cleaned(tmp_path):
    from django.core.files.storage import FileSystemStorage

    storage = FileSystemStorage(location=tmp_path)
    name = storage.save("x.bin", io.BytesIO(png_bytes()))

    response = files.stored_file_response(storage.open(name), filename="invoice\u202egpj.exe", content_type="image/png")

    assert response["Content-Disposition"] == 'attachment; filename="invoicegpj.exe"'
    response.close()
