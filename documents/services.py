"""Every write to `Document` rows and their files."""

import datetime
import hashlib
import logging
import posixpath
import threading
import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone

from core.audit import audit_record
from core.files import atomic_with_files, save_file

from . import registry
from .enums import IN_PROGRESS, DocumentStatus
from .models import Document

logger = logging.getLogger("saq.documents")

# A build that has been pending or building longer than this is taken as lost (worker killed, message dropped)
# and is queued again by the next request.
STALE_AFTER = datetime.timedelta(minutes=15)
ERROR_MAX_LENGTH = 2000
# A build claim whose heartbeat is older than this many heartbeat intervals belongs to a dead worker.
HEARTBEATS_UNTIL_DEAD = 3


class DocumentBuildBusy(Exception):
    """Another worker holds a live claim on this document's build (document_build with `skip_if_busy`)."""

    def __init__(self, document_id: int, retry_after: float):
        super().__init__(f"document {document_id} is being built by another worker")
        self.retry_after = retry_after


def heartbeat_interval() -> float:
    return float(settings.DOCUMENT_BUILD_HEARTBEAT)


def claim_timeout() -> datetime.timedelta:
    return datetime.timedelta(seconds=heartbeat_interval() * HEARTBEATS_UNTIL_DEAD)


def _claim_alive(document: Document) -> bool:
    return (
        document.status == DocumentStatus.BUILDING
        and document.build_token is not None
        and document.heartbeat_at is not None
        and timezone.now() - document.heartbeat_at < claim_timeout()
    )


def _entry_for(kind: str, obj) -> registry.DocumentKind:
    entry = registry.get(kind)
    if not isinstance(obj, entry.model_class):
        raise TypeError(f"document kind {kind!r} is built for {entry.model_class.__name__}, not {type(obj).__name__}")
    return entry


def _get_or_create_locked(*, kind: str, obj, actor) -> tuple[Document, bool]:
    """The row of (kind, obj), created if missing, locked until the caller's transaction ends.

    Two concurrent first requests both try to insert; the unique constraint lets one win and get_or_create makes
    the other read the winner's row (inside a savepoint), so there is never a second row.
    """
    owner_type = ContentType.objects.get_for_model(obj)
    document, created = Document.objects.get_or_create(
        kind=kind,
        owner_type=owner_type,
        owner_id=str(obj.pk),
        defaults={"requested_by": actor if getattr(actor, "is_authenticated", False) else None},
    )
    if not created:
        document = Document.objects.select_for_update().get(pk=document.pk)
    return document, created


def _is_current(document: Document, version: str) -> bool:
    return (
        document.status == DocumentStatus.READY
        and document.source_version == version
        and bool(document.file)
        and document.file.storage.exists(document.file.name)
    )


def document_request(*, kind: str, obj, actor, queue: bool = True) -> Document:
    """Ask for the document of `kind` for `obj`; return its row at once, the build happens in a Celery worker.

    Locks (or creates) the one row of this kind and owner. If its file is ready and built from the owner's current
    version, nothing happens. If a build is already pending or building (and not stale), nothing is queued twice.
    Otherwise the row goes to `pending`, an audit entry is written, and `documents.build` is queued after commit.
    `queue=False` leaves the queueing to the caller, whose own task calls `document_build` and then uses the file
    (a hand-in), so the build does not run twice.
    """
    entry = _entry_for(kind, obj)
    version = entry.version_of(obj)
    with transaction.atomic():
        document, created = _get_or_create_locked(kind=kind, obj=obj, actor=actor)
        if _is_current(document, version):
            return document
        if (
            not created
            and document.status in IN_PROGRESS
            and timezone.now() - document.updated_at < STALE_AFTER
            and (document.status == DocumentStatus.PENDING or _claim_alive(document))
        ):
            return document
        previous = document.status
        document.status = DocumentStatus.PENDING
        document.error = ""
        if getattr(actor, "is_authenticated", False):
            document.requested_by = actor
        document.save(update_fields=["status", "error", "requested_by", "updated_at"])
        audit_record(
            actor=actor,
            obj=document,
            action="document.requested",
            changes={"status": [None if created else previous, DocumentStatus.PENDING]},
            note=f"version {version}",
        )
        if queue:
            transaction.on_commit(lambda: _queue_build(document.pk))
    return document


def _queue_build(document_id: int) -> None:
    from .tasks import build_document

    build_document.delay(document_id=document_id)


