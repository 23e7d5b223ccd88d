"""Input validation for the applicant channel. Forms validate and shape input; services save it.

The application form is built from the edition's questions. Drafts are saved without required-field checks
(completeness is checked at submission by `services.application_problems`); only malformed input (a number that
is not a number, a date that is not a date, a choice that is not offered) stops a save, and then the page is
rendered again with everything that was typed.
"""

import datetime
import decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.enums import ApprovalStatus
from accounts.models import Unit
from accounts.validators import validate_phone
from awards.enums import QuestionKind
from awards.models import AttachmentRequirement, Category, Edition

from .answers import answers_errors, max_length_of, normalise_text
from .enums import status_choices
from .models import CoApplicant

MEMBER_COLUMNS = ("name", "job_title", "role_in_group")
MEMBER_EXTRA_ROWS = 3
MEMBER_MAX_ROWS = 50


class CategoryChoiceField(forms.ModelChoiceField):
    """One select for category and sub-type: "问题解决型", "问题解决型 · 现场型", ..., "创新型"."""

    def label_from_instance(self, obj):
        return str(obj)


def category_queryset(edition: Edition):
    return (
        Category.objects.filter(edition=edition)
        .select_related("parent")
        .order_by("parent__position", "parent_id", "position", "id")
    )


def ordered_categories(edition: Edition) -> list[Category]:
    """Each top-level category followed by its sub-types."""
    rows = list(category_queryset(edition))
    parents = sorted((c for c in rows if c.parent_id is None), key=lambda c: (c.position, c.id))
    ordered = []
    for parent in parents:
        ordered.append(parent)
        ordered += sorted((c for c in rows if c.parent_id == parent.pk), key=lambda c: (c.position, c.id))
    return ordered


def split_category(choice: Category) -> tuple[Category, Category | None]:
    """The (category, sub-type) pair a choice of the combined select stands for."""
    if choice.parent_id:
        return choice.parent, choice
    return choice, None


class _CategoryMixin:
    def _setup_category(self, edition: Edition):
        field = self.fields["category"]
        field.queryset = category_queryset(edition)
        ordered = ordered_categories(edition)
        field.choices = [("", "---------")] + [(c.pk, str(c)) for c in ordered]


class ApplicationCreateForm(_CategoryMixin, forms.Form):
    """Start an application in a chosen edition: category (or sub-type) and topic."""

    category = CategoryChoiceField(label=_("Category"), queryset=Category.objects.none())
    title = forms.CharField(
        label=_("Topic"),
        max_length=200,
        help_text=_("The name of the achievement or project, as it will appear on the application form."),
    )

    def __init__(self, *args, edition: Edition, **kwargs):
        super().__init__(*args, **kwargs)
        self.edition = edition
        self._setup_category(edition)

    def clean_title(self):
        return self.cleaned_data["title"].strip()


class MemberTableWidget(forms.Widget):
    """Rows of name / job title / role posted as `<name>-<i>-<column>`; rendered by the page template."""

    def value_from_datadict(self, data, files, name):
        indexes = set()
        prefix = f"{name}-"
        for key in data:
            if key.startswith(prefix):
                index, _sep, column = key[len(prefix) :].partition("-")
                if index.isdigit() and column in MEMBER_COLUMNS:
                    indexes.add(int(index))
        rows = []
        for index in sorted(indexes)[:MEMBER_MAX_ROWS]:
            rows.append({column: (data.get(f"{name}-{index}-{column}") or "").strip() for column in MEMBER_COLUMNS})
        return rows

    def value_omitted_from_data(self, data, files, name):
        return not any(key.startswith(f"{name}-") for key in data)


class MemberTableField(forms.Field):
    widget = MemberTableWidget

    def to_python(self, value):
        rows = []
        for row in value or []:
            if not isinstance(row, dict):
                continue
            cleaned = {column: str(row.get(column) or "").strip() for column in MEMBER_COLUMNS}
            if any(cleaned.values()):
                rows.append(cleaned)
        return rows

    def validate(self, value):
        super().validate(value)
        for row in value:
            if not row["name"]:
                raise ValidationError(_("Every member row needs a name (or clear the whole row)."), code="no_name")
            if any(len(row[column]) > 60 for column in MEMBER_COLUMNS):
                raise ValidationError(_("Keep each cell of the member table under 60 characters."), code="long")


