"""core.files.atomic_with_files / save_file: a file saved in a block that does not commit is deleted again, also
when only the commit fails or an enclosing block fails later; a committed one stays."""

import pytest
from django.core.files.base import ContentFile
from django.db import DatabaseError, connection

from applications import services
from applications.models import Attachment
from core.files import atomic_with_files, save_file
from documents.models import Document
from tests.factories.applications import draft_application, pdf_bytes, upload
from tests.media_files import stored_files

pytestmark = pytest.mark.unit


def _document() -> Document:
    return Document(kind="application_form", owner_id="1")  # unsaved: only its upload path is used


@pytest.mark.django_db
def test_a_committed_block_keeps_its_file():
    document = _document()
    with atomic_with_files():
        name = save_file(document.file, "a.pdf", ContentFile(b"kept"))
    assert stored_files() == {name}


@pytest.mark.django_db
def test_files_of_a_nested_block_are_deleted_when_the_enclosing_block_fails():
    document = _document()
    with pytest.raises(RuntimeError), atomic_with_files():
        with atomic_with_files():
            save_file(document.file, "inner.pdf", ContentFile(b"inner"))
        save_file(_document().file, "outer.pdf", ContentFile(b"outer"))
        assert len(stored_files()) == 2
        raise RuntimeError("the rest of the write failed")
    assert stored_files() == set()


@pytest.mark.django_db(transaction=True)
def test_a_failed_commit_deletes_the_uploaded_file_and_stores_no_row(monkeypatch):
    application = draft_application(complete=False)
    report = application.edition.attachment_requirements.get(code="report")
    before = stored_files()

    def commit_fails():
        raise DatabaseError("server closed the connection unexpectedly")

    monkeypatch.setattr(connection, "commit", commit_fails)
    with pytest.raises(DatabaseError):
        services.attachment_upload(
            actor=application.group.leader,
            application=application,
            requirement=report,
            uploaded_file=upload("成果报告.pdf", pdf_bytes()),
        )
    monkeypatch.undo()

    assert not Attachment.objects.exists()
    assert stored_files() == before