def document_build(*, document_id: int, actor=None, force: bool = False, skip_if_busy: bool = False) -> Document:
    """Build the file of one document row. Idempotent: a ready row built from the owner's current version is left
    alone (same file, same checksum, no new row), unless `force`.

    Three short transactions instead of one long one, so no row lock and no transaction stay open while the
    builder renders (seconds for a long PDF):
    1. lock the row; return if it is current; otherwise claim it: `building`, a new `build_token`,
       `build_attempts` + 1, `heartbeat_at` now; commit (pages show progress);
    2. run the builder without a transaction, while a thread stamps `heartbeat_at` every DOCUMENT_BUILD_HEARTBEAT
       seconds as long as the claim is still ours;
    3. lock the row again and store the result: the new file (the previous one is deleted after commit),
       checksum, size, source version, `ready`; or, if the builder raised, `failed` with the error. The claim is
       cleared.
    A claim not stamped for HEARTBEATS_UNTIL_DEAD intervals belongs to a dead worker (SIGKILL, lost machine): the
    next call takes it over and builds. With `skip_if_busy` (the Celery task) a live claim of another worker raises
    DocumentBuildBusy instead, so a duplicate delivery builds nothing and the task looks again later: by then the
    row is current (nothing to do) or the claim is dead (taken over). Without it (callers that need the file now)
    both build, and the second to finish finds the row current in step 3 and discards its bytes.
    Failures are recorded, not raised: a retry is an explicit new request. Audit: document.built / document.failed.
    """
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document_id)
        try:
            entry = registry.get(document.kind)
        except registry.UnknownDocumentKind:
            return _record_failure(document_id, actor, f"unknown document kind {document.kind!r}")
        obj = entry.get_owner(document.owner_id)
        if obj is None:
            return _record_failure(document_id, actor, f"the {entry.model_class._meta.verbose_name} no longer exists")
        version = entry.version_of(obj)
        if not force and _is_current(document, version):
            return document
        if skip_if_busy and _claim_alive(document):
            raise DocumentBuildBusy(document_id, retry_after=claim_timeout().total_seconds())
        token = uuid.uuid4()
        document.status = DocumentStatus.BUILDING
        document.build_token = token
        document.build_attempts += 1
        document.heartbeat_at = timezone.now()
        document.save(update_fields=["status", "build_token", "build_attempts", "heartbeat_at", "updated_at"])

    try:
        with _Heartbeat(document_id, token):
            data = entry.build(obj, document)
        if not isinstance(data, bytes):
            raise TypeError(f"the builder of {entry.kind!r} returned {type(data).__name__}, not bytes")
        filename = entry.filename_of(obj)
    except Exception as exc:
        logger.exception("building document %s (%s) failed", document_id, entry.kind)
        return _record_failure(document_id, actor, f"{type(exc).__name__}: {exc}", version=None if force else version)

    return _store_result(
        document_id=document_id, actor=actor, entry=entry, version=version, data=data, filename=filename, force=force
    )


class _Heartbeat:
    """Stamps `heartbeat_at` of a claimed row from a thread while the builder runs (it cannot stamp it itself).

    Stops when the build ends or the claim is no longer ours (taken over, or cleared by a finished build). The
    thread uses its own database connection and closes it; a build shorter than one interval never touches it.
    Inside a caller's transaction it does nothing: the claim is invisible to other workers until that commits, and
    the row lock the caller holds would block the stamp (and the build's end waits for the thread).
    """

    def __init__(self, document_id: int, token: uuid.UUID):
        self.document_id = document_id
        self.token = token
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"document-{document_id}-heartbeat", daemon=True)

    def __enter__(self):
        if not connection.in_atomic_block:
            self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        try:
            while not self._stop.wait(heartbeat_interval()):
                mine = Document.objects.filter(pk=self.document_id, build_token=self.token)
                if not mine.update(heartbeat_at=timezone.now()):
                    return
        except Exception:  # a missed stamp only lets another worker take over; the build itself goes on
            logger.exception("heartbeat of document %s failed", self.document_id)
        finally:
            connection.close()


def _store_result(*, document_id, actor, entry, version, data: bytes, filename: str, force: bool) -> Document:
    checksum = hashlib.sha256(data).hexdigest()
    # atomic_with_files: a new file whose row does not commit is deleted again; the old one only after commit.
    with atomic_with_files():
        document = Document.objects.select_for_update().get(pk=document_id)
        if not force and _is_current(document, version):
            return document  # another worker finished the same version first
        before = {"status": document.status, "checksum": document.checksum, "source_version": document.source_version}
        old_name = document.file.name if document.file else ""
        storage = document.file.storage
        new_name = ""
        if checksum != document.checksum or not (old_name and storage.exists(old_name)):
            extension = posixpath.splitext(filename)[1].lower()
            new_name = f"{checksum[:16]}{extension}"
        if new_name:
            save_file(document.file, new_name, ContentFile(data))
        document.filename = filename
        document.mime_type = entry.mime_type
        document.size = len(data)
        document.checksum = checksum
        document.source_version = version
        document.built_at = timezone.now()
        document.status = DocumentStatus.READY
        document.error = ""
        document.build_token = None
        document.heartbeat_at = None
        document.save()
        audit_record(
            actor=actor,
            obj=document,
            action="document.built",
            changes={
                key: [before[key], getattr(document, key)] for key in before if before[key] != getattr(document, key)
            },
            note=f"{filename}, {len(data)} bytes",
        )
        if new_name and old_name and old_name != document.file.name:
            transaction.on_commit(lambda: storage.delete(old_name))
    return document


def _record_failure(document_id: int, actor, message: str, *, version: str | None = None) -> Document:
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document_id)
        if version is not None and _is_current(document, version):
            return document  # another worker built this version meanwhile; our failure changes nothing
        previous = document.status
        document.status = DocumentStatus.FAILED
        document.error = message[:ERROR_MAX_LENGTH]
        document.build_token = None
        document.heartbeat_at = None
        document.save(update_fields=["status", "error", "build_token", "heartbeat_at", "updated_at"])
        audit_record(
            actor=actor,
            obj=document,
            action="document.failed",
            changes={"status": [previous, DocumentStatus.FAILED]},
            note=document.error,
        )
    return document


def document_build_now(*, kind: str, obj, actor=None, force: bool = False) -> Document:
    """Build the document of `kind` for `obj` in this process (management command, tests, small documents).

    Same idempotency and failure recording as `document_build`; returns the row (check `.status`).
    """
    _entry_for(kind, obj)
    with transaction.atomic():
        document, _created = _get_or_create_locked(kind=kind, obj=obj, actor=actor)
    return document_build(document_id=document.pk, actor=actor, force=force)
