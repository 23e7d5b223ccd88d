from django import template

from core.audit import action_label

register = template.Library()


@register.filter
def audit_action(action: str) -> str:
    """An audit action code as people read it (`unit.approved` → "unit approved")."""
    return action_label(action)
