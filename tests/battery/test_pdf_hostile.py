"""PDF rendering of hostile text fetches nothing, embeds nothing and stays within time and memory bounds.

A canary HTTP server on 127.0.0.1 counts every request. Hostile text points at it in every way HTML and CSS can
(<img>, <link rel=stylesheet|attachment>, @import, url() in styles, <object>, <iframe>, SVG <image>) and at
file:///etc/passwd; it goes (a) raw into `html_to_pdf`, as if a template forgot to escape, and (b) through every
registered PDF kind's builder in its model data or context. The canary must stay at 0 hits, no PDF may carry
embedded files, and each render is bounded in CPU time and peak memory.
"""

import http.server
import io
import resource
import threading
import time
import uuid
from decimal import Decimal
from types import SimpleNamespace

import pytest
from pypdf import PdfReader

from documents import registry
from documents.pdf import PDFRenderError, StaticOnlyURLFetcher, UnsafeURLError, html_to_pdf, static_base_url

# Bounds for one render on a loaded 2-core machine: CPU seconds (not wall time, which other processes inflate) and
# growth of the process's peak memory.
MAX_CPU_SECONDS = 60
MAX_PEAK_GROWTH_MB = 600


class Canary(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        self.hits = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def _hit(handler):
                self.hits.append(handler.path)
                handler.send_response(200)
                handler.send_header("Content-Type", "text/css")
                handler.end_headers()
                handler.wfile.write(b"body { color: red }")

            do_GET = do_HEAD = do_POST = _hit

            def log_message(handler, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@pytest.fixture
def canary():
    server = Canary()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def hostile_markup(base: str) -> str:
    port = base.rsplit(":", 1)[1]
    return (
        f'<img src="{base}/img"><link rel="stylesheet" href="{base}/css"><link rel="attachment" href="{base}/att">'
        f'<style>@import url("{base}/import"); body {{ background: url({base}/bg) }} '
        f"@font-face {{ font-family: x; src: url({base}/font) }}</style>"
        f'<img src="file:///etc/passwd"><link rel="attachment" href="file:///etc/passwd">'
        f'<object data="{base}/object"></object><iframe src="{base}/frame"></iframe><embed src="{base}/embed">'
        f'<svg xmlns="http://www.w3.org/2000/svg"><image href="{base}/svg" width="9" height="9"/></svg>'
        f'<p style="background-image: url(//127.0.0.1:{port}/inline)">url({base}/plain)</p>'
        f'<img src="http://localhost:{port}/localhost"><img src="{static_base_url()}../../../../etc/passwd">'
        '"; } @import url(http://127.0.0.1/quote); {'
    )


def embedded_files(pdf: bytes) -> list:
    reader = PdfReader(io.BytesIO(pdf))
    names = reader.trailer["/Root"].get("/Names")
    found = list(reader.attachments)
    if names is not None and "/EmbeddedFiles" in names.get_object():
        found.append("/EmbeddedFiles")
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            if annotation.get_object().get("/Subtype") == "/FileAttachment":
                found.append("/FileAttachment")
    return found


def bounded(render):
    """Run `render()`; return its result (bytes, or the PDFRenderError raised) with the CPU seconds it took and the
    growth of the peak resident memory in MB."""
    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.process_time()
    try:
        result = render()
    except PDFRenderError as error:
        result = error
    cpu = time.process_time() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    return result, cpu, (after.ru_maxrss - before.ru_maxrss) / 1024


def assert_safe(canary, render):
    result, cpu, growth = bounded(render)
    time.sleep(0.1)  # a request already sent would be counted by now
    assert canary.hits == []
    if isinstance(result, bytes):
        assert result.startswith(b"%PDF-")
        assert embedded_files(result) == []
    assert cpu < MAX_CPU_SECONDS
    assert growth < MAX_PEAK_GROWTH_MB
    return result


# --- Raw HTML ----------------------------------------------------------------------------------------------------


def test_raw_hostile_html_fetches_nothing_and_embeds_nothing(canary):
    markup = hostile_markup(canary.base)
    html = f"<html><head>{markup}</head><body><h1>报告</h1>{markup}</body></html>"

    result = assert_safe(canary, lambda: html_to_pdf(html))

    # The first refused resource fails the render (a certificate must not silently miss an image).
    assert isinstance(result, PDFRenderError)


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:9/x",
        "https://example.test/x.css",
        "ftp://127.0.0.1/x",
        "//127.0.0.1/x",
        f"{static_base_url()}../../etc/passwd",
        f"{static_base_url()}%2e%2e/%2e%2e/etc/passwd",
        f"{static_base_url()}css/..%5c..%5cetc/passwd",
        "jar:file:///x!/y",
    ],
)
def test_the_fetcher_refuses_everything_but_static_files(url):
    with pytest.raises(UnsafeURLError):
        StaticOnlyURLFetcher().fetch(url)


