"""Input of the recommender channel (推荐通道). Forms shape and bound the input; the services decide and save.

Score sheets are `awards.scores` fields (bounded decimals, one message per wrong score); statistics take text
inputs and leave the numbers to `services.statistics_save`. A refused form shows everything as it was typed.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.enums import Status
from awards.scores import RubricScoresMixin

from .enums import HANDIN_UPLOAD_TYPES, HandInKind
from .selectors import RECOMMENDER_QUEUE_STATUSES

DECISION_CHOICES = [("recommend", _("Recommend")), ("decline", _("Do not recommend"))]


class QueueFilterForm(forms.Form):
    """Filters of the recommender's queue (GET). The choices come from lists the view has already read, so the
    form itself runs no query; `chosen(name)` gives back the object picked."""

    edition = forms.TypedChoiceField(coerce=int, required=False, label=_("Edition"))
    category = forms.TypedChoiceField(coerce=int, required=False, label=_("Category"), empty_value=None)
    status = forms.ChoiceField(required=False, label=_("Status"))
    unit = forms.TypedChoiceField(coerce=int, required=False, label=_("Unit"), empty_value=None)

    def __init__(self, *args, editions, categories, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.objects = {
            "edition": {e.pk: e for e in editions},
            "category": {c.pk: c for c in categories},
            "unit": {u.pk: u for u in units},
        }
        self.fields["edition"].choices = [(e.pk, e.title) for e in editions]
        self.fields["category"].choices = [("", _("All categories"))] + [(c.pk, c.name) for c in categories]
        self.fields["status"].choices = [("", _("All statuses"))] + [
            (s.value, s.label) for s in Status if s in RECOMMENDER_QUEUE_STATUSES
        ]
        self.fields["unit"].choices = [("", _("All units"))] + [(u.pk, u.name) for u in units]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"

    def chosen(self, name):
        """The valid choice of one filter, or None: a stale or forged value drops that filter only."""
        self.is_valid()
        value = self.cleaned_data.get(name)
        return value if name == "status" else self.objects[name].get(value)


class ScoreSheetForm(RubricScoresMixin, forms.Form):
    """One reviewer's score sheet: one bounded score per rubric item (`awards.scores.ScoreField`), and a comment."""

    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, rubric_items, initial_scores=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_score_fields(rubric_items, initial_scores)
        self.order_fields([*self.score_names(), "comment"])
        self.fields["comment"].widget.attrs["class"] = "form-control"

    def rows(self):
        """(item, bound field) pairs for the template."""
        return [(row["item"], row["field"]) for row in self.score_rows()]


class DecisionForm(forms.Form):
    """Recommend (with the opinion) or do not recommend (with the reason), confirmed by a required tick, so a
    decision never takes effect on one stray click; the service requires the text again."""

    decision = forms.ChoiceField(choices=DECISION_CHOICES)
    opinion = forms.CharField(
        label=_("Recommendation opinion, or the reason for not recommending"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control", "required": True}),
    )
    confirm = forms.BooleanField(
        label=_("I have read the application and the scores, and confirm this decision."),
        error_messages={"required": _("Tick the box to confirm the decision.")},
        widget=forms.CheckboxInput(attrs={"class": "form-check-input", "required": True}),
    )


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for returning it to the unit"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )


class StatisticsForm(forms.Form):
    """The activity statistics (活动统计表): one input per figure the edition asks for."""

    def __init__(self, *args, fields, **kwargs):
        super().__init__(*args, **kwargs)
        self.statistics_fields = list(fields)
        for field in self.statistics_fields:
            self.fields[field["code"]] = forms.CharField(
                label=field["label"],
                required=False,
                max_length=20,
                widget=forms.TextInput(
                    attrs={
                        "inputmode": "numeric" if field.get("kind") == "int" else "decimal",
                        "class": "form-control form-control-sm",
                    }
                ),
            )

    def raw(self) -> dict:
        return {f["code"]: (self.cleaned_data.get(f["code"]) or "").strip() for f in self.statistics_fields}


class HandInUploadForm(forms.Form):
    """An uploaded hand-in: the stamped recommendation letter or the activity summary."""

    kind = forms.ChoiceField(choices=[(k.value, k.label) for k in HandInKind if k in HANDIN_UPLOAD_TYPES])
    file = forms.FileField(label=_("File"))
