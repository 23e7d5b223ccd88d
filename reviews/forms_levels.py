"""Forms of 评定: the edition's combination (weights, tie-break, committee), its levels, a level change, a vote.
Forms validate input only; the services in `reviews.levels` re-check and write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.enums import Role
from accounts.models import User
from awards.forms import StyledFormMixin


class SchemeForm(StyledFormMixin, forms.Form):
    """One weight and one tie-break position per round of the edition, and the committee vote."""

    vote_required = forms.BooleanField(label=_("The committee votes on the list before the release"), required=False)
    threshold_numerator = forms.IntegerField(label=_("Threshold: yes-votes of"), min_value=1, max_value=99)
    threshold_denominator = forms.IntegerField(label=_("parts of the members"), min_value=1, max_value=99)
    members = forms.ModelMultipleChoiceField(
        label=_("Committee members"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, scheme, rounds, **kwargs):
        weights = {sr.round_id: sr.weight for sr in scheme.rounds.all()}
        initial = {
            "vote_required": scheme.vote_required,
            "threshold_numerator": scheme.threshold_numerator,
            "threshold_denominator": scheme.threshold_denominator,
            "members": list(scheme.committee.all()),
        }
        for round_ in rounds:
            initial[f"weight_{round_.pk}"] = weights.get(round_.pk, 0)
            if round_.pk in scheme.tie_break:
                initial[f"tiebreak_{round_.pk}"] = scheme.tie_break.index(round_.pk) + 1
        super().__init__(*args, initial=initial, **kwargs)
        self.rounds = list(rounds)
        # Staff only: the domain notes define no committee role and no members outside the association, and the
        # list is staged (nobody outside staff sees it before the release), so a member must be able to see it.
        self.fields["members"].queryset = (
            User.objects.filter(memberships__role=Role.STAFF, memberships__is_active=True, is_active=True)
            .distinct()
            .order_by("full_name", "email")
        )
        self.fields["members"].label_from_instance = lambda u: u.full_name or u.email
        for round_ in self.rounds:
            self.fields[f"weight_{round_.pk}"] = forms.IntegerField(
                label=_("Weight of “%(round)s” (%%)") % {"round": round_.name}, min_value=0, max_value=100
            )
            self.fields[f"tiebreak_{round_.pk}"] = forms.IntegerField(
                label=_("Tie-break order of “%(round)s”") % {"round": round_.name},
                min_value=1,
                max_value=len(self.rounds),
                required=False,
                help_text=_("1 = first to break a tie; empty = not used"),
            )
        self.style_widgets()

    def round_fields(self):
        return [(r, self[f"weight_{r.pk}"], self[f"tiebreak_{r.pk}"]) for r in self.rounds]

    def clean(self):
        data = super().clean()
        weights = {r.pk: data.get(f"weight_{r.pk}") or 0 for r in self.rounds}
        if sum(weights.values()) != 100:
            raise forms.ValidationError(_("The weights must sum to 100."))
        positions = {r.pk: data.get(f"tiebreak_{r.pk}") for r in self.rounds if data.get(f"tiebreak_{r.pk}")}
        if len(set(positions.values())) != len(positions):
            raise forms.ValidationError(_("Each tie-break position may be used once."))
        num, den = data.get("threshold_numerator"), data.get("threshold_denominator")
        if num and den and num > den:
            self.add_error("threshold_numerator", _("The threshold cannot be above all members."))
        if data.get("vote_required") and not data.get("members"):
            self.add_error("members", _("A committee vote needs members."))
        data["weights"] = weights
        data["tie_break"] = sorted(positions, key=positions.get)
        return data


class AwardLevelForm(StyledFormMixin, forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Level"), max_length=40)
    name_en = forms.CharField(label=_("Level in English"), max_length=40, required=False)
    min_score = forms.DecimalField(
        label=_("Minimum weighted total"), max_digits=6, decimal_places=2, min_value=0, required=False
    )
    max_share = forms.DecimalField(
        label=_("At most this percentage of the category"),
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
        required=False,
    )
    max_count = forms.IntegerField(label=_("At most this many per category"), min_value=0, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_widgets()


AwardLevelFormSet = forms.formset_factory(AwardLevelForm, extra=1, can_delete=True, max_num=10)


def level_formset(scheme, data=None):
    initial = [
        {
            "id": lv.pk,
            "name": lv.name,
            "name_en": lv.name_en,
            "min_score": lv.min_score,
            "max_share": lv.max_share,
            "max_count": lv.max_count,
        }
        for lv in scheme.levels.all()
    ]
    return AwardLevelFormSet(data, initial=initial, prefix="levels")


def formset_rows(formset) -> list[dict]:
    rows = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or (not data.get("name") and not data.get("id")):
            continue
        rows.append({**data, "delete": data.get("DELETE", False)})
    return rows


class LevelChangeForm(StyledFormMixin, forms.Form):
    level = forms.ModelChoiceField(label=_("Level"), queryset=None, required=False, empty_label=_("No level"))
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, scheme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].queryset = scheme.levels.all()
        self.style_widgets()


class VoteForm(forms.Form):
    approve = forms.TypedChoiceField(
        choices=[("yes", _("Approve")), ("no", _("Do not approve"))], coerce=lambda v: v == "yes"
    )


class LevelRulesForm(StyledFormMixin, forms.Form):
    """Per category and level: "own rule" and its three limits (empty = no limit). Unticked = the level's limits.
    Unticked rows start from the level's limits so ticking one starts from them."""

    LIMITS = (("min", "min_score"), ("share", "max_share"), ("count", "max_count"))

    def __init__(self, *args, levels, categories, rules, **kwargs):
        super().__init__(*args, **kwargs)
        self.levels, self.categories = list(levels), list(categories)
        for category in self.categories:
            for level in self.levels:
                key = f"{level.pk}_{category.pk}"
                rule = rules.get((level.pk, category.pk))
                source = rule or level
                self.fields[f"own_{key}"] = forms.BooleanField(
                    label=_("Own rule"), required=False, initial=rule is not None
                )
                self.fields[f"min_{key}"] = forms.DecimalField(
                    label=_("Minimum weighted total"),
                    max_digits=6,
                    decimal_places=2,
                    min_value=0,
                    required=False,
                    initial=source.min_score,
                )
                self.fields[f"share_{key}"] = forms.DecimalField(
                    label=_("At most this percentage of the category"),
                    max_digits=5,
                    decimal_places=2,
                    min_value=0,
                    max_value=100,
                    required=False,
                    initial=source.max_share,
                )
                self.fields[f"count_{key}"] = forms.IntegerField(
                    label=_("At most this many per category"), min_value=0, required=False, initial=source.max_count
                )
        self.style_widgets()

    def sections(self):
        """[(category, [(level, own, min, share, count), ...]), ...] for the template."""
        return [
            (
                category,
                [
                    (level, *(self[f"{p}_{level.pk}_{category.pk}"] for p in ("own", "min", "share", "count")))
                    for level in self.levels
                ],
            )
            for category in self.categories
        ]

    def rules(self) -> dict:
        data = self.cleaned_data
        chosen = {}
        for category in self.categories:
            for level in self.levels:
                key = f"{level.pk}_{category.pk}"
                if data.get(f"own_{key}"):
                    chosen[(level.pk, category.pk)] = {name: data.get(f"{p}_{key}") for p, name in self.LIMITS}
        return chosen


class VotesResetForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_widgets()