def test_an_html_flood_is_refused_before_layout(settings):
    settings.PDF_MAX_HTML_MB = 1
    rows = "".join(f"<tr><td>{i}</td><td>{'测' * 200}</td></tr>" for i in range(3000))

    started = time.process_time()
    with pytest.raises(PDFRenderError, match="too large to render"):
        html_to_pdf(f"<table>{rows}</table>")

    assert time.process_time() - started < 2


def test_document_builds_have_a_celery_time_limit():
    from documents.tasks import build_document

    assert 0 < build_document.soft_time_limit < build_document.time_limit


# --- Every PDF kind with hostile data --------------------------------------------------------------------------------


def _recommender_pdfs(text):
    from recommenders import documents_recommender as d

    meta = d.TableMeta(recommender=text, edition=text, year=2026)
    rows = [
        d.RecommendationRow(
            number=text, title=text, group=text, unit=text, category=text, self_total=None,
            reviewer_mean=Decimal("80"), rank=i, opinion=text,
        )
        for i in range(3)
    ]  # fmt: skip
    summary = d.ReviewSummary(
        reviewers=(text, text),
        rows=tuple(
            d.ReviewRow(number=text, title=text, unit=text, category=text, totals=(None, Decimal("70")),
                        mean=None, rank=1, decision=text)
            for _ in range(3)
        ),
    )  # fmt: skip
    return {
        d.RECOMMENDATION_TABLE_PDF: lambda: d.recommendation_table_pdf(meta, rows),
        d.REVIEW_SUMMARY_PDF: lambda: d.review_summary_pdf(meta, summary),
    }


def _round_summary_pdf(text):
    from reviews.documents import summary_pdf

    round_ = SimpleNamespace(name=text, normalise=True, edition=SimpleNamespace(title=text), blind=False)
    rows = [
        SimpleNamespace(
            number=text, code=text, title=text, category=text,
            marks=[SimpleNamespace(expert=SimpleNamespace(code=text, name=text), total=Decimal("80"))],
            result=Decimal("80"), stdev=None, rank=1, normalised=None, flags=[text],
        )
    ]  # fmt: skip
    results = SimpleNamespace(round=round_, rows=rows, max_marks=2, experts=[1])
    return lambda: summary_pdf(results, shows_names=True)


def _levels_pdf(text):
    from reviews.documents_levels import levels_pdf

    level = SimpleNamespace(name=text)
    rows = [
        SimpleNamespace(
            number=text, title=text, category=text, unit=text, cells=[SimpleNamespace(score=Decimal("81"))],
            total=Decimal("81"), rank=1, proposed=level, level=level, reason=text, self_total=None,
            recommender_mean=None, flags=[text],
        )
    ]  # fmt: skip
    table = SimpleNamespace(
        scheme=SimpleNamespace(edition=SimpleNamespace(title=text), short_checksum=text[:12]),
        rows=rows,
        rounds=[SimpleNamespace(round=SimpleNamespace(name=text), weight=100)],
    )
    return lambda: levels_pdf(table)


def _model_pdfs(text):
    """The kinds whose builders read the database: owners whose text fields carry the hostile markup."""
    from applications.documents import build_application_form
    from recommenders.documents_unit import build_scoring_opinion_form
    from reviews.documents import judge_sheets_pdf, running_sheet_pdf
    from tests.factories.applications import draft_application, eligible_group
    from tests.factories.recommenders import qc_edition
    from tests.factories.reviews_presentation import presentation_round, presentation_session

    edition = qc_edition()
    group = eligible_group(name=text[:100])
    application = draft_application(edition=edition, group=group, title=text[:200], complete=False)
    application.unit.name = text[:200]
    application.unit.save()
    session = presentation_session(presentation_round(edition, name=text[:100]), [application], name=text[:100])
    document = SimpleNamespace(public_id=uuid.uuid4())
    return {
        "application_form": lambda: build_application_form(application, document),
        "scoring_opinion_form": lambda: build_scoring_opinion_form(application, document),
        "presentation_running_sheet": lambda: running_sheet_pdf(session),
        "presentation_judge_sheets": lambda: judge_sheets_pdf(session),
    }


