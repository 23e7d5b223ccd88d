"""Forms of the on-site review pages: they validate; the services in reviews.onsite save."""

from django import forms
from django.utils.translation import gettext_lazy as _

from awards.forms import LocalDateTimeField, StyledFormMixin

from .onsite import PHOTO_MAX_MB


class ExpertChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.user.full_name or obj.user.email


class VisitForm(StyledFormMixin, forms.Form):
    """A visit: when (Beijing time, to the minute), where (empty: the unit's address) and who (the panel)."""

    application = forms.ModelChoiceField(label=_("Application"), queryset=None)
    starts_at = LocalDateTimeField(label=_("Date and time (Beijing time)"))
    address = forms.CharField(
        label=_("Address"), max_length=200, required=False, help_text=_("Leave empty for the unit's address.")
    )
    notes = forms.CharField(
        label=_("Notes for the panel"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    experts = ExpertChoiceField(label=_("Panel"), queryset=None, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, applications=None, experts=None, **kwargs):
        super().__init__(*args, **kwargs)
        if applications is None:
            del self.fields["application"]
        else:
            self.fields["application"].queryset = applications
            self.fields["application"].label_from_instance = lambda a: f"{a.number or a.pk} · {a.title} · {a.unit}"
        self.fields["experts"].queryset = experts
        self.style_widgets()

    def clean_starts_at(self):
        value = self.cleaned_data["starts_at"]
        return value.replace(second=0, microsecond=0) if value else value


class PhotoForm(StyledFormMixin, forms.Form):
    photo = forms.FileField(
        label=_("Photo"),
        help_text=_("JPG, PNG or WebP, at most %(max)s MB.") % {"max": PHOTO_MAX_MB},
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_widgets()
