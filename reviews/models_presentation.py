"""发表赛: a presentation round (a `ReviewRound` of kind PRESENTATION) holds sessions; a session holds the running
order (slots) and its judges. Judges score through the round's assignments and score sheets, so results aggregate
like a document round's."""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Expert
from applications.models import Application
from awards.models import Category
from core.models import TimeStampedModel

from .enums import SessionState

__all__ = ["PresentationSession", "SessionSlot"]


class PresentationSession(TimeStampedModel):
    """A sitting of the presentation competition: one category, a venue or an online meeting, judges, an order."""

    round = models.ForeignKey(
        "reviews.ReviewRound", on_delete=models.CASCADE, related_name="sessions", verbose_name=_("round")
    )
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+", verbose_name=_("category"))
    name = models.CharField(_("name"), max_length=120)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    meeting_link = models.URLField(_("online meeting link"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    slot_minutes = models.PositiveSmallIntegerField(
        _("minutes per presentation"), default=15, validators=[MinValueValidator(1), MaxValueValidator(240)]
    )
    instructions = models.TextField(_("instructions for the groups"), blank=True)
    upload_deadline = models.DateTimeField(_("presentation file due"), null=True, blank=True)
    judges = models.ManyToManyField(Expert, related_name="presentation_sessions", blank=True, verbose_name=_("judges"))
    state = models.CharField(_("state"), max_length=10, choices=SessionState.choices, default=SessionState.OPEN)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("presentation session")
        verbose_name_plural = _("presentation sessions")
        ordering = ["round", "starts_at", "id"]

    def __str__(self):
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.state == SessionState.CLOSED


def presentation_path(instance, filename):
    return f"presentations/{instance.round_id}/{instance.application_id}/{instance.file_sha256[:16]}"


class SessionSlot(models.Model):
    """An application's place in a session's running order (one per round)."""

    round = models.ForeignKey("reviews.ReviewRound", on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(
        PresentationSession, on_delete=models.CASCADE, related_name="slots", verbose_name=_("session")
    )
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="presentation_slots", verbose_name=_("application")
    )
    position = models.PositiveSmallIntegerField(_("order"))
    file = models.FileField(_("presentation file"), upload_to=presentation_path, max_length=300, blank=True)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    file_type = models.CharField(_("file type"), max_length=120, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    file_uploaded_at = models.DateTimeField(_("file uploaded at"), null=True, blank=True)
    notified_at = models.DateTimeField(_("group told at"), null=True, blank=True)

    class Meta:
        verbose_name = _("presentation slot")
        verbose_name_plural = _("presentation slots")
        ordering = ["session", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "application"], name="session_slot_once_per_round")]

    def __str__(self):
        return f"{self.session} #{self.position} · {self.application_id}"

    @property
    def starts_at(self):
        return self.session.starts_at + datetime.timedelta(minutes=self.session.slot_minutes * (self.position - 1))

    @property
    def ends_at(self):
        return self.starts_at + datetime.timedelta(minutes=self.session.slot_minutes)
