"""Objects of the notice pages for the authorization matrix (tests/authz_matrix.yaml). Notices belong to the
secretariat: "own" is a published notice (public pages answer everyone), "other" a draft (the public gets 404;
staff manage both). Prefixed "nt_"."""

from notices.models import NoticeAttachment
from tests.authz_world import register_object
from tests.factories.applications import pdf_bytes
from tests.factories.notices import NoticeFactory, published_notice


def _attachment(notice):
    from django.core.files.base import ContentFile

    attachment = NoticeAttachment(
        notice=notice, file_name="附件.pdf", file_type="application/pdf", file_sha256="0" * 64, size=1
    )
    attachment.file.save("nt.pdf", ContentFile(pdf_bytes()), save=False)
    attachment.save()
    return attachment


@register_object("nt_notice")
def _nt_notice(world):
    return published_notice()


@register_object("nt_draft")
def _nt_draft(world):
    return NoticeFactory()


@register_object("nt_attachment")
def _nt_attachment(world):
    return _attachment(world.get("nt_notice"))


@register_object("nt_draft_attachment")
def _nt_draft_attachment(world):
    return _attachment(world.get("nt_draft"))
