"""国家级推荐材料包: per selected application a ZIP named `<申报编号><申报单位全称>.zip` with its report, stamped scans
and generated forms, all of a batch in one outer ZIP built by one Celery job.

Memory stays bounded whatever the batch: every file is copied in chunks from storage into the inner ZIP, the inner
ZIP is a temporary file copied in chunks into the outer one, and the outer ZIP is a temporary file handed to storage.
Names are made safe on Windows and macOS by `safe_filename`; Python's zipfile sets the UTF-8 flag (bit 11) on every
non-ASCII name, so Chinese names open correctly in Windows Explorer and macOS Archive Utility.
"""

import logging
import re
import shutil
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass

from django.core.files import File
from django.db import transaction
from django.utils import timezone

from applications.models import Application, Attachment
from core.audit import audit_record
from core.files import atomic_with_files, save_file
from documents.enums import DocumentStatus

from .models_books import NationalPackage
from .workflow import CERTIFIED_STATUSES

logger = logging.getLogger("saq.notices")

CHUNK = 1024 * 1024
BATCH = 100  # applications whose rows are read in one go
MAX_NAME_BYTES = 240
# Forms a package carries when they can be had: (document kind, name inside the ZIP).
FORM_KINDS = (("application_form", "申报表.pdf"), ("scoring_opinion_form", "成果评分与推荐意见表.pdf"))

_FORBIDDEN = re.compile(r'[\\/:*?"<>|]')
_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"COM{i}" for i in range(1, 10)} | {f"LPT{i}" for i in range(1, 10)}


def _split_extension(name: str) -> tuple[str, str]:
    stem, dot, ext = name.rpartition(".")
    # A short trailing ".xyz" is an extension; "第1.5版说明" or a name that is all extension is not.
    if dot and stem and 0 < len(ext) <= 10 and ext.isalnum():
        return stem, "." + ext
    return name, ""


def safe_filename(name: str, *, default: str = "file", max_bytes: int = MAX_NAME_BYTES) -> str:
    """A file name every mainstream system accepts: NFC, no control or format characters (bidi tricks), none of
    \\ / : * ? " < > |, no leading spaces, no trailing dots or spaces, not a Windows device name (CON, COM1, ...,
    also with an extension), at most `max_bytes` UTF-8 bytes with the extension kept."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp"))
    name = _FORBIDDEN.sub("_", name)
    name = name.strip(" ").rstrip(". ")
    if not name.strip("._ "):
        name = default
    stem, ext = _split_extension(name)
    if stem.split(".")[0].rstrip(" ").upper() in _RESERVED:
        stem = "_" + stem
    if len(ext.encode()) >= max_bytes:
        ext = ""
    budget = max_bytes - len(ext.encode())
    while len(stem.encode()) > budget:
        stem = stem[:-1]
    stem = stem.rstrip(". ")
    return (stem or default) + ext


def _unique(name: str, taken: set[str]) -> str:
    """`name`, or `name (2)`, `name (3)`... when a case-insensitive twin exists (Windows and macOS ignore case)."""
    candidate, counter = name, 1
    stem, ext = _split_extension(name)
    while candidate.casefold() in taken:
        counter += 1
        candidate = safe_filename(f"{stem} ({counter}){ext}")
    taken.add(candidate.casefold())
    return candidate


# --- Reads ----------------------------------------------------------------------------------------------------------


def package_candidates(edition):
    """What staff may put in a package: the edition's awarded and award-confirmed applications, by number."""
    from reviews.workflow_levels import LevelStatus

    return (
        Application.objects.filter(edition=edition, status__in=[LevelStatus.AWARDED, *CERTIFIED_STATUSES])
        .select_related("unit", "group", "category", "level_decision__level")
        .order_by("number", "pk")
    )


def edition_packages(edition):
    return NationalPackage.objects.filter(edition=edition).select_related("requested_by").order_by("-pk")


def application_zip_name(application) -> str:
    return safe_filename(f"{application.number or application.pk}{application.unit.name}.zip")


@dataclass(frozen=True)
class Entry:
    name: str
    field_file: object


def _ready_forms(applications) -> dict[tuple[str, str], object]:
    """The ready generated forms of `applications`, by (kind, owner id): one query for the whole batch."""
    from django.contrib.contenttypes.models import ContentType

    from documents.models import Document

    documents = Document.objects.filter(
        owner_type=ContentType.objects.get_for_model(Application),
        owner_id__in=[str(a.pk) for a in applications],
        kind__in=[kind for kind, _name in FORM_KINDS],
        status=DocumentStatus.READY,
    )
    return {(d.kind, d.owner_id): d for d in documents}


def _form_files(application, ready: dict, *, build_forms: bool) -> list[Entry]:
    from documents import registry
    from documents.services import document_build_now

    entries = []
    for kind, name in FORM_KINDS:
        try:
            registry.get(kind)
        except registry.UnknownDocumentKind:
            continue
        document = ready.get((kind, str(application.pk)))
        if document is None and build_forms:
            document = document_build_now(kind=kind, obj=application)
        if document is not None and document.status == DocumentStatus.READY and document.file:
            entries.append(Entry(name, document.file))
        else:
            logger.debug("package: no %s for application %s", kind, application.pk)
    return entries


