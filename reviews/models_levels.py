"""评定: how an edition's rounds combine into award levels, staff's staged decisions, the committee vote.

Nothing here is seen outside staff until `levels.scheme_release` moves the applications (awarded / not awarded).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from applications.models import Application
from awards.models import Category, Edition, Localized
from core.models import TimeStampedModel

from .models import ReviewRound

__all__ = ["AwardLevel", "AwardLevelRule", "CommitteeVote", "LevelDecision", "LevelScheme", "SchemeRound"]


class LevelScheme(TimeStampedModel):
    """The edition's combination rule: counted rounds and weights (`SchemeRound`), levels (`AwardLevel`), the
    tie-break the edition states, and an optional committee vote that must approve the list before release."""

    edition = models.OneToOneField(
        Edition, on_delete=models.CASCADE, related_name="level_scheme", verbose_name=_("edition")
    )
    # Round ids in the order their scores break ties on an equal weighted total; a tie left after them is shown.
    tie_break = models.JSONField(_("tie-break rounds"), default=list, blank=True)
    vote_required = models.BooleanField(_("committee vote required"), default=False)
    committee = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("committee members")
    )
    # Approval when yes-votes ≥ numerator / denominator of the members (e.g. 2/3).
    threshold_numerator = models.PositiveSmallIntegerField(
        _("threshold numerator"), default=2, validators=[MinValueValidator(1)]
    )
    threshold_denominator = models.PositiveSmallIntegerField(
        _("threshold denominator"), default=3, validators=[MinValueValidator(1)]
    )
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # SHA-256 of the released results (reviews.checksum), set at the release and by every audited change after it;
    # checked again before the publicity, the finalisation and the certificates. Empty: released before it existed.
    released_checksum = models.CharField(_("checksum of the released results"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("level scheme")
        verbose_name_plural = _("level schemes")
        constraints = [
            models.CheckConstraint(
                name="level_scheme_threshold_at_most_one",
                condition=Q(threshold_numerator__lte=models.F("threshold_denominator")),
            )
        ]

    def __str__(self):
        return f"{self.edition} · 评定"

    @property
    def is_released(self) -> bool:
        return self.released_at is not None

    @property
    def short_checksum(self) -> str:
        return self.released_checksum[:12]


class SchemeRound(models.Model):
    """A round that counts in the combined total, with its weight in percent (the weights sum to 100)."""

    scheme = models.ForeignKey(LevelScheme, on_delete=models.CASCADE, related_name="rounds", verbose_name=_("scheme"))
    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="+", verbose_name=_("round"))
    weight = models.PositiveSmallIntegerField(
        _("weight in percent"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )

    class Meta:
        verbose_name = _("counted round")
        verbose_name_plural = _("counted rounds")
        ordering = ["scheme", "round__opens_at", "round_id"]
        constraints = [models.UniqueConstraint(fields=["scheme", "round"], name="scheme_round_unique")]

    def __str__(self):
        return f"{self.round} × {self.weight}%"


class LevelLimits(models.Model):
    """A level's three limits within a category: a score band and quotas (a share and/or a count); empty = none."""

    min_score = models.DecimalField(
        _("minimum weighted total"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    max_share = models.DecimalField(
        _("at most this percentage of the category"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    max_count = models.PositiveIntegerField(_("at most this many per category"), null=True, blank=True)

    class Meta:
        abstract = True


class AwardLevel(Localized, LevelLimits):
    """等级: one level, best first. Within each category an application gets the best level whose minimum score it
    reaches (a band) and whose quota (a share of the category and/or a count) is not yet full."""

    scheme = models.ForeignKey(LevelScheme, on_delete=models.CASCADE, related_name="levels", verbose_name=_("scheme"))
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=40)
    name_en = models.CharField(_("name in English"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("award level")
        verbose_name_plural = _("award levels")
        ordering = ["scheme", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["scheme", "name"], name="award_level_unique_name")]

    def __str__(self):
        return self.localized("name")


class AwardLevelRule(LevelLimits):
    """A level's rule in one category, replacing the level's own three limits there (empty = no limit), so a
    category can have its own score band and quotas (e.g. a stricter 标杆级 band for 创新型)."""

    level = models.ForeignKey(AwardLevel, on_delete=models.CASCADE, related_name="rules", verbose_name=_("level"))
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+", verbose_name=_("category"))

    class Meta:
        verbose_name = _("level rule of a category")
        verbose_name_plural = _("level rules of categories")
        constraints = [models.UniqueConstraint(fields=["level", "category"], name="award_level_rule_unique")]

    def __str__(self):
        return f"{self.level} · {self.category}"


class LevelDecision(TimeStampedModel):
    """Staff's level for one application where it differs from the proposal (with the reason), and, after the
    release, the level the application was awarded (`released=True`; `level` None = not awarded)."""

    scheme = models.ForeignKey(
        LevelScheme, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("scheme")
    )
    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="level_decision", verbose_name=_("application")
    )
    level = models.ForeignKey(
        AwardLevel, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("level")
    )
    changed = models.BooleanField(_("changed by staff"), default=False)
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    released = models.BooleanField(_("released"), default=False)

    class Meta:
        verbose_name = _("level decision")
        verbose_name_plural = _("level decisions")
        constraints = [
            models.CheckConstraint(name="level_change_has_reason", condition=Q(changed=False) | ~Q(reason=""))
        ]

    def __str__(self):
        return f"{self.application_id} · {self.level or '—'}"


class CommitteeVote(models.Model):
    """One committee member's vote on the scheme's list (one per member: a database constraint)."""

    scheme = models.ForeignKey(LevelScheme, on_delete=models.CASCADE, related_name="votes", verbose_name=_("scheme"))
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    approve = models.BooleanField(_("approve"))
    cast_at = models.DateTimeField(_("cast at"), auto_now_add=True)

    class Meta:
        verbose_name = _("committee vote")
        verbose_name_plural = _("committee votes")
        constraints = [models.UniqueConstraint(fields=["scheme", "member"], name="committee_vote_once")]

    def __str__(self):
        return f"{self.member_id} · {'+' if self.approve else '−'}"
