"""The notices every programme sends until staff write its own: one per move, in Chinese and English.

Plain text with {placeholders} (see placeholders.py). Staff change them per programme on the mail-template pages;
these stay the fallback and the starting point of the edit form.
"""

from collections.abc import Callable
from dataclasses import dataclass

from applications.enums import Action


@dataclass(frozen=True)
class Wording:
    subject_zh: str
    body_zh: str
    subject_en: str
    body_en: str


FOOTER_ZH = "上海市质量协会 · 奖项申报平台\n申报和推荐均不收取任何费用。"
FOOTER_EN = (
    "Shanghai Quality Association · award programme portal\nNo fees are charged for applications or recommendations."
)


def zh_body(lines: str) -> str:
    return f"{{recipient}}，您好：\n\n{lines}\n\n请登录平台查看：\n{{link}}\n\n{FOOTER_ZH}\n"


def en_body(lines: str) -> str:
    return f"Dear {{recipient}},\n\n{lines}\n\nOpen it in the portal:\n{{link}}\n\n{FOOTER_EN}\n"


DEFAULTS: dict[str, Wording] = {
    Action.SUBMIT: Wording(
        subject_zh="申报已提交：{application_number} {title}",
        body_zh=zh_body(
            "{applicant}的申报“{title}”已提交至{unit}审核。\n\n"
            "申报编号：{application_number}\n评审活动：{edition}\n当前状态：{status}\n"
            "单位审核截止时间：{deadline}（北京时间）"
        ),
        subject_en="Application {application_number} submitted: {title}",
        body_en=en_body(
            "{applicant} has submitted the application “{title}” to {unit} for endorsement.\n\n"
            "Number: {application_number}\nEdition: {edition}\nStatus: {status}\n"
            "The unit endorses by: {deadline} (Beijing time)"
        ),
    ),
    Action.WITHDRAW: Wording(
        subject_zh="申报已撤回：{application_number} {title}",
        body_zh=zh_body(
            "{applicant}已撤回申报“{title}”，该申报不再参加评审。\n\n"
            "申报编号：{application_number}\n评审活动：{edition}\n当前状态：{status}"
        ),
        subject_en="Application withdrawn: {application_number} {title}",
        body_en=en_body(
            "{applicant} has withdrawn the application “{title}”; it takes no further part.\n\n"
            "Number: {application_number}\nEdition: {edition}\nStatus: {status}"
        ),
    ),
    Action.UNIT_RETURN: Wording(
        subject_zh="申报被单位退回修改：{application_number} {title}",
        body_zh=zh_body(
            "{unit}已将申报“{title}”退回申报人修改。\n\n"
            "申报编号：{application_number}\n退回原因：{reason}\n当前状态：{status}\n"
            "请在 {deadline}（北京时间）前修改并重新提交。"
        ),
        subject_en="Application returned by the unit: {application_number} {title}",
        body_en=en_body(
            "{unit} has returned the application “{title}” to the applicant for changes.\n\n"
            "Number: {application_number}\nReason: {reason}\nStatus: {status}\n"
            "Change it and submit it again by {deadline} (Beijing time)."
        ),
    ),
    Action.UNIT_ENDORSE: Wording(
        subject_zh="单位已审核推荐：{application_number} {title}",
        body_zh=zh_body(
            "{unit}已审核同意申报“{title}”，现交由{recommender}评审推荐。\n\n"
            "申报编号：{application_number}\n评审活动：{edition}\n当前状态：{status}\n"
            "推荐截止时间：{deadline}（北京时间）"
        ),
        subject_en="Endorsed by the unit: {application_number} {title}",
        body_en=en_body(
            "{unit} has endorsed the application “{title}”; it now waits for the review and recommendation of "
            "{recommender}.\n\n"
            "Number: {application_number}\nEdition: {edition}\nStatus: {status}\n"
            "Recommendations close: {deadline} (Beijing time)"
        ),
    ),
    Action.UNIT_ENDORSE_DIRECT: Wording(
        subject_zh="单位已审核并直接报送协会：{application_number} {title}",
        body_zh=zh_body(
            "{unit}已审核同意申报“{title}”，并直接报送上海市质量协会。\n\n"
            "申报编号：{application_number}\n评审活动：{edition}\n当前状态：{status}"
        ),
        subject_en="Endorsed and sent to the association: {application_number} {title}",
        body_en=en_body(
            "{unit} has endorsed the application “{title}” and sent it directly to the Shanghai Quality "
            "Association.\n\n"
            "Number: {application_number}\nEdition: {edition}\nStatus: {status}"
        ),
    ),
    Action.RECOMMENDER_RETURN: Wording(
        subject_zh="申报被推荐单位退回：{application_number} {title}",
        body_zh=zh_body(
            "{recommender}已将申报“{title}”退回{unit}复核。\n\n"
            "申报编号：{application_number}\n退回原因：{reason}\n当前状态：{status}\n"
            "单位审核截止时间：{deadline}（北京时间）"
        ),
        subject_en="Application returned by the recommending organisation: {application_number} {title}",
        body_en=en_body(
            "{recommender} has returned the application “{title}” to {unit} for another look.\n\n"
            "Number: {application_number}\nReason: {reason}\nStatus: {status}\n"
            "The unit endorses by: {deadline} (Beijing time)"
        ),
    ),
    Action.RECOMMEND: Wording(
        subject_zh="申报已获推荐：{application_number} {title}",
        body_zh=zh_body(
            "{recommender}已推荐申报“{title}”（{unit}）参加上海市质量协会评审。\n\n"
            "申报编号：{application_number}\n评审活动：{edition}\n推荐意见：{reason}\n当前状态：{status}"
        ),
        subject_en="Application recommended: {application_number} {title}",
        body_en=en_body(
            "{recommender} has recommended the application “{title}” ({unit}) to the Shanghai Quality "
            "Association.\n\n"
            "Number: {application_number}\nEdition: {edition}\nOpinion: {reason}\nStatus: {status}"
        ),
    ),
    Action.DECLINE: Wording(
        subject_zh="申报未获推荐：{application_number} {title}",
        body_zh=zh_body(
            "{recommender}决定不予推荐申报“{title}”（{unit}）。\n\n"
            "申报编号：{application_number}\n评审活动：{edition}\n原因：{reason}\n当前状态：{status}"
        ),
        subject_en="Application not recommended: {application_number} {title}",
        body_en=en_body(
            "{recommender} has decided not to recommend the application “{title}” ({unit}).\n\n"
            "Number: {application_number}\nEdition: {edition}\nReason: {reason}\nStatus: {status}"
        ),
    ),
    Action.RECONSIDER: Wording(
        subject_zh="推荐决定已撤销，重新评审：{application_number} {title}",
        body_zh=zh_body(
            "{recommender}撤销了对申报“{title}”（{unit}）的推荐决定，将重新评审。\n\n"
            "申报编号：{application_number}\n当前状态：{status}\n推荐截止时间：{deadline}（北京时间）"
        ),
        subject_en="Recommendation decision reopened: {application_number} {title}",
        body_en=en_body(
            "{recommender} has reopened its decision on the application “{title}” ({unit}) and reviews it "
            "again.\n\n"
            "Number: {application_number}\nStatus: {status}\nRecommendations close: {deadline} (Beijing time)"
        ),
    ),
}


@dataclass(frozen=True)
class AddedNotice:
    """The notice of a move a higher app added (`applications.workflow.extend`): its wording, and optionally
    `values(application, event) -> dict` giving more {placeholders} (called in the recipient's language)."""

    wording: Wording
    values: Callable | None = None


# Notices of added moves, by action; applications' own moves keep the staff-editable DEFAULTS above.
_ADDED: dict[str, AddedNotice] = {}


def register(action: str, wording: Wording, *, values: Callable | None = None) -> None:
    """Called from a higher app's AppConfig.ready(): its move `action` tells the people around the application,
    like applications' own moves (same recipients, languages and mail queue)."""
    _ADDED[action] = AddedNotice(wording, values)


def is_notified(action: str) -> bool:
    return action in Action.values or action in _ADDED


def added_notice(action: str) -> AddedNotice | None:
    return _ADDED.get(action)


def default_for(event: str) -> Wording:
    return DEFAULTS[event] if event in DEFAULTS else _ADDED[event].wording
