import re
import subprocess
from urllib.parse import urljoin

import pytest
from django.template import engines
from django.utils import translation

from documents.pdf import (
    PDFRenderError,
    StaticOnlyURLFetcher,
    UnsafeURLError,
    html_to_pdf,
    qr_svg_data_uri,
    render_pdf,
    static_base_url,
)
from documents.templatetags.documents_pdf import css_page_counter, css_string

pytestmark = pytest.mark.unit

CHINESE_PAGE = """{% extends "documents/pdf_base.html" %}
{% block heading %}<h1>质量管理小组活动成果申报表</h1>{% endblock %}
{% block content %}
<table class="form-grid"><tr><th>小组名称</th><td>精益求精质量管理小组</td></tr></table>
{% block image %}{% endblock %}
{% endblock %}
"""


def _pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def _pdf_fonts(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout


def _render_string(template: str, context=None) -> bytes:
    return html_to_pdf(engines["django"].from_string(template).render(context or {}))


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/",
        "https://example.com/logo.png",
        "file:///etc/passwd",
        "ftp://example.com/x.png",
        "{static}../../etc/passwd",
        "{static}css/%2e%2e/%2e%2e/saq_portal/settings/base.py",
        "https://static.saq-portal.invalid/etc/passwd",
    ],
)
def test_url_fetcher_refuses_anything_but_static_files(url):
    with pytest.raises(UnsafeURLError):
        StaticOnlyURLFetcher().fetch(url.replace("{static}", static_base_url()))


SQUARE_SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'


@pytest.fixture
def static_dir(settings, tmp_path):
    root = tmp_path / "static"
    (root / "pdftest").mkdir(parents=True)
    (root / "pdftest" / "square.svg").write_bytes(SQUARE_SVG)
    settings.STATICFILES_DIRS = [root]  # the setting_changed signal clears the finders' cache
    return root


def test_url_fetcher_serves_a_static_file_by_root_relative_and_relative_path(static_dir):
    fetcher = StaticOnlyURLFetcher()
    for reference in ("/static/pdftest/square.svg", "pdftest/square.svg"):
        response = fetcher.fetch(urljoin(static_base_url(), reference))
        assert response.read() == SQUARE_SVG
        assert response.content_type == "image/svg+xml"


def test_render_fetches_a_static_image_through_the_fetcher(static_dir, tmp_path):
    template = CHINESE_PAGE.replace(
        "{% block image %}{% endblock %}", "{% load static %}<img src=\"{% static 'pdftest/square.svg' %}\">"
    )
    pdf = _render_string(template)  # a refused or missing image would raise PDFRenderError
    assert "质量管理小组活动成果申报表" in _pdf_text(pdf, tmp_path)


def test_url_fetcher_refuses_a_missing_static_file():
    with pytest.raises(UnsafeURLError, match="not found"):
        StaticOnlyURLFetcher().fetch(static_base_url() + "css/no-such-file.css")


def test_url_fetcher_serves_data_uris():
    response = StaticOnlyURLFetcher().fetch("data:text/plain;base64,5Lit5paH")
    assert response.read().decode() == "中文"


def test_render_with_an_outside_url_fails_instead_of_fetching():
    template = CHINESE_PAGE.replace("{% block image %}{% endblock %}", '<img src="http://example.com/x.png">')
    with pytest.raises(PDFRenderError, match="refused to fetch 'http://example.com/x.png'"):
        _render_string(template)


def test_chinese_renders_with_the_noto_cjk_font(tmp_path):
    with translation.override("zh-hans"):
        pdf = _render_string(CHINESE_PAGE)
    assert pdf.startswith(b"%PDF-")
    text = _pdf_text(pdf, tmp_path)
    assert "质量管理小组活动成果申报表" in text
    assert "精益求精质量管理小组" in text
    assert "第 1 页，共 1 页" in text  # the page number margin box, in Chinese
    fonts = _pdf_fonts(pdf, tmp_path)
    assert re.search(r"Noto-?Sans-?CJK-?SC", fonts), fonts
    assert " no " not in fonts.replace("emb sub uni", "")  # every font embedded, subset, with a Unicode map


def test_page_number_in_english_follows_the_active_language(tmp_path):
    with translation.override("en"):
        pdf = _render_string(CHINESE_PAGE)
    assert "Page 1 of 1" in _pdf_text(pdf, tmp_path)


def test_css_filters_quote_and_split_page_formats():
    assert css_string('a"b<') == '"a\\"b\\3c "'
    assert css_page_counter("第 {page} 页，共 {pages} 页") == '"第 " counter(page) " 页，共 " counter(pages) " 页"'


def test_render_pdf_embeds_a_qr_code(tmp_path):
    qr = qr_svg_data_uri("https://saq.test/documents/verify/1/")
    assert qr.startswith("data:image/svg+xml")
    pdf = render_pdf(
        "documents/pdf_base.html",
        {"verify_qr": qr, "verify_url": "https://saq.test/documents/verify/1/"},
    )
    # The QR is fetched through the data: URI: a refused fetch would have raised PDFRenderError.
    assert "https://saq.test/documents/verify/1/" in _pdf_text(pdf, tmp_path)


def test_output_is_deterministic_for_the_same_input():
    assert _render_string(CHINESE_PAGE) == _render_string(CHINESE_PAGE)