def _current_attachments(applications) -> dict[int, list]:
    rows = (
        Attachment.objects.filter(application__in=[a.pk for a in applications], is_current=True)
        .select_related("requirement")
        .order_by("application_id", "requirement__position", "pk")
    )
    grouped: dict[int, list] = {}
    for attachment in rows:
        grouped.setdefault(attachment.application_id, []).append(attachment)
    return grouped


def batch_entries(applications, *, build_forms: bool = True) -> dict[int, list[Entry]]:
    """The files of each application's ZIP: the generated forms first, then every current attachment (report,
    stamped scans) under `<requirement>-<original name>`. Two queries for the batch (plus any form built)."""
    ready = _ready_forms(applications)
    attachments = _current_attachments(applications)
    result = {}
    for application in applications:
        entries = _form_files(application, ready, build_forms=build_forms)
        for attachment in attachments.get(application.pk, []):
            entries.append(Entry(f"{attachment.requirement.name}-{attachment.original_name}", attachment.file))
        result[application.pk] = entries
    return result


def application_entries(application, *, build_forms: bool = True) -> list[Entry]:
    return batch_entries([application], build_forms=build_forms)[application.pk]


# --- Writing --------------------------------------------------------------------------------------------------------


def _copy_into(archive: zipfile.ZipFile, name: str, source, size: int | None = None, *, compress=True) -> None:
    info = zipfile.ZipInfo(name, date_time=timezone.localtime().timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    if size is not None:
        info.file_size = size
    with archive.open(info, "w", force_zip64=size is None or size > 2**31) as target:
        shutil.copyfileobj(source, target, CHUNK)


def write_application_zip(target, entries: list[Entry]) -> None:
    """One application's ZIP into the binary file object `target`."""
    taken: set[str] = set()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in entries:
            name = _unique(safe_filename(entry.name), taken)
            with entry.field_file.open("rb") as source:
                _copy_into(archive, name, source)


def write_package(target, applications, *, build_forms: bool = True) -> list[str]:
    """The batch ZIP into `target`: one `<number><unit>.zip` per application (stored: they are compressed
    already). Returns the inner names in order."""
    names: list[str] = []
    taken: set[str] = set()
    applications = list(applications)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED, allowZip64=True) as outer:
        # In slices: the rows of a slice are read at once, the files one by one.
        for start in range(0, len(applications), BATCH):
            part = applications[start : start + BATCH]
            entries = batch_entries(part, build_forms=build_forms)
            for application in part:
                names.append(_write_one(outer, application, entries[application.pk], taken))
    return names


def _write_one(outer, application, entries, taken) -> str:
    name = _unique(application_zip_name(application), taken)
    with tempfile.TemporaryFile() as inner:
        write_application_zip(inner, entries)
        size = inner.tell()
        inner.seek(0)
        _copy_into(outer, name, inner, size, compress=False)
    return name


def package_filename(package) -> str:
    return safe_filename(f"{package.edition.year}-国家级推荐材料-{package.pk}.zip")


# --- Services -------------------------------------------------------------------------------------------------------


def package_request(*, actor, edition, applications) -> NationalPackage:
    """Create a package of `applications` (of `edition`, awarded or confirmed: others are refused with
    ValueError) and queue its job after commit. Audited."""
    chosen = list(applications)
    allowed = set(package_candidates(edition).values_list("pk", flat=True))
    if not chosen or any(a.pk not in allowed for a in chosen):
        raise ValueError("a package holds awarded applications of its edition only")
    with transaction.atomic():
        package = NationalPackage.objects.create(edition=edition, requested_by=actor)
        package.applications.set(chosen)
        audit_record(
            actor=actor,
            obj=package,
            action="national_package.requested",
            note=", ".join(a.number or str(a.pk) for a in chosen),
        )
        transaction.on_commit(lambda: _queue(package.pk))
    return package


def _queue(package_id: int) -> None:
    from .tasks import build_national_package

    build_national_package.delay(package_id=package_id)


def package_build(*, package_id: int, build_forms: bool = True) -> NationalPackage:
    """Build the package's ZIP. Idempotent: a ready package is left alone; a failure is stored on the row."""
    with transaction.atomic():
        package = NationalPackage.objects.select_for_update().select_related("edition").get(pk=package_id)
        if package.is_ready:
            return package
        package.status = DocumentStatus.BUILDING
        package.save(update_fields=["status", "updated_at"])
    applications = list(package.applications.select_related("unit").order_by("number", "pk"))
    try:
        with tempfile.TemporaryFile() as handle:
            write_package(handle, applications, build_forms=build_forms)
            size = handle.tell()
            handle.seek(0)
            filename = package_filename(package)
            # The file and its row in one transaction: a database failure deletes the stored ZIP again.
            with atomic_with_files():
                save_file(package.file, f"package-{package.pk}.zip", File(handle))
                package.filename = filename
                package.size = size
                package.status = DocumentStatus.READY
                package.error = ""
                package.built_at = timezone.now()
                package.save(update_fields=["file", "filename", "size", "status", "error", "built_at", "updated_at"])
                audit_record(actor=None, obj=package, action="national_package.built", note=f"{filename}, {size} bytes")
    except Exception as exc:
        logger.exception("national package %s failed", package_id)
        NationalPackage.objects.filter(pk=package_id).update(
            status=DocumentStatus.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000], updated_at=timezone.now()
        )
        package.refresh_from_db()
    return package
