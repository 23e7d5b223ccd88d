"""Bring an application to each step of the endorsement chain through the real services.

    edition = qc_edition()                                  # QC edition: applying and endorsing open now
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
from decimal import Decimal

from django.utils import timezone

from accounts.enums import Role
from accounts.models import Membership, QCGroup, Unit
from applications.models import Application
from awards.enums import PhaseKind
from awards.models import Category, Edition, Phase
from recommenders import services as recommender_services
from recommenders.models import Endorsement, Evaluation

from . import applications as application_factories
from .accounts import UserFactory
from .applications import pdf_bytes, png_bytes, upload
from .awards import open_edition

__all__ = [
    "DEFAULT_OPINION",
    "category_of",
    "close_unit_endorsement",
    "contact_of",
    "decided",
    "default_scores",
    "draft_application",
    "endorsed_application",
    "open_phases",
    "pdf_bytes",
    "png_bytes",
    "qc_edition",
    "ranked",
    "ready_to_endorse",
    "scan_uploaded",
    "scoring_form_built",
    "self_evaluated",
    "submitted_application",
    "unit_endorsement",
    "upload",
]

DEFAULT_TITLE = "降低精密轴承外圈磨削不良率"
DEFAULT_OPINION = "该成果选题合理，数据翔实，效果明显，同意推荐。"


# --- Editions ---------------------------------------------------------------------------------------------------


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
    """A QC-achievement edition (`tests.factories.awards.open_edition`: default categories, rubrics, questions,
    attachments) whose application window, unit endorsement and recommendation are open now, with the rubric
    items' descriptions filled in and the given rule fields (`unit_quota`, `recommend_per_unit`, ...) set."""
    edition = open_edition(**({"year": year} if year else {}))
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


def draft_application(
    *,
    edition: Edition | None = None,
    unit: Unit | None = None,
    group: QCGroup | None = None,
    category: str = "problem_solving",
    title: str = DEFAULT_TITLE,
) -> Application:
    """A complete draft (answers and required attachments) of a QC group of `unit`, not yet submitted."""
    return application_factories.draft_application(
        edition=edition or qc_edition(), unit=unit, group=group, category=category, title=title
    )


def submitted_application(
    *,
    edition: Edition | None = None,
    unit: Unit | None = None,
    group: QCGroup | None = None,
    category: str = "problem_solving",
    title: str = DEFAULT_TITLE,
) -> Application:
    """An application submitted by its QC group's leader: waiting at the unit (status `submitted`, numbered).
    `unit`: the group's unit (a new approved unit under a new recommender if None and no `group`)."""
    return application_factories.submitted_application(
        edition=edition or qc_edition(), unit=unit, group=group, category=category, title=title
    )


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


def scoring_form_built(application: Application, actor=None):
    """The 成果评分与推荐意见表 generated (in this process) from the saved scores and opinion."""
    from documents.services import document_build_now
    from recommenders.documents_unit import SCORING_OPINION_FORM

    document = document_build_now(kind=SCORING_OPINION_FORM, obj=application, actor=actor)
    assert document.is_ready, document.error
    return document


def scan_uploaded(application: Application, actor, *, data: bytes | None = None, name: str = "盖章扫描件.png"):
    """The unit's stamped scoring-and-recommendation form (default: a real PNG), uploaded after the form was
    generated from the saved scores and opinion (built here if it is not current)."""
    if not recommender_services.scoring_form_state(application)["form_current"]:
        scoring_form_built(application, actor)
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
    title: str = DEFAULT_TITLE,
    actor=None,
) -> Application:
    """An application endorsed by its unit (status `endorsed`, at the recommender; `recommended` for a confirmed
    direct member unit). `actor` is the unit contact who endorses (a new contact if None)."""
    application = submitted_application(edition=edition, unit=unit, group=group, category=category, title=title)
    actor = actor or contact_of(application.unit)
    ready_to_endorse(application, actor)
    return recommender_services.unit_endorse(actor=actor, application=application)


DEFAULT_RECOMMENDER_OPINION = "经评审，同意推荐。"
DEFAULT_DECLINE_REASON = "经评审，本年度不予推荐。"


def ranked(actor, application: Application, *first: Application) -> None:
    """Rank every application of `application`'s category under its recommender (1..n, each once): the ones in
    `first` lead in that order, the rest follow by their saved rank, then by number. `actor` decides for the
    recommender."""
    recommender = application.unit.recommender
    others = recommender_services.ranked_applications(recommender, application.edition, application.category)
    saved = {
        e.application_id: e.rank
        for e in Endorsement.objects.filter(application__in=others, level="recommender", rank__isnull=False)
    }
    lead = [a.pk for a in first]
    rest = sorted((a for a in others if a.pk not in lead), key=lambda a: (saved.get(a.pk) or 10_000, a.number or ""))
    recommender_services.recommender_rank(
        actor=actor,
        recommender=recommender,
        edition=application.edition,
        category=application.category,
        ordered_ids=lead + [a.pk for a in rest],
    )


def decided(application: Application, actor, *, recommend: bool = True, opinion: str | None = None) -> Application:
    """The recommender's decision through the service, as the page takes it: the category ranked first if its
    ranking is not complete, and the opinion (recommend) or the reason (decline) given."""
    recommender = application.unit.recommender
    if recommend and recommender_services.ranking_problem(
        recommender=recommender, edition=application.edition, category=application.category
    ):
        ranked(actor, application)
    return recommender_services.recommender_decide(
        actor=actor,
        application=application,
        recommender=recommender,
        recommend=recommend,
        opinion=opinion
        if opinion is not None
        else (DEFAULT_RECOMMENDER_OPINION if recommend else DEFAULT_DECLINE_REASON),
    )


def unit_endorsement(application: Application) -> Endorsement | None:
    return Endorsement.objects.filter(application=application, level="unit").first()
