import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel

from .enums import IN_PROGRESS, DocumentStatus

# What a failed build says when the cause is nothing the user or staff can name (the detail is in `error`).
GENERIC_FAILURE = _(
    "Something went wrong on the server while building it. Try again; if it fails again, tell the secretariat."
)


def document_upload_to(instance, filename):
    """documents/<kind>/<public_id>/<filename>: one folder per row, so a row's files never collide with another's."""
    return f"documents/{instance.kind}/{instance.public_id}/{filename}"


class Document(TimeStampedModel):
    """A generated file (PDF form, Excel table, certificate) of one kind for one owner object.

    One row per kind and owner: rebuilding replaces the file of the row, and `public_id` stays the same,
    so a verification link printed on an earlier copy keeps pointing at the current version.
    Only `documents.services` writes these rows.
    """

    kind = models.CharField(_("kind"), max_length=80, db_index=True)
    owner_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, verbose_name=_("owner type"))
    owner_id = models.CharField(_("owner id"), max_length=64)
    owner = GenericForeignKey("owner_type", "owner_id")
    status = models.CharField(
        _("status"), max_length=20, choices=DocumentStatus.choices, default=DocumentStatus.PENDING, db_index=True
    )
    file = models.FileField(_("file"), upload_to=document_upload_to, max_length=255, blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    mime_type = models.CharField(_("content type"), max_length=120, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)
    checksum = models.CharField(_("SHA-256 checksum"), max_length=64, blank=True)
    source_version = models.CharField(
        _("source version"),
        max_length=100,
        blank=True,
        help_text=_("The version of the owner object the current file was built from."),
    )
    error = models.TextField(_("error"), blank=True)
    built_at = models.DateTimeField(_("built at"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    public_id = models.UUIDField(_("public id"), unique=True, default=uuid.uuid4, editable=False)
    # The claim of the build in progress (documents.services.document_build): which attempt holds it and when its
    # worker last showed it is alive. A delivery that finds a live claim waits; a dead one is taken over.
    build_token = models.UUIDField(_("build claim"), null=True, blank=True, editable=False)
    heartbeat_at = models.DateTimeField(_("last sign of the build"), null=True, blank=True)
    build_attempts = models.PositiveIntegerField(
        _("build attempts"), default=0, help_text=_("How many times a worker has started building this document.")
    )

    class Meta:
        verbose_name = _("generated document")
        verbose_name_plural = _("generated documents")
        ordering = ["kind", "-updated_at"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "owner_type", "owner_id"], name="document_one_per_kind_and_owner"),
        ]
        indexes = [models.Index(fields=["owner_type", "owner_id"], name="document_owner_idx")]

    def __str__(self):
        return f"{self.kind} #{self.owner_id}"

    @property
    def is_ready(self):
        return self.status == DocumentStatus.READY and bool(self.file)

    @property
    def in_progress(self):
        return self.status in IN_PROGRESS

    @property
    def failure_message(self) -> str:
        """What a failed build tells the person who asked for it. `error` keeps the technical detail for staff
        (admin, audit log); pages never show it."""
        from .fonts import MissingFontError

        if self.error.startswith(MissingFontError.__name__):
            return str(MissingFontError.user_message)
        return str(GENERIC_FAILURE)
