"""Forms of the certificate pages: the template (placeholders checked, images content-checked)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.exceptions import BusinessRuleError
from core.files import validate_file

from .certificates import PLACEHOLDERS, unknown_placeholders

IMAGE_TYPES = ["image/png", "image/jpeg"]
IMAGE_MAX_MB = 5
IMAGE_FIELDS = {"signature": _("signature image"), "seal": _("seal image"), "background": _("background image")}


class CertificateTemplateForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=100, initial="荣誉证书")
    body = forms.CharField(
        label=_("Body"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=2000,
        initial="{group}（{unit}）：\n你们的课题《{topic}》荣获{edition}{level}。\n小组成员：{members}\n特发此证，以资鼓励。",
    )
    signer = forms.CharField(label=_("Signed by"), max_length=100, required=False, initial="上海市质量协会")
    signature = forms.FileField(label=_("Signature image"), required=False, help_text=_("PNG or JPG, at most 5 MB."))
    seal = forms.FileField(label=_("Seal image"), required=False, help_text=_("PNG or JPG, at most 5 MB."))
    background = forms.FileField(
        label=_("Background image"), required=False, help_text=_("PNG or JPG, A4 landscape, at most 5 MB.")
    )
    remove_signature = forms.BooleanField(label=_("Remove the signature image"), required=False)
    remove_seal = forms.BooleanField(label=_("Remove the seal image"), required=False)
    remove_background = forms.BooleanField(label=_("Remove the background image"), required=False)

    def _placeholders(self, name):
        value = self.cleaned_data[name]
        unknown = unknown_placeholders(value)
        if unknown:
            raise forms.ValidationError(
                _("Unknown placeholders: %(unknown)s. Allowed: %(allowed)s.")
                % {
                    "unknown": "、".join("{" + u + "}" for u in unknown),
                    "allowed": " ".join("{" + p + "}" for p in PLACEHOLDERS),
                }
            )
        return value

    def clean_title(self):
        return self._placeholders("title")

    def clean_body(self):
        return self._placeholders("body")

    def _image(self, name):
        upload = self.cleaned_data.get(name)
        if not upload:
            return None
        data = upload.read()
        try:
            validate_file(data=data, allowed_types=IMAGE_TYPES, max_mb=IMAGE_MAX_MB, label=IMAGE_FIELDS[name])
        except BusinessRuleError as error:
            raise forms.ValidationError(error.message) from None
        return (data, upload.name)

    def clean_signature(self):
        return self._image("signature")

    def clean_seal(self):
        return self._image("seal")

    def clean_background(self):
        return self._image("background")

    def images(self) -> dict:
        """Field → (bytes, name) for an upload, None to remove; unchanged images left out."""
        changes = {}
        for name in IMAGE_FIELDS:
            if self.cleaned_data.get(name):
                changes[name] = self.cleaned_data[name]
            elif self.cleaned_data.get(f"remove_{name}"):
                changes[name] = None
        return changes


class VerifyForm(forms.Form):
    number = forms.CharField(label=_("Verification number"), max_length=40)
