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
