"""An edition's status badge gets its style from one map in awards_tags, not from a comparison in the template."""

import pytest
from django.template.loader import render_to_string

from awards.selectors import EditionStatus

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("status", "style"),
    [
        (EditionStatus.OPEN, "text-bg-success"),
        (EditionStatus.IN_REVIEW, "text-bg-primary"),
        (EditionStatus.UPCOMING, "text-bg-info"),
        (EditionStatus.CLOSED, "text-bg-secondary"),
    ],
)
def test_each_edition_status_has_its_badge_style(status, style):
    html = render_to_string("awards/_edition_status.html", {"status": status.value})
    assert html == f'<span class="badge {style}" data-status="{status.value}">{status.label}</span>'
