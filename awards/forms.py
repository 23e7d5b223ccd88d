"""Forms of the programme and edition console: they validate; the services in awards.services save."""

import datetime
from zoneinfo import ZoneInfo

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import defaults
from .enums import PhaseKind, QuestionKind
from .models import AttachmentRequirement, Category, Edition, Phase, Programme, Question, Rubric, RubricItem
from .services import EDITION_RULE_FIELDS, PROGRAMME_FIELDS

# The file types staff may allow for an attachment, as (MIME type, label).
FILE_TYPES = [
    (defaults.PDF, "PDF"),
    ("image/jpeg", "JPG"),
    ("image/png", "PNG"),
    (defaults.WORD, "Word (.docx)"),
]
FILE_TYPE_LABELS = dict(FILE_TYPES)
MAX_ATTACHMENT_MB = 100
ENGLISH_HELP = _("Shown in English; leave empty to show the Chinese text.")


class StyledFormMixin:
    """Bootstrap classes on the widgets, and `is-invalid` on the fields that failed validation."""

    def style_widgets(self):
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select form-select-sm"
            else:
                css = "form-control form-control-sm"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


class LocalDateTimeField(forms.DateTimeField):
    """A `datetime-local` input read and shown on the association's wall clock (Asia/Shanghai), whatever time
    zone is active: staff type 12 July 22:00 and mean 22:00 in Beijing."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    @staticmethod
    def wall_clock():
        return ZoneInfo(settings.TIME_ZONE)

    def prepare_value(self, value):
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            return timezone.make_naive(value, self.wall_clock())
        return value

    def to_python(self, value):
        with timezone.override(self.wall_clock()):
            return super().to_python(value)


class LinesField(forms.CharField):
    """A list of strings entered one per line (blank lines are dropped)."""

    widget = forms.Textarea(attrs={"rows": 2})

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(str(v) for v in value)
        return value

    def to_python(self, value):
        text = super().to_python(value)
        return [line.strip() for line in text.splitlines() if line.strip()]

    def has_changed(self, initial, data):
        return list(initial or []) != self.to_python(data)


# --- Programmes ----------------------------------------------------------------------------------------------------


class ProgrammeForm(StyledFormMixin, forms.ModelForm):
    """A programme's settings. The code is stored in capitals; `code_locked` says it can no longer change."""

    code = forms.CharField(
        label=_("Code"),
        max_length=10,
        validators=[
            RegexValidator(r"^[A-Za-z0-9]+$", _("Use letters and digits only, e.g. QC: the code starts numbers."))
        ],
        help_text=_("Prefix of application numbers, e.g. QC gives QC-2026-0001."),
    )

    class Meta:
        model = Programme
        fields = list(PROGRAMME_FIELDS)
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "description_en": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {"name_en": ENGLISH_HELP, "description_en": ENGLISH_HELP}

    def __init__(self, *args, code_locked=False, **kwargs):
        super().__init__(*args, **kwargs)
        if code_locked:
            self.fields["code"].help_text = _(
                "Fixed: editions of this programme already have applications, and their numbers start with it."
            )
        self.style_widgets()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(
                Column("code", css_class="col-md-3"),
                Column("name", css_class="col-md-5"),
                Column("name_en", css_class="col-md-4"),
            ),
            Row(Column("kind", css_class="col-md-6"), Column("applicant_kind", css_class="col-md-6")),
            Row(Column("description", css_class="col-md-6"), Column("description_en", css_class="col-md-6")),
            "is_active",
        )

    def clean_code(self):
        code = self.cleaned_data["code"].upper()
        taken = Programme.objects.filter(code__iexact=code)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError(_("Another programme already uses the code %(code)s.") % {"code": code})
        return code


# --- Creating an edition -------------------------------------------------------------------------------------------


