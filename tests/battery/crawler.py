"""A same-site crawler for the canary test: signed in as one role, it follows every link a page offers and reads
every document it reaches, returning the text of each so the test can look for markers.

Followed: `a[href]`, `iframe[src]`, `[hx-get]`, `form[method=get]` actions (with the form's default values) and
redirects.
Document buttons (`form[method=post]` to documents:request) are pressed once each, as the role would, so the
documents the role may generate exist; the page is then read again for its download link. Nothing else is posted.
Skipped: sign-out, the language switch, the Django admin, and any link whose path looks like an action.

Read: HTML (the markup, unescaped, attributes included), PDF (page text via pypdf and metadata), xlsx (every cell,
sheet titles and properties via openpyxl), csv and other text, ZIP (entry names and each entry, recursively), and
the file name of Content-Disposition.
"""

import dataclasses
import html
import io
import re
import zipfile
from html.parser import HTMLParser
from urllib.parse import unquote, urlencode, urljoin, urlsplit, urlunsplit

SKIP_PATH = re.compile(
    r"^/(admin|i18n|static|media)/|/logout/|/accounts/(logout|password|email|signup|reauthenticate)|"
    r"/(delete|remove|withdraw|decide|decider|active|accept|decline|publish|finalise|release|revoke|switch|"
    r"submit|reset|vote|close|reopen|cancel)/"
)
# Configuration and blank creation forms hold little data: read after everything else (the cap may leave them out).
LATER = re.compile(
    r"/(new|edit|template|invite|checklist|import|add)/|/rubric/\d+/|^/awards/staff/(editions|rubrics|programmes)/\d+/\w+/|"
    r"^/notifications/staff/|^/portal/register/"
)
DOCUMENT_REQUEST = re.compile(r"^/documents/request/[^/]+/\d+/$")
HTML_TYPES = ("text/html",)


class _Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[dict] = []
        self._form: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("hx-get"):  # partials htmx loads into the page: the same reach as a link
            self.links.append(attrs["hx-get"])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "iframe" and attrs.get("src"):
            self.links.append(attrs["src"])
        elif tag == "form":
            self._form = {"method": (attrs.get("method") or "get").lower(), "action": attrs.get("action"), "data": {}}
            self.forms.append(self._form)
        elif tag in ("input", "select", "textarea") and self._form is not None:
            name = attrs.get("name")
            kind = (attrs.get("type") or "").lower()
            if name and kind not in ("submit", "button", "file", "checkbox", "radio") and tag == "input":
                self._form["data"].setdefault(name, attrs.get("value") or "")
            elif name and kind in ("checkbox", "radio") and "checked" in attrs:
                self._form["data"].setdefault(name, attrs.get("value") or "on")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


@dataclasses.dataclass
class CrawlResult:
    pages: int = 0
    documents: int = 0
    requested: int = 0
    statuses: dict = dataclasses.field(default_factory=dict)  # url -> status code (non-2xx only)
    texts: list = dataclasses.field(default_factory=list)  # (url, text)
    probed: dict = dataclasses.field(default_factory=dict)  # probe url -> status code
    cache_control: dict = dataclasses.field(default_factory=dict)  # url -> its Cache-Control header


def document_texts(data: bytes, content_type: str, name: str = "", depth: int = 0) -> list[str]:
    """The readable text of one file: what a person (or a program) opening it could see."""
    content_type = (content_type or "").split(";")[0].strip().lower()
    lower = name.lower()
    if content_type == "application/pdf" or lower.endswith(".pdf") or data[:5] == b"%PDF-":
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data))
        texts = [page.extract_text() or "" for page in reader.pages]
        texts.extend(str(v) for v in (reader.metadata or {}).values())
        return texts
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "xl/workbook.xml" in archive.namelist():
                return _xlsx_texts(data)
            texts = []
            for info in archive.infolist():
                texts.append(info.filename)
                if not info.is_dir() and depth < 3:
                    texts.extend(document_texts(archive.read(info), "", info.filename, depth + 1))
            return texts
    if content_type.startswith("image/") or lower.endswith((".png", ".jpg", ".jpeg", ".gif", ".webp")):
        return []
    text = data.decode("utf-8", errors="replace")
    return [html.unescape(text) if "html" in content_type or lower.endswith(".html") else text]


def _xlsx_texts(data: bytes) -> list[str]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=False, data_only=False)
    texts = [str(v) for v in vars(workbook.properties).values() if v]
    for sheet in workbook.worksheets:
        texts.append(sheet.title)
        for row in sheet.iter_rows(values_only=True):
            texts.extend(str(value) for value in row if value is not None)
    return texts


