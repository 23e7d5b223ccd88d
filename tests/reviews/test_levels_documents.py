"""评定结果汇总表 in Excel and PDF: the figures of the combined table, formula injection escaped, Chinese in the PDF,
rebuilt when a level changes."""

import io
import subprocess

import openpyxl
import pytest

from applications.models import Application
from documents.enums import DocumentStatus
from documents.services import document_build_now
from reviews import levels
from reviews.documents_levels import LEVELS_PDF, LEVELS_XLSX, levels_version
from tests.factories import staff_user
from tests.factories.recommenders import qc_edition
from tests.factories.reviews import quick_admitted
from tests.factories.reviews_levels import closed_round, level_scheme, result

pytestmark = [pytest.mark.unit, pytest.mark.django_db]


@pytest.fixture
def scheme():
    edition = qc_edition()
    doc = closed_round(edition, name="材料文审")
    pres = closed_round(edition, name="发表赛")
    first = quick_admitted(edition)
    second = quick_admitted(edition)
    Application.objects.filter(pk=second.pk).update(title='=HYPERLINK("http://x","提高焊接一次合格率")')
    for app, d, p in [(first, 90, "80.01"), (second, 70, 70)]:
        result(doc, app, d)
        result(pres, app, p)
    return level_scheme(edition, {doc: 40, pres: 60}, levels=[("标杆级", None, None, 1), ("优秀级", None, None, None)])


def _bytes(document) -> bytes:
    assert document.status == DocumentStatus.READY, document.error
    with document.file.open("rb") as handle:
        return handle.read()


def test_workbook_cells_and_escape(scheme):
    sheet = openpyxl.load_workbook(io.BytesIO(_bytes(document_build_now(kind=LEVELS_XLSX, obj=scheme)))).active
    rows = [tuple(c.value for c in row) for row in sheet.iter_rows()]
    assert rows[1][5:9] == ("材料文审（40%）", "发表赛（60%）", "加权总分", "类别排名")
    first, second = rows[2], rows[3]
    assert first[5:11] == (90, 80.01, 84.01, 1, "标杆级", "标杆级")
    assert second[5:11] == (70, 70, 70, 2, "优秀级", "优秀级")
    cell = sheet.cell(row=4, column=3)
    assert cell.value == '=HYPERLINK("http://x","提高焊接一次合格率")' and cell.data_type == "s" and cell.quotePrefix


def test_pdf_renders_chinese_and_version_follows_levels(scheme, tmp_path):
    path = tmp_path / "levels.pdf"
    path.write_bytes(_bytes(document_build_now(kind=LEVELS_PDF, obj=scheme)))
    text = "".join(
        subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout.split()
    )
    for figure in ("评定结果汇总表", "标杆级", "优秀级", "84.01", "70.00", "加权总分"):
        assert figure in text
    before = levels_version(scheme)
    first = levels.combined_table(scheme).rows[0]
    levels.level_change(
        actor=staff_user(),
        scheme=scheme,
        application=Application.objects.get(pk=first.application_id),
        level=scheme.levels.get(name="优秀级"),
        reason="复核",
    )
    assert levels_version(scheme) != before
