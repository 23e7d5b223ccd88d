"""On-site review (现场评审): visits to an application's site, scheduled by staff, and the photos the panel takes.

The visit's panel is not stored here: it is the visit's live assignments (source `visit`) in the round, so the
panel scores through the ordinary score sheets and nothing can disagree with them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from applications.models import Application
from core.models import TimeStampedModel

__all__ = ["SiteVisit", "VisitPhoto"]


class SiteVisit(TimeStampedModel):
    """现场评审: one visit to an application's site in an on-site round."""

    round = models.ForeignKey(
        "reviews.ReviewRound", on_delete=models.CASCADE, related_name="site_visits", verbose_name=_("round")
    )
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="site_visits", verbose_name=_("application")
    )
    starts_at = models.DateTimeField(_("date and time"))
    address = models.CharField(_("address"), max_length=200)
    notes = models.TextField(_("notes for the panel"), blank=True)

    class Meta:
        verbose_name = _("on-site visit")
        verbose_name_plural = _("on-site visits")
        ordering = ["round", "starts_at", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "application"], name="site_visit_unique")]

    def __str__(self):
        return f"{self.application} · {self.starts_at:%Y-%m-%d %H:%M}"


def _photo_path(instance, filename):
    return f"visits/{instance.visit_id}/{filename}"


class VisitPhoto(models.Model):
    """A photo taken on site by a panel member or staff (checked by content; a small JPEG thumbnail beside it)."""

    visit = models.ForeignKey(SiteVisit, on_delete=models.CASCADE, related_name="photos", verbose_name=_("visit"))
    image = models.FileField(_("photo"), upload_to=_photo_path, max_length=200)
    thumbnail = models.FileField(_("thumbnail"), upload_to=_photo_path, max_length=200)
    content_type = models.CharField(_("content type"), max_length=60)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("taken by")
    )
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("on-site photo")
        verbose_name_plural = _("on-site photos")
        ordering = ["visit", "created_at", "id"]

    def __str__(self):
        return self.caption or f"{self.visit} · {self.pk}"
