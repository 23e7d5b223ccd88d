"""获奖证书: verification numbers, the template's placeholders, rendering one certificate, batches and their ZIP.

Services (keyword-only, audited) and the selectors the certificate pages need. A certificate exists for an
application in `workflow.CERTIFIED_STATUSES`; it verifies as valid only while the application is still there.

Batches: `certificate_batch_start` queues `lanes` chains of `tasks.certificate_batch_chunk`; each chain takes the
pending applications of its lane (pk % lanes) a chunk at a time, builds each in its own transaction (a certificate
already built from the current template version is skipped, so a redelivered or resumed chunk repeats nothing),
re-queues itself, and the lane that finds nothing left anywhere builds the ZIP. A worker that dies leaves the batch
"running" with an old heartbeat: the page offers to resume it, and the beat sweep resumes it on its own.
"""

import base64
import datetime
import html
import io
import logging
import re
import secrets
import tempfile
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import Application
from core.audit import audit_record
from core.exceptions import BusinessRuleError
from core.files import atomic_with_files, delete_replaced_file_after_commit, save_file, sniff_content_type
from documents.pdf import PDFRenderError, html_to_pdf, qr_svg_data_uri
from reviews.checksum import ReleasedResultsTampered, edition_results_verify, records_tampering, tampering_record

from .models_certificates import BatchState, Certificate, CertificateBatch, CertificateTemplate
from .workflow import CERTIFIED_STATUSES

logger = logging.getLogger("saq.notices.certificates")

AUDIT_ACTIONS = {
    "certificate.template_saved": _("Certificate template saved"),
    "certificate.batch_started": _("Certificate batch started"),
    "certificate.batch_resumed": _("Certificate batch resumed"),
    "certificate.batch_finished": _("Certificate batch finished"),
}

# --- Verification numbers ---------------------------------------------------------------------------------------------
# Crockford's base32 (no I, L, O, U): what people misread is left out, and `normalise_number` maps it back.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
BODY_LENGTH = 15  # + 1 check character = 16 = 4 groups of 4; 75 random bits
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})


def _gf32_times(a: int, b: int) -> int:
    """Multiplication in GF(2^5) (modulo x^5 + x^2 + 1, whose root is primitive: its powers take all 31 values)."""
    product = 0
    while b:
        if b & 1:
            product ^= a
        b >>= 1
        a <<= 1
        if a & 0b100000:
            a ^= 0b100101
    return product


def _weights(count: int) -> list[int]:
    weights, w = [], 1
    for _position in range(count):
        weights.append(w)
        w = _gf32_times(w, 2)
    return weights


_WEIGHTS = _weights(BODY_LENGTH + 1)  # distinct and non-zero (the root's order, 31, exceeds 16)
_CHECK_INVERSE = next(x for x in range(1, 32) if _gf32_times(x, _WEIGHTS[-1]) == 1)


def _check_character(body: str) -> str:
    """The character that makes sum(weight_i * char_i) zero in GF(32), the weights all distinct and non-zero.

    A wrong character e changes the sum by weight * e (never zero); swapping two characters x, y changes it by
    (weight_i + weight_j) * (x + y) (never zero when x != y). So every typo in one character and every swap of two
    characters, the check character included, is caught. (Luhn mod 32 let some swaps through, e.g. 0 and Z.)"""
    total = 0
    for weight, char in zip(_WEIGHTS, body, strict=False):
        total ^= _gf32_times(weight, ALPHABET.index(char))
    return ALPHABET[_gf32_times(total, _CHECK_INVERSE)]


def format_number(raw: str) -> str:
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def new_number() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY_LENGTH))
    return format_number(body + _check_character(body))


def normalise_number(text: str) -> str | None:
    """The canonical form (XXXX-XXXX-XXXX-XXXX) of what somebody typed, or None when it cannot be a number (wrong
    length, a character outside the alphabet, or a check character that does not match: a typo)."""
    raw = re.sub(r"[\s\-‐-―－]", "", (text or "").upper()).translate(_LOOKALIKES)
    if len(raw) != BODY_LENGTH + 1 or any(c not in ALPHABET for c in raw):
        return None
    if _check_character(raw[:-1]) != raw[-1]:
        return None
    return format_number(raw)


