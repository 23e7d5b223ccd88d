"""Demo data for the applicant channel (runs after the accounts and awards seeders).

`group@demo.saq.test` leads 精益求精QC小组 of 上海华瑞精密机械有限公司. In this year's open QC edition the group gets:

- one SUBMITTED application, complete, with real small PDF and PNG attachments, submitted through
  `services.application_submit`, so it has the number QC-<year>-0001, a timeline and the unit's notification;
- one DRAFT (创新型), half filled in, to continue in the browser.

So that both can be real, the demo QC edition admits two applications per group (changed through
`awards.services.edition_update`, audited). The group registered long before the window opened (its `created_at`
is moved back once) and has six members, so it passes every eligibility rule.

Last year's QC edition gets an application of the same group with a very similar topic, so the similarity flag
shows on this year's entry. That window is closed and `application_create` refuses a closed window, so last year's
entry is inserted as a draft row and then goes through `application_submit` with `now` inside last year's window
(and on to "recommended" through the transition function), its timeline dated in last year.

A few other QC groups get submitted applications too. Idempotent: every application is matched by edition, group
and topic, and only missing ones are made; numbers are never taken twice.
"""

import datetime
import io

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count
from django.utils import timezone

from accounts.enums import ApprovalStatus
from accounts.models import QCGroup
from awards.enums import PhaseKind, QuestionKind
from awards.models import Edition, Programme
from awards.services import edition_update

from . import services
from .enums import Action, Status
from .models import Application, ApplicationEvent

PROGRAMME_CODE = "QC"
LEADER_EMAIL = "group@demo.saq.test"
STAFF_EMAIL = "staff@demo.saq.test"
SUBMITTED_TITLE = "降低数控车床加工件尺寸超差率"
PAST_TITLE = "降低数控车床加工件的尺寸超差率"
DRAFT_TITLE = "基于机器视觉的轴承外圈缺陷在线检测方法研究"
OTHER_TITLES = [
    ("提高汽车线束端子压接一次合格率", "problem_solving"),
    ("缩短注塑模具换模时间", "problem_solving"),
    ("研制变压器绕组自动绑扎装置", "innovation"),
    ("降低化工装置蒸汽单耗", "problem_solving"),
]

SUMMARY = (
    "小组针对数控车床加工的轴类零件外圆尺寸超差率偏高的问题，按照问题解决型课题的活动程序开展活动。"
    "通过现状调查发现超差集中在精车工序，占全部不合格的78.6%；从人、机、料、法、环、测六个方面分析原因，"
    "确认刀具磨损补偿不及时、装夹定位误差大、切削参数不合理三条要因，逐条制定并实施对策。"
)
RESULTS = (
    "对策实施后，外圆尺寸超差率由3.2%降低到0.6%，优于课题目标0.8%；年节约返工和报废成本约48万元。"
    "新的刀具寿命管理办法和液压夹具作业指导书已纳入公司标准，并在兄弟车间推广应用。"
)
REASON = "外圆尺寸超差是精车工序的主要质量问题，客户投诉三次，返工占用产能，亟需解决。"


def pdf_bytes(title: str) -> bytes:
    """A small valid PDF with one page of Chinese text (WeasyPrint, with the same fonts as the forms)."""
    from documents.pdf import html_to_pdf

    return html_to_pdf(
        '<html lang="zh-Hans"><body style="font-family: \'Noto Sans CJK SC\', sans-serif">'
        f"<h1>{title}</h1><p>{SUMMARY}</p><p>{RESULTS}</p></body></html>"
    )


