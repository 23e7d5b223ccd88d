import hashlib

import pytest
from django.core.management import CommandError, call_command

from documents.models import Document

from .builders import UNIT_SHEET, UNIT_TABLE

pytestmark = [pytest.mark.unit, pytest.mark.django_db]


def test_list_prints_every_kind_with_its_label(capsys, table_kind, sheet_kind):
    call_command("render_document", "--list")
    lines = capsys.readouterr().out.splitlines()
    assert f"{UNIT_SHEET}\t单位信息表（测试）" in lines
    assert f"{UNIT_TABLE}\t单位汇总表（测试）" in lines


def test_render_builds_and_writes_the_file(capsys, sheet_kind, unit, tmp_path):
    output = tmp_path / "out" / "sheet.pdf"
    call_command("render_document", UNIT_SHEET, str(unit.pk), str(output))

    data = output.read_bytes()
    document = Document.objects.get()
    assert data.startswith(b"%PDF-")
    assert document.checksum == hashlib.sha256(data).hexdigest()
    assert capsys.readouterr().out.strip() == f"{UNIT_SHEET}\t{len(data)} bytes\tsha256 {document.checksum}\t{output}"


def test_unknown_kind_is_a_command_error(table_kind, tmp_path):
    with pytest.raises(CommandError, match="unknown document kind 'nope' \\(registered: .*tests.unit_table"):
        call_command("render_document", "nope", "1", str(tmp_path / "x"))


def test_missing_object_is_a_command_error(table_kind, tmp_path):
    with pytest.raises(CommandError, match="no accounts.Unit with id '424242'"):
        call_command("render_document", UNIT_TABLE, "424242", str(tmp_path / "x"))


def test_missing_arguments_is_a_command_error():
    with pytest.raises(CommandError, match="KIND OBJECT_ID OUTPUT_PATH"):
        call_command("render_document", "only-a-kind")


def test_a_failed_build_is_a_command_error(unit_permission, unit, tmp_path):
    from documents import registry

    from .builders import SHEET_OPTIONS

    def explode(obj, document):
        raise ValueError("坏了")

    with registry.registered("tests.explode", **{**SHEET_OPTIONS, "build": explode}):
        with pytest.raises(CommandError, match="failed: ValueError: 坏了"):
            call_command("render_document", "tests.explode", str(unit.pk), str(tmp_path / "x.pdf"))
