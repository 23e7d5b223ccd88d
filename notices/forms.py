from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from awards.models import Programme

from .models import Notice


class NoticeForm(forms.ModelForm):
    class Meta:
        model = Notice
        fields = ["programme", "title", "body", "pinned"]
        widgets = {"body": forms.Textarea(attrs={"rows": 14})}
        help_texts = {
            "body": _(
                "HTML: paragraphs, headings, lists, tables, bold/italic/underline, quotes and web or mail links. "
                "Anything else is removed on save."
            )
        }


class ScheduleForm(forms.Form):
    publish_at = forms.DateTimeField(
        label=_("Publish at (Beijing time)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "class": "form-control"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    def clean_publish_at(self):
        value = self.cleaned_data["publish_at"]
        if value <= timezone.now():
            raise forms.ValidationError(_("Choose a time in the future, or publish now."))
        return value


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Attachment"), help_text=_("PDF, Word, Excel, JPG or PNG, at most 20 MB."))


class PublicFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=Programme.objects.none(), required=False, empty_label=_("All programmes")
    )

    def __init__(self, *args, programmes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes if programmes is not None else Programme.objects.all()
        self.fields["q"].widget.attrs.update({"class": "form-control", "type": "search"})
        self.fields["programme"].widget.attrs.update({"class": "form-select"})

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {"q": self.cleaned_data["q"].strip(), "programme": self.cleaned_data["programme"]}
