"""公示 and 结果公布: an edition's results publicity (a window in working days), the objections (异议) filed in it,
staff's handling of them, the finalisation, and revocations of confirmed awards.

Objectors are members of the public: their name, mobile and email are personal data shown to staff only; the
public status page shows an objection's state and the written answer, found by tracking number + mobile.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel

__all__ = [
    "AwardRevocation",
    "Objection",
    "ObjectionFile",
    "ObjectionNote",
    "ObjectionRequest",
    "ResultsPublicity",
    "ObjectionState",
    "ObjectionEffect",
]


class ResultsPublicity(TimeStampedModel):
    """The publicity of one edition's released results: from `starts_at` for `working_days` working days to
    `ends_at` (computed, see notices.workdays); then the finalisation."""

    edition = models.OneToOneField(
        "awards.Edition", on_delete=models.CASCADE, related_name="results_publicity", verbose_name=_("edition")
    )
    starts_at = models.DateTimeField(_("starts at"))
    working_days = models.PositiveSmallIntegerField(_("working days"), default=7)
    ends_at = models.DateTimeField(_("ends at"))
    show_scores = models.BooleanField(_("show the scores"), default=False)
    notice = models.ForeignKey(
        "notices.Notice",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("linked notice"),
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("results publicity")
        verbose_name_plural = _("results publicities")
        constraints = [
            models.CheckConstraint(
                name="publicity_ends_after_start", condition=models.Q(ends_at__gt=models.F("starts_at"))
            )
        ]

    def __str__(self):
        return f"{self.edition} · 公示"

    @property
    def is_finalised(self) -> bool:
        return self.finalised_at is not None


class ObjectionState(models.TextChoices):
    RECEIVED = "received", _("Received")
    INVESTIGATING = "investigating", _("Under investigation")
    UPHELD = "upheld", _("Upheld")
    DISMISSED = "dismissed", _("Dismissed")


OPEN_OBJECTION_STATES = (ObjectionState.RECEIVED, ObjectionState.INVESTIGATING)


class ObjectionEffect(models.TextChoices):
    WITHDRAW = "withdraw", _("Withdraw the award")
    LOWER = "lower", _("Lower the level")


class Objection(TimeStampedModel):
    publicity = models.ForeignKey(
        ResultsPublicity, on_delete=models.CASCADE, related_name="objections", verbose_name=_("publicity")
    )
    application = models.ForeignKey(
        "applications.Application", on_delete=models.CASCADE, related_name="objections", verbose_name=_("application")
    )
    # Unpredictable (secrets), shown once to the objector; with the mobile it opens the status page.
    tracking_number = models.CharField(_("tracking number"), max_length=20, unique=True)
    real_name = models.CharField(_("real name"), max_length=60)
    mobile = models.CharField(_("mobile"), max_length=11)
    email = models.EmailField(_("email"), blank=True)
    reason = models.TextField(_("reason"))
    consent = models.BooleanField(_("consents to being contacted"))
    state = models.CharField(
        _("state"), max_length=20, choices=ObjectionState.choices, default=ObjectionState.RECEIVED, db_index=True
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned to"),
    )
    effect = models.CharField(_("effect"), max_length=20, choices=ObjectionEffect.choices, blank=True)
    answer = models.TextField(_("answer to the objector"), blank=True)
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)
    concluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.tracking_number

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_OBJECTION_STATES


class ObjectionFile(models.Model):
    """Evidence the objector filed, or a file staff attached to a note (`note` set)."""

    objection = models.ForeignKey(Objection, on_delete=models.CASCADE, related_name="files")
    note = models.ForeignKey("ObjectionNote", on_delete=models.CASCADE, null=True, blank=True, related_name="files")
    file = models.FileField(_("file"), upload_to="objections/%Y/")
    file_name = models.CharField(_("file name"), max_length=200)
    file_type = models.CharField(_("file type"), max_length=120)
    file_sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField(_("size"), default=0)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.file_name


class ObjectionNote(models.Model):
    """Staff's investigation notes (staff only)."""

    objection = models.ForeignKey(Objection, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.objection_id} · {self.created_at:%Y-%m-%d}"


class ObjectionRequest(models.Model):
    """Staff ask the applicant (group) and its unit to answer the objection by a deadline; they answer on the
    application's page. The objector's identity is never shown to them."""

    objection = models.ForeignKey(Objection, on_delete=models.CASCADE, related_name="requests")
    question = models.TextField(_("question"))
    deadline = models.DateTimeField(_("answer by"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    response = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "pk"]

    def __str__(self):
        return f"{self.objection_id} · {self.deadline:%Y-%m-%d}"


class AwardRevocation(models.Model):
    """Why a confirmed award was revoked (fraud found); shown on the final results list."""

    application = models.OneToOneField(
        "applications.Application", on_delete=models.CASCADE, related_name="award_revocation"
    )
    reason = models.TextField(_("reason"))
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    revoked_at = models.DateTimeField(_("revoked at"), auto_now_add=True)

    def __str__(self):
        return f"{self.application_id} · revoked"
