from django import forms
from django.utils.translation import gettext_lazy as _

from .enums import Language
from .placeholders import unknown_placeholders


class MailTemplateForm(forms.Form):
    """A programme's wording of one notice, in both languages. Only known placeholders are accepted."""

    subject_zh = forms.CharField(label=_("Subject (Chinese)"), max_length=200)
    body_zh = forms.CharField(label=_("Body (Chinese)"), widget=forms.Textarea(attrs={"rows": 12}))
    subject_en = forms.CharField(label=_("Subject (English)"), max_length=200)
    body_en = forms.CharField(label=_("Body (English)"), widget=forms.Textarea(attrs={"rows": 12}))

    def clean(self):
        cleaned = super().clean()
        for name in ("subject_zh", "body_zh", "subject_en", "body_en"):
            unknown = unknown_placeholders(cleaned.get(name, ""))
            if unknown:
                self.add_error(
                    name,
                    _("Unknown placeholders: %(names)s. Use only the placeholders listed beside the form.")
                    % {"names": "、".join(f"{{{item}}}" for item in unknown)},
                )
        return cleaned

    @classmethod
    def initial_from(cls, wording) -> dict:
        return {
            "subject_zh": wording.subject_zh,
            "body_zh": wording.body_zh,
            "subject_en": wording.subject_en,
            "body_en": wording.body_en,
        }


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Notices in"), choices=Language.choices)