def question_field_name(code: str) -> str:
    return f"q_{code}"


def _label(question):
    """The question in the page's language, marked when an answer is needed before submission (drafts never
    require one)."""
    label = question.localized("label")
    if question.required:
        return format_html('{} <span class="text-danger" title="{}">*</span>', label, _("needed to submit"))
    return label


def _text_attrs(question) -> dict:
    """The limit for the live character counter (static/js/char-counter.js). No `maxlength`: the browser would cut
    pasted text silently; the server refuses a text that is too long with a message and keeps it on screen."""
    limit = max_length_of(question)
    return {"data-max-length": limit} if limit else {}


def _field_for(question) -> forms.Field | None:
    common = {"label": _label(question), "help_text": question.localized("help_text"), "required": False}
    kind = question.kind
    # Lengths, ranges and dates are checked by `answers.answers_errors` (in `ApplicationForm.clean`), the same
    # rules as at submission.
    if kind == QuestionKind.TEXT:
        return forms.CharField(widget=forms.TextInput(attrs=_text_attrs(question)), **common)
    if kind == QuestionKind.PHONE:
        attrs = {"type": "tel", "inputmode": "tel", "autocomplete": "tel", **_text_attrs(question)}
        return forms.CharField(widget=forms.TextInput(attrs=attrs), **common)
    if kind == QuestionKind.LONG_TEXT:
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 6, **_text_attrs(question)}), strip=False, **common)
    if kind == QuestionKind.NUMBER:
        attrs = {"step": "any"}
        if question.min_value is not None:
            attrs["min"] = question.min_value
        if question.max_value is not None:
            attrs["max"] = question.max_value
        return forms.DecimalField(max_digits=16, decimal_places=2, widget=forms.NumberInput(attrs=attrs), **common)
    if kind == QuestionKind.DATE:
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **common)
    if kind == QuestionKind.CHOICE:
        return forms.ChoiceField(choices=[("", "---------"), *question.choice_labels()], **common)
    if kind == QuestionKind.MEMBER_TABLE:
        return MemberTableField(**common)
    return None  # FILE questions are answered by the attachment of the same code (attachments page)


def _to_initial(question, value):
    if value in (None, ""):
        return [] if question.kind == QuestionKind.MEMBER_TABLE else None
    if question.kind == QuestionKind.DATE and isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _to_answer(question, value):
    """A cleaned value as stored in `Application.answers` (JSON)."""
    if question.kind == QuestionKind.NUMBER:
        return None if value is None else format(decimal.Decimal(value).normalize(), "f")
    if question.kind == QuestionKind.DATE:
        return value.isoformat() if value else None
    if question.kind == QuestionKind.MEMBER_TABLE:
        return value or []
    if question.kind == QuestionKind.LONG_TEXT:
        return normalise_text(value or "")
    return (value or "").strip() if question.kind == QuestionKind.PHONE else value or ""


