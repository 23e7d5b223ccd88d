"""Forms of 公示, 异议 and 结果公布: they validate only; the services in notices.results decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core import roles

from .models_results import ObjectionEffect
from .results import MOBILE

DATETIME = {
    "widget": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    "input_formats": ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (each is checked by content in the service)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


class PublicityForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("Starts at (Beijing time)"), **DATETIME)
    working_days = forms.IntegerField(label=_("Working days"), min_value=1, max_value=60, initial=7)
    show_scores = forms.BooleanField(label=_("Show the scores on the public list"), required=False)
    notice = forms.ModelChoiceField(label=_("Linked notice"), queryset=None, required=False)

    def __init__(self, *args, **kwargs):
        from .models import Notice

        super().__init__(*args, **kwargs)
        self.fields["notice"].queryset = Notice.objects.order_by("-pk")


class ObjectionForm(forms.Form):
    # Name and mobile are not required here: the service refuses an anonymous objection with the notice's reason.
    real_name = forms.CharField(label=_("Real name"), max_length=60, required=False)
    mobile = forms.CharField(label=_("Mobile"), max_length=11, required=False)
    email = forms.EmailField(label=_("Email (optional)"), required=False)
    application = forms.TypedChoiceField(label=_("Application objected to"), coerce=int)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000)
    evidence = MultipleFileField(label=_("Evidence files (PDF, JPEG or PNG)"), required=False)
    consent = forms.BooleanField(label=_("I agree to be contacted about this objection"), required=True)

    def __init__(self, *args, rows=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].choices = [
            (row.application_id, f"{row.number} {row.title}（{row.unit}）") for row in rows
        ]

    def clean_mobile(self):
        mobile = self.cleaned_data["mobile"].strip()
        if mobile and not MOBILE.match(mobile):
            raise forms.ValidationError(_("Enter a mainland China mobile number (11 digits)."))
        return mobile


class StatusForm(forms.Form):
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=20)
    mobile = forms.CharField(label=_("Mobile"), max_length=11)


def _staff_users():
    from django.db.models import Q

    staff = Q(is_superuser=True) | Q(memberships__role=roles.STAFF, memberships__is_active=True)
    return User.objects.filter(staff, is_active=True).distinct().order_by("full_name", "email")


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Assign to"), queryset=User.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = _staff_users()


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}))
    files = MultipleFileField(label=_("Files"), required=False)


class RequestForm(forms.Form):
    question = forms.CharField(
        label=_("What the applicant and its unit should answer"), widget=forms.Textarea(attrs={"rows": 3})
    )
    deadline = forms.DateTimeField(label=_("Answer by (Beijing time)"), **DATETIME)


class ConcludeForm(forms.Form):
    upheld = forms.TypedChoiceField(
        label=_("Conclusion"),
        choices=[("1", _("Upheld")), ("0", _("Dismissed"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    effect = forms.ChoiceField(
        label=_("Effect when upheld"), choices=[("", "—"), *ObjectionEffect.choices], required=False
    )
    level = forms.ModelChoiceField(label=_("Lower to level"), queryset=None, required=False)
    answer = forms.CharField(label=_("Written answer to the objector"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, levels=None, **kwargs):
        from reviews.models_levels import AwardLevel

        super().__init__(*args, **kwargs)
        self.fields["level"].queryset = levels if levels is not None else AwardLevel.objects.none()


class AnswerForm(forms.Form):
    response = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=10000)


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason for revoking"), widget=forms.Textarea(attrs={"rows": 3}))
