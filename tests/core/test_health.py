"""/healthz/: database, Redis and storage, each named; 503 naming the failing part; never cached, no session."""

import pytest
from django.core.files.storage import FileSystemStorage
from django.db import OperationalError, connections

from tests.media_files import stored_files

pytestmark = [pytest.mark.django_db, pytest.mark.unit]


def test_all_ok_is_200_json_not_cached_without_session_and_leaves_no_file(client):
    response = client.get("/healthz/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"database": "ok", "redis": "ok", "storage": "ok"}
    assert "no-store" in response["Cache-Control"]
    assert "Set-Cookie" not in response.headers
    assert stored_files() == set()


def test_answers_any_host_over_plain_http(client, settings):
    """The container engine and the proxy probe a replica by its own address, whatever ALLOWED_HOSTS says."""
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/healthz/", HTTP_HOST="172.18.0.5:8000")
    assert response.status_code == 200


def test_storage_failure_is_503_naming_storage(client, monkeypatch):
    def disk_full(self, name, content):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(FileSystemStorage, "_save", disk_full)

    response = client.get("/healthz/")

    assert response.status_code == 503
    assert response.json() == {"database": "ok", "redis": "ok", "storage": "failed"}
    assert "No space" not in response.content.decode()  # the cause is logged, not shown


def test_redis_failure_is_503_naming_redis(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz/")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "redis": "failed", "storage": "ok"}


def test_database_failure_is_503_naming_database(client, monkeypatch):
    connection = connections["default"]

    def refused(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refused)
    response = client.get("/healthz/")
    assert response.status_code == 503
    assert response.json() == {"database": "failed", "redis": "ok", "storage": "ok"}


def test_without_redis_configured_redis_is_not_used(client, settings):
    settings.REDIS_URL = ""
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json()["redis"] == "not used"
