"""国家级推荐材料包: safe file names, the per-application ZIPs and their contents, the batch job."""

import io
import zipfile

import pytest

from documents.enums import DocumentStatus
from notices import national
from notices.models_books import NationalPackage
from tests.factories.accounts import staff_user
from tests.factories.notices_books import awarded_edition, confirm


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ('a\\b/c:d*e?f"g<h>i|j.pdf', "a_b_c_d_e_f_g_h_i_j.pdf"),
        ("报告\x00\x07\u202egpj.exe", "报告gpj.exe"),
        ("成果报告. . .", "成果报告"),
        ("  前导空格.pdf", "前导空格.pdf"),
        ("CON", "_CON"),
        ("con.txt", "_con.txt"),
        ("LPT9.zip", "_LPT9.zip"),
        ("COM1 .zip", "_COM1.zip"),
        ("CONSOLE.zip", "CONSOLE.zip"),
        ("", "file"),
        ("...", "file"),
        ("e\u0301.pdf", "\u00e9.pdf"),  # NFD → NFC
    ],
)
def test_safe_filename(raw, expected):
    assert national.safe_filename(raw) == expected


def test_safe_filename_caps_utf8_bytes_and_keeps_the_extension():
    name = national.safe_filename("上" * 200 + ".zip")
    assert name.endswith(".zip")
    assert len(name.encode()) <= 240
    assert len(name.encode()) > 240 - 3  # as many whole characters as fit
    assert name == "上" * 78 + ".zip"


def test_safe_filename_does_not_end_in_a_dot_after_truncation():
    name = national.safe_filename("a" * 234 + ". x.pdf")
    assert len(name.encode()) <= 240 and not name[:-4].endswith((".", " "))


def test_unique_names_ignore_case():
    taken = set()
    assert [national._unique(n, taken) for n in ("A.pdf", "a.pdf", "a.pdf")] == ["A.pdf", "a (2).pdf", "a (3).pdf"]


@pytest.fixture
def world(db):
    edition, (first, second) = awarded_edition([("problem_solving", 95), ("problem_solving", 70)], complete=True)
    return edition, confirm(first), second


def test_candidates_are_the_awarded_and_confirmed(world, db):
    edition, first, second = world
    extra = awarded_edition([("problem_solving", 20)], edition=None)[1][0]  # another edition, not awarded
    assert list(national.package_candidates(edition)) == sorted([first, second], key=lambda a: a.number)
    assert extra not in national.package_candidates(edition)


def _inner(outer: zipfile.ZipFile, name: str) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(outer.read(name)))


def test_package_holds_one_zip_per_application_named_number_and_unit(world):
    edition, first, second = world
    buffer = io.BytesIO()
    names = national.write_package(buffer, [first, second], build_forms=False)
    expected = [f"{a.number}{a.unit.name}.zip" for a in (first, second)]
    assert names == expected
    outer = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    assert outer.namelist() == expected
    # Chinese names carry the UTF-8 flag (bit 11)
    assert all(info.flag_bits & 0x800 for info in outer.infolist())
    inner = _inner(outer, expected[0])
    attachments = first.attachments.filter(is_current=True).select_related("requirement")
    assert sorted(inner.namelist()) == sorted(
        national.safe_filename(f"{a.requirement.name}-{a.original_name}") for a in attachments
    )
    for attachment in attachments:
        name = national.safe_filename(f"{attachment.requirement.name}-{attachment.original_name}")
        with attachment.file.open("rb") as fh:
            assert inner.read(name) == fh.read()
    assert inner.testzip() is None


def test_package_includes_a_ready_generated_form(world):
    from documents.services import document_build_now

    _edition, first, _second = world
    document = document_build_now(kind="application_form", obj=first)
    assert document.status == DocumentStatus.READY
    buffer = io.BytesIO()
    national.write_package(buffer, [first], build_forms=False)
    inner = _inner(zipfile.ZipFile(buffer), f"{first.number}{first.unit.name}.zip")
    assert "申报表.pdf" in inner.namelist()
    assert inner.read("申报表.pdf").startswith(b"%PDF")


def test_package_request_and_build(world, django_capture_on_commit_callbacks):
    edition, first, second = world
    with django_capture_on_commit_callbacks(execute=True):
        package = national.package_request(actor=staff_user(), edition=edition, applications=[first, second])
    package.refresh_from_db()
    assert package.status == DocumentStatus.READY
    assert package.filename == f"{edition.year}-国家级推荐材料-{package.pk}.zip"
    with package.file.open("rb") as fh:
        outer = zipfile.ZipFile(io.BytesIO(fh.read()))
    assert len(outer.namelist()) == 2 and package.size == package.file.size
    # idempotent: a second build leaves the ready package alone
    assert national.package_build(package_id=package.pk).file.name == package.file.name


def test_package_refuses_applications_outside_the_awarded_list(world):
    edition, first, _second = world
    other_edition, (other,) = awarded_edition([("problem_solving", 95)])
    with pytest.raises(ValueError):
        national.package_request(actor=staff_user(), edition=edition, applications=[first, other])
    assert not NationalPackage.objects.exists()


def test_package_build_records_a_failure(world):
    edition, first, _second = world
    package = NationalPackage.objects.create(edition=edition)
    package.applications.set([first])
    attachment = first.attachments.filter(is_current=True).first()
    attachment.file.storage.delete(attachment.file.name)  # a file lost from storage
    package = national.package_build(package_id=package.pk, build_forms=False)
    assert package.status == DocumentStatus.FAILED
    assert package.error.startswith("FileNotFoundError") and not package.file
