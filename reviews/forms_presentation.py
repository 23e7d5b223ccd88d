"""Forms of the presentation competition's pages: they validate; the services in reviews.presentation save."""

from django import forms
from django.utils.translation import gettext_lazy as _

from awards.forms import LocalDateTimeField, StyledFormMixin

from .models_presentation import PresentationSession


def _to_minute(value):
    return value.replace(second=0, microsecond=0) if value else value


class BuildSessionsForm(StyledFormMixin, forms.Form):
    sessions_per_category = forms.IntegerField(label=_("Sessions per category"), min_value=1, max_value=50, initial=1)
    starts_at = LocalDateTimeField(label=_("First session starts (Beijing time)"))
    slot_minutes = forms.IntegerField(label=_("Minutes per presentation"), min_value=1, max_value=240, initial=15)
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_widgets()

    def clean_starts_at(self):
        return _to_minute(self.cleaned_data["starts_at"])


class SessionForm(StyledFormMixin, forms.ModelForm):
    """A session's place, time and instructions; times are Beijing time (Asia/Shanghai), to the minute."""

    starts_at = LocalDateTimeField(label=_("Starts (Beijing time)"))
    upload_deadline = LocalDateTimeField(label=_("Presentation file due (Beijing time)"), required=False)
    meeting_link = forms.URLField(label=_("Online meeting link"), required=False, assume_scheme="https")

    class Meta:
        model = PresentationSession
        fields = ["name", "venue", "meeting_link", "starts_at", "slot_minutes", "upload_deadline", "instructions"]
        widgets = {"instructions": forms.Textarea(attrs={"rows": 4, "maxlength": 4000})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instructions"].max_length = 4000
        self.style_widgets()

    def clean(self):
        data = super().clean()
        if not data.get("venue") and not data.get("meeting_link"):
            self.add_error("venue", _("Give a venue or an online meeting link."))
        for name in ("starts_at", "upload_deadline"):
            data[name] = _to_minute(data.get(name))
        if data.get("starts_at") and data.get("upload_deadline") and data["upload_deadline"] > data["starts_at"]:
            self.add_error("upload_deadline", _("The file is due before the session starts."))
        return data


class JudgesForm(forms.Form):
    judges = forms.ModelMultipleChoiceField(
        label=_("Judges"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, pool=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["judges"].queryset = pool
        self.fields["judges"].label_from_instance = lambda expert: (
            f"{expert.user.full_name} · {expert.organisation_name}"
        )


class MoveForm(forms.Form):
    session = forms.ModelChoiceField(label=_("Move to"), queryset=None)

    def __init__(self, *args, sessions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = sessions


class PresentationFileForm(forms.Form):
    file = forms.FileField(label=_("Presentation file (PDF or PPTX)"))
