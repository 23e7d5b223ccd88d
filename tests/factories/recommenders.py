"""Bring an application to each step of the endorsement chain through the real services.

    edition = qc_edition()                                  # QC edition, application window open now
    application = submitted_application(edition=edition)    # at the unit (status submitted)
    contact = contact_of(application.unit)                  # a unit contact who may act
    self_evaluated(application, contact)                    # self-evaluation (80 % of every item) + opinion
    scan_uploaded(application, contact)                     # the stamped scan (a real PNG)
    application = endorsed_application(edition=edition)    # at the recommender (status endorsed)

Every helper goes through the services (create, save answers, upload attachments, submit, self-evaluate, upload
the scan, endorse), so each step leaves the same timeline, audit rows and endorsement rows as the portal does.
The signatures are stable: the recommender-side tests build on them.
"""

import datetime
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.enums import Role
from accounts.models import Membership, QCGroup, Unit
from applications import services as application_services
from applications.models import Application
from awards.enums import ApplicantKind, PhaseKind, ProgrammeKind, QuestionKind
from awards.models import Category, Edition, Phase, Programme
from awards.services import edition_create
from recommenders import services as recommender_services
from recommenders.models import Endorsement, Evaluation

from .accounts import QCGroupFactory, UnitFactory, UserFactory, staff_user

DEFAULT_OPINION = "该成果选题合理，数据翔实，效果明显，同意推荐。"


# --- Files ------------------------------------------------------------------------------------------------------


def pdf_bytes(pages: int = 1) -> bytes:
    """A small valid PDF (blank A4 pages) that the upload checks accept."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png_bytes(size=(40, 30), color=(200, 30, 30)) -> bytes:
    """A small valid PNG image (a stamped scan as far as the checks can tell)."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


# --- Editions ---------------------------------------------------------------------------------------------------


def _free_year(programme: Programme) -> int:
    """A year the programme has no edition for (far from real ones, within the model's 2000..2100)."""
    taken = set(Edition.objects.filter(programme=programme).values_list("year", flat=True))
    return next(year for year in range(2060, 2101) if year not in taken)


def qc_programme() -> Programme:
    programme, _created = Programme.objects.get_or_create(
        code="qc",
        defaults={
            "name": "上海市质量管理小组活动成果",
            "kind": ProgrammeKind.QC_ACHIEVEMENT,
            "applicant_kind": ApplicantKind.GROUP,
        },
    )
    return programme


def open_phases(edition: Edition, *, now=None, unit_endorsement_ends=None) -> Edition:
    """Move the edition's schedule so that the application window, the unit endorsement and the recommendation
    are open now (the later phases follow)."""
    now = now or timezone.now()
    day = datetime.timedelta(days=1)
    windows = {
        PhaseKind.APPLICATION: (now - 10 * day, now + 10 * day),
        PhaseKind.UNIT_ENDORSEMENT: (now - 10 * day, unit_endorsement_ends or now + 20 * day),
        PhaseKind.RECOMMENDATION: (now - 10 * day, now + 30 * day),
        PhaseKind.FORMAL_REVIEW: (now + 30 * day, now + 35 * day),
        PhaseKind.DOCUMENT_REVIEW: (now + 35 * day, now + 55 * day),
        PhaseKind.PRESENTATION: (now + 56 * day, now + 70 * day),
        PhaseKind.PUBLIC_NOTICE: (now + 100 * day, now + 107 * day),
        PhaseKind.RESULTS: (now + 110 * day, now + 140 * day),
    }
    for kind, (starts_at, ends_at) in windows.items():
        Phase.objects.update_or_create(
            edition=edition, kind=kind, defaults={"starts_at": starts_at, "ends_at": ends_at}
        )
    return edition


