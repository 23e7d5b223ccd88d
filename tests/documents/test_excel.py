import decimal
import io
import shutil
import subprocess
import zipfile

import pytest
from django.utils import translation
from openpyxl import Workbook, load_workbook

from documents.excel import build_table_workbook, escape_cell, text_width

pytestmark = pytest.mark.unit

DANGEROUS = ["=1+1", "@SUM(A1)", "+cmd|' /C calc'!A0", "-2+3", "\t=1+1", "\r=1+1", '=HYPERLINK("http://x")']
LIBREOFFICE = "/usr/bin/libreoffice"


def _workbook(write_only=False, rows=None):
    rows = rows or [[1, "精益求精质量管理小组", decimal.Decimal("92.50"), text] for text in DANGEROUS]
    data = build_table_workbook(
        title="2025年度质量管理小组推荐汇总表",
        headers=["序号", "小组名称", "得分", "备注"],
        rows=rows if not write_only else iter(rows),
        column_widths=[6, 30, 10, 30] if write_only else None,
        sheet_title="推荐汇总",
        write_only=write_only,
    )
    return data, load_workbook(io.BytesIO(data))


@pytest.mark.parametrize("write_only", [False, True])
def test_formula_like_text_is_stored_as_text(write_only):
    data, workbook = _workbook(write_only)
    ws = workbook["推荐汇总"]
    for row, text in enumerate(DANGEROUS, start=3):
        cell = ws.cell(row=row, column=4)
        assert cell.value == text.replace("\r", "\n")
        assert cell.data_type == "s"
        assert cell.quotePrefix is True
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml  # no formula element anywhere


@pytest.mark.parametrize("write_only", [False, True])
def test_numbers_stay_numbers_and_plain_text_gets_no_quote_prefix(write_only):
    _data, workbook = _workbook(write_only)
    ws = workbook.active
    assert ws["A3"].value == 1 and ws["A3"].data_type == "n"
    assert ws["C3"].value == 92.5 and ws["C3"].data_type == "n"
    assert ws["B3"].value == "精益求精质量管理小组" and ws["B3"].quotePrefix is False


@pytest.mark.parametrize("write_only", [False, True])
def test_title_is_merged_header_bold_and_pane_frozen(write_only):
    _data, workbook = _workbook(write_only)
    ws = workbook.active
    assert ws.title == "推荐汇总"
    assert ws["A1"].value == "2025年度质量管理小组推荐汇总表"
    assert [str(r) for r in ws.merged_cells.ranges] == ["A1:D1"]
    assert [c.value for c in ws[2]] == ["序号", "小组名称", "得分", "备注"]
    assert all(c.font.b for c in ws[2])
    assert ws.freeze_panes == "A3"
    assert ws.print_title_rows == "$2:$2"
    assert ws.column_dimensions["B"].width == (30 if write_only else 2 * len("精益求精质量管理小组") + 2)


def test_escape_cell_handles_error_codes_illegal_characters_and_lazy_strings():
    from django.utils.translation import gettext_lazy

    ws = Workbook().active
    assert escape_cell(ws["A1"], "#N/A").data_type == "s"
    assert escape_cell(ws["A2"], "a\x00b\x07c").value == "abc"
    with translation.override("en"):
        assert escape_cell(ws["A3"], gettext_lazy("Ready")).value == "Ready"
    assert escape_cell(ws["A4"], None).value is None
    assert escape_cell(ws["A5"], True).data_type == "b"
    assert escape_cell(ws["A6"], " \n=1+1").quotePrefix is True
    assert escape_cell(ws["A7"], "a-b").quotePrefix is False


def test_text_width_counts_cjk_twice():
    assert text_width("ab") == 2
    assert text_width("中文") == 4
    assert text_width("第一行\n二") == 6


@pytest.mark.skipif(not shutil.which(LIBREOFFICE), reason=f"{LIBREOFFICE} is absent (libreoffice-calc not installed)")
def test_libreoffice_converts_the_workbook_and_never_evaluates_the_text(tmp_path):
    data, _workbook_ = _workbook()
    source = tmp_path / "table.xlsx"
    source.write_bytes(data)
    profile = tmp_path / "lo-profile"
    result = subprocess.run(
        [
            LIBREOFFICE,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    pdf = tmp_path / "table.pdf"
    assert result.returncode == 0, result.stderr
    assert pdf.exists(), result.stdout + result.stderr
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "2025年度质量管理小组推荐汇总表" in text
    assert "=1+1" in text
    assert "@SUM(A1)" in text
    assert "-2+3" in text
