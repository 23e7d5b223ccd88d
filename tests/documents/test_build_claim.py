"""The build claim (documents.services.document_build): a live claim of another worker makes a duplicate delivery
wait, a dead one is taken over, the heartbeat keeps a long build's claim alive."""

import datetime
import time
import uuid

import pytest
from django.utils import timezone

from core.audit import audit_for
from documents import registry
from documents.enums import DocumentStatus
from documents.models import Document
from documents.services import DocumentBuildBusy, document_build, document_request

from .builders import TABLE_OPTIONS, UNIT_TABLE, make_unit


def _claimed(unit, *, heartbeat_age: datetime.timedelta) -> Document:
    """The row as a worker that claimed its build `heartbeat_age` ago left it."""
    document = document_request(kind=UNIT_TABLE, obj=unit, actor=None, queue=False)
    Document.objects.filter(pk=document.pk).update(
        status=DocumentStatus.BUILDING,
        build_token=uuid.uuid4(),
        build_attempts=1,
        heartbeat_at=timezone.now() - heartbeat_age,
    )
    return Document.objects.get(pk=document.pk)


@pytest.mark.unit
@pytest.mark.django_db
def test_a_delivery_finding_a_live_claim_builds_nothing(table_kind, unit):
    document = _claimed(unit, heartbeat_age=datetime.timedelta(seconds=1))

    with pytest.raises(DocumentBuildBusy) as busy:
        document_build(document_id=document.pk, skip_if_busy=True)

    assert busy.value.retry_after == 30  # three heartbeats of 10 s
    after = Document.objects.get(pk=document.pk)
    assert (after.status, after.build_token, after.build_attempts) == (
        DocumentStatus.BUILDING,
        document.build_token,
        1,
    )
    assert not after.file
    assert "document.built" not in [e.action for e in audit_for(after)]


@pytest.mark.unit
@pytest.mark.django_db
def test_a_dead_claim_is_taken_over_and_built_once(table_kind, unit):
    document = _claimed(unit, heartbeat_age=datetime.timedelta(seconds=31))

    built = document_build(document_id=document.pk, skip_if_busy=True)

    assert built.status == DocumentStatus.READY
    assert built.build_attempts == 2
    assert (built.build_token, built.heartbeat_at) == (None, None)  # the claim ends with the build
    assert [e.action for e in audit_for(built)].count("document.built") == 1
    # A later duplicate of the same delivery finds it current: nothing happens.
    again = document_build(document_id=document.pk, skip_if_busy=True)
    assert (again.build_attempts, again.checksum, again.built_at) == (2, built.checksum, built.built_at)


@pytest.mark.unit
@pytest.mark.django_db
def test_without_skip_a_caller_that_needs_the_file_builds_anyway(table_kind, unit):
    document = _claimed(unit, heartbeat_age=datetime.timedelta(seconds=1))

    built = document_build(document_id=document.pk)

    assert (built.status, built.build_attempts) == (DocumentStatus.READY, 2)


@pytest.mark.unit
@pytest.mark.django_db
def test_a_request_requeues_a_build_whose_worker_died(table_kind, unit, django_capture_on_commit_callbacks):
    document = _claimed(unit, heartbeat_age=datetime.timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        document_request(kind=UNIT_TABLE, obj=unit, actor=None)
    assert callbacks == []  # alive: the running build will do

    Document.objects.filter(pk=document.pk).update(heartbeat_at=timezone.now() - datetime.timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        requested = document_request(kind=UNIT_TABLE, obj=unit, actor=None)
    assert len(callbacks) == 1  # dead for 1 minute, well before STALE_AFTER: asked for again at once
    assert requested.status == DocumentStatus.PENDING


@pytest.mark.unit
@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_keeps_a_long_build_alive(unit_permission, settings):
    settings.DOCUMENT_BUILD_HEARTBEAT = 0.05
    seen = []

    def slow_build(unit, document):
        for _ in range(2):
            seen.append(Document.objects.values_list("heartbeat_at", flat=True).get(pk=document.pk))
            time.sleep(0.3)
        return TABLE_OPTIONS["build"](unit, document)

    unit = make_unit(5)
    with registry.registered(UNIT_TABLE, **{**TABLE_OPTIONS, "build": slow_build}):
        document = document_request(kind=UNIT_TABLE, obj=unit, actor=None, queue=False)
        built = document_build(document_id=document.pk)

    assert built.status == DocumentStatus.READY
    assert seen[1] > seen[0]  # stamped while the builder ran, by the heartbeat thread
