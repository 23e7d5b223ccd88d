"""The health check: `GET /healthz/` answers whether this web container can reach what a request needs.

It writes, reads back and deletes a tiny object in the media storage (S3 or the file system), runs `SELECT 1` on
the database and pings Redis when one is configured. 200 with `{"database": "ok", "redis": "ok", "storage": "ok"}`
when all answer; 503 with the failing part set to "failed" otherwise. No personal data, no error text (the cause
is logged), never cached, no session or sign-in.

`HealthCheckMiddleware` answers the path before the host check, the HTTPS redirect and the session: the container
engine and the proxy probe each replica by its own address over plain HTTP inside the network.
"""

import logging
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connections
from django.http import JsonResponse
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger("saq.health")

HEALTH_PATH = "/healthz/"
PROBE = b"saq-health"
REDIS_TIMEOUT_SECONDS = 2


def check_database() -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_redis() -> bool:
    """Ping Redis; False when the deployment uses none (the embedded default)."""
    if not settings.REDIS_URL:
        return False
    import redis

    client = redis.Redis.from_url(
        settings.REDIS_URL, socket_connect_timeout=REDIS_TIMEOUT_SECONDS, socket_timeout=REDIS_TIMEOUT_SECONDS
    )
    try:
        client.ping()
    finally:
        client.close()
    return True


def check_storage() -> None:
    name = default_storage.save(f"health/{uuid.uuid4().hex}.txt", ContentFile(PROBE))
    try:
        with default_storage.open(name, "rb") as handle:
            if handle.read() != PROBE:
                raise OSError("the media storage returned other bytes than were written")
    finally:
        default_storage.delete(name)


def health_report() -> tuple[dict, bool]:
    """Each part's state ("ok", "failed", or "not used") and whether all are healthy."""
    report, healthy = {}, True
    for part, check in (("database", check_database), ("redis", check_redis), ("storage", check_storage)):
        try:
            used = check()
            report[part] = "not used" if used is False else "ok"
        except Exception:
            logger.exception("health check: %s failed", part)
            report[part] = "failed"
            healthy = False
    return report, healthy


def health(request):
    report, healthy = health_report()
    response = JsonResponse(report, status=200 if healthy else 503)
    add_never_cache_headers(response)
    return response


class HealthCheckMiddleware:
    """Answers GET/HEAD `/healthz/` itself, before anything that needs a known host, HTTPS or a session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == HEALTH_PATH and request.method in ("GET", "HEAD"):
            return health(request)
        return self.get_response(request)
