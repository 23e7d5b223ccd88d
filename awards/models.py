from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel

from . import defaults
from .enums import ApplicantKind, PhaseKind, ProgrammeKind, QuestionKind

# The language configurable texts are written in; `<field>_en` holds their optional English versions.
SOURCE_LANGUAGE = "zh-hans"


def english_active() -> bool:
    """Whether the active language is English (the configurable texts then show their English versions)."""
    return (get_language() or "").lower().split("-")[0] == "en"


class _Translations:
    """`obj.tr.label`: the field in the active language (see `Localized.localized`)."""

    def __init__(self, obj):
        self._obj = obj

    def __getattr__(self, name):
        return self._obj.localized(name)


class Localized(models.Model):
    """Configurable texts (names, labels, help texts) are entered in Chinese, with an optional English version in
    `<field>_en`: in English the English version is shown when there is one, else the Chinese text."""

    class Meta:
        abstract = True

    def localized(self, field: str):
        value = getattr(self, field)
        if english_active():
            english = getattr(self, f"{field}_en", None)
            if english:
                return english
        return value

    @property
    def tr(self):
        return _Translations(self)


class Programme(Localized, TimeStampedModel):
    """活动 / 奖项: an award programme that runs yearly editions."""

    code = models.SlugField(
        _("code"), max_length=10, unique=True, help_text=_("Prefix of application numbers, e.g. QC")
    )
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("name in English"), max_length=120, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=ProgrammeKind.choices)
    applicant_kind = models.CharField(_("who applies"), max_length=20, choices=ApplicantKind.choices)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["code"]

    def __str__(self):
        return self.localized("name")

    @property
    def accepts_co_applicants(self):
        return self.kind in (ProgrammeKind.TACKLING, ProgrammeKind.BENCHMARK)


class Edition(Localized, TimeStampedModel):
    """年度: one yearly run of a programme, with its schedule, questions, attachments, rules and quotas."""

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="editions", verbose_name=_("programme")
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title in English"), max_length=200, blank=True)
    notice = models.TextField(_("notice"), blank=True)
    notice_en = models.TextField(_("notice in English"), blank=True)
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("copied from")
    )
    # Eligibility rules, checked at submission.
    min_members = models.PositiveSmallIntegerField(_("minimum group members"), null=True, blank=True, default=3)
    max_members = models.PositiveSmallIntegerField(_("maximum group members"), null=True, blank=True, default=10)
    group_registered_before_window = models.BooleanField(
        _("group must be registered before the application window opens"), default=True
    )
    max_applications_per_group = models.PositiveSmallIntegerField(
        _("applications per group"), null=True, blank=True, default=1
    )
    max_applications_per_unit = models.PositiveSmallIntegerField(_("applications per unit"), null=True, blank=True)
    similarity_threshold = models.DecimalField(
        _("topic similarity that is flagged"),
        max_digits=3,
        decimal_places=2,
        default=0.8,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    # Quotas (used by endorsement and recommendation).
    unit_quota = models.PositiveSmallIntegerField(_("endorsements per unit"), null=True, blank=True)
    recommend_per_unit = models.PositiveSmallIntegerField(
        _("recommendations per unit"), null=True, blank=True, default=2
    )
    recommend_per_unit_category = models.PositiveSmallIntegerField(
        _("recommendations per unit and category type"), null=True, blank=True, default=1
    )
    statistics_fields = models.JSONField(
        _("activity statistics fields"),
        default=defaults.statistics_fields,
        blank=True,
        help_text=_("The figures each recommender reports: a list of {code, label, kind}"),
    )
    recommender_total_quota = models.PositiveSmallIntegerField(
        _("recommendations per recommender"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        ordering = ["-year", "programme__code"]
        constraints = [models.UniqueConstraint(fields=["programme", "year"], name="edition_unique_year")]

    def __str__(self):
        return self.localized("title")

    def phase(self, kind: str):
        """The phase of that kind, from the prefetched phases when available."""
        for phase in self.phases.all():
            if phase.kind == kind:
                return phase
        return None

    @property
    def application_phase(self):
        return self.phase(PhaseKind.APPLICATION)


class Phase(models.Model):
    """阶段: a dated step of an edition. Times are stored in UTC and shown in Asia/Shanghai."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="phases", verbose_name=_("edition"))
    kind = models.CharField(_("phase"), max_length=30, choices=PhaseKind.choices)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["starts_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "kind"], name="phase_unique_kind"),
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="phase_ends_after_start"),
        ]

    def __str__(self):
        return (
            f"{self.get_kind_display()} {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M} – "
            f"{timezone.localtime(self.ends_at):%Y-%m-%d %H:%M}"
        )

    def is_open(self, at=None) -> bool:
        at = at or timezone.now()
        return self.starts_at <= at < self.ends_at


class Rubric(Localized):
    """评分表: a scoring form with items, each bounded by its maximum points."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="rubrics", verbose_name=_("edition"))
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("name in English"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("rubric")
        verbose_name_plural = _("rubrics")
        ordering = ["id"]

    def __str__(self):
        return self.localized("name")

    @property
    def total_points(self):
        return sum(item.max_points for item in self.items.all())


class RubricItem(Localized):
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="items", verbose_name=_("rubric"))
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("item"), max_length=120)
    name_en = models.CharField(_("item in English"), max_length=120, blank=True)
    description = models.TextField(_("what is assessed"), blank=True)
    description_en = models.TextField(_("what is assessed, in English"), blank=True)
    max_points = models.DecimalField(
        _("maximum points"), max_digits=5, decimal_places=1, validators=[MinValueValidator(0)]
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("rubric item")
        verbose_name_plural = _("rubric items")
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["rubric", "code"], name="rubricitem_unique_code")]

    def __str__(self):
        return f"{self.localized('name')} ({self.max_points})"


class Category(Localized):
    """类别: a category of entries (问题解决型, 创新型, 制造 ...); sub-types hang under a parent category.

    Quotas "per category type" count top-level categories.
    """

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="categories", verbose_name=_("edition"))
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="subtypes",
        verbose_name=_("parent category"),
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=80)
    name_en = models.CharField(_("name in English"), max_length=80, blank=True)
    rubric = models.ForeignKey(
        Rubric, on_delete=models.SET_NULL, null=True, blank=True, related_name="categories", verbose_name=_("rubric")
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["edition", "code"], name="category_unique_code")]

    def __str__(self):
        name = self.localized("name")
        return f"{self.parent.localized('name')} · {name}" if self.parent_id else name


