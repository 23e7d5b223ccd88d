"""The association's review: formal review, the expert pool, declarations, conflicts, rounds, assignments, scores.

Every write goes through `reviews/services.py` (or the service module of its part); application statuses change only
through `applications.services.application_transition`.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Expert, Unit
from applications.models import Application
from awards.models import Category, Edition, Localized, Programme
from core.models import TimeStampedModel

from .enums import (
    Aggregation,
    AssignmentSource,
    AssignmentState,
    ConflictSource,
    FormalOutcome,
    PairRuleKind,
    RoundKind,
    RoundState,
    SheetState,
)

# --- Formal review (形式审查) ----------------------------------------------------------------------------------------


class ChecklistItem(Localized):
    """One point staff check in the formal review of an edition (configured per edition, defaults in `defaults`)."""

    edition = models.ForeignKey(
        Edition, on_delete=models.CASCADE, related_name="formal_checklist", verbose_name=_("edition")
    )
    code = models.SlugField(_("code"), max_length=40)
    label = models.CharField(_("check"), max_length=200)
    label_en = models.CharField(_("check in English"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("formal review check")
        verbose_name_plural = _("formal review checklist")
        ordering = ["edition", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["edition", "code"], name="checklist_item_unique_code")]

    def __str__(self):
        return self.localized("label")


class FormalReview(TimeStampedModel):
    """形式审查: staff's checklist and outcome for one application (one row, the latest decision; the application's
    timeline and the audit log keep the history)."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="formal_review", verbose_name=_("application")
    )
    # checklist item code -> True (fine) / False (a problem)
    checks = models.JSONField(_("checklist"), default=dict, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=FormalOutcome.choices, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    # For 完善后参评: the checklist codes the group must correct, and by when.
    correction_items = models.JSONField(_("items to correct"), default=list, blank=True)
    correction_deadline = models.DateTimeField(_("correction deadline"), null=True, blank=True)
    corrected_at = models.DateTimeField(_("corrected at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # For 缓评: the edition it was carried over from (set on the carried-over application's review).
    carried_from = models.ForeignKey(
        Edition, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("carried over from")
    )

    class Meta:
        verbose_name = _("formal review")
        verbose_name_plural = _("formal reviews")

    def __str__(self):
        return f"{self.application} · {self.get_outcome_display() or '—'}"


# --- Experts -----------------------------------------------------------------------------------------------------


class PoolEntry(TimeStampedModel):
    """An expert in a programme's pool: what they may judge, where they work, how much they take per round."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="expert_pool", verbose_name=_("programme")
    )
    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="pool_entries", verbose_name=_("expert"))
    # Category codes (Category.code, stable across editions) the expert may judge; empty = none.
    categories = models.JSONField(_("categories"), default=list, blank=True)
    fields = models.CharField(_("fields of expertise"), max_length=200, blank=True)
    # The employer when it is a unit of the portal (its recommender follows): conflicts are found from it.
    employer = models.ForeignKey(
        Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("employer (unit)")
    )
    max_load = models.PositiveSmallIntegerField(
        _("maximum applications per round"), default=20, validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    available_from = models.DateField(_("available from"), null=True, blank=True)
    available_until = models.DateField(_("available until"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("pool expert")
        verbose_name_plural = _("expert pool")
        ordering = ["programme", "expert__user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "expert"], name="pool_entry_unique"),
            models.CheckConstraint(
                name="pool_entry_dates_ordered",
                condition=Q(available_from__isnull=True)
                | Q(available_until__isnull=True)
                | Q(available_from__lte=models.F("available_until")),
            ),
        ]

    def __str__(self):
        return f"{self.expert} · {self.programme}"


class DeclarationText(TimeStampedModel):
    """The impartiality and confidentiality declaration of a programme; every edit is a new version."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="declaration_texts", verbose_name=_("programme")
    )
    version = models.PositiveIntegerField(_("version"))
    body = models.TextField(_("text"))
    body_en = models.TextField(_("text in English"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("declaration text")
        verbose_name_plural = _("declaration texts")
        ordering = ["programme", "-version"]
        constraints = [models.UniqueConstraint(fields=["programme", "version"], name="declaration_text_version")]

    def __str__(self):
        return f"{self.programme} v{self.version}"


# --- Rounds --------------------------------------------------------------------------------------------------------


class ReviewRound(TimeStampedModel):
    """A review round of an edition (材料文审 here): its dates, experts per application, blindness and rule."""

    edition = models.ForeignKey(
        Edition, on_delete=models.CASCADE, related_name="review_rounds", verbose_name=_("edition")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=RoundKind.choices, default=RoundKind.DOCUMENT)
    name = models.CharField(_("name"), max_length=120)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    experts_per_application = models.PositiveSmallIntegerField(
        _("experts per application"), default=3, choices=[(3, "3"), (5, "5")]
    )
    blind = models.BooleanField(_("blind"), default=True)
    aggregation = models.CharField(
        _("how scores combine"), max_length=20, choices=Aggregation.choices, default=Aggregation.TRIMMED_MEAN
    )
    trim_min_count = models.PositiveSmallIntegerField(
        _("drop highest and lowest from this many scores"),
        default=5,
        validators=[MinValueValidator(3), MaxValueValidator(20)],
    )
    outlier_points = models.DecimalField(
        _("flag a score this far from the others"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("15"),
        validators=[MinValueValidator(Decimal("1"))],
    )
    normalise = models.BooleanField(_("show z-score normalised results"), default=False)
    score_step = models.DecimalField(_("score step"), max_digits=3, decimal_places=1, default=Decimal("0.5"))
    state = models.CharField(_("state"), max_length=20, choices=RoundState.choices, default=RoundState.DRAFT)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Names or codes for experts in the summary of a blind round (staff choose at export time; this is the default).
    summary_shows_names = models.BooleanField(_("summary shows expert names"), default=False)

    class Meta:
        verbose_name = _("review round")
        verbose_name_plural = _("review rounds")
        ordering = ["edition", "opens_at", "id"]
        constraints = [
            models.CheckConstraint(name="round_dates_ordered", condition=Q(opens_at__lt=models.F("closes_at")))
        ]

    def __str__(self):
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.state == RoundState.CLOSED

    @property
    def scores_visible_to_experts(self) -> bool:
        return self.state in (RoundState.DISCUSSION, RoundState.CLOSED)


class RoundRubric(models.Model):
    """The rubric a round uses for one category, as a frozen version: items are copied in, and editing a version
    that has scores makes a new version (old sheets keep theirs)."""

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="rubrics", verbose_name=_("round"))
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+", verbose_name=_("category"))
    version = models.PositiveIntegerField(_("version"), default=1)
    # [{"code", "name", "name_en", "description", "max_points"}] in order; max_points as a string decimal.
    items = models.JSONField(_("items"), default=list)
    is_current = models.BooleanField(_("current"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("round rubric")
        verbose_name_plural = _("round rubrics")
        ordering = ["round", "category", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["round", "category", "version"], name="round_rubric_version"),
            models.UniqueConstraint(
                fields=["round", "category"], condition=Q(is_current=True), name="round_rubric_one_current"
            ),
        ]

    def __str__(self):
        return f"{self.round} · {self.category} v{self.version}"

    @property
    def total_points(self) -> Decimal:
        return sum((Decimal(str(item["max_points"])) for item in self.items), Decimal("0"))


class DeclarationSignature(models.Model):
    """An expert signed the programme's declaration (a given version) before first opening a round."""

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="signatures", verbose_name=_("round"))
    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="+", verbose_name=_("expert"))
    text = models.ForeignKey(DeclarationText, on_delete=models.PROTECT, related_name="+", verbose_name=_("text"))
    signed_at = models.DateTimeField(_("signed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("declaration signature")
        verbose_name_plural = _("declaration signatures")
        constraints = [models.UniqueConstraint(fields=["round", "expert"], name="declaration_signed_once")]

    def __str__(self):
        return f"{self.expert} · {self.round} · v{self.text.version}"


class Conflict(models.Model):
    """回避: an expert must not review an application (or any application of an organisation) in a round. Found
    automatically (`source` says why) or declared by the expert with a reason."""

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="conflicts", verbose_name=_("round"))
    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="+", verbose_name=_("expert"))
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("application")
    )
    # A declared conflict with a whole organisation: every application of this unit in the round.
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("organisation")
    )
    source = models.CharField(_("source"), max_length=30, choices=ConflictSource.choices)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("found at"), auto_now_add=True)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [
            models.CheckConstraint(
                name="conflict_names_application_or_unit",
                condition=Q(application__isnull=False, unit__isnull=True)
                | Q(application__isnull=True, unit__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["round", "expert", "application", "source"],
                condition=Q(application__isnull=False),
                name="conflict_unique_application",
            ),
            models.UniqueConstraint(
                fields=["round", "expert", "unit"], condition=Q(unit__isnull=False), name="conflict_unique_unit"
            ),
        ]

    def __str__(self):
        return f"{self.expert} ≠ {self.application or self.unit} ({self.get_source_display()})"


class PairRule(models.Model):
    """Staff pin (always assign) or forbid an expert–application pair in a round."""

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="pair_rules", verbose_name=_("round"))
    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="+", verbose_name=_("expert"))
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=PairRuleKind.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pinned or forbidden pair")
        verbose_name_plural = _("pinned or forbidden pairs")
        constraints = [models.UniqueConstraint(fields=["round", "expert", "application"], name="pair_rule_unique")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.expert} · {self.application}"


