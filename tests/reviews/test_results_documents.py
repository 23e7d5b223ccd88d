"""The round's review summary (评审汇总表) in Excel and PDF: the cells and text staff download, names or codes as
staff chose, formula injection escaped, rebuilt when the choice changes."""

import io
import subprocess
from decimal import Decimal

import openpyxl
import pytest

from documents.enums import DocumentStatus
from documents.services import document_build_now
from reviews.documents import ROUND_SUMMARY_PDF, ROUND_SUMMARY_XLSX, summary_version
from reviews.enums import Aggregation, AssignmentState
from reviews.services_results import round_summary_request
from tests.factories import staff_user
from tests.factories.recommenders import qc_edition, submitted_application
from tests.factories.reviews import assigned, pool_expert, review_round, scored

pytestmark = [pytest.mark.unit, pytest.mark.django_db]

D = Decimal


@pytest.fixture
def summary_round():
    edition = qc_edition()
    round_ = review_round(edition, aggregation=Aggregation.MEAN, outlier_points=D("15"), blind=True)
    experts = [pool_expert(edition.programme, full_name=name) for name in ("王慧敏", "刘振华", "张建国")]
    first = submitted_application(edition=edition, title="降低数控车床加工件尺寸超差率")
    second = submitted_application(edition=edition, title='=HYPERLINK("http://x","提高焊接一次合格率")')
    for expert, total in zip(experts, (80, 82, 60), strict=True):
        scored(assigned(round_, first, expert), total)
    scored(assigned(round_, second, experts[0]), D("90.5"))
    scored(assigned(round_, second, experts[1]), D("91.5"))
    scored(assigned(round_, second, experts[2], state=AssignmentState.DECLINED), 10)
    return round_, first, second, experts


def _bytes(document) -> bytes:
    assert document.status == DocumentStatus.READY, document.error
    with document.file.open("rb") as handle:
        return handle.read()


def _rows(data: bytes) -> list[tuple]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    return [tuple(cell.value for cell in row) for row in sheet.iter_rows()]


def test_summary_workbook_cells_with_codes(summary_round):
    round_, first, second, _experts = summary_round
    rows = _rows(_bytes(document_build_now(kind=ROUND_SUMMARY_XLSX, obj=round_)))

    assert "评审汇总表" in rows[0][0]
    headers = rows[1]
    assert headers[:5] == ("序号", "申报编号", "评审编号", "成果名称/课题", "课题类型")
    assert headers[5:11] == ("专家1", "专家1评分", "专家2", "专家2评分", "专家3", "专家3评分")
    assert headers[11:] == ("评审结果", "标准差", "排名", "标记")
    body = {row[1]: row for row in rows[2:]}
    a = body[first.number]
    assert a[3:5] == ("降低数控车床加工件尺寸超差率", "问题解决型")
    assert a[5:11] == ("E01", 80, "E02", 82, "E03", 60)
    assert a[11:] == (74, pytest.approx(9.93), 2, "评分离群")  # 74.00, σ √(296/3); 91.00 ranks first
    b = body[second.number]
    assert b[3] == '=HYPERLINK("http://x","提高焊接一次合格率")'  # kept as text, never a formula
    assert b[5:11] == ("E01", 90.5, "E02", 91.5, None, None)  # the declined expert is not in the summary
    assert b[11:] == (91, pytest.approx(0.5), 1, None)


def test_formula_like_titles_are_string_cells(summary_round):
    round_, _first, second, _experts = summary_round
    data = _bytes(document_build_now(kind=ROUND_SUMMARY_XLSX, obj=round_))
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    cell = next(row[3] for row in sheet.iter_rows(min_row=3) if row[1].value == second.number)
    assert cell.data_type == "s"
    assert cell.quotePrefix


def test_staff_choose_names_which_rebuilds_the_summary(summary_round):
    round_, first, _second, _experts = summary_round
    staff = staff_user()
    codes_version = summary_version(round_)
    round_summary_request(actor=staff, round_=round_, kind=ROUND_SUMMARY_XLSX, shows_names=True)
    round_.refresh_from_db()

    assert round_.summary_shows_names is True
    assert summary_version(round_) != codes_version
    rows = _rows(_bytes(document_build_now(kind=ROUND_SUMMARY_XLSX, obj=round_)))
    a = next(row for row in rows[2:] if row[1] == first.number)
    assert a[5:11] == ("E01 王慧敏", 80, "E02 刘振华", 82, "E03 张建国", 60)


def test_summary_pdf_shows_the_figures_in_chinese(summary_round, tmp_path):
    round_, first, second, _experts = summary_round
    path = tmp_path / "summary.pdf"
    path.write_bytes(_bytes(document_build_now(kind=ROUND_SUMMARY_PDF, obj=round_)))
    text = "".join(
        subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout.split()
    )

    assert "评审汇总表" in text
    assert "降低数控车床加工件尺寸超差率" in text
    for figure in ("74.00", "9.93", "91.00", "0.50", "90.50", "评分离群", first.number, second.number, "E03"):
        assert figure in text
    assert "王慧敏" not in text  # a blind round's summary shows codes unless staff chose names
