from django import template

from core.audit import action_label

register = template.Library()


@register.filter
def audit_action(action: str) -> str:
    """An audit action code as people read it (`unit.approved` → "unit approved")."""
    return action_label(action)


@register.filter
def audit_changes(entry) -> list[dict]:
    """The entry's changes with field and choice labels in the page's language (core.audit.readable_changes)."""
    from core.audit import readable_changes

    return readable_changes(entry)


@register.filter
def audit_note(note: str) -> dict:
    """A note shortened like the values, the whole note on demand."""
    from core.audit import _shortened

    return _shortened(note or "")
