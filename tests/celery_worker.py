"""pytest plugin: a real Celery worker for integration tests (loaded from tests/conftest.py).

    @pytest.mark.integration
    @pytest.mark.django_db(transaction=True)
    def test_build_is_queued(celery_worker_process):
        ...  # code under test queues with .delay()/on_commit; the worker runs it against the test database

`celery_worker_process` (per test) makes this process queue for real (not eager) on the worker's broker and points
MEDIA_ROOT at the directory the worker writes to. The worker process itself is started once per test session
(`_celery_worker_session`): `celery -A saq_portal worker -Q celery,documents,mail -c 1 --pool=solo` with the test
settings, the pytest test database (read from the connection after `django_db_setup`, so xdist's per-worker
databases work), and its own Redis database number, so concurrent test runs on one Redis never take each other's
messages. Only `transaction=True` tests can use it: the worker sees committed rows only.

Modules listed in WORKER_INCLUDES are imported by the worker at start (`--include`): test-only document kinds
and tasks live there, since a kind registered inside a test exists only in the test process.
"""

import contextlib
import dataclasses
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
WORKER_QUEUES = "celery,documents,mail"
WORKER_INCLUDES = ["tests.documents.worker_kinds", "tests.worker_setup"]
READY_TIMEOUT = 60
STOP_TIMEOUT = 20
# Redis database numbers this plugin may claim (0 is the default one that developers and the cache use).
REDIS_DBS = range(1, 16)
CLAIM_KEY = "saq-test-worker:claimed"  # present while a test session owns the database
OWNED_KEY = "saq-test-worker:owner"  # marks a database as ours (may be reclaimed once CLAIM_KEY has expired)
CLAIM_TTL = 6 * 3600


@dataclasses.dataclass
class CeleryWorker:
    pid: int
    broker_url: str
    media_root: Path
    log_path: Path
    hostname: str

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def _database_url(settings_dict) -> str:
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{quote(settings_dict['NAME'], safe='')}"


def _redis_url_with_db(url: str, db: int) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{db}", parts.query, parts.fragment))


def _claim_redis_db(base_url: str, token: str):
    """Claim an unused Redis database: empty, or left over by an earlier session whose claim has expired."""
    import redis

    for db in REDIS_DBS:
        client = redis.Redis.from_url(_redis_url_with_db(base_url, db))
        if client.dbsize() and not client.exists(OWNED_KEY):
            continue  # somebody else's data
        if _others_connected(client, db):
            continue  # a worker whose test session died without stopping it would take our messages
        if not client.set(CLAIM_KEY, token, nx=True, ex=CLAIM_TTL):
            continue  # another session holds it
        client.set(OWNED_KEY, "1")
        for key in client.scan_iter(count=500):  # stale queues of a crashed session; keep our claim
            if key not in (CLAIM_KEY.encode(), OWNED_KEY.encode()):
                client.delete(key)
        return db, client
    pytest.fail(f"no free Redis database among {list(REDIS_DBS)} at {base_url} for the Celery test worker")


def _others_connected(client, db: int) -> bool:
    me = client.client_id()
    return any(int(c["db"]) == db and int(c["id"]) != me for c in client.client_list())


def _release_redis_db(client, token: str) -> None:
    if client.get(CLAIM_KEY) == token.encode():
        client.flushdb()


def _wait_until_ready(process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        log = log_path.read_text(errors="replace") if log_path.exists() else ""
        if " ready." in log:
            return
        if process.poll() is not None:
            pytest.fail(f"the Celery test worker exited with {process.returncode}:\n{log[-4000:]}")
        time.sleep(0.2)
    _stop(process)
    pytest.fail(f"the Celery test worker was not ready after {READY_TIMEOUT} s:\n{log_path.read_text()[-4000:]}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)  # warm shutdown: finishes the task at hand
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=STOP_TIMEOUT)


def start_worker(
    *,
    broker_url: str,
    database_url: str,
    media_root: Path,
    log_path: Path,
    hostname: str,
    queues: str = WORKER_QUEUES,
    extra_env: dict[str, str] | None = None,
) -> subprocess.Popen:
    """Start `celery worker` (solo pool, one process) in a session of its own and wait until it is ready.

    The caller stops it with `stop_worker` (or kills it by its pid)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "saq_portal.settings.test",
        "DATABASE_URL": database_url,
        "REDIS_URL": broker_url,
        "MEDIA_ROOT": str(media_root),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")])),
        "PYTHONUNBUFFERED": "1",
        **(extra_env or {}),
    }
    command = [
        str(Path(sys.executable).with_name("celery")),
        "-A",
        "saq_portal",
        "worker",
        "-Q",
        queues,
        "-c",
        "1",
        "--pool=solo",
        "-l",
        "INFO",
        "-n",
        hostname,
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        f"--logfile={log_path}",
    ]
    if WORKER_INCLUDES:
        command += ["--include", ",".join(WORKER_INCLUDES)]
    process = subprocess.Popen(
        command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True
    )
    _wait_until_ready(process, log_path)
    return process


stop_worker = _stop


@pytest.fixture(scope="session")
def _celery_worker_session(django_db_setup, tmp_path_factory):
    from django.conf import settings
    from django.db import connection

    base_redis_url = settings.REDIS_URL or "redis://127.0.0.1:6379/0"
    token = uuid.uuid4().hex
    db, redis_client = _claim_redis_db(base_redis_url, token)
    broker_url = _redis_url_with_db(base_redis_url, db)
    workdir = tmp_path_factory.mktemp("celery-worker")
    media_root = workdir / "media"
    media_root.mkdir()
    log_path = workdir / "worker.log"
    hostname = f"saqtest-{token[:8]}@%h"

    process = None
    try:
        process = start_worker(
            broker_url=broker_url,
            database_url=_database_url(connection.settings_dict),
            media_root=media_root,
            log_path=log_path,
            hostname=hostname,
        )
        yield CeleryWorker(
            pid=process.pid, broker_url=broker_url, media_root=media_root, log_path=log_path, hostname=hostname
        )
    finally:
        # Stop the worker (by its pid) before pytest-django drops the test database it is connected to.
        if process is not None:
            _stop(process)
        _release_redis_db(redis_client, token)


@pytest.fixture
def celery_worker_process(_celery_worker_session, settings):
    """The session's real Celery worker, with this process switched to queue for real on its broker."""
    worker = _celery_worker_session
    with queue_for_real(settings, broker_url=worker.broker_url, media_root=worker.media_root):
        yield worker


@contextlib.contextmanager
def queue_for_real(settings, *, broker_url: str, media_root: Path):
    """Switch this process from eager tasks to publishing on `broker_url`; files are read from `media_root`."""
    from saq_portal.celery import app

    # Read the app's configuration before touching settings: Celery loads it lazily from them on first access.
    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url")}
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = broker_url
    # Files the worker builds land in its MEDIA_ROOT; the test reads them from there.
    settings.MEDIA_ROOT = media_root

    app.conf.task_always_eager = False
    app.conf.broker_url = broker_url
    _reset_broker_connections(app)
    try:
        yield
    finally:
        app.conf.update(saved)
        _reset_broker_connections(app)


def _reset_broker_connections(app) -> None:
    # Celery caches its connection and producer pools per app; drop them so the next publish uses broker_url.
    # (The same reset Celery performs after a fork.)
    # Even eager tasks take a producer from the pool (Celery 5.3+), and kombu keeps its pools in a global
    # registry keyed by connection: closing one pool here would leave the closed pool there for later tests.
    # `pools.reset()` closes them and empties the registry.
    from kombu import pools

    pools.reset()
    app._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None
