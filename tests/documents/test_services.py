import hashlib
import io

import pytest
from openpyxl import load_workbook

from core.audit import audit_for
from documents import registry
from documents.enums import DocumentStatus
from documents.models import Document
from documents.services import document_build, document_build_now, document_request

from .builders import SHEET_OPTIONS, UNIT_SHEET, UNIT_TABLE, make_unit

pytestmark = [pytest.mark.unit, pytest.mark.django_db]


def _files_under(root):
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_build_now_stores_file_checksum_and_metadata(table_kind, unit, contact, settings):
    document = document_build_now(kind=UNIT_TABLE, obj=unit, actor=contact)

    assert document.status == DocumentStatus.READY
    data = document.file.open("rb").read()
    assert document.checksum == hashlib.sha256(data).hexdigest()
    assert document.size == len(data)
    assert document.filename == f"{unit.name}.xlsx"
    assert document.mime_type == registry.XLSX
    assert document.source_version == unit.updated_at.isoformat()
    assert document.built_at is not None
    assert document.error == ""
    assert document.owner == unit
    assert document.file.name == f"documents/{UNIT_TABLE}/{document.public_id}/{document.checksum[:16]}.xlsx"
    assert load_workbook(io.BytesIO(data)).active["B3"].value == unit.name
    assert [e.action for e in audit_for(document)] == ["document.built"]


def test_building_twice_is_idempotent(table_kind, unit, settings):
    first = document_build_now(kind=UNIT_TABLE, obj=unit)
    second = document_build_now(kind=UNIT_TABLE, obj=unit)

    assert second.pk == first.pk
    assert second.checksum == first.checksum
    assert second.built_at == first.built_at
    assert Document.objects.count() == 1
    assert _files_under(settings.MEDIA_ROOT) == [settings.MEDIA_ROOT / first.file.name]
    assert [e.action for e in audit_for(first)] == ["document.built"]


def test_a_new_source_version_rebuilds_and_deletes_the_old_file(
    table_kind, unit, settings, django_capture_on_commit_callbacks
):
    first = document_build_now(kind=UNIT_TABLE, obj=unit)
    unit.name = "改名后的单位"
    unit.save()
    with django_capture_on_commit_callbacks(execute=True):
        second = document_build_now(kind=UNIT_TABLE, obj=unit)

    assert second.pk == first.pk
    assert second.public_id == first.public_id
    assert second.checksum != first.checksum
    assert second.source_version == unit.updated_at.isoformat()
    assert _files_under(settings.MEDIA_ROOT) == [settings.MEDIA_ROOT / second.file.name]
    assert Document.objects.count() == 1


def test_force_rebuild_with_identical_bytes_keeps_the_file(unit_permission, unit, settings):
    options = {**SHEET_OPTIONS, "build": lambda obj, document: b"%PDF-1.7 fixed"}
    with registry.registered("tests.fixed", **options):
        first = document_build_now(kind="tests.fixed", obj=unit)
        second = document_build_now(kind="tests.fixed", obj=unit, force=True)
    assert second.file.name == first.file.name
    assert second.built_at > first.built_at
    assert len(_files_under(settings.MEDIA_ROOT)) == 1


def test_a_failing_builder_marks_the_document_failed(unit_permission, unit, settings):
    def explode(obj, document):
        raise RuntimeError("模板缺失")

    with registry.registered("tests.broken", **{**SHEET_OPTIONS, "build": explode}):
        document = document_build_now(kind="tests.broken", obj=unit)

    assert document.status == DocumentStatus.FAILED
    assert document.error == "RuntimeError: 模板缺失"
    assert not document.file
    assert _files_under(settings.MEDIA_ROOT) == []
    entry = audit_for(document).first()
    assert (entry.action, entry.note) == ("document.failed", "RuntimeError: 模板缺失")


