from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import QCGroup, Unit
from awards.models import AttachmentRequirement, Category, Edition
from core.models import TimeStampedModel

from .enums import TRANSITIONS, Action, Status, action_label, status_choices, status_label, status_sets

# Timeline entries that are not transitions.
EVENT_LABELS = {
    "create": _("Created"),
    "deadline_extended": _("Deadline extended for this application"),
}


class Application(TimeStampedModel):
    """成果 / 申报: an entry into an edition, by a QC group (through its unit) or by a unit or consortium."""

    edition = models.ForeignKey(
        Edition, on_delete=models.PROTECT, related_name="applications", verbose_name=_("edition")
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="applications", verbose_name=_("category")
    )
    subtype = models.ForeignKey(
        Category, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("sub-type")
    )
    title = models.CharField(_("topic"), max_length=200)
    group = models.ForeignKey(
        QCGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("QC group"),
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="applications", verbose_name=_("unit"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    status = models.CharField(_("status"), max_length=30, choices=status_choices, default=Status.DRAFT, db_index=True)
    number = models.CharField(_("application number"), max_length=30, null=True, blank=True, unique=True)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # Set by the first submission and never cleared: the unit and everyone above the applicant see an application
    # only once it was submitted (a draft withdrawn before submission stays the applicant's own).
    first_submitted_at = models.DateTimeField(_("first submitted at"), null=True, blank=True)
    deadline_extended_until = models.DateTimeField(_("deadline extended until"), null=True, blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True)
    similar_topics = models.JSONField(_("similar earlier topics"), default=list, blank=True)
    # Optimistic concurrency: each save bumps it; a form carrying an older revision is refused, input kept.
    revision = models.PositiveIntegerField(_("revision"), default=1)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["edition", "status"]), models.Index(fields=["unit", "status"])]

    def __str__(self):
        return f"{self.number or _('(draft)')} {self.title}"

    def get_status_display(self):
        # Django's own would rebuild and flatten the callable choices for every call (every row of every list).
        return status_label(self.status)

    @property
    def level(self):
        return status_sets().level_of[self.status]

    @property
    def applicant_name(self):
        return self.group.name if self.group_id else self.unit.name

    # A return's reason is shown while the application is where the return sent it (the reason stays on a
    # withdrawn application, which is no longer "returned"). The states come from the transition table.
    @property
    def is_returned_to_applicant(self) -> bool:
        return self.status == TRANSITIONS[Action.UNIT_RETURN][1]

    @property
    def is_returned_to_unit(self) -> bool:
        return self.status == TRANSITIONS[Action.RECOMMENDER_RETURN][1]


class ApplicationEvent(models.Model):
    """One step on an application's timeline: the move, who, when and the note."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="events", verbose_name=_("application")
    )
    action = models.CharField(_("action"), max_length=40)
    from_status = models.CharField(_("from"), max_length=30, blank=True)
    to_status = models.CharField(_("to"), max_length=30, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.application_id} {self.action}"

    @property
    def label(self) -> str:
        """What happened, as people read it: the transition's name, or one of the other recorded events."""
        if self.action in TRANSITIONS:
            return str(action_label(self.action))
        return str(EVENT_LABELS.get(self.action, self.action))

    @property
    def changes_status(self) -> bool:
        """A move to another state (not a save, an upload or an extension, which keep the state)."""
        return bool(self.to_status) and self.from_status != self.to_status

    def get_from_status_display(self):
        return status_label(self.from_status)

    def get_to_status_display(self):
        return status_label(self.to_status)


def attachment_path(instance, filename):
    return f"applications/{instance.application_id}/{instance.requirement.code}/{instance.sha256[:16]}"


class Attachment(models.Model):
    """附件: one uploaded file. Replacing a file keeps the old row (is_current=False) as history."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("application")
    )
    requirement = models.ForeignKey(
        AttachmentRequirement, on_delete=models.PROTECT, related_name="+", verbose_name=_("attachment")
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    mime_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("uploaded by")
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    is_current = models.BooleanField(_("current"), default=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["requirement__position", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "requirement"],
                condition=Q(is_current=True),
                name="attachment_one_current_per_requirement",
            ),
        ]

    def __str__(self):
        return self.original_name


class CoApplicant(models.Model):
    """A further unit of a consortium (tackling projects, benchmarks), with its contact person."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="co_applicants", verbose_name=_("application")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("registered unit")
    )
    organisation_name = models.CharField(_("organisation"), max_length=150)
    role = models.CharField(_("role in the consortium"), max_length=60, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=60)
    contact_phone = models.CharField(_("contact phone"), max_length=30)
    contact_email = models.EmailField(_("contact email"), blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("co-applicant")
        verbose_name_plural = _("co-applicants")
        ordering = ["position", "id"]

    def __str__(self):
        return self.organisation_name


class NumberSequence(models.Model):
    """The last application number given in an edition (a programme and year). Numbers are never reused."""

    edition = models.OneToOneField(
        Edition, on_delete=models.CASCADE, related_name="number_sequence", verbose_name=_("edition")
    )
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")

    def __str__(self):
        return f"{self.edition} #{self.last_number}"
