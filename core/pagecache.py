"""Signed-in list pages served again from the cache while nothing they were read from has changed.

`@cached_page` wraps a GET view whose page is a function of the database, the viewer and the URL. The first time
the view runs in a process it is only watched: every table its queries read is noted (`_reads`). From then on the
versions of those tables (core.dataversion) are read from the cache *before* the view runs, in the same round trip
as the cached page, and the page is served from the cache while they are unchanged, for at most a minute (pages
show deadlines and countdowns). Reading the versions before the view's own reads is what makes this safe against a
write committing in between: such a write moves a version the stored page is then checked against.

The cache key holds what else the page depends on: the session (its CSRF token and chosen role live there), the
CSRF secret, the language, htmx or not, the full path, and the minute. A page is not cached when the view wrote to
the database (its effect must happen on every visit), answered other than 200 HTML, or read a table it had not read
before (the versions of that table were not taken first; the next visit will). Nothing is served from the cache to
a request with messages waiting to be shown, so no flash message is lost or shown twice.

Only views whose output has no other source (no other cache, no file, no session value but the chosen role, no clock
beyond the minute) may be wrapped. A hit skips the view, its object-level permission checks included: they are
reads of the same tables at the same versions, for the same session, so they would decide the same; a refusal
(403, 404, a redirect) is never cached.
"""

import hashlib
import re
import threading
import time
from functools import wraps

from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from django.utils.translation import get_language

from . import dataversion, roles

# Tables a signed-in page depends on whatever the view reads: who the viewer is and which roles they hold (read
# from the cache, not from the database, so not seen by `_reads`).
IDENTITY_TABLES = ("accounts_user", *roles.MEMBERSHIP_TABLES)
PAGE_SECONDS = 60
_READ = re.compile(r'\b(?:from|join)\s+"?(\w+)"?', re.I)
_learned: dict[str, set[str]] = {}
_lock = threading.Lock()


class _Reads:
    """An execute wrapper that notes the tables a block reads and whether it wrote."""

    def __init__(self):
        self.tables: set[str] = set()
        self.wrote = False

    def __call__(self, execute, sql, params, many, context):
        if isinstance(sql, str):
            self.wrote = self.wrote or bool(dataversion.written_tables(sql))
            self.tables.update(_READ.findall(sql))
        return execute(sql, params, many, context)


def _messages_waiting(request) -> bool:
    storage = getattr(request, "_messages", None)
    if storage is not None and getattr(storage, "_queued_messages", None):
        return True
    if request.COOKIES.get(getattr(settings, "MESSAGE_COOKIE_NAME", "messages")):
        return True
    session = getattr(request, "session", None)
    return session is not None and "_messages" in session


def _key(request, name: str) -> str:
    parts = "|".join(
        (
            name,
            request.session.session_key or "",
            request.META.get("CSRF_COOKIE") or request.COOKIES.get(settings.CSRF_COOKIE_NAME, ""),
            str(request.session.get("active_membership_id", "")),
            get_language() or "",
            "htmx" if request.headers.get("HX-Request") else "page",
            request.get_full_path(),
            str(int(time.time() // PAGE_SECONDS)),
        )
    )
    return "page:" + hashlib.sha256(parts.encode()).hexdigest()


def cached_page(view):
    """Cache the GET view's 200 HTML page (see the module docstring). Put it right above the view function, below
    the decorators that check sign-in and roles: those run on every request."""
    name = f"{view.__module__}.{view.__qualname__}"

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        user = getattr(request, "user", None)
        if (
            request.method != "GET"
            or not getattr(settings, "PAGE_CACHE", True)
            or user is None
            or not user.is_authenticated
            or not getattr(request, "session", None)
            or not request.session.session_key
            or _messages_waiting(request)
        ):
            return view(request, *args, **kwargs)
        with _lock:
            tables = sorted(_learned.get(name, set()) | set(IDENTITY_TABLES))
        key = _key(request, name)
        content, versions = dataversion.get(key, tables) if name in _learned else (None, None)
        if content is not None:
            return HttpResponse(content[1], content_type=content[0])
        reads = _Reads()
        with connection.execute_wrapper(reads):
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        with _lock:
            known = _learned.setdefault(name, set())
            new = reads.tables - known
            known.update(reads.tables)
        cacheable = (
            not reads.wrote
            and not _messages_waiting(request)  # a message the view added is shown on this page only
            and not new
            and versions is not None
            and response.status_code == 200
            and not response.streaming
            and response.get("Content-Type", "").startswith("text/html")
            and not response.cookies
        )
        if cacheable:
            dataversion.put(key, versions, (response["Content-Type"], response.content), timeout=PAGE_SECONDS)
        return response

    return wrapped