# --- Template placeholders --------------------------------------------------------------------------------------------
PLACEHOLDERS = {
    "topic": _("the application's topic"),
    "group": _("the QC group (or the unit when no group applied)"),
    "unit": _("the unit"),
    "members": _("the group's members, separated by 、"),
    "level": _("the award level"),
    "edition": _("the edition"),
    "programme": _("the programme"),
    "recommender": _("the recommending organisation"),
    "number": _("the verification number"),
    "date": _("the date of issue"),
}
PLACEHOLDER_RE = re.compile(r"\{([^{}]*)\}")


def unknown_placeholders(text: str) -> list[str]:
    return sorted({name for name in PLACEHOLDER_RE.findall(text or "") if name.strip() not in PLACEHOLDERS})


def fill_placeholders(text: str, values: dict) -> str:
    """HTML of `text` with each {name} replaced by its (escaped) value; line breaks kept."""
    escaped = html.escape(text or "")

    def replace(match):
        return html.escape(str(values.get(match.group(1).strip(), "")))

    return PLACEHOLDER_RE.sub(replace, escaped).replace("\n", "<br>")


# --- Who is certified -------------------------------------------------------------------------------------------------


def certifies_members(application) -> bool:
    """Group programmes certify the group and print each member's name; others the unit."""
    from awards.enums import ApplicantKind

    return application.edition.programme.applicant_kind == ApplicantKind.GROUP or bool(application.group_id)


def certified_applications(edition):
    return (
        Application.objects.filter(edition=edition, status__in=CERTIFIED_STATUSES)
        .select_related("edition__programme", "group", "unit", "level_decision__level")
        .prefetch_related("group__members")
        .order_by("number", "pk")
    )


def template_for(edition) -> CertificateTemplate | None:
    """The edition's own template, else its programme's."""
    found = {
        "edition" if t.edition_id else "programme": t
        for t in CertificateTemplate.objects.filter(Q(edition=edition) | Q(programme_id=edition.programme_id))
    }
    return found.get("edition") or found.get("programme")


def is_valid(certificate: Certificate) -> bool:
    return certificate.application.status in CERTIFIED_STATUSES


# --- Rendering --------------------------------------------------------------------------------------------------------


