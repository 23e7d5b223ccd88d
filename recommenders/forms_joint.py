"""Input of 联合推荐 (joint recommendation): the lead's invitation and the invited organisation's answer."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Recommender


class JointInviteForm(forms.Form):
    recommender = forms.ModelChoiceField(
        queryset=Recommender.objects.none(),
        label=_("Recommending organisation to invite"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    note = forms.CharField(
        label=_("Note to the organisation"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control form-control-sm"}),
    )

    def __init__(self, *args, recommenders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recommender"].queryset = recommenders


class JointDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("confirm", _("Confirm")), ("decline", _("Decline"))])
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control form-control-sm"}),
    )
