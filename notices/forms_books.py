from django import forms
from django.utils.translation import gettext_lazy as _


class PackageForm(forms.Form):
    """Which of the edition's awarded applications go into one national-recommendation package."""

    applications = forms.ModelMultipleChoiceField(
        label=_("Applications"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one application.")},
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applications"].queryset = candidates


class ConsentForm(forms.Form):
    consent_summary = forms.BooleanField(
        label=_("Share the summary of our achievement on the public site"), required=False
    )
    consent_report = forms.BooleanField(label=_("Also share our achievement report"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("consent_report") and not data.get("consent_summary"):
            self.add_error("consent_report", _("The report is shared only together with the summary."))
        return data


class PublishForm(forms.Form):
    published = forms.BooleanField(required=False)
