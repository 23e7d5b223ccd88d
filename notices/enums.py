from django.db import models
from django.utils.translation import gettext_lazy as _


class NoticeState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


AUDIT_ACTIONS = {
    "notice.created": _("Notice created"),
    "notice.changed": _("Notice changed"),
    "notice.published": _("Notice published"),
    "notice.withdrawn": _("Notice withdrawn"),
    "notice.attachment_added": _("Notice attachment added"),
    "notice.attachment_removed": _("Notice attachment removed"),
}
AUDIT_ACTIONS |= {
    "national_package.requested": _("National recommendation package requested"),
    "national_package.built": _("National recommendation package built"),
    "case.consent_changed": _("Consent to share a case changed"),
    "case.published": _("Shared case published"),
    "case.unpublished": _("Shared case unpublished"),
}
