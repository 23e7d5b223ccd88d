from django import template

from awards.forms import FILE_TYPE_LABELS
from awards.selectors import EditionStatus

register = template.Library()


@register.filter
def file_types(mime_types) -> str:
    """["application/pdf", "image/png"] → "PDF, PNG"."""
    return ", ".join(FILE_TYPE_LABELS.get(t, t) for t in mime_types or [])


@register.filter
def status_label(status) -> str:
    return EditionStatus(status).label if status in EditionStatus.values else ""


@register.filter
def column(bound_field) -> str:
    """The grid column of a field in a configuration row (see `ConfigRowForm.columns`)."""
    return getattr(bound_field.form, "columns", {}).get(bound_field.name, "col-md-3")
