"""Forms of the expert channel and of the staff's declaration and correction pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from awards.scores import RubricScoresMixin, ScoreField, field_name


def comment_name(item) -> str:
    return f"comment_{item.code}"


class ExpertSheetForm(RubricScoresMixin, forms.Form):
    """The rubric item by item (bounded decimals in the round's step), a comment per item and overall. Scores are
    optional here: the service asks for every item on submit."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    comment = forms.CharField(
        label=_("Overall comment"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
    )

    def __init__(self, *args, items=(), step=None, saved=None, disabled=False, **kwargs):
        super().__init__(*args, **kwargs)
        saved = saved or {}
        self.items = list(items)
        for item in self.items:
            self.fields[field_name(item)] = ScoreField(item, step=step, required=False)
            self.fields[comment_name(item)] = forms.CharField(
                label=_("Comment"),
                required=False,
                max_length=2000,
                widget=forms.Textarea(
                    attrs={"rows": 2, "class": "form-control form-control-sm mt-1", "placeholder": _("Comment")}
                ),
            )
            score = (saved.get("scores") or {}).get(item.code)
            if score not in (None, ""):
                self.initial.setdefault(field_name(item), score)
            self.initial.setdefault(comment_name(item), (saved.get("comments") or {}).get(item.code, ""))
        self.initial.setdefault("comment", saved.get("comment", ""))
        self.initial.setdefault("revision", saved.get("revision", 0))
        if disabled:
            for field in self.fields.values():
                field.disabled = True

    def raw_scores(self) -> dict:
        """The scores as typed (the service checks them with the same fields)."""
        return {item.code: (self.data.get(field_name(item)) or "").strip() for item in self.items}

    def comments(self) -> dict:
        return {item.code: (self.data.get(comment_name(item)) or "").strip() for item in self.items}

    def rows(self) -> list[dict]:
        return [
            {
                "item": item,
                "field": self[field_name(item)],
                "comment": self[comment_name(item)],
                "invalid": self.is_bound and bool(self.errors.get(field_name(item))),
            }
            for item in self.items
        ]


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Why you decline"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class ConflictForm(forms.Form):
    SCOPES = [
        ("application", _("This application only")),
        ("organisation", _("Every application of its organisation in this round")),
    ]
    assignment = forms.TypedChoiceField(label=_("Application"), coerce=int)
    scope = forms.ChoiceField(label=_("Conflict with"), choices=SCOPES, initial="application")
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, assignments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignment"].choices = [(a.pk, a.code or str(a.pk)) for a in assignments]


class SignForm(forms.Form):
    confirm = forms.BooleanField(label=_("I have read the declaration and sign it."), required=True)


class DeclarationTextForm(forms.Form):
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 10}), max_length=10000)
    body_en = forms.CharField(
        label=_("Text in English"), widget=forms.Textarea(attrs={"rows": 10}), max_length=10000, required=False
    )


class CorrectionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the correction"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, items=(), step=None, saved=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            self.fields[field_name(item)] = ScoreField(item, step=step, required=False)
            value = (saved or {}).get(item.code)
            if value not in (None, ""):
                self.initial.setdefault(field_name(item), value)

    def raw_scores(self) -> dict:
        return {item.code: (self.data.get(field_name(item)) or "").strip() for item in self.items}

    def score_fields(self):
        return [self[field_name(item)] for item in self.items]
