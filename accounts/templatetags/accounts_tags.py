"""Approval states in templates: the badge style of a state, and the moves the approval table allows from it, so
no template compares status strings."""

from django import template

from accounts.enums import APPROVAL_TRANSITIONS, ApprovalStatus

register = template.Library()

BADGE_STYLES = {
    ApprovalStatus.APPROVED: "text-bg-success",
    ApprovalStatus.PENDING: "text-bg-warning",
    ApprovalStatus.REJECTED: "text-bg-danger",
}


@register.filter
def approval_badge(status) -> str:
    """The badge class of an approval state."""
    return BADGE_STYLES.get(status, "text-bg-secondary")


@register.simple_tag
def approval_moves(obj) -> dict[str, bool]:
    """The buttons a unit's or group's decision form offers, from APPROVAL_TRANSITIONS: approve (from pending or
    rejected), reject, deactivate, and reactivate (approve again after a deactivation)."""
    allowed = APPROVAL_TRANSITIONS.get(obj.status, set())
    again = obj.status == ApprovalStatus.DEACTIVATED
    return {
        "approve": ApprovalStatus.APPROVED in allowed and not again,
        "reactivate": ApprovalStatus.APPROVED in allowed and again,
        "reject": ApprovalStatus.REJECTED in allowed,
        "deactivate": ApprovalStatus.DEACTIVATED in allowed,
    }