def _results_pdf(text):
    from notices import documents_results as d

    table = (text, ["#", text], [[1, text], [2, text]])
    return lambda: d.pdf(table)


def _compendium_pdf(text, *, draft: bool):
    """The book with one hostile section and entry (the builder's reads replaced by them)."""
    from unittest import mock

    from notices import compendium as c

    section = c.Section(anchor="s1", category=text, level=text)
    section.entries.append(
        c.Entry(anchor="e1", number=text, title=text, group=text, unit=text, recommenders=text, summary=text)
    )
    edition = SimpleNamespace(title=text, year=2026)

    def render():
        with mock.patch.object(c, "compendium_sections", return_value=[section]):
            return c.build_compendium(edition, draft=draft)

    return render


MODEL_KINDS = {"application_form", "scoring_opinion_form", "presentation_running_sheet", "presentation_judge_sheets"}


def pdf_builder(kind: str, text: str):
    if kind in MODEL_KINDS:
        return _model_pdfs(text[:140])[kind]  # model fields hold at most 150 characters; the canary URLs come first
    return {
        **_recommender_pdfs(text),
        "round_review_summary_pdf": _round_summary_pdf(text),
        "combined_results_pdf": _levels_pdf(text),
        "results_publicity_pdf": _results_pdf(text),
        "results_final_pdf": _results_pdf(text),
        "results_objections_pdf": _results_pdf(text),
        "compendium": _compendium_pdf(text, draft=False),
        "compendium_draft": _compendium_pdf(text, draft=True),
    }[kind]


PDF_KINDS = [
    "application_form",
    "combined_results_pdf",
    "compendium",
    "compendium_draft",
    "presentation_judge_sheets",
    "presentation_running_sheet",
    "recommendation_table_pdf",
    "review_summary_pdf",
    "results_final_pdf",
    "results_objections_pdf",
    "results_publicity_pdf",
    "round_review_summary_pdf",
    "scoring_opinion_form",
]


def test_every_registered_pdf_kind_is_covered():
    assert {kind.kind for kind in registry.kinds() if kind.mime_type == registry.PDF} == set(PDF_KINDS)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", PDF_KINDS)
def test_each_pdf_builder_renders_hostile_text_as_text(canary, kind):
    text = hostile_markup(canary.base)

    result = assert_safe(canary, pdf_builder(kind, text))

    assert isinstance(result, bytes), result  # escaped by the template: rendered, not refused


def test_a_huge_table_renders_within_the_bounds(canary):
    from recommenders import documents_recommender as d

    text = hostile_markup(canary.base)[:140] + "长" * 60
    meta = d.TableMeta(recommender=text, edition="2026", year=2026)
    rows = [
        d.RecommendationRow(
            number=str(i), title=text, group=text, unit=text, category="问题解决型", self_total=None,
            reviewer_mean=None, rank=i, opinion=text,
        )
        for i in range(60)
    ]  # fmt: skip

    result = assert_safe(canary, lambda: d.recommendation_table_pdf(meta, rows))

    assert isinstance(result, bytes) and len(PdfReader(io.BytesIO(result)).pages) > 3


def test_a_sanitised_notice_renders_to_pdf_with_no_outbound_fetch(canary):
    """A notice's body as the editor might send it, after `sanitise_html`: printed to PDF, it fetches nothing (the
    sanitiser drops images' outside sources, styles, scripts and imports before the fetcher is even asked)."""
    from notices.services import sanitise_html

    body = sanitise_html(
        f"<p>通知正文</p>{hostile_markup(canary.base)}"
        f'<p style="background:url({canary.base}/bg.png)">样式</p><a href="javascript:alert(1)">链接</a>'
    )
    html = f"<html><body><h1>关于开展评审工作的通知</h1>{body}</body></html>"

    result = assert_safe(canary, lambda: html_to_pdf(html))

    assert isinstance(result, bytes)
    # What is left of the outside addresses is text on the page, never markup that could fetch.
    assert not any(tag in body for tag in ("<img", "<link", "<style", "style=", "<object", "<iframe", "<svg"))
    assert "javascript:" not in body
