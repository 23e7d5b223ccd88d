from django import template

from accounts import staff_nav

register = template.Library()


@register.simple_tag(takes_context=True)
def staff_nav_entries(context) -> list[dict]:
    """The registered staff menu entries the current user may see (accounts.staff_nav)."""
    request = context.get("request")
    return staff_nav.entries_for(getattr(request, "user", None), context.get("staff_section", ""))
