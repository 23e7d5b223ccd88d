"""联合推荐 (joint recommendation): further recommending organisations that recommend one application together with
the application's own recommender (the lead, `application.unit.recommender`).

The lead's deciders invite; the invited organisation's deciders confirm or decline. Only confirmed rows count as
joint recommenders (results, certificates, tables). A joint recommendation never uses the co-recommender's quota:
the domain (process.md, 产业质量攻关 "may recommend jointly") says nothing about it, so only the lead's counts.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Recommender
from applications.models import Application
from core.models import TimeStampedModel


class CoRecommendationState(models.TextChoices):
    INVITED = "invited", _("Invited")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")


# While invited or confirmed, the organisation may read the application (never other applications of the unit).
VISIBLE_STATES = (CoRecommendationState.INVITED, CoRecommendationState.CONFIRMED)


class CoRecommendation(TimeStampedModel):
    """One further recommending organisation invited to recommend an application jointly."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="co_recommendations", verbose_name=_("application")
    )
    recommender = models.ForeignKey(
        Recommender,
        on_delete=models.PROTECT,
        related_name="co_recommendations",
        verbose_name=_("joint recommending organisation"),
    )
    state = models.CharField(
        _("state"), max_length=20, choices=CoRecommendationState.choices, default=CoRecommendationState.INVITED
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("invited by")
    )
    invited_at = models.DateTimeField(_("invited at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("joint recommendation")
        verbose_name_plural = _("joint recommendations")
        ordering = ["invited_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["application", "recommender"], name="corecommendation_unique"),
        ]
        indexes = [models.Index(fields=["recommender", "state"])]

    def __str__(self):
        return f"{self.application} · {self.recommender} · {self.get_state_display()}"
