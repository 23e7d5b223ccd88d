"""The production image's files stay true without a container engine: runtime requirements only in the image, the
compose file valid against the Compose specification and refusing to start without a database password, and the
one gunicorn configuration serving the portal when run outside a container.

The compose file scales out (`docker compose up --scale web=3`): web replicas with no container name, host port or
volume behind one proxy, media in MinIO through the same settings code as production, one Celery worker per queue,
health checks on /healthz/."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
TEST_TOOLS = {"pytest", "pytest-django", "pytest-xdist", "ruff", "bandit", "playwright", "factory_boy", "time-machine"}


def names(path: Path) -> set[str]:
    lines = [line.strip() for line in path.read_text().splitlines()]
    return {line.split("==")[0].split("[")[0].lower() for line in lines if line and not line.startswith(("#", "-"))}


def test_runtime_requirements_hold_no_test_tools_and_dev_extends_them():
    assert not names(ROOT / "requirements.txt") & TEST_TOOLS
    assert TEST_TOOLS <= names(ROOT / "requirements-dev.txt")
    assert "-r requirements.txt" in (ROOT / "requirements-dev.txt").read_text().splitlines()
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install -r requirements.txt" in dockerfile
    assert "requirements-dev" not in dockerfile


def test_compose_file_is_valid_compose():
    result = subprocess.run(
        [str(VENV_BIN / "check-jsonschema"), "--builtin-schema", "vendor.compose-spec", "docker-compose.yml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_refuses_to_start_without_a_database_password():
    text = (ROOT / "docker-compose.yml").read_text()
    assert text.count("${POSTGRES_PASSWORD:?") == 2
    assert ":-saq}" not in text


def test_one_gunicorn_command():
    assert 'CMD ["gunicorn", "-c", "gunicorn.conf.py", "saq_portal.wsgi"]' in (ROOT / "Dockerfile").read_text()
    web = compose()["services"]["web"]
    assert "command" not in web and "entrypoint" not in web  # the image's CMD


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_web_scales_behind_one_proxy_and_keeps_nothing_on_its_disk():
    services = compose()["services"]
    assert not [name for name, service in services.items() if "container_name" in service]
    web = services["web"]
    assert "ports" not in web  # a fixed host port would let only one replica start
    assert not web.get("volumes")
    assert "VOLUME" not in (ROOT / "Dockerfile").read_text().replace("No VOLUME here", "")
    assert "collectstatic" in (ROOT / "Dockerfile").read_text()  # static files are in the image (WhiteNoise)

    proxy = services["proxy"]
    assert proxy["image"].startswith("nginx:")
    assert proxy["ports"] == ["${HTTP_PORT:-8000}:80"]
    assert proxy["depends_on"]["web"]["condition"] == "service_healthy"
    config_path = proxy["volumes"][0].split(":")[0]
    config = (ROOT / config_path).read_text()
    assert "server web:8000 resolve;" in config  # every replica, re-resolved when the scale changes
    assert "proxy_pass http://portal;" in config
    from django.conf import settings

    assert f"client_max_body_size {settings.MAX_REQUEST_BODY_MB}m;" in config


def test_web_and_workers_use_the_minio_bucket_made_by_the_init_service():
    services = compose()["services"]
    environment = services["web"]["environment"]
    assert environment["AWS_S3_ENDPOINT_URL"] == "http://minio:9000"
    assert "MEDIA_ROOT" not in environment
    for name in ("web", "worker", "worker-documents", "worker-mail", "beat", "migrate"):
        service = services[name]
        assert service["environment"]["AWS_STORAGE_BUCKET_NAME"] == "${S3_BUCKET:-saq-media}"
        assert service["depends_on"]["minio-init"]["condition"] == "service_completed_successfully"
    init = services["minio-init"]
    assert init["image"].startswith("minio/mc:")
    script = init["command"][0]
    assert 'mc mb --ignore-existing "local/$$S3_BUCKET"' in script
    assert 'mc anonymous set none "local/$$S3_BUCKET"' in script  # private: files leave only through the portal
    assert init["environment"]["S3_BUCKET"] == environment["AWS_STORAGE_BUCKET_NAME"]
    assert init["depends_on"]["minio"]["condition"] == "service_healthy"
    assert services["minio"]["image"].startswith("minio/minio:")
    assert "miniodata" in compose()["volumes"] and "media" not in compose()["volumes"]


def interpolated(value: str) -> str:
    """A compose value with `${NAME:-default}` as its default and `${NAME:?message}` as a placeholder."""
    return re.sub(r"\$\{\w+(?::-([^}]*)|:\?[^}]*)\}", lambda m: m.group(1) if m.group(1) is not None else "set", value)


def test_the_compose_environment_selects_s3_storage_in_production_settings():
    environment = {key: interpolated(str(value)) for key, value in compose()["services"]["web"]["environment"].items()}
    environment["DATABASE_URL"] = "sqlite:////tmp/unused.sqlite3"
    code = (
        "import saq_portal.settings.production as settings; d = settings.STORAGES['default']; o = d['OPTIONS'];"
        "print(d['BACKEND'], o['bucket_name'], o['endpoint_url'], o['file_overwrite'], "
        "o['client_config'].s3['addressing_style'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, **environment},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    backend, bucket, endpoint, overwrite, addressing = result.stdout.split()
    assert (backend, bucket, endpoint) == ("storages.backends.s3.S3Storage", "saq-media", "http://minio:9000")
    assert (overwrite, addressing) == ("False", "path")


def test_without_a_bucket_media_stay_on_the_file_system():
    import environ

    from saq_portal.settings.base import media_storage

    assert media_storage(environ.Env()) == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def _queues(command: list[str]) -> set[str]:
    return set(command[command.index("-Q") + 1].split(","))


def test_every_celery_queue_has_its_own_worker_and_beat_runs_once():
    from django.conf import settings

    services = compose()["services"]
    workers = {name: s for name, s in services.items() if s.get("command", [])[3:5] == ["worker", "-Q"]}
    consumed = [_queues(s["command"]) for s in workers.values()]
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()} | {settings.CELERY_TASK_DEFAULT_QUEUE}
    assert set().union(*consumed) == routed
    assert all(len(queues) == 1 for queues in consumed)  # each queue scales and fails on its own
    assert {"documents", "mail"} <= {next(iter(q)) for q in consumed}
    assert len({s["command"][s["command"].index("-n") + 1] for s in workers.values()}) == len(workers)
    assert [name for name, s in services.items() if "beat" in s.get("command", [])] == ["beat"]


def test_health_checks_use_healthz():
    services = compose()["services"]
    assert "http://127.0.0.1:8000/healthz/" in " ".join(services["web"]["healthcheck"]["test"])
    assert "http://127.0.0.1/healthz/" in services["proxy"]["healthcheck"]["test"]
    for name in ("postgres", "redis", "minio"):
        assert services[name]["healthcheck"]["test"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.django_db(transaction=True)
def test_gunicorn_with_the_image_configuration_serves_the_portal(tmp_path):
    from django.db import connection

    port = free_port()
    env = {
        **os.environ,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        "DJANGO_SETTINGS_MODULE": "saq_portal.settings.test",
        "TEST_DATABASE_NAME": connection.settings_dict["NAME"],
        "DATABASE_URL": os.environ.get("DATABASE_URL", "postgres://saq:saq@127.0.0.1:5432/saq").rsplit("/", 1)[0]
        + "/"
        + connection.settings_dict["NAME"],
    }
    process = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "-c", "gunicorn.conf.py", "saq_portal.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        body, status, headers = None, None, {}
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    status, body, headers = response.status, response.read().decode(), dict(response.headers)
                break
            except OSError:
                if process.poll() is not None:
                    break
                time.sleep(0.2)
        long_line = urllib.request.Request(f"http://127.0.0.1:{port}/?q={'x' * 5000}")
        try:
            urllib.request.urlopen(long_line, timeout=5)
            long_status = 200
        except urllib.error.HTTPError as error:
            long_status = error.code
    finally:
        process.terminate()
        output = process.communicate(timeout=30)[0].decode(errors="replace")
    assert status == 200, output
    assert "SAQ" in body or "质量" in body
    assert "Content-Security-Policy" in headers
    assert long_status == 414  # limit_request_line from gunicorn.conf.py
