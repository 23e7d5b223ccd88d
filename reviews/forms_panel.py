"""Forms of the panel pages (评审组长, 合议): they validate; the services in reviews.panel save."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from awards.forms import StyledFormMixin

from .panel import LEVEL_MAX_LENGTH


class LeaderForm(StyledFormMixin, forms.Form):
    category = forms.IntegerField(widget=forms.HiddenInput)
    session = forms.IntegerField(widget=forms.HiddenInput, required=False)  # a presentation round's panel
    leader = forms.TypedChoiceField(label=_("Leader"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].choices = [
            ("", _("No leader")),
            *((e.pk, e.user.full_name or e.user.email) for e in members),
        ]
        self.style_widgets()


class ConclusionForm(StyledFormMixin, forms.Form):
    """The panel's conclusion on one application: an agreed score or an adjustment (the service checks bounds and
    the reason)."""

    agreed_score = forms.DecimalField(
        label=_("Agreed score"), required=False, min_value=Decimal("0"), max_digits=6, decimal_places=2
    )
    adjustment = forms.DecimalField(
        label=_("or adjustment (+/− points)"), required=False, max_digits=6, decimal_places=2
    )
    reason = forms.CharField(
        label=_("Reason (required when the score changes)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    recommended_level = forms.CharField(label=_("Recommended level"), required=False, max_length=LEVEL_MAX_LENGTH)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_widgets()

    def clean(self):
        data = super().clean()
        if data.get("agreed_score") is not None and data.get("adjustment") is not None:
            raise forms.ValidationError(_("Give either the agreed score or an adjustment, not both."))
        return data