def png_bytes(text_color=(200, 30, 30)) -> bytes:
    """A small PNG that looks like a red seal on white paper (the stamped scan)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (420, 300), "white")
    draw = ImageDraw.Draw(image)
    draw.ellipse((130, 70, 290, 230), outline=text_color, width=8)
    draw.polygon(
        [
            (210, 115),
            (222, 145),
            (255, 145),
            (228, 165),
            (238, 195),
            (210, 177),
            (182, 195),
            (192, 165),
            (165, 145),
            (198, 145),
        ],
        fill=text_color,
    )
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _answers(edition: Edition, title: str, *, complete: bool) -> dict:
    answers = {}
    for question in edition.questions.all():
        if question.kind in (QuestionKind.MEMBER_TABLE, QuestionKind.FILE):
            continue
        value = {
            "contact_name": "陈志明",
            "contact_phone": "13816000002",
            "summary": SUMMARY.replace("数控车床加工的轴类零件外圆尺寸超差率", title),
            "main_results": RESULTS,
            "direct_benefit": "48",
            "topic_reason": REASON,
            "activity_start": f"{edition.year - 1}-09-01",
            "activity_end": f"{edition.year}-04-30",
            "target_kind": "自定目标",
        }.get(question.code)
        if value is None:
            if question.kind == QuestionKind.CHOICE and question.choices:
                value = question.choices[0]
            elif question.kind == QuestionKind.NUMBER:
                value = "10"
            elif question.kind == QuestionKind.DATE:
                value = f"{edition.year}-03-01"
            else:
                value = f"{question.label}：见成果报告。"
        if complete or question.code in ("contact_name", "contact_phone", "summary"):
            answers[question.code] = value
    return answers


def _upload_all(application: Application, actor, now=None) -> None:
    for requirement in application.edition.attachment_requirements.filter(required=True):
        if "application/pdf" in requirement.allowed_types and requirement.code != "stamped_form":
            data, name = pdf_bytes(f"{application.title} 成果报告"), f"{application.title}-成果报告.pdf"
        elif "image/png" in requirement.allowed_types:
            data, name = png_bytes(), "申报表盖章扫描件.png"
        else:
            data, name = pdf_bytes(requirement.name), f"{requirement.code}.pdf"
        services.attachment_upload(
            actor=actor,
            application=application,
            requirement=requirement,
            uploaded_file=SimpleUploadedFile(name, data),
            now=now,
        )


def _make(edition, group, title, category_code, *, complete: bool, subtype_code: str | None = None):
    """The draft of `group` in `edition` with `title`, created (and filled) only if missing."""
    existing = Application.objects.filter(edition=edition, group=group, title=title).first()
    if existing is not None:
        return existing, False
    category = edition.categories.get(code=category_code)
    subtype = edition.categories.filter(code=subtype_code).first() if subtype_code else None
    application = services.application_create(
        actor=group.leader, edition=edition, category=category, subtype=subtype, title=title, group=group
    )
    application = services.application_save_draft(
        actor=group.leader,
        application=application,
        revision=application.revision,
        title=title,
        category=category,
        subtype=subtype,
        answers=_answers(edition, title, complete=complete),
    )
    if complete:
        _upload_all(application, group.leader)
    return Application.objects.get(pk=application.pk), True


def _registered_before(group: QCGroup, moment: datetime.datetime) -> QCGroup:
    if group.created_at >= moment:
        QCGroup.objects.filter(pk=group.pk).update(created_at=moment - datetime.timedelta(days=180))
        group.refresh_from_db()
    return group


def _past_application(
    edition: Edition, group: QCGroup, staff, title: str = PAST_TITLE, category: str = "problem_solving"
) -> tuple[Application | None, bool]:
    """Last year's entry of `group` (by default the demo group's similar topic): submitted within last year's
    window, then recommended. The reviews demo reuses it for last year's other entries."""
    existing = Application.objects.filter(edition=edition, group=group, title=title).first()
    if existing is not None:
        return existing, False
    phase = edition.application_phase
    if phase is None or phase.ends_at > timezone.now():
        return None, False
    submitted_at = phase.starts_at + datetime.timedelta(days=7, hours=5)
    application = Application.objects.create(  # a draft row: application_create refuses a closed window
        edition=edition,
        category=edition.categories.get(code=category),
        title=title,
        group=group,
        unit=group.unit,
        created_by=group.leader,
        answers={
            **_answers(edition, title, complete=True),
            "members": [
                {"name": m.name, "job_title": m.job_title, "role_in_group": m.role_in_group}
                for m in group.members.all()
            ],
        },
    )
    ApplicationEvent.objects.create(
        application=application, action="create", to_status=Status.DRAFT, actor=group.leader
    )
    _upload_all(application, group.leader, now=submitted_at)  # within last year's window, as it was
    application = services.application_submit(actor=group.leader, application=application, now=submitted_at)
    contact = group.unit.memberships.filter(role="unit", is_active=True).select_related("user").first()
    application = services.application_transition(
        application=application,
        action=Action.UNIT_ENDORSE,
        actor=contact.user if contact else staff,
        note="同意推荐。",
    ).application
    application = services.application_transition(
        application=application, action=Action.RECOMMEND, actor=staff, note="经评审，推荐至市质协。"
    ).application
    # Date the history in last year's calendar: created, submitted, endorsed after 3 days, recommended after 6.
    days = {"create": -3, "submit": 0, Action.UNIT_ENDORSE: 3, Action.RECOMMEND: 6}
    for event in application.events.all():
        moment = submitted_at + datetime.timedelta(days=days.get(event.action, 0))
        ApplicationEvent.objects.filter(pk=event.pk).update(created_at=moment)
    Application.objects.filter(pk=application.pk).update(created_at=submitted_at - datetime.timedelta(days=3))
    return application, True


