"""The canary crawler's readers and markers find what they must: a marker in any kind of document it reads, a
figure only as a whole number, and the links of a page (tests/battery/crawler.py, tests/battery/canary_world.py)."""

import csv
import io
import zipfile

import pytest
from openpyxl import Workbook

from tests.battery.canary_world import Marker, pdf_with_author
from tests.battery.crawler import _filename, _Links, crawl, document_texts

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


class _Site:
    """A stand-in test client: GET and POST answer from `pages` ({path: (status, html)})."""

    def __init__(self, pages):
        self.pages = pages

    def get(self, url):
        from django.http import HttpResponse

        status, body = self.pages.get(url, (404, "<p>missing</p>"))
        return HttpResponse(body, status=status, content_type="text/html; charset=utf-8")

    def post(self, url, data):  # the forms here answer a POST as they answer a GET
        return self.get(url)


def test_a_posted_lookup_is_read_without_the_role_s_own_input_but_with_anything_else_the_answer_shows():
    echoed_only = _Site({"/lookup/": (200, f'<input name="code" value="{SECRET}"><p>No match</p><a href="/x/">x</a>')})
    result = crawl(echoed_only, [], posts=[("/lookup/", {"code": SECRET})])
    assert [url for url, _text in result.texts][:2] == ["/lookup/#post-1", "/x/"]  # its links are followed
    assert not any(SECRET in text for _url, text in result.texts)

    told = _Site({"/lookup/": (200, f'<input name="code" value="{SECRET}"><p>{SECRET} is received</p>')})
    result = crawl(told, [], posts=[("/lookup/", {"code": SECRET})])
    assert any(SECRET in text for _url, text in result.texts)


def test_probes_are_read_when_answered_and_their_refusals_kept_apart_from_the_crawl_s():
    site = _Site({"/": (200, "<p>home</p>"), "/theirs/": (200, f"<p>{SECRET}</p>")})
    result = crawl(site, ["/"], probes=["/theirs/", "/refused/"])
    assert result.probed == {"/theirs/": 200, "/refused/": 404}
    assert result.statuses == {}
    assert ("/theirs/", f"<p>{SECRET}</p>") in result.texts
