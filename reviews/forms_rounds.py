"""Forms of the staff's round pages: they validate; the services in reviews.rounds / reviews.assign save."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from awards.forms import LocalDateTimeField, StyledFormMixin

from .enums import Aggregation, PairRuleKind
from .models import ReviewRound


class RoundForm(StyledFormMixin, forms.ModelForm):
    """A round's settings; dates are Beijing time (Asia/Shanghai), to the minute."""

    opens_at = LocalDateTimeField(label=_("Opens (Beijing time)"))
    closes_at = LocalDateTimeField(label=_("Closes (Beijing time)"))
    experts_per_application = forms.TypedChoiceField(
        label=_("Experts per application"), choices=[(3, "3"), (5, "5")], coerce=int, initial=3
    )
    aggregation = forms.ChoiceField(label=_("How scores combine"), choices=Aggregation.choices)
    outlier_points = forms.DecimalField(
        label=_("Flag a score this far from the others (points)"),
        min_value=Decimal("1"),
        max_value=Decimal("100"),
        decimal_places=1,
        initial=Decimal("15"),
    )

    class Meta:
        model = ReviewRound
        fields = [
            "name",
            "opens_at",
            "closes_at",
            "experts_per_application",
            "blind",
            "aggregation",
            "trim_min_count",
            "outlier_points",
            "normalise",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trim_min_count"].help_text = _(
            "With at least this many valid scores the highest and the lowest are dropped; with fewer, the mean."
        )
        self.style_widgets()

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and opens >= closes:
            self.add_error("closes_at", _("A round must close after it opens."))
        for name in ("opens_at", "closes_at"):
            if data.get(name):
                data[name] = data[name].replace(second=0, microsecond=0)
        return data

    def _post_clean(self):
        # The service validates and saves; the instance is not touched here (a closed round keeps its values).
        pass


class RubricItemForm(StyledFormMixin, forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Item"), max_length=120)
    name_en = forms.CharField(label=_("Item in English"), max_length=120, required=False)
    description = forms.CharField(
        label=_("What is assessed"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    max_points = forms.DecimalField(
        label=_("Maximum points"), min_value=Decimal("0.5"), max_value=Decimal("1000"), decimal_places=1
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_widgets()


RubricItemFormSet = forms.formset_factory(RubricItemForm, extra=1, can_delete=True)


def rubric_formset(rubric, data=None):
    initial = [{**item, "max_points": Decimal(str(item["max_points"]))} for item in rubric.items]
    return RubricItemFormSet(data, initial=initial, prefix="items")


def formset_items(formset) -> list[dict]:
    """The kept rows of a valid rubric formset, in order, as the service takes them."""
    items = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or data.get("DELETE"):
            continue
        items.append(
            {
                "code": data["code"],
                "name": data["name"],
                "name_en": data.get("name_en", ""),
                "description": data.get("description", ""),
                "max_points": str(data["max_points"]),
            }
        )
    return items


class PairRuleForm(StyledFormMixin, forms.Form):
    expert = forms.ModelChoiceField(label=_("Expert"), queryset=None)
    application = forms.ModelChoiceField(label=_("Application"), queryset=None)
    kind = forms.ChoiceField(
        label=_("Rule"), choices=[*PairRuleKind.choices, ("clear", _("No rule (clear)"))], initial=PairRuleKind.PIN
    )

    def __init__(self, *args, experts, applications, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expert"].queryset = experts
        self.fields["expert"].label_from_instance = lambda e: e.user.full_name
        self.fields["application"].queryset = applications
        self.fields["application"].label_from_instance = lambda a: f"{a.number or a.pk} {a.title}"
        self.style_widgets()


class ReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_widgets()