class EditionCreateForm(StyledFormMixin, forms.Form):
    source = forms.ModelChoiceField(
        label=_("Start from"),
        queryset=Edition.objects.none(),
        required=False,
        empty_label=_("The defaults of the programme (no earlier edition)"),
        help_text=_(
            "Copying keeps the rules, quotas, categories, rubrics, questions and required files, and moves the "
            "schedule by whole years (12 July 22:00 stays 12 July 22:00); adjust the dates afterwards."
        ),
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Leave empty for the default, e.g. “2026年上海市质量管理小组活动成果”."),
    )

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        editions = list(programme.editions.all())
        self.fields["source"].queryset = programme.editions.order_by("-year")
        if editions:
            latest = max(editions, key=lambda e: e.year)
            self.initial.setdefault("source", latest.pk)
            self.initial.setdefault("year", latest.year + 1)
        else:
            self.initial.setdefault("year", timezone.localdate().year)
        self.style_widgets()
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_year(self):
        year = self.cleaned_data["year"]
        if self.programme.editions.filter(year=year).exists():
            raise ValidationError(
                _("%(programme)s already has an edition for %(year)s.") % {"programme": self.programme, "year": year}
            )
        return year


# --- Rules and quotas ----------------------------------------------------------------------------------------------


def _columns(*names):
    """Up to four fields side by side on wide screens."""
    return Row(*(Column(name, css_class="col-md-3") for name in names))


class EditionRulesForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Edition
        fields = list(EDITION_RULE_FIELDS)
        widgets = {"notice": forms.Textarea(attrs={"rows": 6}), "notice_en": forms.Textarea(attrs={"rows": 6})}
        help_texts = {"title_en": ENGLISH_HELP, "notice_en": ENGLISH_HELP}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_widgets()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                _("Edition"),
                Row(Column("title", css_class="col-md-6"), Column("title_en", css_class="col-md-6")),
                Row(Column("notice", css_class="col-md-6"), Column("notice_en", css_class="col-md-6")),
            ),
            Fieldset(
                _("Eligibility rules (checked at submission)"),
                _columns("min_members", "max_members", "max_applications_per_group", "max_applications_per_unit"),
                _columns("similarity_threshold"),
                "group_registered_before_window",
            ),
            Fieldset(
                _("Quotas (empty = no limit)"),
                _columns("unit_quota", "recommend_per_unit", "recommend_per_unit_category", "recommender_total_quota"),
            ),
        )

    def clean(self):
        data = super().clean()
        low, high = data.get("min_members"), data.get("max_members")
        if low is not None and high is not None and low > high:
            self.add_error("max_members", _("The maximum cannot be smaller than the minimum (%(min)s).") % {"min": low})
        per_unit, per_category = data.get("recommend_per_unit"), data.get("recommend_per_unit_category")
        if per_unit is not None and per_category is not None and per_category > per_unit:
            self.add_error(
                "recommend_per_unit_category",
                _("Cannot exceed the recommendations per unit (%(n)s).") % {"n": per_unit},
            )
        return data


# --- Rows of an edition (formsets) ---------------------------------------------------------------------------------


