from django import template
from django.utils.translation import gettext_lazy as _

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


EDITION_STATUS_BADGES = {
    EditionStatus.OPEN: "text-bg-success",
    EditionStatus.IN_REVIEW: "text-bg-primary",
    EditionStatus.UPCOMING: "text-bg-info",
}


@register.filter
def status_badge(status) -> str:
    """The badge class of an edition's status (closed and unknown ones are grey)."""
    return EDITION_STATUS_BADGES.get(status, "text-bg-secondary")


@register.filter
def column(bound_field) -> str:
    """The grid column of a field in a configuration row (see `ConfigRowForm.columns`)."""
    return getattr(bound_field.form, "columns", {}).get(bound_field.name, "col-md-3")


# The audit actions written on a programme or an edition (awards.services and the console's pages), as people
# read them.
AUDIT_ACTIONS = {
    "programme.created": _("programme created"),
    "programme.updated": _("programme changed"),
    "edition.created": _("created from the defaults"),
    "edition.copied": _("copied from an earlier edition"),
    "edition.updated": _("rules and quotas changed"),
    "edition.schedule_changed": _("schedule changed"),
    "edition.questions_changed": _("questions changed"),
    "edition.attachments_changed": _("required files changed"),
    "edition.categories_changed": _("categories changed"),
    "edition.rubrics_changed": _("rubrics changed"),
    "edition.rubric_items_changed": _("rubric items changed"),
    "edition.statistics_fields_changed": _("activity statistics fields changed"),
}
