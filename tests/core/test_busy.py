"""The embedded default serialises writes; a lock that cannot be had is a readable 503, not a 500."""

import threading

import pytest
from django.db import OperationalError, connections, transaction
from django.db.backends.sqlite3.base import DatabaseWrapper
from django.urls import path

from saq_portal import urls as project_urls
from saq_portal.settings.base import SQLITE_OPTIONS
from tests.factories import group_leader

pytestmark = pytest.mark.unit


def sqlite_connection(path):
    settings_dict = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": dict(SQLITE_OPTIONS),
        "ATOMIC_REQUESTS": False,
        "AUTOCOMMIT": True,
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False,
        "TIME_ZONE": None,
        "USER": "",
        "PASSWORD": "",
        "HOST": "",
        "PORT": "",
        "TEST": {},
    }
    return DatabaseWrapper(settings_dict, alias=f"sqlite-{threading.get_ident()}")


def read_then_write(path, barrier, errors):
    """What a submission does: read the row (numbering, quota), then write it, in one transaction."""
    connection = sqlite_connection(path)
    connections[connection.alias] = connection  # this thread's own; atomic() below opens BEGIN <mode> on it
    try:
        connection.ensure_connection()
        barrier.wait()
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute("SELECT value FROM counter WHERE id = 1")
            (value,) = cursor.fetchone()
            cursor.execute("UPDATE counter SET value = %s WHERE id = 1", [value + 1])
    except Exception as exc:
        errors.append(exc)
    finally:
        connection.close()


def run_concurrent(path, workers=10):
    setup = sqlite_connection(path)
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE counter (id integer primary key, value integer)")
        cursor.execute("INSERT INTO counter VALUES (1, 0)")
    setup.close()
    barrier, errors = threading.Barrier(workers), []
    threads = [threading.Thread(target=read_then_write, args=(path, barrier, errors)) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    check = sqlite_connection(path)
    with check.cursor() as cursor:
        cursor.execute("SELECT value FROM counter WHERE id = 1")
        (value,) = cursor.fetchone()
    check.close()
    return value, errors


def test_parallel_read_then_write_transactions_all_succeed_on_the_embedded_default(tmp_path, django_db_blocker):
    with django_db_blocker.unblock():
        value, errors = run_concurrent(tmp_path / "demo.sqlite3")

    assert errors == []
    assert value == 10


def test_without_immediate_transactions_the_same_load_fails(tmp_path, monkeypatch, django_db_blocker):
    # The control: SQLite's default deferred transactions deadlock upgrading their read locks.
    monkeypatch.setitem(SQLITE_OPTIONS, "transaction_mode", "DEFERRED")
    monkeypatch.setitem(SQLITE_OPTIONS, "timeout", 1)

    with django_db_blocker.unblock():
        value, errors = run_concurrent(tmp_path / "demo.sqlite3")

    assert errors, "expected 'database is locked' without IMMEDIATE"
    assert all("locked" in str(e) for e in errors)
    assert value == 10 - len(errors)


def locked_view(request):
    raise OperationalError("database is locked")


# The project's URLs (the layout links to them) plus one view that always meets a lock time-out.
urlpatterns = [path("busy/", locked_view), *project_urls.urlpatterns]


@pytest.mark.django_db
@pytest.mark.urls("tests.core.test_busy")
def test_a_lock_timeout_in_a_view_is_a_readable_busy_page(client):
    client.force_login(group_leader())

    response = client.post("/busy/", {}, HTTP_REFERER="http://evil.example/x")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    page = response.content.decode()
    assert "The portal is busy" in page
    assert "Nothing of yours was saved" in page
    assert "evil.example" not in page


@pytest.mark.django_db
@pytest.mark.urls("tests.core.test_busy")
def test_the_busy_page_links_back_to_the_page_on_this_site(client):
    response = client.post("/busy/", {}, HTTP_REFERER="http://testserver/applications/7/edit/")

    assert 'href="http://testserver/applications/7/edit/"' in response.content.decode()


def test_other_database_errors_are_not_disguised(rf):
    from core.busy import is_lock_timeout

    assert is_lock_timeout(OperationalError("database is locked"))
    assert not is_lock_timeout(OperationalError("no such table: x"))
    assert not is_lock_timeout(ValueError("database is locked"))
