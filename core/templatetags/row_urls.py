"""`{% row_url "app:name" pk %}`: the link of one row in a long list, without a full `reverse()` for every row.

The URL name is reversed once per URLconf and script prefix with a placeholder pk; each row then puts its own pk in
the placeholder's place. Same output as `{% url "app:name" pk %}` for URLs that take a single integer pk.
"""

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()

PLACEHOLDER = "2147483646"
_patterns: dict[tuple, tuple[str, str]] = {}


def row_url_for(name: str, pk) -> str:
    key = (name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
    parts = _patterns.get(key)
    if parts is None:
        before, found, after = reverse(name, args=[int(PLACEHOLDER)]).partition(PLACEHOLDER)
        if not found or PLACEHOLDER in after:
            raise ValueError(f"{name}: not a URL with one integer pk")
        parts = _patterns[key] = (before, after)
    return f"{parts[0]}{int(pk)}{parts[1]}"


@register.simple_tag
def row_url(name, pk):
    return row_url_for(name, pk)
