"""Input for the unit channel: queue filters, the self-evaluation, the stamped scan and the return reason.

The score inputs keep exactly what was typed (text), so a refused save shows every value again; the bounds are
given to the browser (min / max / step) and checked on the server by `services.clean_scores`, whose message the
page shows.
"""

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.enums import Status, status_sets
from awards.models import Edition

from .selectors import UNIT_QUEUE_STATUSES

WAITING = "waiting"
PASSED_ON = "endorsed_by_unit"
# Derived from the status table: held by the unit, and passed on by it (a later status joins by itself).
WAITING_STATUSES = tuple(s for s in Status if s in status_sets().unit_desk)
ENDORSED_STATUSES = tuple(s for s in Status if s in status_sets().passed_on_by_unit)
OPINION_MAX_LENGTH = 2000
RETURN_REASON_MAX_LENGTH = 1000


def score_field_name(item) -> str:
    return f"score_{item.code}"


class QueueFilterForm(forms.Form):
    """Filters of the unit queue. Choices come from the unit's own editions and categories."""

    edition = forms.ModelChoiceField(label=_("Edition"), queryset=Edition.objects.none(), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, editions, **kwargs):
        super().__init__(*args, **kwargs)
        editions = list(editions)
        self.fields["edition"].queryset = Edition.objects.filter(pk__in=[e.pk for e in editions])
        self.fields["edition"].choices = [("", _("All editions"))] + [(e.pk, e.title) for e in editions]
        categories = {}
        for edition in editions:
            for category in edition.categories.all():
                if category.parent_id is None:
                    categories.setdefault(category.code, category.localized("name"))
        self.fields["category"].choices = [("", _("All categories"))] + sorted(categories.items())
        self.fields["status"].choices = [
            ("", _("All")),
            (WAITING, _("Waiting for the unit")),
            (PASSED_ON, _("Endorsed by the unit")),
            *((status.value, status.label) for status in UNIT_QUEUE_STATUSES),
        ]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"

    def filters(self) -> dict:
        """The chosen filters (empty when the input is invalid: the whole queue)."""
        if not self.is_valid():
            return {"edition": None, "category": "", "status": ""}
        return {
            "edition": self.cleaned_data["edition"],
            "category": self.cleaned_data["category"],
            "status": self.cleaned_data["status"],
        }


class ScoreInput(forms.NumberInput):
    def __init__(self, item):
        super().__init__(
            attrs={
                "min": "0",
                "max": str(item.max_points),
                "step": "0.1",
                "inputmode": "decimal",
                "class": "form-control form-control-sm text-end score-input",
                "data-score-input": "",
                "data-max": str(item.max_points),
            }
        )

    def format_value(self, value):
        # Show what was typed, even "abc" or "35": the browser must not drop an invalid value.
        return None if value in (None, "") else str(value)


class SelfEvaluationForm(forms.Form):
    """One score per rubric item (typed text, judged by the service) and the recommendation opinion."""

    opinion = forms.CharField(
        label=_("Recommendation opinion"),
        required=False,
        max_length=OPINION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5, "class": "form-control"}),
        help_text=_("Printed on the scoring-and-recommendation form that the unit stamps."),
    )

    def __init__(self, *args, rubric, evaluation=None, opinion: str = "", **kwargs):
        initial = kwargs.pop("initial", None) or {}
        if evaluation is not None:
            for code, value in evaluation.scores.items():
                initial.setdefault(f"score_{code}", value)
        initial.setdefault("opinion", opinion)
        super().__init__(*args, initial=initial, **kwargs)
        self.items = list(rubric.items.all())
        for item in self.items:
            self.fields[score_field_name(item)] = forms.CharField(
                label=item.localized("name"), required=False, max_length=20, widget=ScoreInput(item)
            )
        self.order_fields([score_field_name(item) for item in self.items] + ["opinion"])

    def scores(self) -> dict:
        """The typed scores by item code, for `services.self_evaluation_save` (which checks them)."""
        return {item.code: (self.cleaned_data.get(score_field_name(item)) or "").strip() for item in self.items}

    def rows(self) -> list[dict]:
        """Item, bound field and whether the typed value is out of bounds (to mark the input)."""
        rows = []
        for item in self.items:
            field = self[score_field_name(item)]
            value = field.value()
            rows.append({"item": item, "field": field, "invalid": self.is_bound and not _within(value, item)})
        return rows

    def typed_total(self):
        """The total of the typed scores when all are valid numbers within bounds, else None."""
        total = Decimal("0")
        for item in self.items:
            value = self[score_field_name(item)].value()
            if not _within(value, item):
                return None
            total += Decimal(str(value).strip())
        return total


def _within(value, item) -> bool:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return False
    return number.is_finite() and 0 <= number <= item.max_points and number == number.quantize(Decimal("0.1"))


class ScanUploadForm(forms.Form):
    scan = forms.FileField(
        label=_("Stamped scan"),
        help_text=_("The printed form, signed and stamped, scanned as PDF, JPG or PNG (at most 10 MB)."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png", "class": "form-control"}
        ),
    )


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for returning"),
        max_length=RETURN_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        help_text=_("The group sees this reason, changes the application and submits it again."),
        error_messages={"required": _("Give the reason for returning the application.")},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Give the reason for returning the application."))
        return reason
