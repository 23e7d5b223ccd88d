"""Who is told about results publicity, objections and the final result (mail + portal inbox).

The moves (`withdraw_award`, `confirm_award`, `revoke_award`) tell the group, unit and recommender through the
notifications app's editable templates (`notifications.defaults.register`: staff edit them per programme on the
mail-template pages). Events that are not moves — the publicity is published, an answer is requested, an
objection is concluded without a withdrawal — are written with `tell()`: one portal message per person (the same
recipients as the moves) from plain-text templates under templates/notices/results/mail/, mailed once.
"""

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from notifications.defaults import Wording, en_body, register, zh_body

from .workflow import ResultAction

WORDINGS = {
    ResultAction.WITHDRAW_AWARD: Wording(
        subject_zh="公示异议成立，奖项撤销：{application_number} {title}",
        body_zh=zh_body(
            "经核查，针对申报“{title}”（{unit}）的公示异议成立，拟授奖项予以撤销。\n\n"
            "申报编号：{application_number}\n评审活动：{edition}\n说明：{reason}\n当前状态：{status}"
        ),
        subject_en="Objection upheld, award withdrawn: {application_number} {title}",
        body_en=en_body(
            "An objection to the application “{title}” ({unit}) during the publicity was upheld; the proposed award "
            "is withdrawn.\n\nNumber: {application_number}\nEdition: {edition}\nNote: {reason}\nStatus: {status}"
        ),
    ),
    ResultAction.CONFIRM_AWARD: Wording(
        subject_zh="评审结果公布，奖项确认：{application_number} {title}",
        body_zh=zh_body(
            "公示期满，申报“{title}”（{unit}）的奖项已确认，结果正式公布。\n\n"
            "申报编号：{application_number}\n评审活动：{edition}\n当前状态：{status}\n\n"
            "获奖证书制作完成后，可在下方链接的申报页面下载；证书上的验证编号可在平台“证书验证”页面核验。"
        ),
        subject_en="Results published, award confirmed: {application_number} {title}",
        body_en=en_body(
            "The publicity has ended and the award of the application “{title}” ({unit}) is confirmed; the final "
            "results are published.\n\nNumber: {application_number}\nEdition: {edition}\nStatus: {status}\n\n"
            "Once the certificates are made, download yours from the application's page (the link below); the "
            "verification number on it can be checked on the portal's certificate verification page."
        ),
    ),
    ResultAction.REVOKE_AWARD: Wording(
        subject_zh="奖项已撤销：{application_number} {title}",
        body_zh=zh_body(
            "申报“{title}”（{unit}）的奖项已被撤销，证书同时作废。\n\n"
            "申报编号：{application_number}\n评审活动：{edition}\n撤销理由：{reason}\n当前状态：{status}"
        ),
        subject_en="Award revoked: {application_number} {title}",
        body_en=en_body(
            "The award of the application “{title}” ({unit}) is revoked; its certificate is no longer valid.\n\n"
            "Number: {application_number}\nEdition: {edition}\nReason: {reason}\nStatus: {status}"
        ),
    ),
}


def register_notices() -> None:
    for action, wording in WORDINGS.items():
        register(action, wording)


def tell(application, kind: str, context: dict, *, parties=("applicant", "unit", "recommender")) -> int:
    """Write a portal message `notices/results/mail/<kind>_{subject,body}.txt` to the people of `parties` and
    queue its mail after commit. Returns the number of messages."""
    from notifications import links
    from notifications.models import PortalMessage
    from notifications.recipients import recipients
    from notifications.selectors import languages_of
    from notifications.services import _mail_after_commit, default_language

    people = recipients(application, list(parties))
    languages = languages_of([p.user.pk for p in people])
    for person in people:
        language = languages.get(person.user.pk, default_language())
        path = links.path_for(person.party, application.pk)
        values = {"application": application, "link": links.absolute(path), "recipient": person.user, **context}
        with translation.override(language):
            subject = " ".join(render_to_string(f"notices/results/mail/{kind}_subject.txt", values).split())
            body = render_to_string(f"notices/results/mail/{kind}_body.txt", values)
        message = PortalMessage.objects.create(
            recipient=person.user,
            application=application,
            event=f"results.{kind}",
            language=language,
            subject=subject[:200],
            body=body,
            link=path,
        )
        transaction.on_commit(_mail_after_commit(message.pk), robust=True)
    return len(people)