def _filename(response) -> str:
    disposition = response.get("Content-Disposition", "")
    match = re.search(r"filename\*=UTF-8''([^;]+)", disposition) or re.search(r'filename="?([^";]+)', disposition)
    return unquote(match.group(1)) if match else ""


def _normalise(url: str, base: str) -> str | None:
    absolute = urljoin(base, html.unescape(url.strip()))
    parts = urlsplit(absolute)
    if parts.scheme not in ("http", "https", "") or parts.netloc not in ("", "testserver"):
        return None
    if not parts.path.startswith("/"):
        return None
    return urlunsplit(("", "", parts.path, parts.query, ""))


def crawl(client, starts, *, cap: int = 150, per_path: int = 3, capture=None, posts=(), probes=()) -> CrawlResult:
    """Breadth-first from `starts`; at most `cap` fetches and `per_path` query variants of one path. `capture`: a
    context manager factory running on-commit callbacks (pytest-django's `django_capture_on_commit_callbacks`).

    `posts`: (url, data) forms the role fills in and sends first (a lookup by code): each answer is read as a page
    and its links followed; the role's own input echoed back in the form's fields is taken out of the text.
    `probes`: URLs asked for directly at the end, as a role guessing another's address would (their status goes to
    `probed`, not `statuses`: a refusal is the expected answer); what they return is read like anything else."""
    result = CrawlResult()
    queue, later = list(starts), []
    seen = set(queue)
    variants: dict[str, int] = {}
    requested: set[str] = set()
    queues = (queue, later)

    def read(url, response, echoed=()):
        if response.status_code in (301, 302, 303, 307, 308):
            _enqueue(response["Location"], url, queues, seen, variants, per_path)
            return
        body = b"".join(response) if response.streaming else response.content
        content_type = response.get("Content-Type", "")
        filename = _filename(response)
        result.cache_control[url] = response.get("Cache-Control", "")
        if not (content_type.startswith(HTML_TYPES) and not filename):
            result.documents += 1
            texts = [filename, *document_texts(body, content_type, filename)]
            result.texts.append((url, "\n".join(texts)))
            return
        result.pages += 1
        markup = body.decode("utf-8", errors="replace")
        for value in echoed:
            markup = markup.replace(f'value="{html.escape(value)}"', 'value=""')
        result.texts.append((url, html.unescape(markup)))
        parser = _Links()
        parser.feed(markup)
        for link in parser.links:
            _enqueue(link, url, queues, seen, variants, per_path)
        pressed = False
        for form in parser.forms:
            action = _normalise(form["action"] or url, url)
            if action is None:
                continue
            if form["method"] == "get":
                data = {k: v for k, v in form["data"].items() if v}
                target = action.split("?")[0] + (f"?{urlencode(data)}" if data else "")
                _enqueue(target, url, queues, seen, variants, per_path)
            elif DOCUMENT_REQUEST.match(action) and action not in requested:
                requested.add(action)
                with capture(execute=True) if capture else _null():
                    client.post(action, {"next": url})
                result.requested += 1
                pressed = True
        again = url + ("&" if "?" in url else "?") + "canary-after-request=1"
        if pressed and again not in seen:
            seen.add(again)
            queue.insert(0, again)

    for n, (url, data) in enumerate(posts, 1):
        response = client.post(url, data)
        if response.status_code >= 300 and response.status_code not in (301, 302, 303, 307, 308):
            result.statuses[url] = response.status_code
        read(f"{url}#post-{n}", response, [str(v) for v in data.values()])
    while (queue or later) and result.pages + result.documents < cap:
        url = (queue or later).pop(0)
        response = client.get(url)
        if response.status_code >= 300 and response.status_code not in (301, 302, 303, 307, 308):
            result.statuses[url] = response.status_code
        read(url, response)
    for url in probes:
        response = client.get(url)
        result.probed[url] = response.status_code
        if response.status_code == 200:
            read(url, response)
    return result


class _null:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _enqueue(link, base, queues, seen, variants, per_path):
    url = _normalise(link, base)
    if url is None or url in seen:
        return
    path = urlsplit(url).path
    if SKIP_PATH.search(path):
        return
    if variants.get(path, 0) >= per_path:
        return
    variants[path] = variants.get(path, 0) + 1
    seen.add(url)
    queues[1 if LATER.search(path) else 0].append(url)
