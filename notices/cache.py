"""The public pages' cache: rendered fragments keyed by a version that every notice write bumps.

Fragments (not whole pages) are cached because the page around them carries the visitor's CSRF token. A fragment
lives until the next scheduled notice is due, so a scheduled notice appears on time without any job.
"""

import hashlib
import time

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language

VERSION_KEY = "notices:version"
MAX_AGE = 300  # seconds; a bumped version makes older fragments unreachable at once anyway


def version() -> str:
    value = cache.get(VERSION_KEY)
    if value is None:
        value = str(time.time_ns())
        cache.add(VERSION_KEY, value, None)
        value = cache.get(VERSION_KEY, value)
    return value


def bump_after_commit() -> None:
    """Make every cached fragment stale once the current transaction commits (a rollback changes nothing)."""
    transaction.on_commit(lambda: cache.set(VERSION_KEY, str(time.time_ns()), None))


def timeout_until(next_due) -> int:
    """Seconds a fragment may live: at most MAX_AGE, and not past the next scheduled publication."""
    if next_due is None:
        return MAX_AGE
    return max(1, min(MAX_AGE, int((next_due - timezone.now()).total_seconds()) + 1))


def cached_fragment(request, name: str, key_parts: tuple, build) -> str:
    """The fragment `name` for anonymous visitors from the cache; signed-in users always get a fresh one.

    `build()` returns (html, next_due): the rendered fragment and the next scheduled publication that would change
    it (None: nothing is scheduled).
    """
    if request.user.is_authenticated:
        return build()[0]
    # Hashed: the parts include the visitor's query string, of any length.
    parts = hashlib.sha256("\x1f".join([get_language() or "", *map(str, key_parts)]).encode()).hexdigest()
    key = f"notices:{version()}:{name}:{parts}"
    cached = cache.get(key)
    # The entry also carries its own due time: a fragment is never served past the next scheduled notice, even
    # when the cache keeps it a moment longer than its timeout.
    if cached is not None and (cached[1] is None or timezone.now() < cached[1]):
        return cached[0]
    html, due = build()
    cache.set(key, (html, due), timeout_until(due))
    return html
