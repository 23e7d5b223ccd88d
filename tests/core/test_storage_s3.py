"""Media in S3-compatible object storage, against a real server (SeaweedFS, tests/s3_server.py): uploads through
the applicant's page land in the bucket with their bytes and checksum, downloads stream them back, generated PDFs
are stored there, and a failure of the storage or of the database in the middle of an upload leaves no row
without its file and no file without its row. The same failure tests run on the file system."""

import hashlib
import time

import pytest
from django.db import DatabaseError
from django.urls import reverse

from applications import services
from applications.models import Attachment
from documents.models import Document
from tests.factories.applications import draft_application, pdf_bytes, upload
from tests.helpers import client_for
from tests.media_files import stored_files
from tests.s3_server import SeaweedFS, s3_storage_settings

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


@pytest.fixture
def application(db):
    return draft_application(complete=False)


@pytest.fixture
def report(application):
    return application.edition.attachment_requirements.get(code="report")


class Media:
    def __init__(self, kind, listing, server=None):
        self.kind, self.listing, self.server = kind, listing, server

    def __call__(self) -> dict[str, bytes]:
        """What is stored: name → bytes."""
        return self.listing()


@pytest.fixture(params=["filesystem", "s3"])
def media(request):
    """Runs a test once with the file system and once with the S3 bucket."""
    if request.param == "filesystem":
        from django.conf import settings

        root = settings.MEDIA_ROOT
        return Media("filesystem", lambda: {name: (root / name).read_bytes() for name in stored_files()})
    location = request.getfixturevalue("s3_media")
    server = request.getfixturevalue("seaweedfs")
    return Media("s3", lambda: {k[len(location) + 1 :]: v for k, v in server.keys(location + "/").items()}, server)


def _post(client, application, requirement, name, data):
    return client.post(
        reverse("applications:attachments", args=[application.pk]),
        {"requirement": requirement.pk, "file": upload(name, data)},
    )


def test_upload_lands_in_the_bucket_streams_back_and_is_deleted(s3_media, seaweedfs, application, report):
    client = client_for(application.group.leader)
    data = pdf_bytes(text="S3 round trip")

    started = time.monotonic()
    response = _post(client, application, report, "成果报告.pdf", data)
    upload_seconds = time.monotonic() - started

    assert response.status_code == 302
    attachment = Attachment.objects.get(application=application)
    stored = seaweedfs.keys(s3_media + "/")
    assert list(stored) == [f"{s3_media}/{attachment.file.name}"]
    assert stored[f"{s3_media}/{attachment.file.name}"] == data
    assert hashlib.sha256(stored[f"{s3_media}/{attachment.file.name}"]).hexdigest() == attachment.sha256

    started = time.monotonic()
    download = client.get(reverse("applications:attachment_download", args=[application.pk, attachment.pk]))
    assert download.status_code == 200
    assert download.streaming
    assert b"".join(download.streaming_content) == data
    print(f"S3 upload {upload_seconds * 1000:.0f} ms, download {(time.monotonic() - started) * 1000:.0f} ms")

    attachment.file.delete(save=False)
    assert seaweedfs.keys(s3_media + "/") == {}
    missing = client.get(reverse("applications:attachment_download", args=[application.pk, attachment.pk]))
    assert missing.status_code == 404


def test_a_generated_pdf_is_stored_in_the_bucket(s3_media, seaweedfs, application):
    from documents.services import document_build, document_request

    requested = document_request(kind="application_form", obj=application, actor=application.group.leader, queue=False)
    document = document_build(document_id=requested.pk)

    assert document.status == "ready", document.error
    stored = seaweedfs.keys(s3_media + "/")
    assert list(stored) == [f"{s3_media}/{document.file.name}"]
    assert stored[f"{s3_media}/{document.file.name}"].startswith(b"%PDF-")
    assert hashlib.sha256(stored[f"{s3_media}/{document.file.name}"]).hexdigest() == document.checksum


def test_health_is_ok_with_s3_and_503_naming_storage_when_the_server_is_stopped(s3_media, seaweedfs, client):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "redis": "ok", "storage": "ok"}
    assert seaweedfs.keys(s3_media + "/") == {}  # the probe object is deleted

    seaweedfs.stop()
    try:
        started = time.monotonic()
        response = client.get("/healthz/")
        print(f"health with S3 stopped answered in {time.monotonic() - started:.1f} s")
    finally:
        seaweedfs.start()
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "redis": "ok", "storage": "failed"}
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


# --- Failures in the middle of an upload (file system and S3) ----------------------------------------------------


def test_a_storage_failure_stores_no_row_and_says_so(media, application, report, settings, monkeypatch):
    if media.kind == "s3":  # a real connection failure: the storage's endpoint has no server behind it
        unreachable = SeaweedFS(media.server.directory)
        settings.STORAGES = {**settings.STORAGES, "default": s3_storage_settings(unreachable, monkeypatch)}
    else:
        from django.core.files.storage import FileSystemStorage

        def disk_full(self, name, content):
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(FileSystemStorage, "_save", disk_full)
    client = client_for(application.group.leader)

    response = _post(client, application, report, "成果报告.pdf", pdf_bytes())

    assert response.status_code == 200
    assert "The file could not be stored just now, so nothing was saved." in response.content.decode()
    assert not Attachment.objects.exists()
    assert media() == {}


def test_a_database_failure_after_the_file_is_stored_deletes_the_file(media, application, report, monkeypatch):
    def database_fails(**kwargs):
        raise DatabaseError("connection lost")

    monkeypatch.setattr(services, "audit_record", database_fails)  # runs after the file and the row are written

    with pytest.raises(DatabaseError):
        services.attachment_upload(
            actor=application.group.leader,
            application=application,
            requirement=report,
            uploaded_file=upload("成果报告.pdf", pdf_bytes()),
        )

    assert not Attachment.objects.exists()
    assert media() == {}


def test_a_replaced_generated_file_is_deleted_after_commit_and_kept_on_rollback(media, application, monkeypatch):
    from documents.services import document_build, document_request

    requested = document_request(kind="application_form", obj=application, actor=application.group.leader, queue=False)
    first = document_build(document_id=requested.pk)
    assert set(media()) == {first.file.name}

    def database_fails(**kwargs):
        raise DatabaseError("connection lost")

    monkeypatch.setattr("documents.services.audit_record", database_fails)
    with pytest.raises(DatabaseError):
        _rebuild_changed(requested.pk)
    document = Document.objects.get(pk=requested.pk)
    assert document.file.name == first.file.name
    assert set(media()) == {first.file.name}  # the new file is gone, the old one stays with its row


def _rebuild_changed(document_id):
    """Store different bytes for the document (a new file name), as a rebuild after a change would."""
    from documents import registry
    from documents.services import _store_result

    document = Document.objects.get(pk=document_id)
    entry = registry.get(document.kind)
    return _store_result(
        document_id=document_id,
        actor=None,
        entry=entry,
        version="changed",
        data=pdf_bytes(text="changed"),
        filename="form.pdf",
        force=True,
    )