def verify_url(number: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse("notices:certificate_verify_number", args=[number])


def image_data_uris(template: CertificateTemplate) -> dict:
    """The template's images as data: URIs (the PDF fetcher fetches nothing else). Read once per chunk."""
    uris = {}
    for name in ("signature", "seal", "background"):
        field = getattr(template, name)
        if not field:
            continue
        with field.open("rb") as handle:
            data = handle.read()
        mime = sniff_content_type(data)
        if mime in ("image/png", "image/jpeg"):
            uris[name] = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
    return uris


def placeholder_values(application, *, number: str, issued: datetime.date, recommenders=None) -> dict:
    from recommenders.selectors import recommender_names

    if recommenders is None:
        recommenders = recommender_names([application.pk]).get(application.pk, [])
    members = [m.name for m in application.group.members.all()] if application.group_id else []
    decision = getattr(application, "level_decision", None)
    edition = application.edition
    return {
        "topic": application.title,
        "group": application.applicant_name,
        "unit": application.unit.name,
        "members": "、".join(members) if certifies_members(application) else "",
        "level": str(decision.level) if decision and decision.level_id else "",
        "edition": edition.title,
        "programme": edition.programme.name,
        "recommender": "、".join(recommenders),
        "number": number,
        "date": f"{issued.year}年{issued.month}月{issued.day}日",
    }


SAMPLE_VALUES = {
    "topic": "降低数控车床轴类零件外圆尺寸超差率",
    "group": "精益求精QC小组",
    "unit": "上海示例精密机械有限公司",
    "members": "张伟、王芳、李娜、刘洋、陈静",
    "level": "一等奖",
    "recommender": "上海市示例行业协会",
}


def _sheet(template: CertificateTemplate, values: dict) -> dict:
    url = verify_url(values["number"])
    # One paragraph per line: the first (the addressee) flush left, the others indented.
    body = "".join(f"<p>{line}</p>" for line in fill_placeholders(template.body, values).split("<br>"))
    return {
        "title": fill_placeholders(template.title, values),
        "body": body,
        "values": values,
        "verify_url": url,
        "verify_qr": qr_svg_data_uri(url),
    }


def render_certificates(template: CertificateTemplate, values_list: list[dict], *, images=None) -> list[bytes]:
    """One PDF per entry of `values_list`. Rendered as one document and split into pages: WeasyPrint's fixed cost
    per document (parsing, subsetting the CJK font) is paid once per chunk, not per certificate."""
    from django.template.loader import render_to_string
    from pypdf import PdfReader, PdfWriter

    images = image_data_uris(template) if images is None else images
    context = {"signer": template.signer, "images": images, "sheets": [_sheet(template, v) for v in values_list]}
    data = html_to_pdf(render_to_string("notices/certificate_pdf.html", context))
    if len(values_list) == 1:
        return [data]
    pages = PdfReader(io.BytesIO(data)).pages
    if len(pages) != len(values_list):
        raise PDFRenderError(
            f"{len(pages)} pages for {len(values_list)} certificates: a certificate overflows its page"
        )
    out = []
    for page in pages:
        writer = PdfWriter()
        writer.add_page(page)
        buffer = io.BytesIO()
        writer.write(buffer)
        out.append(buffer.getvalue())
    return out


def render_certificate(template: CertificateTemplate, values: dict, *, images: dict | None = None) -> bytes:
    return render_certificates(template, [values], images=images)[0]


def certificate_preview(*, edition, template: CertificateTemplate) -> bytes:
    """A PDF of the template with the edition's first certified application, else with sample data."""
    application = certified_applications(edition).first()
    today = timezone.localdate()
    if application is None:
        values = {**SAMPLE_VALUES, "edition": edition.title, "programme": edition.programme.name}
        values.update(number=new_number(), date=f"{today.year}年{today.month}月{today.day}日")
    else:
        existing = Certificate.objects.filter(application=application).values_list("number", flat=True).first()
        values = placeholder_values(application, number=existing or new_number(), issued=today)
    return render_certificate(template, values)


# --- Services ---------------------------------------------------------------------------------------------------------

TEMPLATE_FIELDS = ("title", "body", "signer")


def certificate_template_save(*, actor, owner, data: dict, images: dict) -> CertificateTemplate:
    """Create or change the template of `owner` (an Edition or a Programme); bumps its version. `images`: field name
    → (bytes, file name) for each image uploaded (already content-checked by the form), or None to remove it."""
    from awards.models import Edition

    key = "edition" if isinstance(owner, Edition) else "programme"
    with atomic_with_files():
        template = CertificateTemplate.objects.select_for_update().filter(**{key: owner}).first()
        created = template is None
        if created:
            template = CertificateTemplate(**{key: owner}, version=0)
        for name in TEMPLATE_FIELDS:
            setattr(template, name, data.get(name, ""))
        for name, upload in images.items():
            # A removed or replaced image is deleted once the row no longer names it (after commit); a rollback
            # keeps the old file and deletes the new one (atomic_with_files).
            delete_replaced_file_after_commit(CertificateTemplate, name, getattr(template, name).name)
            if upload is None:
                setattr(template, name, "")
                continue
            content, filename = upload
            save_file(getattr(template, name), filename, ContentFile(content))
        template.version += 1
        template.full_clean()
        template.save()
        audit_record(
            actor=actor,
            obj=template,
            action="certificate.template_saved",
            changes={"version": [template.version - 1, template.version]},
            note=str(owner),
        )
    return template


def _pending(batch: CertificateBatch):
    """Certified applications of the batch's edition without a certificate (or failed attempt) of its version."""
    done = Certificate.objects.filter(
        application__edition_id=batch.edition_id, template_version=batch.template_version
    ).values("application_id")
    return Application.objects.filter(edition_id=batch.edition_id, status__in=CERTIFIED_STATUSES).exclude(pk__in=done)


def _prepare(application_id: int, template: CertificateTemplate, issued) -> tuple | None:
    """(certificate, values) for an application that needs a certificate of `template`'s version, else None."""
    application = (
        Application.objects.select_related("edition__programme", "group", "unit", "level_decision__level")
        .prefetch_related("group__members")
        .filter(pk=application_id, status__in=CERTIFIED_STATUSES)
        .first()
    )
    if application is None:
        return None  # no longer certified (revoked meanwhile): nothing to issue
    certificate = Certificate.objects.filter(application=application).first() or _new_certificate(application)
    if certificate.template_version == template.version_key:
        return None
    return certificate, placeholder_values(application, number=certificate.number, issued=issued)


def _store(certificate: Certificate, template: CertificateTemplate, data: bytes | None, error: str) -> bool:
    """Store a rendered file (or the error) under a row lock, unless another worker stored this version already."""
    with atomic_with_files():
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if certificate.template_version == template.version_key:
            return False
        certificate.template_version = template.version_key
        certificate.built_at = timezone.now()
        certificate.error = error
        old_name = certificate.file.name if certificate.file else ""
        if data is not None:
            save_file(certificate.file, f"{certificate.number}.pdf", ContentFile(data))
        certificate.save()
        if old_name and old_name != certificate.file.name:
            storage = certificate.file.storage
            transaction.on_commit(lambda: storage.delete(old_name))
    return data is not None


def certificates_issue(*, application_ids, template: CertificateTemplate, images: dict, issued=None) -> int:
    """Build the certificates of these applications, skipping each that has one of the template's version; returns
    how many were built.

    Renders outside any transaction (the chunk in one document), then stores each under a row lock after checking
    the version again, so two workers on the same application (a resumed batch whose old worker came back) store
    it once. A render error is stored on the row (counted as failed), not raised: when the chunk's document fails,
    each certificate is rendered alone so that only the faulty one fails."""
    issued = issued or timezone.localdate()
    prepared = [p for p in (_prepare(pk, template, issued) for pk in application_ids) if p is not None]
    if not prepared:
        return 0
    try:
        files = render_certificates(template, [values for _c, values in prepared], images=images)
        results = [(data, "") for data in files]
    except Exception:
        results = []
        for certificate, values in prepared:
            try:
                results.append((render_certificate(template, values, images=images), ""))
            except Exception as exc:
                logger.exception("certificate %s failed", certificate.number)
                results.append((None, f"{type(exc).__name__}: {exc}"[:2000]))
    return sum(
        _store(certificate, template, data, error)
        for (certificate, _v), (data, error) in zip(prepared, results, strict=True)
    )


def certificate_issue(*, application_id: int, template: CertificateTemplate, images: dict, issued=None) -> bool:
    return bool(certificates_issue(application_ids=[application_id], template=template, images=images, issued=issued))


def _new_certificate(application) -> Certificate:
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Certificate.objects.create(application=application, number=new_number())
        except IntegrityError:  # a number collision (2^-75) or a concurrent create: look again
            existing = Certificate.objects.select_for_update().filter(application=application).first()
            if existing is not None:
                return existing
    raise RuntimeError("could not allocate a certificate number")


def batch_lanes() -> int:
    return max(1, int(getattr(settings, "CERTIFICATE_BATCH_LANES", 4)))


def batch_chunk_size() -> int:
    return max(1, int(getattr(settings, "CERTIFICATE_BATCH_CHUNK", 20)))


def _queue_lanes(batch: CertificateBatch) -> None:
    from .tasks import certificate_batch_chunk

    lanes = batch_lanes()
    for lane in range(lanes):
        transaction.on_commit(
            lambda lane=lane: certificate_batch_chunk.delay(batch_id=batch.pk, lane=lane, lanes=lanes)
        )


def running_batch(edition) -> CertificateBatch | None:
    return CertificateBatch.objects.filter(edition=edition, state=BatchState.RUNNING).first()


@records_tampering
def certificate_batch_start(*, actor, edition, queue: bool = True) -> CertificateBatch:
    """Start building the certificates of every certified application of `edition` (those already built from the
    current template are kept). Refused while another batch of the edition runs, without a template, or when the
    released results no longer match their checksum (logged and audited). `queue` False leaves running the lanes
    to the caller (the bench)."""
    template = template_for(edition)
    if template is None:
        raise BusinessRuleError(_("Set up the certificate template first."), code="no_template")
    with transaction.atomic():
        from awards.models import Edition

        Edition.objects.select_for_update().get(pk=edition.pk)  # one batch at a time per edition
        if running_batch(edition) is not None:
            raise BusinessRuleError(_("A batch of this edition is running already."), code="running")
        edition_results_verify(edition=edition, where="certificate_batch_start", lock=True)
        total = certified_applications(edition).count()
        if not total:
            raise BusinessRuleError(_("No application of this edition is certified yet."), code="empty")
        # Earlier failures are tried again: forget the version they failed with.
        Certificate.objects.filter(application__edition=edition).exclude(error="").update(template_version="")
        batch = CertificateBatch.objects.create(
            edition=edition,
            template_version=template.version_key,
            total=total,
            started_by=actor,
            heartbeat_at=timezone.now(),
        )
        _refresh_counts(batch)
        audit_record(actor=actor, obj=batch, action="certificate.batch_started", note=f"{total}")
        if queue:
            _queue_lanes(batch)
    return batch


def stale_after() -> datetime.timedelta:
    return datetime.timedelta(seconds=int(getattr(settings, "CERTIFICATE_BATCH_STALE_SECONDS", 300)))


def is_stale(batch: CertificateBatch) -> bool:
    return batch.is_running and (batch.heartbeat_at or batch.started_at) < timezone.now() - stale_after()


def certificate_batch_resume(*, actor, batch: CertificateBatch) -> CertificateBatch:
    """Queue the lanes of a running batch again (its worker died). Safe when a lane is still alive: every
    certificate is built once (row lock + version check)."""
    with transaction.atomic():
        batch = CertificateBatch.objects.select_for_update().get(pk=batch.pk)
        if not batch.is_running:
            raise BusinessRuleError(_("This batch is not running."), code="not_running")
        batch.heartbeat_at = timezone.now()
        batch.save(update_fields=["heartbeat_at", "updated_at"])
        audit_record(actor=actor, obj=batch, action="certificate.batch_resumed")
        _queue_lanes(batch)
    return batch


def certificate_batches_sweep() -> int:
    """Resume every stale running batch (Celery beat); returns how many."""
    count = 0
    for batch in CertificateBatch.objects.filter(state=BatchState.RUNNING):
        if is_stale(batch):
            certificate_batch_resume(actor=None, batch=batch)
            count += 1
    return count


def _refresh_counts(batch: CertificateBatch) -> None:
    built = Certificate.objects.filter(
        application__edition_id=batch.edition_id,
        application__status__in=CERTIFIED_STATUSES,
        template_version=batch.template_version,
    )
    batch.done = built.filter(error="").count()
    batch.failed = built.exclude(error="").count()
    batch.heartbeat_at = timezone.now()
    CertificateBatch.objects.filter(pk=batch.pk).update(
        done=batch.done, failed=batch.failed, heartbeat_at=batch.heartbeat_at, updated_at=batch.heartbeat_at
    )


def certificate_batch_chunk_run(*, batch_id: int, lane: int, lanes: int) -> bool:
    """One chunk of one lane; True when the lane has more to do (the task re-queues itself). Each chunk verifies
    the released results against their checksum first: on a mismatch (or no checksum) the batch fails with the
    reason (a mismatch is logged and audited) and nothing more is built."""
    batch = CertificateBatch.objects.filter(pk=batch_id).first()
    if batch is None or not batch.is_running:
        return False
    try:
        # Locked: an award revoked meanwhile is seen with its new checksum, never half of it.
        with transaction.atomic():
            edition_results_verify(edition=batch.edition, where=f"certificate_batch_chunk {batch.pk}/{lane}", lock=True)
    except BusinessRuleError as error:
        if isinstance(error, ReleasedResultsTampered):
            tampering_record(error)
        _batch_fail(batch, str(error))
        return False
    template = template_for(batch.edition)
    if template is None or template.version_key != batch.template_version:
        _batch_fail(batch, "the template changed or was removed while the batch ran; start a new batch")
        return False
    ids = list(
        _pending(batch)
        .extra(where=["applications_application.id %% %s = %s"], params=[lanes, lane])
        .order_by("pk")
        .values_list("pk", flat=True)[: batch_chunk_size()]
    )
    if ids:
        certificates_issue(application_ids=ids, template=template, images=image_data_uris(template))
        _refresh_counts(batch)
        return True
    _batch_finish_if_complete(batch.pk)
    return False


def _batch_fail(batch, error: str) -> None:
    CertificateBatch.objects.filter(pk=batch.pk, state=BatchState.RUNNING).update(
        state=BatchState.FAILED, error=error, finished_at=timezone.now()
    )


def zip_entry_name(certificate: Certificate) -> str:
    """`<申报编号>_<unit's full name>.pdf`, like the national package's files (staff find an entry by the number on
    the results list), made safe on Windows and macOS by `national.safe_filename`."""
    from .national import safe_filename

    application = certificate.application
    return safe_filename(f"{application.number}_{application.unit.name}.pdf", default=f"{certificate.number}.pdf")


def _batch_finish_if_complete(batch_id: int) -> None:
    with atomic_with_files():
        batch = CertificateBatch.objects.select_for_update().get(pk=batch_id)
        if not batch.is_running or _pending(batch).exists():
            return  # another lane is still working (it finishes the batch) or the batch is over
        _refresh_counts(batch)
        certificates = (
            Certificate.objects.filter(
                application__edition_id=batch.edition_id,
                application__status__in=CERTIFIED_STATUSES,
                template_version=batch.template_version,
                error="",
            )
            .select_related("application__unit")
            .order_by("application__number", "pk")
        )
        with tempfile.TemporaryFile() as spool:
            with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_STORED) as archive:
                for certificate in certificates.iterator(chunk_size=200):
                    with certificate.file.open("rb") as handle:
                        archive.writestr(zip_entry_name(certificate), handle.read())
            spool.seek(0)
            # The old ZIP goes only once the new name is committed; a rollback deletes the new one instead.
            delete_replaced_file_after_commit(CertificateBatch, "zip_file", batch.zip_file.name or "")
            save_file(batch.zip_file, f"certificates-{batch.edition_id}-{batch.pk}.zip", File(spool))
        batch.state = BatchState.FINISHED
        batch.finished_at = timezone.now()
        batch.save()
        audit_record(actor=None, obj=batch, action="certificate.batch_finished", note=f"{batch.done}/{batch.total}")


