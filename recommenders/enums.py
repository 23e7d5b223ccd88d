from django.db import models
from django.utils.translation import gettext_lazy as _


class EndorsementLevel(models.TextChoices):
    UNIT = "unit", _("Unit")
    RECOMMENDER = "recommender", _("Recommending organisation")


class Decision(models.TextChoices):
    PENDING = "pending", _("Not decided")
    ENDORSED = "endorsed", _("Endorsed")
    RETURNED = "returned", _("Returned")
    RECOMMENDED = "recommended", _("Recommended")
    DECLINED = "declined", _("Not recommended")


class HandInKind(models.TextChoices):
    RECOMMENDATION_TABLE = "recommendation_table", _("Recommendation table")
    REVIEW_SUMMARY = "review_summary", _("Review summary")
    # The two tables are handed in both as Excel (the kinds above) and as PDF.
    RECOMMENDATION_TABLE_PDF = "recommendation_table_pdf", _("Recommendation table (PDF)")
    REVIEW_SUMMARY_PDF = "review_summary_pdf", _("Review summary (PDF)")
    RECOMMENDATION_LETTER = "recommendation_letter", _("Stamped recommendation letter")
    ACTIVITY_SUMMARY = "activity_summary", _("Activity summary")
    ACTIVITY_STATISTICS = "activity_statistics", _("Activity statistics")


# What a hand-in of each kind accepts as upload (generated kinds are handed in as the portal's file).
HANDIN_UPLOAD_TYPES = {
    HandInKind.RECOMMENDATION_LETTER: ["application/pdf", "image/jpeg", "image/png"],
    HandInKind.ACTIVITY_SUMMARY: [
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ],
}


# The audit actions recommenders writes, as people read them.
AUDIT_ACTIONS = {
    "application.self_evaluated": _("self-evaluation saved"),
    "application.unit_scan_uploaded": _("stamped form uploaded"),
    "application.recommender_scored": _("reviewer's scores saved"),
    "dossier.statistics_saved": _("activity statistics saved"),
    **{f"dossier.handed_in.{kind.value}": kind.label for kind in HandInKind},
    "dossier.handin_refused": _("generated table not handed in"),
    "corecommendation.invited": _("invited to recommend jointly"),
    "corecommendation.confirmed": _("joint recommendation confirmed"),
    "corecommendation.declined": _("joint recommendation declined"),
}