def _other_groups(demo_group: QCGroup, limit: int) -> list[QCGroup]:
    """Approved groups of approved units with 3 to 10 members, other than the demo group, in a stable order."""
    return list(
        QCGroup.objects.filter(status=ApprovalStatus.APPROVED, unit__status=ApprovalStatus.APPROVED)
        .exclude(pk=demo_group.pk)
        .exclude(unit=demo_group.unit)
        .annotate(member_count=Count("members"))
        .filter(member_count__gte=3, member_count__lte=10)
        .select_related("unit", "leader")
        .order_by("unit__name", "name")[:limit]
    )


def seed(*, stdout):
    now = timezone.now()
    programme = Programme.objects.filter(code=PROGRAMME_CODE).first()
    group = QCGroup.objects.filter(leader__email=LEADER_EMAIL).select_related("unit", "leader").first()
    if programme is None or group is None:
        stdout.write("  skipped: the QC programme or the demo group is missing (run the accounts and awards seeders)\n")
        return []
    staff = get_user_model().objects.filter(email=STAFF_EMAIL).first()
    year = timezone.localdate(now).year
    current = Edition.objects.filter(programme=programme, year=year).prefetch_related("phases").first()
    past = Edition.objects.filter(programme=programme, year=year - 1).prefetch_related("phases").first()
    phase = current.phase(PhaseKind.APPLICATION) if current else None
    if phase is None or not phase.is_open(now):
        stdout.write("  skipped: this year's QC edition is not open for applications\n")
        return []
    if (current.max_applications_per_group or 0) < 2:
        edition_update(actor=staff, edition=current, data={"max_applications_per_group": 2})
        current.refresh_from_db()

    earliest = min(p.application_phase.starts_at for p in (current, past) if p and p.application_phase)
    group = _registered_before(group, earliest)
    made = 0

    if past is not None:
        made += _past_application(past, group, staff)[1]

    submitted, created = _make(
        current, group, SUBMITTED_TITLE, "problem_solving", complete=True, subtype_code="problem_solving_onsite"
    )
    if submitted.status in (Status.DRAFT, Status.RETURNED_TO_GROUP):
        submitted = services.application_submit(actor=group.leader, application=submitted)
    made += created
    _draft, created = _make(current, group, DRAFT_TITLE, "innovation", complete=False)
    made += created

    for other, (title, category) in zip(_other_groups(group, len(OTHER_TITLES)), OTHER_TITLES, strict=False):
        other = _registered_before(other, phase.starts_at)
        application, created = _make(current, other, title, category, complete=True)
        if application.status == Status.DRAFT:
            services.application_submit(actor=other.leader, application=application)
        made += created

    count = Application.objects.filter(edition__programme=programme).count()
    stdout.write(f"  QC applications: {count} ({made} new); {group.name}: {submitted.number} submitted, 1 draft\n")
    return [(LEADER_EMAIL, f"申报 {submitted.number}（已提交）和一份草稿 / one submitted application and a draft")]
