"""通知公告: notices staff publish on the public site, with their attachments.

`body` holds HTML that `services.sanitise_html` has cleaned; nothing else writes it, so templates may mark it safe.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel

from .enums import NoticeState


class Notice(TimeStampedModel):
    programme = models.ForeignKey(
        "awards.Programme",
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notices",
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    pinned = models.BooleanField(_("pinned"), default=False)
    # Visible from this moment when published: a scheduled notice needs no job to appear.
    publish_at = models.DateTimeField(_("publish at"), null=True, blank=True, db_index=True)
    state = models.CharField(_("state"), max_length=20, choices=NoticeState.choices, default=NoticeState.DRAFT)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-pinned", "-publish_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state=NoticeState.PUBLISHED) | models.Q(publish_at__isnull=False),
                name="notice_published_has_time",
            )
        ]

    def __str__(self):
        return self.title

    @property
    def is_published(self) -> bool:
        """Published or scheduled: what `notice_withdraw` accepts."""
        return self.state == NoticeState.PUBLISHED


class NoticeAttachment(models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to="notices/%Y/")
    file_name = models.CharField(_("file name"), max_length=200)
    file_type = models.CharField(_("file type"), max_length=120)
    file_sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField(_("size"), default=0)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("notice attachment")
        verbose_name_plural = _("notice attachments")
        ordering = ["pk"]

    def __str__(self):
        return self.file_name


from .models_books import CaseShare, NationalPackage  # noqa: E402, F401
from .models_certificates import BatchState, Certificate, CertificateBatch, CertificateTemplate  # noqa: E402, F401
from .models_results import *  # noqa: E402, F403  (results publicity and objections)