# What each item assesses (facts §2.1, §2.2), as staff fill it in when configuring the edition.
ITEM_DESCRIPTIONS = {
    "问题解决型课题成果评价表": {
        "topic": "与上级方针目标结合或现场急需；选题理由明确、用数据说明；现状调查或目标可行性论证为原因分析提供依据；"
        "目标可测量、可检查",
        "cause": "针对问题或症结分析、逻辑清晰；逐层分析到末端；逐条确认末端原因，以影响程度判断主要原因",
        "measures": "针对主要原因逐条制订对策；5W1H 对策表；逐条实施并与对策目标比较；未达标有修改措施",
        "effect": "课题目标完成；经济/社会效益实事求是；有效措施纳入标准或制度；成员素质提升并提出下一步打算",
        "report": "真实、有逻辑；通俗易懂、以图表数据为主",
        "feature": "统计方法运用适宜、正确",
    },
    "创新型课题成果评价表": {
        "topic": "来自内外部顾客及相关方需求；广泛借鉴；目标与课题需求一致、可测量；依据借鉴数据论证目标可行性",
        "best_plan": "总体方案创新且相对独立、分级方案可比；逐层分解到可实施；用事实数据逐一评价选择",
        "measures": "对选定具体方案逐项制定对策；5W1H；逐条实施；确认目标完成、未达标修改",
        "effect": "检查目标完成；效益实事求是；有推广价值的成果形成标准/制度；能力提升及下一步打算",
        "report": "真实、有逻辑；通俗易懂、以图表数据为主",
        "feature": "充分考虑成员创造性；具有推广应用价值；统计方法运用适宜、正确",
    },
}


def describe_rubric_items(edition: Edition) -> None:
    for rubric in edition.rubrics.prefetch_related("items"):
        for item in rubric.items.all():
            description = ITEM_DESCRIPTIONS.get(rubric.name, {}).get(item.code)
            if description and not item.description:
                item.description = description
                item.save(update_fields=["description"])


def qc_edition(*, year: int | None = None, unit_quota: int | None = None, **fields) -> Edition:
    """A QC-achievement edition built by `awards.services.edition_create` (rubrics 问题解决型 / 创新型, questions,
    attachments) with its schedule moved so that applying, endorsing and recommending are open now."""
    programme = qc_programme()
    edition = edition_create(actor=staff_user(), programme=programme, year=year or _free_year(programme))
    for name, value in {"unit_quota": unit_quota, **fields}.items():
        setattr(edition, name, value)
    edition.save()
    describe_rubric_items(edition)
    return open_phases(edition)


def close_unit_endorsement(edition: Edition) -> Edition:
    """End the unit-endorsement phase a minute ago (the rest of the schedule stays open)."""
    now = timezone.now()
    Phase.objects.filter(edition=edition, kind=PhaseKind.UNIT_ENDORSEMENT).update(
        starts_at=now - datetime.timedelta(days=10), ends_at=now - datetime.timedelta(minutes=1)
    )
    return edition


def category_of(edition: Edition, code: str = "problem_solving") -> Category:
    return Category.objects.get(edition=edition, code=code)


# --- People -----------------------------------------------------------------------------------------------------


def contact_of(unit: Unit, **user_fields):
    """A (new) contact of `unit`, holding the unit role: the person who acts in the unit channel."""
    user = UserFactory(**user_fields)
    Membership.objects.create(user=user, role=Role.UNIT, unit=unit)
    return user


def _old_group(unit: Unit, **fields) -> QCGroup:
    """An approved group registered long before any application window (the default eligibility rule)."""
    group = QCGroupFactory(unit=unit, **fields)
    QCGroup.objects.filter(pk=group.pk).update(created_at=timezone.now() - datetime.timedelta(days=400))
    group.refresh_from_db()
    return group


# --- Applications -----------------------------------------------------------------------------------------------


def _answers(edition: Edition, title: str) -> dict:
    answers = {}
    for question in edition.questions.all():
        if question.kind == QuestionKind.MEMBER_TABLE:
            continue  # filled from the group's members when the draft is created
        if question.kind == QuestionKind.NUMBER:
            answers[question.code] = "12.5"
        elif question.kind == QuestionKind.DATE:
            answers[question.code] = "2026-01-15" if question.code.endswith("start") else "2026-05-30"
        elif question.kind == QuestionKind.CHOICE:
            answers[question.code] = question.choices[0] if question.choices else ""
        elif question.kind == QuestionKind.LONG_TEXT:
            answers[question.code] = f"{question.label}：围绕“{title}”开展活动，数据翔实，效果明显。"
        else:
            answers[question.code] = "张三" if "name" in question.code else "021-58880000"
    return answers


