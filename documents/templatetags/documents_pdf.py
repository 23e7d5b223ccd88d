"""Filters for PDF templates: safe CSS strings and translatable page-number formats for @page margin boxes."""

import re

from django import template
from django.utils.safestring import mark_safe

register = template.Library()

_CSS_STRING_ESCAPES = {"\\": "\\\\", '"': '\\"', "<": "\\3c ", ">": "\\3e ", "\n": "\\a ", "\r": ""}
_COUNTER_RE = re.compile(r"\{(page|pages)\}")


def _css_quote(text) -> str:
    return '"' + "".join(_CSS_STRING_ESCAPES.get(ch, ch) for ch in str(text)) + '"'


@register.filter
def css_string(value):
    """`value` as a quoted CSS string, safe inside a <style> element (for `content:` in margin boxes)."""
    return mark_safe(_css_quote(value))  # noqa: S308 - quoted and escaped by _css_quote  # nosec B308, B703


@register.filter
def css_page_counter(page_format):
    """Turn "Page {page} of {pages}" (or its translation "第 {page} 页，共 {pages} 页") into a CSS `content` value."""
    parts = []
    for index, piece in enumerate(_COUNTER_RE.split(str(page_format))):
        if index % 2:
            parts.append(f"counter({piece})")
        elif piece:
            parts.append(_css_quote(piece))
    return mark_safe(" ".join(parts) or "none")  # noqa: S308 - counters and _css_quote strings  # nosec B308, B703
