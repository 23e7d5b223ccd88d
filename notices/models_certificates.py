"""获奖证书: the certificate template staff edit, one certificate per certified application, and the batches that
build them (imported at the end of notices/models.py).

A certificate's validity is not stored: it is valid while its application is in `workflow.CERTIFIED_STATUSES`, so a
revoked award voids the printed number at once. `number` never changes once issued; rebuilding (a new template
version) replaces only the file.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel


class CertificateTemplate(TimeStampedModel):
    """The layout of an edition's certificates, or a programme's default that an edition's own template overrides."""

    programme = models.OneToOneField(
        "awards.Programme",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="certificate_template",
    )
    edition = models.OneToOneField(
        "awards.Edition",
        verbose_name=_("edition"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="certificate_template",
    )
    title = models.CharField(_("title"), max_length=100)
    body = models.TextField(_("body"), help_text=_("Placeholders in braces, e.g. {group} {topic} {level}."))
    signer = models.CharField(_("signed by"), max_length=100, blank=True)
    signature = models.FileField(_("signature image"), upload_to="certificates/images/", blank=True)
    seal = models.FileField(_("seal image"), upload_to="certificates/images/", blank=True)
    background = models.FileField(_("background image"), upload_to="certificates/images/", blank=True)
    # Bumped on every save: a certificate built from an older version is rebuilt by the next batch.
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("certificate template")
        verbose_name_plural = _("certificate templates")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(programme__isnull=True, edition__isnull=False)
                | models.Q(programme__isnull=False, edition__isnull=True),
                name="certificate_template_one_owner",
            )
        ]

    def __str__(self):
        return self.title

    @property
    def version_key(self) -> str:
        return f"{self.pk}.{self.version}"


class Certificate(TimeStampedModel):
    application = models.OneToOneField(
        "applications.Application",
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="certificate",
    )
    number = models.CharField(_("verification number"), max_length=19, unique=True)
    file = models.FileField(_("file"), upload_to="certificates/%Y/", max_length=255, blank=True)
    # The template version the current file (or the failed attempt) was built from; a batch skips a match.
    template_version = models.CharField(_("template version"), max_length=40, blank=True)
    error = models.TextField(_("error"), blank=True)
    built_at = models.DateTimeField(_("built at"), null=True, blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["number"]

    def __str__(self):
        return self.number

    @property
    def is_ready(self) -> bool:
        return bool(self.file) and not self.error


class BatchState(models.TextChoices):
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Finished")
    FAILED = "failed", _("Failed")


class CertificateBatch(TimeStampedModel):
    edition = models.ForeignKey(
        "awards.Edition", verbose_name=_("edition"), on_delete=models.CASCADE, related_name="certificate_batches"
    )
    template_version = models.CharField(_("template version"), max_length=40)
    state = models.CharField(_("state"), max_length=20, choices=BatchState.choices, default=BatchState.RUNNING)
    total = models.PositiveIntegerField(_("total"), default=0)
    done = models.PositiveIntegerField(_("done"), default=0)
    failed = models.PositiveIntegerField(_("failed"), default=0)
    zip_file = models.FileField(_("ZIP file"), upload_to="certificates/batches/", max_length=255, blank=True)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # Touched by every chunk: a running batch whose heartbeat is old lost its worker and may be resumed.
    heartbeat_at = models.DateTimeField(_("last progress"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("started by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("certificate batch")
        verbose_name_plural = _("certificate batches")
        ordering = ["-started_at", "-pk"]

    def __str__(self):
        return f"{self.edition} #{self.pk}"

    @property
    def is_running(self) -> bool:
        return self.state == BatchState.RUNNING

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, (self.done + self.failed) * 100 // self.total)
