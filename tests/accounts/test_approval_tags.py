"""The approval buttons and badges come from the approval table (accounts.enums.APPROVAL_TRANSITIONS), not from
status strings compared in the templates."""

import re
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from accounts.enums import APPROVAL_TRANSITIONS, ApprovalStatus
from accounts.templatetags.accounts_tags import approval_badge

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("status", ApprovalStatus.values)
def test_the_decision_form_offers_the_moves_of_the_approval_table(status):
    request = RequestFactory().get("/staff/units/")
    html = render_to_string(
        "accounts/_decision_buttons.html",
        {"obj": SimpleNamespace(pk=7, status=status), "url": "/decide/", "request": request},
    )
    offered = set(re.findall(r'name="status" value="(\w+)"', html))
    # Back to "waiting" is the registrant's move (a new request), not a button of the decision form.
    assert offered == set(APPROVAL_TRANSITIONS[status]) - {ApprovalStatus.PENDING}


@pytest.mark.parametrize(
    ("status", "style"),
    [
        ("approved", "text-bg-success"),
        ("pending", "text-bg-warning"),
        ("rejected", "text-bg-danger"),
        ("deactivated", "text-bg-secondary"),
    ],
)
def test_the_badge_style_of_each_approval_state(status, style):
    assert approval_badge(status) == style
    html = render_to_string("accounts/_status_badge.html", {"status": status, "label": "x"})
    assert html == f'<span class="badge {style}">x</span>'
