"""获奖证书 fixtures: an application whose award is confirmed (released as awarded, then confirmed), and a template.

application = confirmed_application(edition)          # group programme, level 一等奖, status award_confirmed
template = certificate_template(edition)              # the edition's own template, with a seal image
"""

from applications.services import application_transition
from notices.certificates import certificate_template_save
from notices.workflow import ResultAction
from reviews import levels

from .accounts import staff_user
from .applications import png_bytes
from .reviews import admitted_application
from .reviews_levels import closed_round, level_scheme, result

__all__ = ["BODY", "certificate_template", "confirmed_applications"]

BODY = "{group}（{unit}）：\n课题《{topic}》荣获{edition}{level}。\n小组成员：{members}\n推荐单位：{recommender}"


def confirmed_applications(edition, count: int = 1, *, level: str = "一等奖"):
    """`count` applications of `edition` through release (awarded) and confirm_award."""
    staff = staff_user()
    doc = closed_round(edition, name="材料文审")
    applications = [admitted_application(edition=edition) for _ in range(count)]
    for application in applications:
        result(doc, application, 95)
    scheme = level_scheme(edition, {doc: 100}, levels=[(level, None, None, None)])
    assert levels.scheme_release(actor=staff, scheme=scheme)
    confirmed = []
    for application in applications:
        application.refresh_from_db()
        confirmed.append(
            application_transition(application=application, action=ResultAction.CONFIRM_AWARD, actor=staff).application
        )
    return confirmed


def certificate_template(owner, *, title: str = "荣誉证书", body: str = BODY, seal: bool = True):
    return certificate_template_save(
        actor=staff_user(),
        owner=owner,
        data={"title": title, "body": body, "signer": "上海市质量协会"},
        images={"seal": (png_bytes((200, 200)), "seal.png")} if seal else {},
    )
