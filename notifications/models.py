from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from applications.enums import Action
from core.models import TimeStampedModel

from .enums import Language


class MailTemplate(TimeStampedModel):
    """A programme's own wording of the notice sent for one move of its applications (both languages).

    Without a row, the defaults in notifications/defaults.py are used. Texts are plain, with {placeholders}.
    """

    programme = models.ForeignKey(
        "awards.Programme", on_delete=models.CASCADE, related_name="mail_templates", verbose_name=_("programme")
    )
    event = models.CharField(_("event"), max_length=40, choices=Action.choices)
    subject_zh = models.CharField(_("subject (Chinese)"), max_length=200)
    body_zh = models.TextField(_("body (Chinese)"))
    subject_en = models.CharField(_("subject (English)"), max_length=200)
    body_en = models.TextField(_("body (English)"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last changed by"),
    )

    class Meta:
        verbose_name = _("mail template")
        verbose_name_plural = _("mail templates")
        ordering = ["programme", "event"]
        constraints = [models.UniqueConstraint(fields=["programme", "event"], name="mailtemplate_one_per_event")]

    def __str__(self):
        return f"{self.programme} · {self.get_event_display()}"


class PortalMessage(models.Model):
    """A notice in a person's portal inbox; the same text is mailed to them once (see tasks.py)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portal_messages", verbose_name=_("recipient")
    )
    application = models.ForeignKey(
        "applications.Application",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("application"),
    )
    # The timeline entry this message tells about: one message per entry and person, however often the hook runs.
    application_event = models.ForeignKey(
        "applications.ApplicationEvent",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("timeline entry"),
    )
    event = models.CharField(_("event"), max_length=40)
    language = models.CharField(_("language"), max_length=10, choices=Language.choices)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    mailed_at = models.DateTimeField(_("mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("portal message")
        verbose_name_plural = _("portal messages")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "-created_at"]), models.Index(fields=["recipient", "read_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["application_event", "recipient"], name="portalmessage_one_per_event_and_recipient"
            )
        ]

    def __str__(self):
        return self.subject

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class LanguagePreference(models.Model):
    """The language a person wants their notices in (Chinese when they never chose)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_language", verbose_name=_("user")
    )
    language = models.CharField(_("language of notices"), max_length=10, choices=Language.choices)

    class Meta:
        verbose_name = _("notice language")
        verbose_name_plural = _("notice languages")

    def __str__(self):
        return f"{self.user} · {self.language}"


class Reminder(models.Model):
    """One reminder sent before a deadline, recorded so that a restarted beat or worker never sends it again.

    `key` names what it was about and for whom, e.g. "draft:42:1d" or "unit:7:15:3d"."""

    key = models.CharField(_("reminder"), max_length=120, unique=True)
    recipients = models.PositiveSmallIntegerField(_("recipients"), default=0)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("deadline reminder")
        verbose_name_plural = _("deadline reminders")
        ordering = ["-sent_at"]

    def __str__(self):
        return self.key
