"""Every write to notices: keyword-only, atomic, audited; each bumps the public cache's version after commit."""

import hashlib

import nh3
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.audit import audit_record, created, diff, snapshot
from core.exceptions import BusinessRuleError
from core.files import (
    DOCX,
    PDF,
    XLSX,
    atomic_with_files,
    clean_filename,
    delete_replaced_file_after_commit,
    save_file,
    validate_file,
)

from . import cache
from .enums import NoticeState
from .models import Notice, NoticeAttachment

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "u", "ol", "ul", "li", "h2", "h3", "h4", "blockquote",
    "table", "thead", "tbody", "tr", "th", "td", "a",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}
ATTACHMENT_TYPES = [PDF, DOCX, XLSX, "image/jpeg", "image/png"]
ATTACHMENT_MAX_MB = 20
EDIT_FIELDS = ("programme", "title", "body", "pinned")


def sanitise_html(html: str) -> str:
    """The editor's HTML reduced to the allow-list: no scripts, styles, event handlers or non-web links.

    `<script>`/`<style>` are dropped with their content; links get rel="noopener noreferrer"."""
    return nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="noopener noreferrer",
        clean_content_tags={"script", "style"},
        strip_comments=True,
    ).strip()


def _locked(notice: Notice) -> Notice:
    return Notice.objects.select_for_update().get(pk=notice.pk)


@transaction.atomic
def notice_create(*, actor, title: str, body: str, programme=None, pinned: bool = False) -> Notice:
    """A draft notice with its body sanitised. Audited `notice.created`."""
    notice = Notice(programme=programme, title=title, body=sanitise_html(body), pinned=pinned, author=actor)
    notice.full_clean()
    notice.save()
    audit_record(actor=actor, obj=notice, action="notice.created", changes=created(notice, EDIT_FIELDS))
    cache.bump_after_commit()
    return notice


@transaction.atomic
def notice_update(*, actor, notice: Notice, title: str, body: str, programme=None, pinned: bool = False) -> Notice:
    """Change the text (sanitised), programme and pin. Locks the notice; a no-op writes nothing."""
    notice = _locked(notice)
    before = snapshot(notice, EDIT_FIELDS)
    notice.title, notice.body, notice.programme, notice.pinned = title, sanitise_html(body), programme, pinned
    changes = diff(before, notice)
    if not changes:
        return notice
    notice.full_clean()
    notice.save()
    audit_record(actor=actor, obj=notice, action="notice.changed", changes=changes)
    cache.bump_after_commit()
    return notice


@transaction.atomic
def notice_publish(*, actor, notice: Notice, publish_at=None) -> Notice:
    """Publish now, or at `publish_at` (a scheduled notice becomes visible at that minute by itself).

    Locks the notice; audited `notice.published` with the old and new state and time."""
    notice = _locked(notice)
    when = (publish_at or timezone.now()).replace(second=0, microsecond=0)
    before = snapshot(notice, ("state", "publish_at"))
    notice.state, notice.publish_at = NoticeState.PUBLISHED, when
    changes = diff(before, notice)
    if not changes:
        return notice
    notice.save(update_fields=["state", "publish_at", "updated_at"])
    audit_record(actor=actor, obj=notice, action="notice.published", changes=changes)
    cache.bump_after_commit()
    return notice


@transaction.atomic
def notice_withdraw(*, actor, notice: Notice) -> Notice:
    """Take a published or scheduled notice off the public site. Locks the notice; audited `notice.withdrawn`."""
    notice = _locked(notice)
    if notice.state != NoticeState.PUBLISHED:
        raise BusinessRuleError(_("Only a published or scheduled notice can be withdrawn."), code="state")
    notice.state = NoticeState.WITHDRAWN
    notice.save(update_fields=["state", "updated_at"])
    audit_record(
        actor=actor, obj=notice, action="notice.withdrawn", changes={"state": [NoticeState.PUBLISHED, notice.state]}
    )
    cache.bump_after_commit()
    return notice


@atomic_with_files()
def notice_attachment_add(*, actor, notice: Notice, uploaded_file) -> NoticeAttachment:
    """Store an attachment after the content checks every upload passes (type by content, size, active content).
    Locks the notice; audited `notice.attachment_added` on the notice."""
    notice = _locked(notice)
    data = uploaded_file.read()
    mime = validate_file(data=data, allowed_types=ATTACHMENT_TYPES, max_mb=ATTACHMENT_MAX_MB, label=_("Attachment"))
    digest = hashlib.sha256(data).hexdigest()
    attachment = NoticeAttachment(
        notice=notice,
        file_name=clean_filename(getattr(uploaded_file, "name", "") or "attachment"),
        file_type=mime,
        file_sha256=digest,
        size=len(data),
    )
    save_file(attachment.file, digest, ContentFile(data))
    attachment.save()
    audit_record(
        actor=actor, obj=notice, action="notice.attachment_added", changes={"attachment": [None, attachment.file_name]}
    )
    cache.bump_after_commit()
    return attachment


@transaction.atomic
def notice_attachment_remove(*, actor, attachment: NoticeAttachment) -> None:
    """Delete an attachment and, after commit, its stored file. Locks the notice; audited on the notice."""
    notice = _locked(attachment.notice)
    name, file_name = attachment.file.name, attachment.file_name
    attachment.delete()
    delete_replaced_file_after_commit(NoticeAttachment, "file", name)
    audit_record(actor=actor, obj=notice, action="notice.attachment_removed", changes={"attachment": [file_name, None]})
    cache.bump_after_commit()
