"""Mail notices of the formal-review outcomes, registered with notifications (`notifications.defaults.register`).

Each outcome is a move of the application, so notifications tells the same people as for applications' own moves
(the group, its unit's contact, its recommender), in their language, after the move committed; the reason is the
move's note. The correction notice also lists the items to correct and the deadline, in Beijing time.
"""

from zoneinfo import ZoneInfo

from notifications.defaults import Wording, en_body, register, zh_body

from .enums import ReviewAction
from .models import ChecklistItem, FormalReview

# The portal's users are in Shanghai whatever the server's zone (facts: deadlines are given in Beijing time).
SHANGHAI = ZoneInfo("Asia/Shanghai")

WORDINGS = {
    ReviewAction.FORMAL_ADMIT: Wording(
        subject_zh="形式审查通过，参加评审：{application_number} {title}",
        body_zh=zh_body(
            "申报“{title}”（{unit}）已通过上海市质量协会形式审查，参加评审。\n\n"
            "申报编号：{application_number}\n评审活动：{edition}\n说明：{reason}\n当前状态：{status}"
        ),
        subject_en="Formal review: admitted to review: {application_number} {title}",
        body_en=en_body(
            "The application “{title}” ({unit}) has passed the Shanghai Quality Association's formal review and is "
            "admitted to review.\n\n"
            "Number: {application_number}\nEdition: {edition}\nNote: {reason}\nStatus: {status}"
        ),
    ),
    ReviewAction.FORMAL_RETURN: Wording(
        subject_zh="形式审查：请完善后参评：{application_number} {title}",
        body_zh=zh_body(
            "上海市质量协会形式审查认为申报“{title}”（{unit}）需完善后参评。\n\n"
            "申报编号：{application_number}\n原因：{reason}\n需完善的内容：\n{correction_items}\n"
            "请在 {correction_deadline}（北京时间）前完善并重新提交，逾期视为不评。"
        ),
        subject_en="Formal review: correct and resubmit: {application_number} {title}",
        body_en=en_body(
            "The Shanghai Quality Association's formal review asks for corrections to the application “{title}” "
            "({unit}) before it is admitted to review.\n\n"
            "Number: {application_number}\nReason: {reason}\nTo correct:\n{correction_items}\n"
            "Correct it and hand it back by {correction_deadline} (Beijing time); after that it is not admitted."
        ),
    ),
    ReviewAction.FORMAL_NOT_ADMIT: Wording(
        subject_zh="形式审查：不予参评：{application_number} {title}",
        body_zh=zh_body(
            "经上海市质量协会形式审查，申报“{title}”（{unit}）不予参评。\n\n"
            "申报编号：{application_number}\n评审活动：{edition}\n原因：{reason}\n当前状态：{status}"
        ),
        subject_en="Formal review: not admitted: {application_number} {title}",
        body_en=en_body(
            "After the Shanghai Quality Association's formal review, the application “{title}” ({unit}) is not "
            "admitted to review.\n\n"
            "Number: {application_number}\nEdition: {edition}\nReason: {reason}\nStatus: {status}"
        ),
    ),
    ReviewAction.FORMAL_DEFER: Wording(
        subject_zh="形式审查：缓评至下一年度：{application_number} {title}",
        body_zh=zh_body(
            "经上海市质量协会形式审查，申报“{title}”（{unit}）缓评，转入下一年度评审。\n\n"
            "申报编号：{application_number}\n评审活动：{edition}\n原因：{reason}\n当前状态：{status}"
        ),
        subject_en="Formal review: deferred to next year: {application_number} {title}",
        body_en=en_body(
            "After the Shanghai Quality Association's formal review, the application “{title}” ({unit}) is deferred "
            "to next year's review.\n\n"
            "Number: {application_number}\nEdition: {edition}\nReason: {reason}\nStatus: {status}"
        ),
    ),
    ReviewAction.FORMAL_REJECT: Wording(
        subject_zh="形式审查：申报被驳回：{application_number} {title}",
        body_zh=zh_body(
            "经上海市质量协会形式审查，申报“{title}”（{unit}）被驳回。\n\n"
            "申报编号：{application_number}\n评审活动：{edition}\n原因：{reason}\n当前状态：{status}"
        ),
        subject_en="Formal review: rejected: {application_number} {title}",
        body_en=en_body(
            "After the Shanghai Quality Association's formal review, the application “{title}” ({unit}) is "
            "rejected.\n\n"
            "Number: {application_number}\nEdition: {edition}\nReason: {reason}\nStatus: {status}"
        ),
    ),
}


def correction_values(application, event) -> dict[str, str]:
    """{correction_items} (one line each, in the active language) and {correction_deadline} (Beijing time)."""
    review = FormalReview.objects.filter(application=application).first()
    if review is None or not review.correction_items or review.correction_deadline is None:
        return {"correction_items": "—", "correction_deadline": "—"}
    checks = {
        item.code: item.localized("label")
        for item in ChecklistItem.objects.filter(edition_id=application.edition_id, code__in=review.correction_items)
    }
    return {
        "correction_items": "\n".join(f"- {checks.get(code, code)}" for code in review.correction_items),
        "correction_deadline": f"{review.correction_deadline.astimezone(SHANGHAI):%Y-%m-%d %H:%M}",
    }


def register_notices() -> None:
    for action, wording in WORDINGS.items():
        register(action, wording, values=correction_values if action == ReviewAction.FORMAL_RETURN else None)
