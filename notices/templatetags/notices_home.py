"""The home page's latest notices, included by core's home template (core cannot import notices' views)."""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from notices import selectors
from notices.cache import cached_fragment

register = template.Library()

HOME_COUNT = 5


@register.simple_tag(takes_context=True)
def latest_notices(context):
    request = context["request"]

    def build():
        notices = selectors.latest_notices(HOME_COUNT)
        return render_to_string(
            "notices/_home_latest.html", {"notices": notices}, request=request
        ), selectors.next_due()

    return mark_safe(cached_fragment(request, "home", (), build))  # noqa: S308 - our own autoescaped template  # nosec B308, B703
