"""The canary crawler's readers and markers find what they must: a marker in any kind of document it reads, a
figure only as a whole number, and the links of a page (tests/battery/crawler.py, tests/battery/canary_world.py)."""

import csv
import io
import zipfile

import pytest
from openpyxl import Workbook

from tests.battery.canary_world import Marker, pdf_with_author
from tests.battery.crawler import _filename, _Links, document_texts

pytestmark = pytest.mark.unit

SECRET = "CANARY-SECRET-1"


def _xlsx(value) -> bytes:
    workbook = Workbook()
    workbook.active.title = "汇总"
    workbook.active.append(["编号", value])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _zip(entries: dict) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def _csv(value) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerow(["编号", value])
    return out.getvalue().encode()


@pytest.mark.parametrize(
    ("data", "content_type", "name"),
    [
        (pdf_with_author(SECRET), "application/pdf", "a.pdf"),
        (_xlsx(SECRET), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "a.xlsx"),
        (_csv(SECRET), "text/csv", "a.csv"),
        (f"<p title='{SECRET}'>x</p>".encode(), "text/html", "a.html"),
        (_zip({"a/b.xlsx": _xlsx(SECRET)}), "application/zip", "a.zip"),
        (_zip({"inner.zip": _zip({"c.pdf": pdf_with_author(SECRET)})}), "application/zip", "a.zip"),
        (_zip({f"{SECRET}.txt": b"nothing"}), "application/zip", "a.zip"),
    ],
    ids=["pdf-metadata", "xlsx-cell", "csv", "html-attribute", "zip-xlsx", "zip-zip-pdf", "zip-entry-name"],
)
def test_document_texts_reach_a_marker_in_every_format(data, content_type, name):
    assert any(SECRET in text for text in document_texts(data, content_type, name))


def test_a_figure_marker_matches_the_whole_figure_only():
    total = Marker("T", "71.7", frozenset(), numeric=True).pattern()
    assert total.search("总分 71.7 分")
    assert total.search("<td>71.70</td>")
    assert not total.search("171.7")
    assert not total.search("71.75")
    assert not total.search("71.77")


def test_links_come_from_anchors_iframes_htmx_and_forms_with_their_default_values():
    parser = _Links()
    parser.feed(
        '<a href="/a/">a</a><iframe src="/b/"></iframe><div hx-get="/p/" hx-trigger="load"></div>'
        '<form method="get" action="/c/"><input name="q" value="x"><input type="submit" name="go" value="Go">'
        '<input type="checkbox" name="all" checked></form>'
        '<form method="post" action="/documents/request/k/1/"><input type="hidden" name="next" value="/"></form>'
    )
    assert parser.links == ["/a/", "/b/", "/p/"]
    assert parser.forms == [
        {"method": "get", "action": "/c/", "data": {"q": "x", "all": "on"}},
        {"method": "post", "action": "/documents/request/k/1/", "data": {"next": "/"}},
    ]


def test_the_file_name_of_content_disposition_is_read_in_both_spellings():
    assert _filename({"Content-Disposition": "attachment; filename*=UTF-8''%E7%94%B3%E6%8A%A5%E8%A1%A8.pdf"}) == (
        "申报表.pdf"
    )
    assert _filename({"Content-Disposition": 'inline; filename="R1-0001-report.pdf"'}) == "R1-0001-report.pdf"
