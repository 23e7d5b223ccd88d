from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Recommender
from applications.models import Application
from awards.models import Edition, Rubric
from core.models import TimeStampedModel

from .enums import Decision, EndorsementLevel, HandInKind


def scan_path(instance, filename):
    return f"endorsements/{instance.application_id}/{instance.level}/{instance.scan_sha256[:16]}"


class Endorsement(TimeStampedModel):
    """单位推荐 / 推荐单位推荐: the decision of one level (unit or recommender) on one application.

    One row per application and level, updated as the decision changes; the history is on the application's
    timeline and in the audit log.
    """

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="endorsements", verbose_name=_("application")
    )
    level = models.CharField(_("level"), max_length=20, choices=EndorsementLevel.choices)
    recommender = models.ForeignKey(
        Recommender,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recommending organisation"),
    )
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices, default=Decision.PENDING)
    opinion = models.TextField(_("recommendation opinion"), blank=True)
    rank = models.PositiveSmallIntegerField(_("rank in its category"), null=True, blank=True)
    # The scoring-and-recommendation form, printed, stamped (加盖公章) and scanned.
    scan = models.FileField(_("stamped scan"), upload_to=scan_path, blank=True, max_length=300)
    scan_name = models.CharField(_("scan file name"), max_length=200, blank=True)
    scan_mime = models.CharField(_("scan content type"), max_length=100, blank=True)
    scan_sha256 = models.CharField(_("scan SHA-256"), max_length=64, blank=True)
    # The scan must be of the form printed from the saved scores and opinion: the version (fingerprint) of the
    # generated form current when the scan was uploaded, and when that was. A later change of a score or of the
    # opinion changes the form's version, so the unit builds, stamps and scans a new form before endorsing.
    scan_form_version = models.CharField(_("version of the form the scan was made from"), max_length=100, blank=True)
    scan_uploaded_at = models.DateTimeField(_("scan uploaded at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("endorsement")
        verbose_name_plural = _("endorsements")
        constraints = [models.UniqueConstraint(fields=["application", "level"], name="endorsement_one_per_level")]

    def __str__(self):
        return f"{self.application} · {self.get_level_display()} · {self.get_decision_display()}"


class Evaluation(TimeStampedModel):
    """A score sheet against the edition's rubric: the unit's self-evaluation (自评, one per application) or one
    reviewer of a recommending organisation (one per reviewer and application)."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="evaluations", verbose_name=_("application")
    )
    level = models.CharField(_("level"), max_length=20, choices=EndorsementLevel.choices)
    recommender = models.ForeignKey(
        Recommender,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recommending organisation"),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("reviewer")
    )
    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, related_name="+", verbose_name=_("rubric"))
    scores = models.JSONField(_("item scores"), default=dict)
    total = models.DecimalField(_("total"), max_digits=6, decimal_places=1, default=0)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.UniqueConstraint(fields=["application", "level", "reviewer"], name="evaluation_one_per_reviewer"),
            models.UniqueConstraint(
                fields=["application"], condition=models.Q(level="unit"), name="evaluation_one_self_evaluation"
            ),
        ]

    def __str__(self):
        return f"{self.application} · {self.reviewer} · {self.total}"


class Dossier(TimeStampedModel):
    """What a recommending organisation hands in for one edition: tables, letter, summary, statistics."""

    recommender = models.ForeignKey(
        Recommender, on_delete=models.PROTECT, related_name="dossiers", verbose_name=_("recommending organisation")
    )
    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="dossiers", verbose_name=_("edition"))
    statistics = models.JSONField(_("activity statistics"), default=dict, blank=True)

    class Meta:
        verbose_name = _("recommender dossier")
        verbose_name_plural = _("recommender dossiers")
        constraints = [models.UniqueConstraint(fields=["recommender", "edition"], name="dossier_unique")]

    def __str__(self):
        return f"{self.recommender} · {self.edition}"


def handin_path(instance, filename):
    return f"handins/{instance.dossier_id}/{instance.kind}/{instance.sha256[:16]}"


class HandIn(models.Model):
    """One handed-in item of a dossier. Replacing it before the deadline keeps one row per kind."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="hand_ins", verbose_name=_("dossier"))
    kind = models.CharField(_("kind"), max_length=30, choices=HandInKind.choices)
    file = models.FileField(_("file"), upload_to=handin_path, max_length=300)
    file_name = models.CharField(_("file name"), max_length=200)
    mime_type = models.CharField(_("content type"), max_length=100)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    handed_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("handed in by")
    )
    handed_in_at = models.DateTimeField(_("handed in at"), auto_now=True)

    class Meta:
        verbose_name = _("hand-in")
        verbose_name_plural = _("hand-ins")
        constraints = [models.UniqueConstraint(fields=["dossier", "kind"], name="handin_one_per_kind")]

    def __str__(self):
        return f"{self.dossier} · {self.get_kind_display()}"


from .models_joint import CoRecommendation, CoRecommendationState  # noqa: E402, F401