class Question(Localized):
    """A question of the application form: a base set every programme shares plus questions staff add.

    Its constraints are checked when a draft is saved and again at submission (`applications.answers`):
    `max_length` for texts, `min_value`/`max_value` for numbers, and `on_or_after` (the code of another date
    question) for a date that may not be earlier than that one, e.g. the end of an activity after its start.
    """

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="questions", verbose_name=_("edition"))
    code = models.SlugField(_("code"), max_length=40)
    label = models.CharField(_("question"), max_length=200)
    label_en = models.CharField(_("question in English"), max_length=200, blank=True)
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    help_text_en = models.CharField(_("help text in English"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=QuestionKind.choices)
    required = models.BooleanField(_("required"), default=True)
    choices = models.JSONField(_("choices"), default=list, blank=True, help_text=_("For choice questions: a list"))
    choices_en = models.JSONField(
        _("choices in English"),
        default=list,
        blank=True,
        help_text=_("The English names of the choices, in the same order (answers keep the Chinese ones)"),
    )
    max_length = models.PositiveIntegerField(
        _("maximum length"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    min_value = models.DecimalField(_("minimum"), max_digits=16, decimal_places=2, null=True, blank=True)
    max_value = models.DecimalField(_("maximum"), max_digits=16, decimal_places=2, null=True, blank=True)
    on_or_after = models.SlugField(
        _("not before the date of"),
        max_length=40,
        blank=True,
        help_text=_("For date questions: the code of another date question this date may not precede"),
    )
    is_base = models.BooleanField(_("part of the base set"), default=False)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="question_unique_code"),
            models.CheckConstraint(
                condition=Q(min_value__isnull=True) | Q(max_value__isnull=True) | Q(min_value__lte=F("max_value")),
                name="question_min_not_above_max",
            ),
        ]

    def __str__(self):
        return self.localized("label")

    def choice_labels(self) -> list[tuple[str, str]]:
        """(stored value, label in the active language) of each choice; the value is always the Chinese one."""
        english = list(self.choices_en or []) if english_active() else []
        english += [""] * (len(self.choices or []) - len(english))
        return [(value, english[i] or value) for i, value in enumerate(self.choices or [])]

    def choice_label(self, value) -> str:
        return dict(self.choice_labels()).get(value, value)

    def answer_display(self, value):
        """A stored answer as shown on the pages: a choice by its name in the active language."""
        if self.kind == QuestionKind.CHOICE and isinstance(value, str):
            return self.choice_label(value)
        return value


class AttachmentRequirement(Localized):
    """附件要求: a file the application must (or may) carry, with allowed content types and a size limit."""

    edition = models.ForeignKey(
        Edition, on_delete=models.CASCADE, related_name="attachment_requirements", verbose_name=_("edition")
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("name in English"), max_length=120, blank=True)
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    help_text_en = models.CharField(_("help text in English"), max_length=300, blank=True)
    required = models.BooleanField(_("required"), default=True)
    allowed_types = models.JSONField(
        _("allowed content types"), default=list, help_text=_("MIME types, e.g. application/pdf, image/jpeg, image/png")
    )
    max_size_mb = models.PositiveSmallIntegerField(_("maximum size (MB)"), default=20)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("attachment requirement")
        verbose_name_plural = _("attachment requirements")
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["edition", "code"], name="attachmentreq_unique_code")]

    def __str__(self):
        return self.localized("name")

    @property
    def max_size_bytes(self):
        return self.max_size_mb * 1024 * 1024