# --- Selectors --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verification:
    state: str  # "valid", "revoked", "unknown" (no such number), "malformed" (typo: the check character fails)
    certificate: Certificate | None = None


def verify(text: str) -> Verification:
    number = normalise_number(text)
    if number is None:
        return Verification("malformed")
    certificate = (
        Certificate.objects.filter(number=number)
        .select_related("application__edition__programme", "application__unit", "application__level_decision__level")
        .first()
    )
    if certificate is None or not (certificate.is_ready or certificate.application.status not in CERTIFIED_STATUSES):
        return Verification("unknown")  # a number not issued, or not yet printed
    return Verification("valid" if is_valid(certificate) else "revoked", certificate)


def certificate_of(application) -> Certificate | None:
    """The downloadable certificate of an application (valid and built), or None."""
    if application.status not in CERTIFIED_STATUSES:
        return None
    certificate = Certificate.objects.filter(application=application).first()
    return certificate if certificate is not None and certificate.is_ready else None


def certificates_for(**scope) -> list[Certificate]:
    """Valid, built certificates of the applications in `scope` (e.g. `application__unit=unit`), one query."""
    return list(
        Certificate.objects.filter(application__status__in=CERTIFIED_STATUSES, error="", **scope)
        .exclude(file="")
        .select_related("application__edition", "application__group", "application__unit")
        .order_by("-application__edition__year", "number")[:100]
    )


def latest_batch(edition) -> CertificateBatch | None:
    return CertificateBatch.objects.filter(edition=edition).first()


def zip_bytes_names(data: bytes) -> list[str]:
    return zipfile.ZipFile(io.BytesIO(data)).namelist()