def draft_application(
    *,
    edition: Edition | None = None,
    unit: Unit | None = None,
    group: QCGroup | None = None,
    category: str = "problem_solving",
    title: str = "降低精密轴承外圈磨削不良率",
) -> Application:
    """A complete draft (answers and required attachments) of a QC group, not yet submitted."""
    edition = edition or qc_edition()
    if group is None:
        group = _old_group(unit or UnitFactory())
    leader = group.leader
    application = application_services.application_create(
        actor=leader, edition=edition, category=category_of(edition, category), title=title, group=group
    )
    application = application_services.application_save_draft(
        actor=leader,
        application=application,
        revision=application.revision,
        title=title,
        category=application.category,
        subtype=None,
        answers=_answers(edition, title),
    )
    for requirement in edition.attachment_requirements.filter(required=True):
        if "application/pdf" in requirement.allowed_types:
            data, name = pdf_bytes(), f"{requirement.code}.pdf"
        else:
            data, name = png_bytes(), f"{requirement.code}.png"
        application_services.attachment_upload(
            actor=leader, application=application, requirement=requirement, uploaded_file=upload(name, data)
        )
    return Application.objects.get(pk=application.pk)


def submitted_application(
    *,
    edition: Edition | None = None,
    unit: Unit | None = None,
    group: QCGroup | None = None,
    category: str = "problem_solving",
    title: str = "降低精密轴承外圈磨削不良率",
) -> Application:
    """An application submitted by its QC group's leader: waiting at the unit (status `submitted`, numbered)."""
    application = draft_application(edition=edition, unit=unit, group=group, category=category, title=title)
    return application_services.application_submit(actor=application.group.leader, application=application)


def default_scores(application: Application, share: Decimal = Decimal("0.8")) -> dict:
    """`share` of every item's maximum, one decimal place, keyed by item code."""
    rubric = recommender_services.rubric_for(application)
    return {item.code: str((item.max_points * share).quantize(Decimal("0.1"))) for item in rubric.items.all()}


def self_evaluated(
    application: Application, actor, *, scores: dict | None = None, opinion: str = DEFAULT_OPINION
) -> Evaluation:
    """The unit's self-evaluation (default: 80 % of every item) and recommendation opinion, by `actor`."""
    return recommender_services.self_evaluation_save(
        actor=actor, application=application, scores=scores or default_scores(application), opinion=opinion
    )


def scan_uploaded(application: Application, actor, *, data: bytes | None = None, name: str = "盖章扫描件.png"):
    """The unit's stamped scoring-and-recommendation form (default: a real PNG)."""
    return recommender_services.unit_scan_upload(
        actor=actor, application=application, uploaded_file=upload(name, data or png_bytes())
    )


def ready_to_endorse(application: Application, actor) -> Application:
    """Self-evaluation, opinion and scan in place: everything `unit_endorse` asks for."""
    self_evaluated(application, actor)
    scan_uploaded(application, actor)
    return Application.objects.get(pk=application.pk)


def endorsed_application(
    *,
    edition: Edition | None = None,
    unit: Unit | None = None,
    group: QCGroup | None = None,
    category: str = "problem_solving",
    title: str = "降低精密轴承外圈磨削不良率",
    actor=None,
) -> Application:
    """An application endorsed by its unit (status `endorsed`, at the recommender; `recommended` for a confirmed
    direct member unit). `actor` is the unit contact who endorses (a new contact if None)."""
    application = submitted_application(edition=edition, unit=unit, group=group, category=category, title=title)
    actor = actor or contact_of(application.unit)
    ready_to_endorse(application, actor)
    return recommender_services.unit_endorse(actor=actor, application=application)


def unit_endorsement(application: Application) -> Endorsement | None:
    return Endorsement.objects.filter(application=application, level="unit").first()
