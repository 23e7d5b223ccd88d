"""Panels (评审组) of a round and their leaders (评审组长), and the panel's conclusion per application (合议)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Expert
from applications.models import Application
from awards.models import Category
from core.models import TimeStampedModel

__all__ = ["Panel", "PanelConclusion"]


class Panel(TimeStampedModel):
    """The experts of a round who judge one category (members are those with live assignments there), or, in a
    presentation round, the judges of one session (`session` set); staff may name one of them leader."""

    round = models.ForeignKey(
        "reviews.ReviewRound", on_delete=models.CASCADE, related_name="panels", verbose_name=_("round")
    )
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+", verbose_name=_("category"))
    # A presentation round judges per session: two sessions of one category are two panels with their own leader.
    session = models.ForeignKey(
        "reviews.PresentationSession",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="panels",
        verbose_name=_("session"),
    )
    leader = models.ForeignKey(
        Expert, on_delete=models.SET_NULL, null=True, blank=True, related_name="led_panels", verbose_name=_("leader")
    )

    class Meta:
        verbose_name = _("panel")
        verbose_name_plural = _("panels")
        ordering = ["round", "category__position", "category_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "category"], condition=models.Q(session__isnull=True), name="panel_unique_category"
            ),
            models.UniqueConstraint(
                fields=["session"], condition=models.Q(session__isnull=False), name="panel_unique_session"
            ),
        ]

    def __str__(self):
        if self.session_id:
            return f"{self.round} · {self.session}"
        return f"{self.round} · {self.category}"


class PanelConclusion(TimeStampedModel):
    """合议结论: the panel's agreed score for an application (the round's result ± an adjustment), with the reason
    when it differs, and a recommended level."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="conclusions", verbose_name=_("panel"))
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="+", verbose_name=_("application")
    )
    # The round's result when the conclusion was recorded, and what the panel agreed.
    round_score = models.DecimalField(_("round result"), max_digits=6, decimal_places=2, null=True, blank=True)
    agreed_score = models.DecimalField(_("agreed score"), max_digits=6, decimal_places=2, null=True, blank=True)
    reason = models.TextField(_("reason for the adjustment"), blank=True)
    # No edition defines award levels yet: the level is the panel's words until a levels configuration exists.
    recommended_level = models.CharField(_("recommended level"), max_length=40, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("recorded by")
    )

    class Meta:
        verbose_name = _("panel conclusion")
        verbose_name_plural = _("panel conclusions")
        constraints = [models.UniqueConstraint(fields=["panel", "application"], name="panel_conclusion_unique")]

    def __str__(self):
        return f"{self.panel} · {self.application_id} · {self.agreed_score}"

    @property
    def adjustment(self):
        if self.agreed_score is None or self.round_score is None:
            return None
        return self.agreed_score - self.round_score
