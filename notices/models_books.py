"""Books and shares of an edition's results: the national-recommendation package (一批推荐材料的 ZIP) and the online
shares of outstanding cases (优秀案例在线分享). Imported at the end of notices/models.py."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from documents.enums import IN_PROGRESS, DocumentStatus


def package_upload_to(instance, filename):
    return f"national/{instance.edition_id}/{instance.pk}/{filename}"


class NationalPackage(TimeStampedModel):
    """One batch of the national recommendation: a ZIP of per-application ZIPs, built by one Celery job.

    Not a `documents.Document`: a Document's builder returns bytes, and a batch of scans can be larger than a
    worker's memory, so the job streams the ZIP to a temporary file and stores that (`notices.national`).
    """

    edition = models.ForeignKey(
        "awards.Edition", on_delete=models.CASCADE, related_name="national_packages", verbose_name=_("edition")
    )
    applications = models.ManyToManyField("applications.Application", related_name="+", verbose_name=_("applications"))
    status = models.CharField(
        _("status"), max_length=20, choices=DocumentStatus.choices, default=DocumentStatus.PENDING
    )
    file = models.FileField(_("file"), upload_to=package_upload_to, max_length=255, blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    built_at = models.DateTimeField(_("built at"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("national recommendation package")
        verbose_name_plural = _("national recommendation packages")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.filename or f"#{self.pk}"

    @property
    def is_ready(self) -> bool:
        return self.status == DocumentStatus.READY and bool(self.file)

    @property
    def in_progress(self) -> bool:
        return self.status in IN_PROGRESS


class CaseShare(TimeStampedModel):
    """The group's consent to share an award-confirmed application online, and staff's publication of it.

    The public page shows the summary only while `consent_summary` and `published` hold, and offers the report
    only when `consent_report` holds too. Withdrawing consent unpublishes at once (`notices.cases`).
    """

    application = models.OneToOneField(
        "applications.Application",
        on_delete=models.CASCADE,
        related_name="case_share",
        verbose_name=_("application"),
    )
    consent_summary = models.BooleanField(_("consent to share the summary"), default=False)
    consent_report = models.BooleanField(_("consent to share the report"), default=False)
    consented_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("consented by"),
    )
    consented_at = models.DateTimeField(_("consented at"), null=True, blank=True)
    published = models.BooleanField(_("published"), default=False)

    class Meta:
        verbose_name = _("shared case")
        verbose_name_plural = _("shared cases")
        ordering = ["-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(published=False) | models.Q(consent_summary=True),
                name="case_share_published_needs_consent",
            ),
            models.CheckConstraint(
                condition=models.Q(consent_report=False) | models.Q(consent_summary=True),
                name="case_share_report_needs_summary",
            ),
        ]

    def __str__(self):
        return f"{self.application_id}"
