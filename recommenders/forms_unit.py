"""Input for the unit channel: queue filters, the self-evaluation, the stamped scan and the return reason.

The scores are `awards.scores` fields: bounded decimals (0 to the item's maximum, one decimal place) that show a
refused value again exactly as typed; the service checks them again with the same fields.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.enums import Status, status_sets
from awards.models import Edition
from awards.scores import RubricScoresMixin

from .selectors import UNIT_QUEUE_STATUSES

WAITING = "waiting"
PASSED_ON = "endorsed_by_unit"
# Derived from the status table: held by the unit, and passed on by it (a later status joins by itself).
WAITING_STATUSES = tuple(s for s in Status if s in status_sets().unit_desk)
ENDORSED_STATUSES = tuple(s for s in Status if s in status_sets().passed_on_by_unit)
OPINION_MAX_LENGTH = 2000
RETURN_REASON_MAX_LENGTH = 1000


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


class SelfEvaluationForm(RubricScoresMixin, forms.Form):
    """One bounded score per rubric item (`awards.scores.ScoreField`) and the recommendation opinion."""

    opinion = forms.CharField(
        label=_("Recommendation opinion"),
        required=False,
        max_length=OPINION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5, "class": "form-control"}),
        help_text=_("Printed on the scoring-and-recommendation form that the unit stamps."),
    )

    def __init__(self, *args, rubric, evaluation=None, opinion: str = "", **kwargs):
        initial = kwargs.pop("initial", None) or {}
        initial.setdefault("opinion", opinion)
        super().__init__(*args, initial=initial, **kwargs)
        self.add_score_fields(rubric.items.all(), evaluation.scores if evaluation is not None else None)
        self.order_fields([*self.score_names(), "opinion"])

    def rows(self) -> list[dict]:
        return self.score_rows()

    def typed_total(self):
        return self.score_total()


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