def test_a_builder_returning_text_fails_clearly(unit_permission, unit):
    with registry.registered("tests.text", **{**SHEET_OPTIONS, "build": lambda obj, document: "not bytes"}):
        document = document_build_now(kind="tests.text", obj=unit)
    assert document.status == DocumentStatus.FAILED
    assert document.error == "TypeError: the builder of 'tests.text' returned str, not bytes"


def test_a_failed_document_is_built_again_when_requested(unit_permission, unit, django_capture_on_commit_callbacks):
    calls = []

    def flaky(obj, document):
        calls.append(1)
        if len(calls) == 1:
            raise OSError("disk full")
        return b"%PDF-1.7 ok"

    with registry.registered("tests.flaky", **{**SHEET_OPTIONS, "build": flaky}):
        failed = document_build_now(kind="tests.flaky", obj=unit)
        with django_capture_on_commit_callbacks(execute=True):
            document_request(kind="tests.flaky", obj=unit, actor=None)
    failed.refresh_from_db()
    assert failed.status == DocumentStatus.READY
    assert failed.error == ""
    assert len(calls) == 2


def test_a_deleted_owner_fails_the_build(table_kind, unit):
    document = document_build_now(kind=UNIT_TABLE, obj=unit)
    # The owner row is gone (deleting a real unit would cascade through other apps' tables).
    Document.objects.filter(pk=document.pk).update(owner_id=str(unit.pk + 1000))
    document = document_build(document_id=document.pk)
    assert document.status == DocumentStatus.FAILED
    assert document.error == "the unit no longer exists"


def test_request_queues_one_build_after_commit(table_kind, unit, contact, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        document = document_request(kind=UNIT_TABLE, obj=unit, actor=contact)
    assert document.status == DocumentStatus.PENDING
    assert document.requested_by == contact
    assert len(callbacks) == 1

    # A second request while the first is still pending queues nothing.
    with django_capture_on_commit_callbacks(execute=False) as callbacks_again:
        again = document_request(kind=UNIT_TABLE, obj=unit, actor=contact)
    assert again.pk == document.pk
    assert callbacks_again == []

    callbacks[0]()  # the eager task runs the build in this process
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY
    assert [e.action for e in audit_for(document)] == ["document.built", "document.requested"]


def test_request_of_a_current_document_changes_nothing(table_kind, unit, contact, django_capture_on_commit_callbacks):
    built = document_build_now(kind=UNIT_TABLE, obj=unit)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        document = document_request(kind=UNIT_TABLE, obj=unit, actor=contact)
    assert callbacks == []
    assert (document.pk, document.status, document.checksum) == (built.pk, DocumentStatus.READY, built.checksum)


def test_a_stale_pending_request_is_queued_again(table_kind, unit, contact, django_capture_on_commit_callbacks):
    import datetime

    from django.utils import timezone

    with django_capture_on_commit_callbacks(execute=False):
        document = document_request(kind=UNIT_TABLE, obj=unit, actor=contact)
    Document.objects.filter(pk=document.pk).update(updated_at=timezone.now() - datetime.timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        document_request(kind=UNIT_TABLE, obj=unit, actor=contact)
    assert len(callbacks) == 1


def test_request_rejects_an_object_of_the_wrong_model(table_kind, contact):
    with pytest.raises(TypeError, match="built for Unit, not User"):
        document_request(kind=UNIT_TABLE, obj=contact, actor=contact)


def test_documents_of_different_owners_and_kinds_are_separate_rows(table_kind, sheet_kind, unit):
    other = make_unit(2)
    document_build_now(kind=UNIT_TABLE, obj=unit)
    document_build_now(kind=UNIT_TABLE, obj=other)
    document_build_now(kind=UNIT_SHEET, obj=unit)

    from documents.selectors import document_for, documents_for_owner

    assert [d.kind for d in documents_for_owner(unit)] == [UNIT_SHEET, UNIT_TABLE]
    assert document_for(UNIT_TABLE, other).owner == other
    assert document_for(UNIT_SHEET, other) is None
