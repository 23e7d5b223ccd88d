from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    STAFF = "staff", _("Secretariat staff")
    RECOMMENDER = "recommender", _("Recommending organisation")
    UNIT = "unit", _("Unit contact")
    GROUP = "group", _("QC group leader")
    EXPERT = "expert", _("Expert")


class RecommenderKind(models.TextChoices):
    DISTRICT = "district", _("District market-supervision bureau")
    INDUSTRY = "industry", _("Industry association")
    GROUP_COMPANY = "group_company", _("Group company")


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    DEACTIVATED = "deactivated", _("Deactivated")


# Which approval moves are allowed: the one table for units and QC groups.
APPROVAL_TRANSITIONS = {
    ApprovalStatus.PENDING: {ApprovalStatus.APPROVED, ApprovalStatus.REJECTED},
    ApprovalStatus.APPROVED: {ApprovalStatus.DEACTIVATED},
    ApprovalStatus.REJECTED: {ApprovalStatus.PENDING, ApprovalStatus.APPROVED},
    ApprovalStatus.DEACTIVATED: {ApprovalStatus.APPROVED},
}


# The audit actions accounts writes, as people read them.
AUDIT_ACTIONS = {
    "unit.registered": _("unit registered"),
    "unit.requested": _("new unit requested"),
    "unit.approved": _("approved"),
    "unit.rejected": _("rejected"),
    "unit.deactivated": _("deactivated"),
    "unit.pending": _("back to waiting for approval"),
    "unit.direct_confirmed": _("direct application changed"),
    "group.registered": _("group registered"),
    "group.approved": _("approved"),
    "group.rejected": _("rejected"),
    "group.deactivated": _("deactivated"),
    "group.pending": _("back to waiting for approval"),
    "group.members_changed": _("members changed"),
    "recommender.created": _("recommending organisation created"),
    "recommender.activated": _("right to recommend restored"),
    "recommender.revoked": _("right to recommend revoked"),
    "recommender.ranked": _("ranking saved"),
    "expert.created": _("expert profile created"),
    "membership.granted": _("role granted"),
    "membership.activated": _("role restored"),
    "membership.deactivated": _("role removed"),
    "membership.decider_set": _("now decides for the recommending organisation"),
    "membership.reviewer_set": _("now reviews only (scores) for the recommending organisation"),
    "user.activated": _("account reactivated"),
    "user.deactivated": _("account deactivated"),
    "user.changed_in_admin": _("account changed in the Django admin"),
    "user.created_in_admin": _("account created in the Django admin"),
}
