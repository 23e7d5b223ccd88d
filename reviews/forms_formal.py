"""Forms of formal review: the queue's filter, the checklist editor, the checks and the outcome of one application."""

from django import forms
from django.forms import modelformset_factory
from django.utils.translation import gettext_lazy as _

from applications.enums import status_label
from awards.forms import LocalDateTimeField
from awards.models import Category

from .enums import FormalOutcome
from .formal import QUEUE
from .models import ChecklistItem
from .workflow import FORMAL_DECIDED


class QueueFilterForm(forms.Form):
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none(), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, edition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(edition=edition).order_by("position", "id")
        self.fields["category"].label_from_instance = lambda c: c.localized("name")
        self.fields["status"].choices = [
            ("", _("All")),
            (QUEUE, _("Waiting for a decision")),
            *sorted(((s, status_label(s)) for s in FORMAL_DECIDED), key=lambda pair: str(pair[1])),
        ]


class ChecklistItemForm(forms.ModelForm):
    class Meta:
        model = ChecklistItem
        fields = ["code", "label", "label_en", "position", "is_active"]


ChecklistFormSet = modelformset_factory(ChecklistItem, form=ChecklistItemForm, extra=1, can_delete=False)


class ChecksForm(forms.Form):
    """One checkbox per active checklist item (ticked = fine)."""

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"check_{item.code}"] = forms.BooleanField(label=item.localized("label"), required=False)

    def checks(self) -> dict:
        return {item.code: self.cleaned_data[f"check_{item.code}"] for item in self.items}


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=FormalOutcome.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
        help_text=_("The group, its unit and its recommender read it. Required except for admission."),
    )
    correction_items = forms.MultipleChoiceField(
        label=_("Items to correct"), required=False, widget=forms.CheckboxSelectMultiple
    )
    correction_deadline = LocalDateTimeField(label=_("Correction deadline (Beijing time)"), required=False)

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["correction_items"].choices = [(item.code, item.localized("label")) for item in items]


class CarryOverForm(forms.Form):
    to_edition = forms.IntegerField(required=False, widget=forms.HiddenInput)
