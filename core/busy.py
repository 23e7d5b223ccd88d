"""A write that waited too long for a lock is a "busy, try again" page, never a 500 with a traceback.

The embedded default's SQLite waits for its turn (settings SQLITE_OPTIONS); when the wait runs out, or
PostgreSQL gives up on a lock (lock_timeout, a deadlock, a serialization failure), the request is refused with
a readable 503: the transaction was rolled back, so nothing half-done was stored and the user can send again.
"""

import logging

from django.db import OperationalError
from django.db.utils import DatabaseError
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

logger = logging.getLogger("saq.busy")

# SQLSTATE codes of PostgreSQL's lock failures: lock_not_available, deadlock_detected, serialization_failure,
# query_canceled (what lock_timeout raises).
POSTGRES_BUSY_STATES = {"55P03", "40P01", "40001", "57014"}
SQLITE_BUSY_TEXTS = ("database is locked", "database table is locked")
RETRY_AFTER_SECONDS = 5


def is_lock_timeout(exc: BaseException) -> bool:
    if not isinstance(exc, DatabaseError):
        return False
    cause = exc.__cause__
    if getattr(cause, "sqlstate", None) in POSTGRES_BUSY_STATES:
        return True
    return isinstance(exc, OperationalError) and any(text in str(exc).lower() for text in SQLITE_BUSY_TEXTS)


def busy_response(request):
    referer = request.META.get("HTTP_REFERER", "")
    safe = url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    response = render(request, "503_busy.html", {"back_url": referer if safe else "/"}, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseBusyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_lock_timeout(exception):
            return None
        logger.warning("database busy on %s %s: %s", request.method, request.path, exception)
        return busy_response(request)