class ConfigRowForm(StyledFormMixin, forms.ModelForm):
    """A row of a configuration formset. `columns` gives each field's width in the row's grid."""

    columns: dict[str, str] = {}

    def __init__(self, *args, edition=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.edition = edition
        self.style_widgets()


class ConfigFormSet(forms.BaseInlineFormSet):
    """An edition's rows; duplicate codes and phases get messages a person understands."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # New rows are proposed after the existing ones.
        if self.initial_extra is None and "position" in self.form.base_fields:
            last = max((row.position for row in self.get_queryset()), default=-1)
            self.initial_extra = [{"position": last + 1 + i} for i in range(self.extra)]

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Delete")
            form.fields["DELETE"].widget.attrs["class"] = "form-check-input"

    def get_unique_error_message(self, unique_check):
        if "kind" in unique_check:
            return _("Each phase may appear only once in the schedule.")
        if "code" in unique_check:
            return _("Each code may be used only once: change the repeated one.")
        return super().get_unique_error_message(unique_check)

    def get_form_error(self):
        return _("This row repeats another one.")

    def kept_forms(self):
        """The filled forms that are not marked for deletion (after validation)."""
        deleted = set(self.deleted_forms)
        return [f for f in self.forms if f not in deleted and f.cleaned_data and (f.instance.pk or f.has_changed())]


class PhaseForm(ConfigRowForm):
    starts_at = LocalDateTimeField(label=_("Starts (Beijing time)"))
    ends_at = LocalDateTimeField(label=_("Ends (Beijing time)"))
    columns = {"kind": "col-md-4", "starts_at": "col-md-3", "ends_at": "col-md-3"}

    class Meta:
        model = Phase
        fields = ["kind", "starts_at", "ends_at"]

    def clean(self):
        data = super().clean()
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("The end must be after the start."))
        return data


# The constraints each kind of question takes (the others must stay empty).
TEXT_KINDS = (QuestionKind.TEXT, QuestionKind.LONG_TEXT, QuestionKind.PHONE)
CONSTRAINT_KINDS = {
    "max_length": TEXT_KINDS,
    "min_value": (QuestionKind.NUMBER,),
    "max_value": (QuestionKind.NUMBER,),
    "on_or_after": (QuestionKind.DATE,),
}


class QuestionForm(ConfigRowForm):
    choices = LinesField(label=_("Choices (choice questions), one per line"), required=False)
    choices_en = LinesField(label=_("Choices in English, one per line, same order"), required=False)
    columns = {
        "code": "col-md-2",
        "label": "col-md-3",
        "label_en": "col-md-3",
        "kind": "col-md-2",
        "required": "col-md-1",
        "position": "col-md-1",
        "help_text": "col-md-6",
        "help_text_en": "col-md-6",
        "choices": "col-md-3",
        "choices_en": "col-md-3",
        "max_length": "col-md-2",
        "min_value": "col-md-2",
        "max_value": "col-md-2",
        "on_or_after": "col-md-4",
    }

    class Meta:
        model = Question
        fields = [
            "code",
            "label",
            "label_en",
            "kind",
            "required",
            "position",
            "help_text",
            "help_text_en",
            "choices",
            "choices_en",
            "max_length",
            "min_value",
            "max_value",
            "on_or_after",
        ]
        labels = {
            "max_length": _("Maximum characters (texts)"),
            "min_value": _("Minimum (numbers)"),
            "max_value": _("Maximum (numbers)"),
            "on_or_after": _("Not before the date of (code)"),
        }
        help_texts = {"label_en": ENGLISH_HELP, "help_text_en": ENGLISH_HELP}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.is_base:
            # Answers are stored under the code; the base set is shared by every programme.
            for name in ("code", "kind"):
                self.fields[name].disabled = True

    def clean_choices(self):
        choices = self.cleaned_data["choices"]
        repeated = sorted({c for c in choices if choices.count(c) > 1})
        if repeated:
            raise ValidationError(_("Listed twice: %(choices)s.") % {"choices": "、".join(repeated)})
        return choices

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        for name, kinds in CONSTRAINT_KINDS.items():
            if kind and data.get(name) not in (None, "") and kind not in kinds:
                self.add_error(name, _("Does not apply to this kind of question: clear it."))
        low, high = data.get("min_value"), data.get("max_value")
        if low is not None and high is not None and low > high:
            self.add_error("max_value", _("The maximum cannot be smaller than the minimum (%(min)s).") % {"min": low})
        if data.get("on_or_after") and data.get("on_or_after") == data.get("code"):
            self.add_error("on_or_after", _("A date cannot be compared with itself: give another question's code."))
        if "choices" not in data:  # already refused by clean_choices
            return data
        choices, choices_en = data["choices"], data.get("choices_en") or []
        if kind == QuestionKind.CHOICE and len(choices) < 2:
            self.add_error("choices", _("A choice question needs at least two choices, one per line."))
        elif kind and kind != QuestionKind.CHOICE and choices:
            self.add_error("choices", _("Only choice questions take choices: clear them or make it a choice."))
        if choices_en and len(choices_en) != len(choices):
            self.add_error(
                "choices_en",
                _("Give one English name per choice (%(n)s), in the same order, or none.") % {"n": len(choices)},
            )
        return data


class BaseQuestionFormSet(ConfigFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if form.instance.pk and form.instance.is_base:
            del form.fields["DELETE"]  # the base set stays

    def clean(self):
        """A date compared with another (`on_or_after`) needs that other date question in the edition."""
        super().clean()
        if any(self.errors):
            return
        kinds = {f.cleaned_data.get("code"): f.cleaned_data.get("kind") for f in self.kept_forms()}
        for form in self.kept_forms():
            other = form.cleaned_data.get("on_or_after")
            if other and kinds.get(other) != QuestionKind.DATE:
                form.add_error(
                    "on_or_after",
                    _("No date question of this edition has the code “%(code)s”.") % {"code": other},
                )
                widget = form.fields["on_or_after"].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


class AttachmentRequirementForm(ConfigRowForm):
    allowed_types = forms.MultipleChoiceField(
        label=_("Allowed file types"),
        choices=FILE_TYPES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Allow at least one file type.")},
    )
    max_size_mb = forms.IntegerField(
        label=_("Maximum size (MB)"),
        initial=20,
        min_value=1,
        max_value=MAX_ATTACHMENT_MB,
        error_messages={
            "min_value": _("At least 1 MB."),
            "max_value": _("At most %(limit_value)s MB."),
        },
    )
    columns = {
        "code": "col-md-2",
        "name": "col-md-3",
        "name_en": "col-md-3",
        "required": "col-md-1",
        "max_size_mb": "col-md-2",
        "position": "col-md-1",
        "allowed_types": "col-md-12",
        "help_text": "col-md-6",
        "help_text_en": "col-md-6",
    }

    class Meta:
        model = AttachmentRequirement
        fields = [
            "code",
            "name",
            "name_en",
            "required",
            "max_size_mb",
            "position",
            "allowed_types",
            "help_text",
            "help_text_en",
        ]
        help_texts = {"name_en": ENGLISH_HELP, "help_text_en": ENGLISH_HELP}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A type set outside the console stays visible (and can be unticked) rather than vanishing silently.
        known = dict(FILE_TYPES)
        extra = [(t, t) for t in (self.instance.allowed_types or []) if t not in known]
        if extra:
            self.fields["allowed_types"].choices = FILE_TYPES + extra


class CategoryForm(ConfigRowForm):
    columns = {
        "code": "col-md-2",
        "name": "col-md-2",
        "name_en": "col-md-2",
        "parent": "col-md-2",
        "rubric": "col-md-3",
        "position": "col-md-1",
    }

    class Meta:
        model = Category
        fields = ["code", "name", "name_en", "parent", "rubric", "position"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parents = Category.objects.filter(edition=self.edition, parent__isnull=True)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        self.fields["parent"].empty_label = _("(top level)")
        self.fields["rubric"].queryset = Rubric.objects.filter(edition=self.edition)
        self.fields["rubric"].empty_label = _("(none)")

    def clean(self):
        data = super().clean()
        if data.get("parent") and self.instance.pk and self.instance.subtypes.exists():
            self.add_error("parent", _("This category has sub-types of its own, so it cannot become a sub-type."))
        return data


class BaseCategoryFormSet(ConfigFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        deleted = {f.instance.pk for f in self.deleted_forms if f.instance.pk}
        becoming_subtypes = {f.instance.pk for f in self.kept_forms() if f.instance.pk and f.cleaned_data.get("parent")}
        errors = []
        for form in self.kept_forms():
            parent = form.cleaned_data.get("parent")
            if parent is not None and parent.pk in becoming_subtypes:
                errors.append(
                    _("“%(parent)s” cannot be a sub-type and have sub-types at the same time.") % {"parent": parent}
                )
        for form in self.deleted_forms:
            if form.instance.pk and form.instance.subtypes.exclude(pk__in=deleted).exists():
                errors.append(
                    _("“%(category)s” still has sub-types: move or delete them first.") % {"category": form.instance}
                )
        if errors:
            raise ValidationError(sorted(set(map(str, errors))))


class RubricForm(ConfigRowForm):
    columns = {"name": "col-md-6", "name_en": "col-md-6"}

    class Meta:
        model = Rubric
        fields = ["name", "name_en"]


class RubricItemForm(ConfigRowForm):
    columns = {
        "code": "col-md-2",
        "name": "col-md-3",
        "name_en": "col-md-3",
        "max_points": "col-md-2",
        "position": "col-md-2",
        "description": "col-md-6",
        "description_en": "col-md-6",
    }

    class Meta:
        model = RubricItem
        fields = ["code", "name", "name_en", "max_points", "position", "description", "description_en"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 1}),
            "description_en": forms.Textarea(attrs={"rows": 1}),
        }

    def clean_max_points(self):
        points = self.cleaned_data["max_points"]
        if points is not None and points <= 0:
            raise ValidationError(_("Give the item more than 0 points."))
        return points


def _formset(parent, model, form, formset=ConfigFormSet, **options):
    return forms.inlineformset_factory(
        parent, model, form=form, formset=formset, can_delete=True, can_delete_extra=False, **options
    )


PhaseFormSet = _formset(Edition, Phase, PhaseForm, extra=1, max_num=len(PhaseKind), validate_max=True)
QuestionFormSet = _formset(Edition, Question, QuestionForm, formset=BaseQuestionFormSet, extra=1, max_num=60)
AttachmentRequirementFormSet = _formset(Edition, AttachmentRequirement, AttachmentRequirementForm, extra=1, max_num=30)
CategoryFormSet = _formset(Edition, Category, CategoryForm, formset=BaseCategoryFormSet, extra=2, max_num=60)
RubricFormSet = _formset(Edition, Rubric, RubricForm, extra=1, max_num=20)
RubricItemFormSet = _formset(Rubric, RubricItem, RubricItemForm, extra=2, max_num=40)


# --- Activity statistics (活动统计表) -------------------------------------------------------------------------------


class StatisticsFieldForm(StyledFormMixin, forms.Form):
    """One figure the recommenders report: its code (the key their figures are stored under), label and kind."""

    code = forms.SlugField(label=_("Code"), max_length=40)
    label = forms.CharField(label=_("Label"), max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("int", _("Whole number")), ("decimal", _("Decimal"))], initial="int"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_widgets()

    def field_dict(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("code", "label", "kind")}


class BaseStatisticsFieldFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Delete")
            form.fields["DELETE"].widget.attrs["class"] = "form-check-input"
        if "ORDER" in form.fields:
            form.fields["ORDER"].label = _("Order")
            form.fields["ORDER"].widget.attrs["class"] = "form-control form-control-sm"

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        filled = [form for form in self.forms if form.cleaned_data and not self._should_delete_form(form)]
        codes = [form.cleaned_data["code"] for form in filled]
        repeated = sorted({code for code in codes if codes.count(code) > 1})
        if repeated:
            for form in filled:
                if form.cleaned_data["code"] in repeated:
                    form.add_error("code", _("This code is used by another row."))
                    widget = form.fields["code"].widget
                    widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
            raise ValidationError(
                _("Each code may be used only once: %(codes)s is repeated.") % {"codes": "、".join(repeated)}
            )

    def fields_list(self) -> list[dict]:
        """The rows to keep, in the order given (rows without an order come last), as {code, label, kind}."""
        return [form.field_dict() for form in self.ordered_forms]


StatisticsFieldFormSet = forms.formset_factory(
    StatisticsFieldForm,
    formset=BaseStatisticsFieldFormSet,
    extra=2,
    max_num=40,
    validate_max=True,
    can_delete=True,
    can_delete_extra=False,
    can_order=True,
)