class ApplicationForm(_CategoryMixin, forms.Form):
    """The whole application form of an edition, saved as a draft in any state of completion."""

    revision = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label=_("Topic"), max_length=200, required=False)
    category = CategoryChoiceField(label=_("Category"), queryset=Category.objects.none())

    def __init__(self, *args, application, questions, attachments_by_code: dict | None = None, **kwargs):
        answers = application.answers or {}
        initial = {
            "revision": application.revision,
            "title": application.title,
            "category": application.subtype_id or application.category_id,
        }
        for question in questions:
            initial[question_field_name(question.code)] = _to_initial(question, answers.get(question.code))
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.application = application
        self.questions = list(questions)
        self.attachments_by_code = attachments_by_code or {}
        self._setup_category(application.edition)
        for question in self.questions:
            field = _field_for(question)
            if field is not None:
                self.fields[question_field_name(question.code)] = field

    def set_revision(self, revision: int) -> None:
        """After a refused (stale) save: keep every typed value but carry the current revision, so saving again
        knowingly replaces the other person's version."""
        data = self.data.copy()
        data["revision"] = str(revision)
        self.data = data

    def rows(self) -> list[dict]:
        """The questions in order with what the template needs to draw each one."""
        rows = []
        for question in self.questions:
            row = {"question": question, "kind": question.kind}
            name = question_field_name(question.code)
            if name in self.fields:
                bound = self[name]
                row["field"] = bound
                if question.kind == QuestionKind.MEMBER_TABLE:
                    members = [m for m in (bound.value() or []) if isinstance(m, dict)]
                    blank = {column: "" for column in MEMBER_COLUMNS}
                    row["members"] = members + [blank] * MEMBER_EXTRA_ROWS
            else:
                row["attachment"] = self.attachments_by_code.get(question.code)
            rows.append(row)
        return rows

    def clean(self):
        """The questions' constraints (lengths, ranges, dates, phones), with each message next to its field."""
        data = super().clean()
        answers = {**(self.application.answers or {}), **self.answers()}
        for code, errors in answers_errors(self.questions, answers).items():
            name = question_field_name(code)
            if name in self.fields and name not in self.errors:
                for error in errors:
                    self.add_error(name, error)
        return data

    def category_pair(self) -> tuple[Category, Category | None]:
        return split_category(self.cleaned_data["category"])

    def answers(self) -> dict:
        result = {}
        for question in self.questions:
            name = question_field_name(question.code)
            if name in self.fields:
                result[question.code] = _to_answer(question, self.cleaned_data.get(name))
        return result


class AttachmentUploadForm(forms.Form):
    requirement = forms.ModelChoiceField(queryset=AttachmentRequirement.objects.none(), widget=forms.HiddenInput)
    # Empty files reach the service, which explains the problem in the same words as every other refusal.
    file = forms.FileField(label=_("File"), allow_empty_file=True)

    def __init__(self, *args, edition: Edition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requirement"].queryset = AttachmentRequirement.objects.filter(edition=edition)


class CoApplicantForm(forms.ModelForm):
    unit_credit_code = forms.CharField(
        label=_("Credit code of a registered unit"),
        max_length=18,
        required=False,
        help_text=_("Optional: links the row to a unit registered on the portal."),
    )

    class Meta:
        model = CoApplicant
        fields = ["organisation_name", "role", "contact_name", "contact_phone", "contact_email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact_phone"].validators.append(validate_phone)
        if self.instance.pk and self.instance.unit_id:
            self.fields["unit_credit_code"].initial = self.instance.unit.credit_code

    def clean_unit_credit_code(self):
        code = self.cleaned_data["unit_credit_code"].strip().upper()
        if not code:
            self.instance.unit = None
            return ""
        unit = Unit.objects.filter(credit_code=code, status=ApprovalStatus.APPROVED).first()
        if unit is None:
            raise ValidationError(
                _("No approved unit has this credit code; leave it empty if the unit is not registered.")
            )
        self.instance.unit = unit
        return code


CoApplicantFormSet = forms.modelformset_factory(
    CoApplicant, form=CoApplicantForm, extra=2, can_delete=True, max_num=30, validate_max=True
)


class SubmitForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I confirm that the information is true and that the unit agrees to this application."),
        required=True,
    )


class WithdrawForm(forms.Form):
    note = forms.CharField(label=_("Reason (optional)"), max_length=500, required=False)


class ExtendDeadlineForm(forms.Form):
    until = forms.DateTimeField(
        label=_("Extended until (Beijing time)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)


class StaffFilterForm(forms.Form):
    edition = forms.ModelChoiceField(
        label=_("Edition"),
        queryset=Edition.objects.select_related("programme").order_by("-year", "programme__code"),
        required=False,
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=lambda: [("", _("All statuses")), *status_choices()], required=False
    )
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