class Assignment(TimeStampedModel):
    """分配: an expert reviews an application in a round."""

    round = models.ForeignKey(
        ReviewRound, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("round")
    )
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="review_assignments", verbose_name=_("application")
    )
    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("expert"))
    source = models.CharField(_("source"), max_length=10, choices=AssignmentSource.choices)
    state = models.CharField(
        _("state"), max_length=20, choices=AssignmentState.choices, default=AssignmentState.OFFERED, db_index=True
    )
    reason = models.TextField(_("reason"), blank=True)  # why declined / removed
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    # The blind code of the application for this round's experts (e.g. "D-0007"), stable within the round.
    code = models.CharField(_("code"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["round", "application", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "application", "expert"], name="assignment_unique_pair")
        ]
        indexes = [models.Index(fields=["round", "expert", "state"])]

    def __str__(self):
        return f"{self.round} · {self.application_id} · {self.expert}"


class ScoreSheet(TimeStampedModel):
    """评分: one expert's scores for one application in one round, against a rubric version."""

    assignment = models.OneToOneField(
        Assignment, on_delete=models.CASCADE, related_name="sheet", verbose_name=_("assignment")
    )
    rubric = models.ForeignKey(RoundRubric, on_delete=models.PROTECT, related_name="sheets", verbose_name=_("rubric"))
    scores = models.JSONField(_("item scores"), default=dict, blank=True)  # item code -> "12.5"
    comments = models.JSONField(_("item comments"), default=dict, blank=True)  # item code -> text
    comment = models.TextField(_("overall comment"), blank=True)
    total = models.DecimalField(_("total"), max_digits=6, decimal_places=1, null=True, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=SheetState.choices, default=SheetState.DRAFT)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # Bumped on every save: a save from a stale page (another tab) is refused instead of overwriting.
    revision = models.PositiveIntegerField(_("revision"), default=0)

    class Meta:
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")

    def __str__(self):
        return f"{self.assignment} · {self.total}"


class RoundResult(models.Model):
    """An application's result in a closed round (the figures at closing; live figures come from `aggregation`)."""

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="results", verbose_name=_("round"))
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, null=True, blank=True)
    normalised = models.DecimalField(_("normalised score"), max_digits=6, decimal_places=2, null=True, blank=True)
    stdev = models.DecimalField(_("standard deviation"), max_digits=6, decimal_places=2, null=True, blank=True)
    sheet_count = models.PositiveSmallIntegerField(_("valid scores"), default=0)
    rank = models.PositiveIntegerField(_("rank in category"), null=True, blank=True)
    flags = models.JSONField(_("flags"), default=list, blank=True)

    class Meta:
        verbose_name = _("round result")
        verbose_name_plural = _("round results")
        constraints = [models.UniqueConstraint(fields=["round", "application"], name="round_result_unique")]

    def __str__(self):
        return f"{self.round} · {self.application_id} · {self.score}"


from .models_levels import *  # noqa: E402, F403
from .models_onsite import *  # noqa: E402, F403
from .models_panel import *  # noqa: E402, F403
from .models_presentation import *  # noqa: E402, F403
