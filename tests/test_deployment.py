"""The production image's files stay true without a container engine: runtime requirements only in the image, the
compose file valid against the Compose specification and refusing to start without a database password, and the
one gunicorn configuration serving the portal when run outside a container."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

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
    assert "gunicorn" not in (ROOT / "docker-compose.yml").read_text().split("  web:")[1].split("  worker:")[0].replace(
        "gunicorn -c gunicorn.conf.py saq_portal.wsgi", ""
    )


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
