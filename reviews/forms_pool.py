"""Forms of the expert pool pages: they validate; `reviews.pool` and `reviews.pool_import` save."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.validators import validate_mobile

from . import pool
from .pool_import import MAX_MB


class _Styled:
    def style(self):
        for bound in self.fields.values():
            widget = bound.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


class EntryForm(_Styled, forms.Form):
    """What staff set on a pool entry. The categories are those of the programme's current edition (and, when
    editing, the ones the entry already has); the employer is an approved unit named by credit code or full name."""

    categories = forms.MultipleChoiceField(
        label=_("Categories the expert may judge"), required=False, widget=forms.CheckboxSelectMultiple
    )
    fields = forms.CharField(label=_("Fields of expertise"), max_length=200, required=False)
    employer = forms.CharField(
        label=_("Employer unit"),
        max_length=150,
        required=False,
        help_text=_("The unified social credit code or full name of an approved unit; leave empty for none."),
    )
    max_load = forms.IntegerField(
        label=_("Maximum applications per round"), min_value=1, max_value=pool.MAX_LOAD, initial=20
    )
    available_from = forms.DateField(
        label=_("Available from"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    available_until = forms.DateField(
        label=_("Available until"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, programme, extra_codes=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = pool.category_choices(programme)
        known = {code for code, _label in choices}
        choices += [(code, code) for code in extra_codes if code not in known]
        self.fields["categories"].choices = choices
        self.style()

    def clean_employer(self):
        text = self.cleaned_data.get("employer", "").strip()
        if not text:
            return None
        unit = pool.find_unit(text)
        if unit is None:
            raise forms.ValidationError(_("No approved unit has this credit code or name."))
        return unit

    def clean(self):
        data = super().clean()
        start, end = data.get("available_from"), data.get("available_until")
        if start and end and start > end:
            self.add_error("available_until", _("“Available from” must not be after “available until”."))
        return data


class AddForm(EntryForm):
    """Add an expert: the person (found by email or created and invited), then what they may judge."""

    full_name = forms.CharField(label=_("Full name"), max_length=60)
    email = forms.EmailField(label=_("Email"))
    mobile = forms.CharField(label=_("Mobile number"), max_length=11, required=False, validators=[validate_mobile])
    organisation_name = forms.CharField(label=_("Organisation"), max_length=150, required=False)
    title = forms.CharField(label=_("Professional title"), max_length=60, required=False)

    field_order = ["full_name", "email", "mobile", "organisation_name", "title"]


class ChangeForm(EntryForm):
    is_active = forms.BooleanField(label=_("Active (may be assigned)"), required=False)

    def __init__(self, *args, entry, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "categories": entry.categories,
                "fields": entry.fields,
                "employer": entry.employer.credit_code if entry.employer_id else "",
                "max_load": entry.max_load,
                "available_from": entry.available_from,
                "available_until": entry.available_until,
                "is_active": entry.is_active,
            },
        )
        super().__init__(*args, programme=entry.programme, extra_codes=entry.categories, **kwargs)
        self.fields["is_active"].widget.attrs["class"] = "form-check-input"


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Name or organisation"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    active = forms.ChoiceField(
        label=_("Active"),
        required=False,
        choices=[("", _("All")), ("1", _("Active")), ("0", _("Inactive"))],
    )

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("All categories")), *pool.category_choices(programme)]
        for bound in self.fields.values():
            css = (
                "form-select form-select-sm"
                if isinstance(bound.widget, forms.Select)
                else "form-control form-control-sm"
            )
            bound.widget.attrs["class"] = css

    def filters(self) -> dict:
        return self.cleaned_data if self.is_valid() else {}


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel workbook (.xlsx)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("One expert per row, in the columns of the template; at most %(mb)s MB.") % {
            "mb": MAX_MB
        }
        self.fields["file"].widget.attrs["class"] = "form-control"
        self.fields["file"].widget.attrs["accept"] = ".xlsx"
